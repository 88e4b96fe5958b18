"""Opt-in instrument for the benchmarks: the number of SQL statements each request ran,
in an X-Query-Count response header.

Off unless the environment has BENCH_COUNT_QUERIES=1 when the app is created, so it never
appears in production. It wraps the WSGI app rather than using after_request, so the count
includes everything up to the response going out: the view, template rendering and the
commit in the request's after_request hook. Transaction control (BEGIN, COMMIT, ROLLBACK,
SAVEPOINT) is not counted, so SQLite and PostgreSQL give the same figure.
"""

from __future__ import annotations

import os
import threading

import sqlalchemy as sa
from flask import Flask

ENV_FLAG = "BENCH_COUNT_QUERIES"
HEADER = "X-Query-Count"
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def is_enabled() -> bool:
    return os.environ.get(ENV_FLAG) == "1"


class QueryCounter:
    """Counts statements per thread (gunicorn's sync workers serve one request per thread)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def reset(self) -> None:
        self._local.count = 0

    @property
    def count(self) -> int:
        return getattr(self._local, "count", 0)

    def on_execute(self, _conn, _cursor, statement: str, *_args) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self._local.count = self.count + 1


class _CountingMiddleware:
    def __init__(self, wsgi_app, counter: QueryCounter):
        self.wsgi_app = wsgi_app
        self.counter = counter

    def __call__(self, environ, start_response):
        self.counter.reset()

        def counting_start_response(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER.lower()]
            headers.append((HEADER, str(self.counter.count)))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, counting_start_response)


def init_query_counter(
    app: Flask, engine: sa.Engine, *, force: bool = False
) -> QueryCounter | None:
    """Install the counter when BENCH_COUNT_QUERIES=1 (or `force`, for tests)."""
    if not (force or is_enabled()):
        return None
    counter = QueryCounter()
    sa.event.listen(engine, "before_cursor_execute", counter.on_execute)
    app.wsgi_app = _CountingMiddleware(app.wsgi_app, counter)
    app.extensions["query_counter"] = counter
    return counter
