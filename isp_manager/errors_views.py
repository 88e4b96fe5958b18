"""Error pages (403, 404, 409, 500, 503 in the service's style) and JSON errors for the API.

Every error page is drawn after the request's transaction is rolled back (a failed flush
leaves the session unusable, and the page's header reads the signed-in user), in a
transaction that only reads, and falls back to a page for nobody in particular if even that
fails: the user always sees the service's page, never the server's bare one.
"""

from __future__ import annotations

from http import HTTPStatus

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, jsonify, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .db import transaction_intent
from .errors import DomainError
from .extensions import db, login_manager
from .i18n import gettext as _

ERROR_TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/400.html",
    409: "errors/400.html",
    413: "errors/400.html",
    422: "errors/400.html",
    429: "errors/400.html",
    500: "errors/500.html",
    503: "errors/503.html",
}
RETRY_AFTER_SECONDS = 5
# PostgreSQL: serialization failure, deadlock detected, lock not available (lock_timeout).
_POSTGRES_LOCK_STATES = {"40001", "40P01", "55P03"}
_SQLITE_LOCK_MESSAGES = ("database is locked", "database table is locked", "busy")


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, message: str, errors: dict | None = None):
    body = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = {"json": errors}
    response = jsonify(body)
    response.status_code = status
    return response


def _named_field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A service's messages for the API, each naming its field ("purpose: Shorten this…")."""
    return {
        key: [
            str(m)
            if key == "_schema" or key.lower() in str(m).lower()
            else _("%(field)s: %(message)s", field=key, message=m)
            for m in messages
        ]
        for key, messages in errors.items()
    }


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_lock_failure(error: BaseException) -> bool:
    """A database error that means 'busy, try again': nothing is wrong with the request."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _POSTGRES_LOCK_STATES:
        return True
    text = str(original).lower()
    return isinstance(error, sa.exc.OperationalError) and any(
        m in text for m in _SQLITE_LOCK_MESSAGES
    )


def _reset_session() -> None:
    try:
        db.session.rollback()
    except Exception:  # a connection that is gone: the page must still be drawn
        current_app.logger.exception("rollback before an error page failed")


def error_page(template: str, code: int, **context) -> tuple[str, int]:
    """The page, drawn after a rollback; for nobody in particular if the first attempt fails."""
    _reset_session()
    with transaction_intent(writes=False):
        try:
            return render_template(template, **context), code
        except Exception:
            current_app.logger.exception("error page failed; drawing it without the user")
            _reset_session()
            g._login_user = login_manager.anonymous_user()
            return render_template(template, **context), code


def database_error_response(error: BaseException) -> Response | None:
    """The answer to a database error that reached the edge, or None for a plain 500.

    Busy (locks, deadlocks, serialization): 503 with Retry-After. A row changed by someone
    else in the meantime, or a constraint the change broke: 409. Nothing was saved.
    """
    if is_lock_failure(error):
        current_app.logger.warning("database busy: %s", error.__class__.__name__)
        status = 503
        message = _(
            "The service is busy: many changes are being saved at the same moment. Nothing has been saved: wait a few seconds, then try again."
        )
    elif isinstance(error, StaleDataError):
        status = 409
        message = _(
            "Someone else changed this record at the same time. Your changes have not been saved: reload the page and try again."
        )
    elif isinstance(error, sa.exc.IntegrityError):
        current_app.logger.warning("constraint refused a change: %s", error.orig)
        status = 409
        message = _(
            "This change conflicts with information already saved, perhaps by someone else at the same time. Nothing has been saved: reload the page, check the information and try again."
        )
    else:
        return None
    if _is_api():
        _reset_session()
        response = _api_error(status, message)
    else:
        body, status = error_page(ERROR_TEMPLATES[status], status, message=message)
        response = Response(body, status=status, mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if _is_api():
            errors = _named_field_errors(error.field_errors()) if error.status_code == 422 else None
            return _api_error(error.status_code, error.message, errors)
        template = getattr(error, "page_template", None) or ERROR_TEMPLATES.get(
            error.status_code, "errors/400.html"
        )
        return error_page(template, error.status_code, message=error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        original = getattr(error, "original_exception", None)
        if original is not None:
            response = database_error_response(original)
            if response is not None:
                return response
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
            response = app.make_response(error_page(template, status, message=None, status=status))
        # The exception's own headers (Allow on a 405, WWW-Authenticate on a 401) stay.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(sa.exc.SQLAlchemyError)
    def _database_error(error: sa.exc.SQLAlchemyError):
        response = database_error_response(error)
        return response if response is not None else _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        if _is_api():
            _reset_session()
            return _api_error(500, _("Something went wrong. Try again later."))
        return error_page("errors/500.html", 500)
