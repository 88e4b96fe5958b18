"""The inbox, the outbox, a request page and the API run a fixed number of queries, however
many requests, timeline entries and items there are."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from tests.cooperation.factories import REASONS, details


def _fill(council_user, board_user, make_user, n: int):
    """n requests each way, each with a full timeline and an answer with items."""
    other = make_user("la-swansea", Role.PRACTITIONER)
    last = None
    for i in range(n):
        req = services.create_request(details(), by=council_user, on=date(2026, 3, 2))
        services.acknowledge_request(req, by=board_user)
        services.ask_for_clarification(
            req, "Which years of records do you need?", by=board_user, on=date(2026, 3, 3)
        )
        services.give_clarification(
            req, "From January 2025 to date.", by=council_user, on=date(2026, 3, 4)
        )
        items = [
            services.ItemInput(f"Record {k}", "fact", date(2026, 3, 5), "Secure e-mail")
            for k in range(3)
        ]
        services.respond_to_request(
            req,
            services.AnswerInput("partly_complied", "s164-ground-a", REASONS, items=items),
            by=board_user,
            on=date(2026, 3, 5),
        )
        services.create_request(details("la-cardiff"), by=other, on=date(2026, 3, 2 + i % 3))
        last = req
    return last


PAGES = [
    "/requests/sent?state=all",
    "/requests/received",
    "/requests/all?state=all",
    "/requests/{req}",
    "/api/v1/cooperation-requests/?state=all",
    "/api/v1/cooperation-requests/{req}",
]


@pytest.mark.parametrize("path", PAGES)
def test_query_count_does_not_grow_with_the_data(
    app, login, api_client, council_user, board_user, make_user, count_queries, db_session, path
):
    counts = []
    for n in (2, 12):
        req = _fill(council_user, board_user, make_user, n)
        client = api_client(council_user) if path.startswith("/api") else login(council_user)
        db_session.commit()
        url = path.format(req=req.id)
        client.get(url)  # warm caches (user loading, compiled statements)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts
