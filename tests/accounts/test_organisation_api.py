"""The API for what IG leads and administrators do in the organisation pages: invitations
(list, send, cancel) and resetting someone's two-factor authentication. The services decide
(accounts.access's table, two_factor's rules): another organisation's records are a 404, an
action the caller may not take a 403, bad input a 422 naming the field, and every change (and
every refused reset) an audit event."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from isp_manager.accounts import invitations
from isp_manager.accounts.models import Invitation, Role, User, UserSession
from isp_manager.audit.models import AuditEvent
from isp_manager.db import utcnow
from isp_manager.extensions import db
from tests.conftest import org

PERSON = {"email": "new.person@cardiff.gov.uk", "name": "New Person", "role": "practitioner"}


def _events(action: str, record_type: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.record_type == record_type)
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def lead(make_user):
    return make_user("la-cardiff", Role.IG_LEAD)


# ---------------------------------------------------------------- invitations


def test_the_ig_lead_invites_lists_and_cancels(api_client, lead, outbox):
    api = api_client(lead)
    response = api.post("/api/v1/organisations/la-cardiff/invitations", json=PERSON)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["email"], body["role"], body["state"]) == (
        PERSON["email"],
        "practitioner",
        "pending",
    )
    assert body["organisation"] == "la-cardiff" and body["invited_by"] == lead.name
    assert "token" not in json.dumps(body)
    [message] = outbox()
    assert message["To"] == PERSON["email"]
    assert _events("invitation.created", "invitations")[-1].actor_id == lead.id

    listed = api.get("/api/v1/organisations/la-cardiff/invitations")
    assert [i["id"] for i in listed.json] == [body["id"]]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    path = f"/api/v1/organisations/la-cardiff/invitations/{body['id']}"
    assert api.get(path).json["state"] == "pending"

    assert api.delete(path).status_code == 204
    assert api.get(path).json["state"] == "cancelled"
    assert api.get("/api/v1/organisations/la-cardiff/invitations").json == []
    cancelled = api.get("/api/v1/organisations/la-cardiff/invitations?state=cancelled")
    assert [i["id"] for i in cancelled.json] == [body["id"]]
    assert _events("invitation.cancelled", "invitations")[-1].actor_id == lead.id
    again = api.delete(path)
    assert again.status_code == 409 and "cannot be cancelled" in again.json["message"]


def test_bad_input_is_a_422_naming_each_field(api_client, lead):
    api = api_client(lead)
    missing = api.post("/api/v1/organisations/la-cardiff/invitations", json={})
    assert missing.status_code == 422
    assert set(missing.json["errors"]["json"]) == {"email", "name", "role"}
    bad = api.post(
        "/api/v1/organisations/la-cardiff/invitations",
        json={"email": "not an address", "name": " ", "role": "wizard"},
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"email", "name", "role"}
    state = api.get("/api/v1/organisations/la-cardiff/invitations?state=lost")
    assert state.status_code == 422 and "state" in state.json["errors"]["json"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_an_ig_lead_cannot_invite_an_administrator(api_client, lead):
    response = api_client(lead).post(
        "/api/v1/organisations/la-cardiff/invitations", json={**PERSON, "role": "admin"}
    )
    assert response.status_code == 403
    assert "administrators" in response.json["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_an_invitation_of_a_second_pending_one_is_refused(api_client, lead):
    api = api_client(lead)
    assert api.post("/api/v1/organisations/la-cardiff/invitations", json=PERSON).status_code == 201
    again = api.post("/api/v1/organisations/la-cardiff/invitations", json=PERSON)
    assert (
        again.status_code == 422
        and "already been invited" in again.json["errors"]["json"]["email"][0]
    )


@pytest.mark.parametrize(
    ("org_code", "role"),
    [
        ("la-swansea", Role.IG_LEAD),  # another organisation's IG lead
        ("la-cardiff", Role.PRACTITIONER),
        ("la-cardiff", Role.BOARD_OFFICER),
        ("la-cardiff", Role.AUDITOR),
    ],
)
def test_nobody_else_sees_or_changes_the_invitations(api_client, make_user, lead, org_code, role):
    invitation, _token = invitations.invite_user(
        org("la-cardiff"), PERSON["email"], PERSON["name"], "practitioner", by=lead
    )
    db.session.commit()
    api = api_client(make_user(org_code, role))
    base = "/api/v1/organisations/la-cardiff/invitations"
    assert api.get(base).status_code == 404
    assert api.post(base, json={**PERSON, "email": "x@cardiff.gov.uk"}).status_code == 404
    assert api.get(f"{base}/{invitation.id}").status_code == 404
    assert api.delete(f"{base}/{invitation.id}").status_code == 404
    assert invitation.cancelled_at is None


def test_an_invitation_is_found_only_under_its_own_organisation(api_client, make_user, lead):
    invitation, _token = invitations.invite_user(
        org("la-cardiff"), PERSON["email"], PERSON["name"], "practitioner", by=lead
    )
    db.session.commit()
    admin = api_client(make_user("la-cardiff", Role.ADMIN))
    assert (
        admin.get(f"/api/v1/organisations/la-cardiff/invitations/{invitation.id}").status_code
        == 200
    )
    wrong = admin.get(f"/api/v1/organisations/la-swansea/invitations/{invitation.id}")
    assert wrong.status_code == 404
    assert admin.get("/api/v1/organisations/no-such-org/invitations").status_code == 404


def test_expired_invitations_are_listed_as_expired(api_client, lead):
    invitation, _token = invitations.invite_user(
        org("la-cardiff"), PERSON["email"], PERSON["name"], "practitioner", by=lead
    )
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    api = api_client(lead)
    assert api.get("/api/v1/organisations/la-cardiff/invitations").json == []
    expired = api.get("/api/v1/organisations/la-cardiff/invitations?state=expired").json
    assert [(i["id"], i["state"]) for i in expired] == [(invitation.id, "expired")]


# ---------------------------------------------------------------- two-factor reset


def _reset(api, user: User):
    return api.post(f"/api/v1/users/{user.id}/two-factor/reset")


def test_the_ig_lead_resets_a_colleagues_two_factor(api_client, login, make_user, lead):
    person = make_user("la-cardiff", Role.PRACTITIONER, two_factor=True)
    login(person)
    response = _reset(api_client(lead), person)
    assert response.status_code == 200
    assert response.json["id"] == person.id and response.json["has_two_factor"] is False
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert not person.has_two_factor and person.totp_secret_encrypted is None
    sessions = sa.select(sa.func.count()).select_from(UserSession)
    assert db.session.scalar(sessions.where(UserSession.user_id == person.id)) == 0
    [event] = _events("user.two_factor_reset", "users")
    assert event.actor_id == lead.id and event.record_id == str(person.id)
    again = _reset(api_client(lead), person)
    assert again.status_code == 409 and "has not set up" in again.json["message"]


@pytest.mark.parametrize(
    ("actor_org", "actor_role", "status"),
    [
        ("la-swansea", Role.IG_LEAD, 404),  # another organisation's user: not revealed
        ("la-cardiff", Role.PRACTITIONER, 403),
        ("la-cardiff", Role.AUDITOR, 403),
        ("la-swansea", Role.PRACTITIONER, 404),
        ("la-swansea", Role.ADMIN, 200),  # administrators reset anyone's
    ],
)
def test_who_may_reset_someones_two_factor(api_client, make_user, actor_org, actor_role, status):
    person = make_user("la-cardiff", Role.PRACTITIONER, two_factor=True)
    actor = make_user(actor_org, actor_role)
    response = _reset(api_client(actor), person)
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(User, person.id).has_two_factor is (status != 200)
    if status != 200:
        [refused] = _events("user.two_factor_reset_refused", "users")
        assert refused.actor_id == actor.id  # kept although the request was refused


def test_nobody_resets_their_own_through_the_api(api_client, lead):
    response = _reset(api_client(lead), lead)
    assert response.status_code == 403
    assert db.session.get(User, lead.id).has_two_factor


def test_resetting_an_unknown_user_is_a_404(api_client, lead):
    assert api_client(lead).post("/api/v1/users/999999/two-factor/reset").status_code == 404
