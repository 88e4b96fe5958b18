"""The inbox, the outbox, a request page and the API run a fixed number of queries, however
many requests, timeline entries and items there are."""

from __future__ import annotations

import json
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
    "/api/v1/cooperation-requests?state=all",
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


@pytest.mark.parametrize("state", ["all", "open", "draft", "answered"])
def test_pages_of_all_a_body_sees_are_the_pages_of_the_whole_list(
    council_user, board_user, make_user, make_request, db_session, state
):
    """Everything Cardiff sees (what it asked and what it was asked) is read a page at a time
    from each side's first rows; the pages are those of the whole list, ties and all."""
    swansea = make_user("la-swansea", Role.PRACTITIONER)
    for day in (2, 2, 3, 4):  # the same due dates on both sides
        make_request(on=date(2026, 3, day))
        services.create_request(details("la-cardiff"), by=swansea, on=date(2026, 3, day))
    make_request(send=False)
    services.create_request(details("la-cardiff"), by=swansea, send=False)  # not Cardiff's
    services.respond_to_request(
        make_request(on=date(2026, 3, 3)),
        services.AnswerInput("complied"),
        by=board_user,
        on=date(2026, 3, 5),
    )
    filters = services.ListFilters(state=state)
    today = date(2026, 3, 9)

    def ids(stmt):
        return [r.id for r in db_session.scalars(stmt).unique()]

    whole = ids(services.list_query(council_user, services.Box.ALL, filters, today))
    assert len(whole) == {"all": 9, "open": 8, "draft": 1, "answered": 1}[state]
    for size in (1, 2, 3, 5):
        for page in range(1, len(whole) // size + 2):
            stmt = services.list_query(
                council_user, services.Box.ALL, filters, today, first=page * size
            )
            assert (
                ids(stmt.limit(size).offset((page - 1) * size))
                == whole[(page - 1) * size : page * size]
            ), (size, page)


def test_the_api_pages_through_all_a_body_sees(
    api_client, council_user, make_user, make_request, db_session
):
    swansea = make_user("la-swansea", Role.PRACTITIONER)
    for day in (2, 3, 4):
        make_request(on=date(2026, 3, day))
        services.create_request(details("la-cardiff"), by=swansea, on=date(2026, 3, day))
    db_session.commit()
    client = api_client(council_user)
    whole = [r["id"] for r in client.get("/api/v1/cooperation-requests?page_size=100").json]
    paged = []
    for page in (1, 2, 3, 4):
        response = client.get(f"/api/v1/cooperation-requests?page_size=2&page={page}")
        assert json.loads(response.headers["X-Pagination"])["total"] == 6
        paged += [r["id"] for r in response.json]
    assert len(whole) == 6 and paged == whole
