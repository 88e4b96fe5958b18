"""The IG lead's retention pages: set a period, see the due list (a fixed number of queries),
keep a record longer, dispose of one after a confirmation page; no one else gets in."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.decisions import services as decisions
from isp_manager.extensions import db
from isp_manager.retention import views
from tests.decisions.conftest import SHARE


@pytest.fixture
def due(make_user, monkeypatch):
    author = make_user("la-cardiff", Role.PRACTITIONER)
    records = [decisions.create_decision(dict(SHARE), by=author) for _ in range(3)]
    monkeypatch.setattr(views, "wales_today", lambda: date(2040, 1, 1))
    monkeypatch.setattr("isp_manager.retention.services.wales_today", lambda: date(2040, 1, 1))
    return records


def test_the_ig_lead_sets_a_period_sees_extends_and_disposes(login, make_user, due):
    client = login(make_user("la-cardiff", Role.IG_LEAD))
    page = client.get("/retention")
    assert page.status_code == 200 and due[0].reference in page.text
    assert "72 months" in page.text
    assert client.post("/retention/periods/decision", data={"months": "0"}).status_code == 200
    saved = client.post("/retention/periods/decision", data={"months": "60"})
    assert saved.status_code == 302
    kept = client.post(
        f"/retention/decision/{due[0].id}/extend",
        data={"new_review_on": ["1", "1", "2045"], "reason": "A claim has been threatened."},
    )
    assert kept.status_code == 302
    assert client.get(f"/retention/decision/{due[1].id}/dispose").status_code == 200
    assert client.post(f"/retention/decision/{due[1].id}/dispose").status_code == 302
    db.session.expire_all()
    listing = client.get("/retention").text
    assert due[0].reference not in listing and due[1].reference not in listing
    assert due[2].reference in listing


@pytest.mark.parametrize(
    "org_code, role, status",
    [("la-cardiff", Role.PRACTITIONER, 403), ("la-swansea", Role.IG_LEAD, 404)],
)
def test_others_are_refused(login, make_user, due, org_code, role, status):
    client = login(make_user(org_code, role))
    assert client.post(f"/retention/decision/{due[0].id}/dispose").status_code == status


def _queries(client, path: str) -> int:
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_due_list_takes_the_same_number_of_queries_however_long(login, make_user, due):
    client = login(make_user("la-cardiff", Role.IG_LEAD))
    few = _queries(client, "/retention")
    author = make_user("la-cardiff", Role.PRACTITIONER)
    for _ in range(5):
        decisions.create_decision(dict(SHARE), by=author)
    db.session.commit()
    assert _queries(client, "/retention") == few
