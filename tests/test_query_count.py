"""The benchmarks' query counter: off by default, exact when switched on."""

from __future__ import annotations

import sqlalchemy as sa

from isp_manager.extensions import db
from isp_manager.query_count import HEADER, TIME_HEADER, QueryCounter, init_query_counter


def test_off_by_default(app, client, monkeypatch):
    monkeypatch.delenv("BENCH_COUNT_QUERIES", raising=False)
    assert HEADER not in client.get("/healthz").headers
    assert "query_counter" not in app.extensions
    with app.app_context():
        assert init_query_counter(app, db.engine) is None


def test_counts_statements_of_one_request(app, client):
    original = app.wsgi_app
    with app.app_context():
        engine = db.engine
        counter = init_query_counter(app, engine, force=True)
    try:
        response = client.get("/organisations/suggestions.json?q=cardiff")
        assert response.headers[HEADER] == "1"  # the bodies suggested
        assert float(response.headers[TIME_HEADER]) >= 0
        assert client.get("/healthz").headers[HEADER] == "0"  # reset between requests
    finally:
        app.wsgi_app = original
        sa.event.remove(engine, "before_cursor_execute", counter.on_execute)
        sa.event.remove(engine, "after_cursor_execute", counter.on_executed)
        del app.extensions["query_counter"]


def test_transaction_control_is_not_counted():
    counter = QueryCounter()
    counter.reset()
    for statement in ("BEGIN", "SAVEPOINT sa_1", "RELEASE SAVEPOINT sa_1", "select 1", "COMMIT"):
        counter.on_execute(None, None, statement, None, None, False)
    assert counter.count == 1
