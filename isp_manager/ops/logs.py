"""Logs: one line a request (JSON in production, LOG_FORMAT=json|text) with a request id.

The request id is the caller's X-Request-ID when it is sane (letters, digits and dashes, at
most 64), else a new one; it goes back in the X-Request-ID response header, on error pages
("quote this reference") and in the audit events the request writes.

The request line has the method, the path, the names (never the values) of the query
parameters, the route's endpoint, the status, the duration in milliseconds, the signed-in
user's id and the request id. Health checks and metrics scrapes are logged at debug level
only, so a load balancer polling every few seconds does not fill the log.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, g, request

REQUEST_LOGGER = "isp_manager.request"
QUIET_ENDPOINTS = frozenset({"site.health", "site.ready", "ops.metrics"})
MAX_REQUEST_ID = 64
# Attributes every LogRecord has: anything else passed in `extra` goes into the JSON line.
_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def sane_request_id(value: str | None) -> str | None:
    """The caller's request id if it is safe to log and echo back, else None."""
    if not value or len(value) > MAX_REQUEST_ID:
        return None
    return value if value.replace("-", "").isalnum() and value.isascii() else None


def new_request_id() -> str:
    return secrets.token_hex(8)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or _current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None) or _current_request_id()
        return f"{line} [request {request_id}]" if request_id else line


def _current_request_id() -> str | None:
    try:
        return g.get("request_id")
    except RuntimeError:  # outside a request or app context
        return None


def configure_logging(app: Flask) -> None:
    """The service's loggers write to stderr in LOG_FORMAT (gunicorn and systemd collect it)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else TextFormatter())
    package = logging.getLogger("isp_manager")
    for old in [h for h in package.handlers if getattr(h, "_isp_manager", False)]:
        package.removeHandler(old)
    handler._isp_manager = True
    package.addHandler(handler)
    package.setLevel(app.config["LOG_LEVEL"])
    # (app.logger is this logger too: it has a handler now, so Flask adds none of its own.)
    package.propagate = app.testing  # tests read records through pytest's caplog


def _user_id() -> int | None:
    """The signed-in user's id, if the request loaded one (never loads it for the log)."""
    user = g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    if state is None:  # the anonymous user: no account
        return None
    # The identity, not an attribute: after the request's commit every attribute is expired
    # and reading one would load the user again, a query for the log alone.
    return state.identity[0] if state.identity else None


def register_request_logging(app: Flask) -> None:
    """Registered before the transaction hooks, so the line has the final status."""
    log = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        g.request_id = sane_request_id(request.headers.get("X-Request-ID")) or new_request_id()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        endpoint = request.endpoint or "unmatched"
        if endpoint in QUIET_ENDPOINTS:  # a 503 from /readyz is an answer, not a failure
            level = logging.DEBUG
        else:
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
        log.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "query_keys": sorted(set(request.args.keys())),
                "endpoint": endpoint,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(),
                "request_id": g.get("request_id"),
            },
        )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response
