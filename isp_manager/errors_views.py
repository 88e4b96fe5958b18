"""Error pages (403, 404, 500 in the service's style) and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .errors import DomainError

ERROR_TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/400.html",
    413: "errors/400.html",
    429: "errors/400.html",
    500: "errors/500.html",
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, message: str, errors: dict | None = None):
    body = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = {"json": errors}
    response = jsonify(body)
    response.status_code = status
    return response


def _status_name(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if _is_api():
            errors = (
                {k: v for k, v in error.field_errors().items()}
                if error.status_code == 422
                else None
            )
            return _api_error(error.status_code, error.message, errors)
        template = ERROR_TEMPLATES.get(error.status_code, "errors/400.html")
        return render_template(template, message=error.message), error.status_code

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if _is_api():
            # flask-smorest attaches field messages for 422 as error.data["messages"]
            data = getattr(error, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            if messages:
                flat = {}
                for location_errors in messages.values():
                    if isinstance(location_errors, dict):
                        flat.update(location_errors)
                response = _api_error(status, _("Some of the information sent is not valid."), flat)
            else:
                response = _api_error(status, error.description or _status_name(status))
        else:
            template = ERROR_TEMPLATES.get(status, "errors/400.html")
            response = app.make_response(
                (render_template(template, message=None, status=status), status)
            )
        # The exception's own headers (Allow on a 405, WWW-Authenticate on a 401) stay.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        if _is_api():
            return _api_error(500, _("Something went wrong. Try again later."))
        return render_template("errors/500.html"), 500
