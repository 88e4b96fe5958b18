"""On PostgreSQL, each side of a board request list reads the organisation's open requests
from an index in due-date order: the board's own, those asked of a body and those whose
information goes to it. No scan reads a body's (or everyone's) requests and discards the
answered ones to fill a page."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from isp_manager.extensions import db
from tests.board_requests.conftest import BOARD, BODY, THIRD
from tests.conftest import org

TABLE = "board_requests"
OPEN_DUE = {
    "requesting": "ix_board_requests_requesting_open_due",
    "requested": "ix_board_requests_requested_open_due",
    "provide_to": "ix_board_requests_provide_to_open_due",
}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")


def _scans(stmt) -> list[dict]:
    """The plan's scans of the board requests table, but the look-up of each listed row by id."""
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
    return [
        n for n in nodes if n.get("Relation Name") == TABLE and n.get("Index Name") != f"pk_{TABLE}"
    ]


@pytest.mark.parametrize(
    "user_org, role, box, sides",
    [
        (BOARD, Role.BOARD_OFFICER, services.Box.SENT, ["requesting"]),
        (BOARD, Role.BOARD_OFFICER, services.Box.RECEIVED, ["requested", "provide_to"]),
        (BOARD, Role.BOARD_OFFICER, services.Box.ALL, ["requesting", "requested", "provide_to"]),
        (BODY, Role.IG_LEAD, services.Box.SENT, ["requesting"]),
        (BODY, Role.IG_LEAD, services.Box.RECEIVED, ["requested", "provide_to"]),
        (BODY, Role.IG_LEAD, services.Box.ALL, ["requesting", "requested", "provide_to"]),
    ],
)
def test_each_side_of_an_open_list_reads_the_organisations_open_requests_from_an_index(
    make_request, make_user, user_org, role, box, sides
):
    make_request(provide_to=org(THIRD))
    user = make_user(user_org, role)
    stmt = services.list_query(user, box, services.ListFilters(), first=25).limit(25)
    scans = _scans(stmt)
    assert sorted(s.get("Index Name") for s in scans) == sorted(OPEN_DUE[s] for s in sides)
    for scan in scans:
        assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), scan
        assert f"_org_id = {user.organisation_id}" in scan["Index Cond"], scan
        # Nothing read from the index is thrown away: the open states are the partial index's
        # own predicate, or (provide_to) part of the index condition.
        assert "Filter" not in scan, (
            scan.get("Index Name"),
            scan.get("Index Cond"),
            scan.get("Filter"),
        )
