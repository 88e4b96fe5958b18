"""The audit log: append-only, written by changes, readable by admins and auditors only."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.audit.services import record_event
from isp_manager.extensions import db
from tests.conftest import org


def _event(user=None, **kwargs):
    target = org("la-cardiff")
    event = record_event(
        "organisation.updated",
        target,
        by=user,
        before={"name": "Old"},
        after={"name": "New"},
        **kwargs,
    )
    db.session.flush()
    return event


def test_event_records_who_what_when_before_and_after(make_user):
    user = make_user("la-cardiff", Role.ADMIN)
    event = _event(user)
    assert event.actor_id == user.id
    assert event.organisation_id == user.organisation_id
    assert event.record_type == "organisations"
    assert event.record_id == str(org("la-cardiff").id)
    assert event.before == {"name": "Old"} and event.after == {"name": "New"}
    assert event.occurred_at.tzinfo is not None


COLUMNS_AND_FORGED_ROW = (
    " audit_events (id, occurred_at, action, record_type, record_id)"
    " VALUES (:id, '2020-01-01 09:00:00', 'forged', 'organisations', '1')"
)
BOTH = ("sqlite", "postgresql")
REFUSED = [
    (BOTH, "UPDATE audit_events SET action = 'x'"),
    (BOTH, "UPDATE audit_events SET occurred_at = '2020-01-01 09:00:00' WHERE id = :id"),
    (BOTH, "DELETE FROM audit_events"),
    (BOTH, "DELETE FROM audit_events WHERE id = :id"),
    (
        BOTH,
        "INSERT INTO" + COLUMNS_AND_FORGED_ROW + " ON CONFLICT (id) DO UPDATE SET action = 'x'",
    ),
    (("sqlite",), "INSERT OR REPLACE INTO" + COLUMNS_AND_FORGED_ROW),
    (("sqlite",), "REPLACE INTO" + COLUMNS_AND_FORGED_ROW),
    (("postgresql",), "TRUNCATE audit_events"),
    (("postgresql",), "TRUNCATE audit_events RESTART IDENTITY CASCADE"),
    (("postgresql",), "TRUNCATE users CASCADE"),  # empties the log through its foreign key
]


@pytest.mark.parametrize(("dialects", "statement"), REFUSED)
def test_database_refuses_changes_to_the_log(dialects, statement):
    if db.session.get_bind().dialect.name not in dialects:
        pytest.skip("not a statement of this database")
    event = _event()
    before = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.occurred_at).where(AuditEvent.id == event.id)
    ).one()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text(statement), {"id": event.id})
    db.session.expire_all()
    after = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.occurred_at).where(AuditEvent.id == event.id)
    ).one()
    assert after == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == count


def test_new_events_are_still_appended_by_direct_sql():
    db.session.execute(
        sa.text(
            "INSERT INTO audit_events (occurred_at, action, record_type, record_id) "
            "VALUES (CURRENT_TIMESTAMP, 'direct', 'organisations', '1')"
        )
    )
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "direct")) == 1


def test_seeded_reference_data_was_audited():
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "organisation.created")
    )
    assert count >= 56


@pytest.mark.parametrize(
    ("role", "status", "sees_cardiff"),
    [
        (Role.ADMIN, 200, True),
        (Role.AUDITOR, 200, True),
        (Role.IG_LEAD, 200, False),  # Powys's IG lead: their own organisation's events only
        (Role.PRACTITIONER, 403, False),
        (Role.BOARD_OFFICER, 403, False),
    ],
)
def test_audit_page_access(make_user, login, role, status, sees_cardiff):
    _event()
    response = login(make_user("lhb-powys", role)).get("/audit?record_type=organisations")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert ("Cardiff Council&#39;s name changed from Old to New." in html) is sees_cardiff


def test_audit_page_needs_sign_in(client):
    response = client.get("/audit")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_audit_page_bad_filter_names_the_field(make_user, login):
    response = login(make_user("la-cardiff", Role.AUDITOR)).get("/audit?actor_email=not-an-email")
    assert response.status_code == 422
    assert "Enter an e-mail address in the correct format" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.AUDITOR, 200), (Role.IG_LEAD, 200), (Role.PRACTITIONER, 403)],
)
def test_audit_api_access_and_filter_by_record(make_user, api_client, role, status):
    _event()
    cardiff_id = str(org("la-cardiff").id)
    response = api_client(make_user("la-cardiff", role)).get(
        f"/api/v1/audit-events?record_type=organisations&record_id={cardiff_id}&page_size=5"
    )
    assert response.status_code == status
    if status == 200:
        assert response.json[0]["action"] == "organisation.updated"
        assert all(e["record_id"] == cardiff_id for e in response.json)
        assert "total" in response.headers["X-Pagination"]


def test_audit_api_bad_date_is_422_with_field(make_user, api_client):
    response = api_client(make_user("la-cardiff", Role.ADMIN)).get(
        "/api/v1/audit-events?since=yesterday"
    )
    assert response.status_code == 422
    assert "since" in response.json["errors"]["json"]


def test_counting_stops_past_the_cap(make_user, login, monkeypatch):
    import isp_manager.audit.views as views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for _ in range(5):
        _event()
    html = login(make_user("la-cardiff", Role.AUDITOR)).get("/audit").get_data(as_text=True)
    assert "of more than 3 events" in html
