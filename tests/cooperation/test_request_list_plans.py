"""On PostgreSQL, each side's open requests are read from their own partial index in due-date
order: the planner never walks a body's (or everyone's) requests and discards the answered ones
to fill a page."""

from __future__ import annotations

import json

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
