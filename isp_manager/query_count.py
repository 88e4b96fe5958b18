"""Opt-in instrument for the benchmarks: the number of SQL statements each request ran,
in an X-Query-Count response header, and the milliseconds spent in them in X-Query-Time
(time inside the driver's execute; SQLite computes the rest of a result while it is fetched,
so for SQLite this is a lower bound).

Off unless the environment has BENCH_COUNT_QUERIES=1 when the app is created, so it never
appears in production. It wraps the WSGI app rather than using after_request, so the count
includes everything up to the response going out: the view, template rendering and the
commit in the request's after_request hook. Transaction control (BEGIN, COMMIT, ROLLBACK,
SAVEPOINT) is not counted, so SQLite and PostgreSQL give the same figure.
"""

from __future__ import annotations

import os
import threading
import time

import sqlalchemy as sa
from flask import Flask

ENV_FLAG = "BENCH_COUNT_QUERIES"
HEADER = "X-Query-Count"
TIME_HEADER = "X-Query-Time"
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def is_enabled() -> bool:
    return os.environ.get(ENV_FLAG) == "1"


class QueryCounter:
    """Counts statements per thread (gunicorn's sync workers serve one request per thread)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def reset(self) -> None:
        self._local.count = 0
        self._local.seconds = 0.0

    @property
    def count(self) -> int:
        return getattr(self._local, "count", 0)

    @property
    def milliseconds(self) -> float:
        return getattr(self._local, "seconds", 0.0) * 1000

    def on_execute(self, _conn, _cursor, statement: str, *_args) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self._local.count = self.count + 1
        self._local.started = time.perf_counter()

    def on_executed(self, *_args) -> None:
        started = getattr(self._local, "started", None)
        if started is not None:
            self._local.seconds = (
                getattr(self._local, "seconds", 0.0) + time.perf_counter() - started
            )
            self._local.started = None


class _CountingMiddleware:
    def __init__(self, wsgi_app, counter: QueryCounter):
        self.wsgi_app = wsgi_app
        self.counter = counter

    def __call__(self, environ, start_response):
        self.counter.reset()

        def counting_start_response(status, headers, exc_info=None):
            ours = {HEADER.lower(), TIME_HEADER.lower()}
            headers = [h for h in headers if h[0].lower() not in ours]
            headers.append((HEADER, str(self.counter.count)))
            headers.append((TIME_HEADER, f"{self.counter.milliseconds:.1f}"))
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
    sa.event.listen(engine, "after_cursor_execute", counter.on_executed)
    app.wsgi_app = _CountingMiddleware(app.wsgi_app, counter)
    app.extensions["query_counter"] = counter
    return counter
