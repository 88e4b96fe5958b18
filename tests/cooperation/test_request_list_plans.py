"""On PostgreSQL, each side's open requests are read from their own partial index in due-date
order: the planner never walks a body's (or everyone's) requests and discards the answered ones
to fill a page."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.extensions import db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")


def _plan(stmt) -> list[dict]:
    sql = str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    # Without statistics a tiny table is read whole; with scans of the table ruled out the
    # planner has to choose among the indexes, and must choose the one that fits the list.
    # Statistics of this test's rows, not whatever earlier tests left for autovacuum to see:
    # the plan must not depend on the order the tests ran in.
    db.session.execute(sa.text("ANALYZE cooperation_requests"))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    (row,) = db.session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql)).one()
    plan = row if isinstance(row, list) else json.loads(row)
    nodes = []

    def walk(node):
        nodes.append(node)
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return [n for n in nodes if n.get("Relation Name") == "cooperation_requests"]


@pytest.mark.parametrize(
    "box, user_org, index",
    [
        (
            services.Box.RECEIVED,
            "lhb-cardiff-and-vale",
            "ix_cooperation_requests_requested_open_due",
        ),
        (services.Box.SENT, "la-cardiff", "ix_cooperation_requests_requesting_open_due"),
    ],
)
def test_open_list_reads_the_sides_open_requests_index(
    make_request, make_user, box, user_org, index
):
    make_request()
    user = make_user(user_org, Role.PRACTITIONER)
    scans = _plan(services.list_query(user, box, services.ListFilters(), first=25).limit(25))
    assert [s.get("Index Name") for s in scans] == [index]
    assert "Filter" not in scans[0], scans[0]


def test_all_open_requests_of_a_body_read_both_sides_open_indexes(make_request, make_user):
    make_request()
    user = make_user("la-cardiff", Role.PRACTITIONER)
    scans = _plan(
        services.list_query(user, services.Box.ALL, services.ListFilters(), first=25).limit(25)
    )
    used = {s.get("Index Name") for s in scans}
    assert {
        "ix_cooperation_requests_requested_open_due",
        "ix_cooperation_requests_requesting_open_due",
    } <= used
    assert not any("Filter" in s and "open_due" in (s.get("Index Name") or "") for s in scans)


@pytest.mark.parametrize(
    "filters, index_cond, filtered",
    [
        ({"due_from": date(2027, 1, 1), "due_to": date(2027, 2, 1)}, "due_date >=", None),
        ({"case_reference": "SW/2026"}, None, "subject_reference"),  # s.164's case reference
        ({"sent_from": date(2026, 12, 1)}, None, "sent_on"),
        ({"reference": "S164-2026-0001"}, None, "reference"),
    ],
)
def test_the_find_filters_keep_the_sides_open_requests_index(
    make_request, make_user, filters, index_cond, filtered
):
    """A due date range narrows the index itself; the other filters test the rows of the
    body's open requests only, read from the same index (nothing else is read)."""
    make_request()
    user = make_user("la-cardiff", Role.PRACTITIONER)
    stmt = services.list_query(
        user, services.Box.SENT, services.ListFilters(**filters), first=25
    ).limit(25)
    (scan,) = _plan(stmt)
    assert scan.get("Index Name") == "ix_cooperation_requests_requesting_open_due"
    if index_cond:
        assert index_cond in scan["Index Cond"]
    if filtered:
        assert filtered in scan["Filter"] and "state" not in scan["Filter"], scan["Filter"]
    else:
        assert "Filter" not in scan
