"""A list's total is counted side by side (lifecycle.lists.count_requests): it is the number
of requests the list holds, for every box, state and filter of both kinds; on PostgreSQL each
side is counted from an index alone, never by reading a busy body's rows from the table."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services as board
from isp_manager.cooperation import services as s164
from isp_manager.extensions import db
from isp_manager.lifecycle import lists
from tests.board_requests.conftest import details as board_details
from tests.conftest import org
from tests.cooperation.factories import REQUEST_DAY
from tests.cooperation.factories import details as s164_details

S164_USERS = {
    "council": ("la-cardiff", Role.IG_LEAD),
    "health": ("lhb-cardiff-and-vale", Role.IG_LEAD),
    "police": ("police-south-wales", Role.IG_LEAD),
    "auditor": ("nhs-wast", Role.AUDITOR),
}
BOARD_USERS = {
    "board": ("board-cardiff-and-vale", Role.BOARD_OFFICER),
    "health": ("lhb-cardiff-and-vale", Role.IG_LEAD),
    "council": ("la-cardiff", Role.IG_LEAD),
    "auditor": ("nhs-wast", Role.AUDITOR),
}
FILTERS = [
    {"state": lists.OPEN},
    {"state": lists.ALL_STATES},
    {"state": "draft"},
    {"state": "withdrawn"},
    {"state": lists.ALL_STATES, "sent_from": date(2027, 1, 1)},
    {"state": lists.ALL_STATES, "counterparty": "lhb-cardiff-and-vale"},
]


def _filters(**values):
    if "counterparty" in values:
        values["counterparty"] = org(values["counterparty"])
    return lists.ListFilters(**values)


@pytest.fixture
def s164_world(make_user):
    users = {name: make_user(code, role) for name, (code, role) in S164_USERS.items()}
    council = users["council"]
    for body, send, on in (
        ("lhb-cardiff-and-vale", True, REQUEST_DAY),
        ("lhb-cardiff-and-vale", False, REQUEST_DAY),
        ("police-south-wales", True, date(2027, 1, 5)),
        ("police-south-wales", True, REQUEST_DAY),
    ):
        s164.create_request(s164_details(body_code=body), by=council, send=send, on=on)
    withdrawn = s164.create_request(s164_details(), by=council, on=REQUEST_DAY)
    s164.withdraw_request(withdrawn, "Made in error: the family moved out of the area.", by=council)
    return users


@pytest.fixture
def board_world(make_user):
    users = {name: make_user(code, role) for name, (code, role) in BOARD_USERS.items()}
    officer = users["board"]
    for overrides, send, on in (
        ({}, True, date(2026, 12, 22)),
        ({}, False, date(2026, 12, 22)),
        ({"provide_to": org("la-cardiff")}, True, date(2027, 1, 5)),
        ({"body": "police-south-wales"}, True, date(2026, 12, 22)),
    ):
        board.create_request(board_details(**overrides), by=officer, send=send, on=on)
    return users


def _check(services, users, today):
    for user in users.values():
        for box in lists.Box:
            for values in FILTERS:
                filters = _filters(**values)
                rows = (
                    db.session.scalars(services.list_query(user, box, filters, today))
                    .unique()
                    .all()
                )
                counted = services.count_requests(user, box, filters, today)
                assert counted == len(rows), (user.organisation.code, box, values)


def test_the_s164_count_is_the_number_of_requests_listed(s164_world):
    _check(s164, s164_world, date(2027, 1, 6))


def test_the_board_count_is_the_number_of_requests_listed(board_world):
    _check(board, board_world, date(2027, 1, 6))


def _plan_nodes(sql: str) -> list[dict]:
    (row,) = db.session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql)).one()
    plan = row if isinstance(row, list) else json.loads(row)
    nodes = []

    def walk(node):
        nodes.append(node)
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return nodes


@pytest.mark.parametrize("state", [lists.OPEN, lists.ALL_STATES])
def test_on_postgresql_each_side_is_counted_from_an_index_alone(s164_world, state, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    # The planner judges by the table's statistics: read them off this test's rows, not off
    # whatever an earlier test left behind.
    db.session.execute(sa.text("ANALYZE cooperation_requests"))
    statements = []
    original = db.session.scalar

    def capture(stmt, *args, **kwargs):
        statements.append(stmt)
        return original(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", capture)
    s164.count_requests(s164_world["police"], lists.Box.ALL, _filters(state=state))
    monkeypatch.undo()
    (stmt,) = statements
    sql = str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    scans = [n for n in _plan_nodes(sql) if n.get("Relation Name") == "cooperation_requests"]
    assert len(scans) == 2  # the body asked's side and the body that asked's side
    for scan in scans:
        # An index of the side (on a table this small the planner may still look at the rows,
        # where at all-Wales scale it counts from the index alone), never the rows OR-ed.
        assert scan["Node Type"] in ("Index Only Scan", "Index Scan"), scan
        assert f"_org_id = {s164_world['police'].organisation_id}" in scan.get("Index Cond", ""), (
            scan
        )
    assert not any(n.get("Relation Name") == "organisations" for n in _plan_nodes(sql))


# ----------------------------------------------------------------- the home page's counts


def _home_counts_sql(module, user) -> str:
    statements = []
    original = db.session.execute

    def capture(stmt, *args, **kwargs):
        statements.append(stmt)
        return original(stmt, *args, **kwargs)

    db.session.execute = capture
    try:
        module.counts(user, date(2027, 1, 6))
    finally:
        del db.session.execute
    (stmt,) = statements
    return str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("kind", ["s164", "board"])
def test_the_home_page_counts_each_side_from_its_index(s164_world, board_world, kind):
    """Every count of the to-do page reads an index of one side, the unread answers their
    partial index: never the table's rows, never the two sides OR-ed."""
    from isp_manager.board_requests import todo as board_todo
    from isp_manager.cooperation import todo as s164_todo

    module, table, user = {
        "s164": (s164_todo, "cooperation_requests", s164_world["council"]),
        "board": (board_todo, "board_requests", board_world["board"]),
    }[kind]
    sql = _home_counts_sql(module, user)
    assert " OR " not in sql.upper()
    if db.engine.dialect.name == "sqlite":
        plan = [row[-1] for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
        searches = [step for step in plan if table in step]
        assert searches and all("USING COVERING INDEX" in step for step in searches), plan
        if kind == "s164":
            assert any("ix_cooperation_requests_requesting_unread" in s for s in searches), plan
        return
    db.session.execute(sa.text(f"ANALYZE {table}"))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    scans = [n for n in _plan_nodes(sql) if n.get("Relation Name") == table]
    # (Which index of the side PostgreSQL picks for a table this small varies with its
    # statistics; that it reads an index of one side, never the rows, does not.)
    assert scans and all(n["Node Type"] in ("Index Only Scan", "Index Scan") for n in scans)
