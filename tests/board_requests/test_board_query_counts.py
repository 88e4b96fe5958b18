"""The board's list, request page and figures read a fixed number of queries, however many
requests there are."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from isp_manager.board_requests import services
from isp_manager.extensions import db
from tests.board_requests.conftest import BOARD
from tests.cooperation.factories import QueryCounter

DAYS = [date(2026, 4, 1), date(2026, 5, 4), date(2026, 6, 1), date(2026, 9, 1), date(2026, 11, 2)]


@contextmanager
def counted():
    counter = QueryCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)


def _counts(client, paths):
    result = []
    for path in paths:
        with counted() as counter:
            assert client.get(path).status_code == 200
        result.append(counter.count)
    return result


def test_counts_do_not_grow(login, api_client, officer, body_user, make_request):
    client, api = login(officer), api_client(officer)
    first = make_request(on=DAYS[0])
    services.respond_to_request(
        first, services.AnswerInput("complied"), by=body_user, on=date(2026, 4, 10)
    )
    paths = [
        "/board-requests?state=all",
        f"/board-requests/{first.id}",
        "/board-requests/figures?financial_year=2026",
    ]
    api_paths = [
        f"/api/v1/board-requests/figures?board={BOARD}&financial_year=2026",
        "/api/v1/board-requests?state=all",
    ]
    _counts(api, api_paths)  # the token's first use is recorded once
    before = _counts(client, paths) + _counts(api, api_paths)
    for day in DAYS[1:]:
        req = make_request(on=day)
        services.respond_to_request(
            req, services.AnswerInput("complied"), by=body_user, on=date(2026, 11, 20)
        )
    assert _counts(client, paths) + _counts(api, api_paths) == before
