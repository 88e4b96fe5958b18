"""The sign-in providers' API: administrators list, add, change, disable and enable them; an
organisation's IG lead reads their organisation's and chooses which of its domains create
accounts; the client secret is write-only; 404, 403 and 422 as api-contract.md says, and an
audit event for each change."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.extensions import db
from isp_manager.sso import services
from isp_manager.sso.models import SsoProvider

SECRET = "s3cret-value-from-the-provider-XYZ9"
BODY = {
    "name": "Cardiff Council",
    "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "client-123",
    "client_secret": SECRET,
    "organisation": "la-cardiff",
    "domains": ["cardiff.gov.uk", "Caerdydd.gov.uk"],
}


@pytest.fixture
def provider(app):
    with app.test_request_context():
        made = services.create_provider(**BODY, by=None)
    db.session.commit()
    return made


def _actions(provider_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.record_type == "sso_providers")
            .where(AuditEvent.record_id == str(provider_id))
            .order_by(AuditEvent.id)
        )
    )


def test_an_admin_adds_a_provider_and_never_sees_its_secret(api_client, make_user):
    api = api_client(make_user("la-cardiff", Role.ADMIN))
    response = api.post("/api/v1/sso-providers", json=BODY)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Cardiff Council" and body["organisation"] == "la-cardiff"
    assert body["domains"] == [
        {"domain": "caerdydd.gov.uk", "creates_accounts": False},
        {"domain": "cardiff.gov.uk", "creates_accounts": False},
    ]
    assert body["is_enabled"] is True
    assert body["callback_url"].endswith(f"/sign-in/with/{body['id']}/callback")
    assert SECRET not in json.dumps(body) and "client_secret" not in body
    listed = api.get("/api/v1/sso-providers")
    assert SECRET not in listed.get_data(as_text=True)
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    assert db.session.get(SsoProvider, body["id"]).client_secret == SECRET
    assert _actions(body["id"]) == ["sso.provider_created"]


def test_bad_input_is_a_422_naming_each_field(api_client, make_user):
    api = api_client(make_user("la-cardiff", Role.ADMIN))
    missing = api.post("/api/v1/sso-providers", json={})
    assert missing.status_code == 422
    assert set(missing.json["errors"]["json"]) == set(BODY)
    bad = {**BODY, "issuer": "http://login.example.org", "domains": ["nonsense"]}
    response = api.post("/api/v1/sso-providers", json={**bad, "organisation": "no-such-org"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"issuer", "domains", "organisation"}
    assert "https://" in response.json["errors"]["json"]["issuer"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoProvider)) == 0


def test_patch_changes_what_is_sent_and_keeps_the_rest(api_client, make_user, provider):
    api = api_client(make_user("la-cardiff", Role.ADMIN))
    response = api.patch(f"/api/v1/sso-providers/{provider.id}", json={"name": "Cyngor Caerdydd"})
    assert response.status_code == 200
    assert response.json["name"] == "Cyngor Caerdydd"
    assert response.json["client_id"] == "client-123"
    assert len(response.json["domains"]) == 2
    assert provider.client_secret == SECRET  # kept
    response = api.patch(
        f"/api/v1/sso-providers/{provider.id}", json={"client_secret": "a-new-secret-1234"}
    )
    assert response.status_code == 200 and "a-new-secret-1234" not in response.get_data(True)
    assert provider.client_secret == "a-new-secret-1234"
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "sso.provider_updated")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.after == {"client_secret": "(changed)"}
    assert "a-new-secret-1234" not in json.dumps(event.after)


def test_an_admin_disables_and_enables_a_provider(api_client, make_user, provider):
    api = api_client(make_user("la-cardiff", Role.ADMIN))
    path = f"/api/v1/sso-providers/{provider.id}"
    assert api.patch(path, json={"is_enabled": False}).json["is_enabled"] is False
    assert services.enabled_provider(provider.id) is None
    assert api.patch(path, json={"is_enabled": True}).json["is_enabled"] is True
    assert _actions(provider.id)[-2:] == ["sso.provider_disabled", "sso.provider_enabled"]
    assert api.patch(path, json={}).status_code == 422


@pytest.mark.parametrize(
    ("org_code", "role", "read", "change"),
    [
        ("la-cardiff", Role.IG_LEAD, 200, 403),  # the organisation it serves
        ("la-swansea", Role.IG_LEAD, 404, 404),  # another organisation's
        ("la-cardiff", Role.PRACTITIONER, 404, 404),
        ("la-cardiff", Role.AUDITOR, 404, 404),
    ],
)
def test_who_may_read_and_change_a_provider(
    api_client, make_user, provider, org_code, role, read, change
):
    api = api_client(make_user(org_code, role))
    path = f"/api/v1/sso-providers/{provider.id}"
    assert api.get(path).status_code == read
    assert api.patch(path, json={"name": "Taken over"}).status_code == change
    assert api.patch(path, json={"is_enabled": False}).status_code == change
    assert provider.name == "Cardiff Council" and provider.is_enabled


@pytest.mark.parametrize(
    ("role", "listing"), [(Role.IG_LEAD, 200), (Role.PRACTITIONER, 403), (Role.AUDITOR, 403)]
)
def test_only_admins_add_providers_and_ig_leads_list_their_own(
    api_client, make_user, provider, role, listing
):
    api = api_client(make_user("la-swansea", role))
    assert api.post("/api/v1/sso-providers", json={**BODY, "name": "Other"}).status_code == 403
    response = api.get("/api/v1/sso-providers")
    assert response.status_code == listing
    if listing == 200:
        assert response.json == []  # Swansea's IG lead: not Cardiff's provider


def test_the_ig_lead_chooses_which_domains_create_accounts(api_client, make_user, provider):
    api = api_client(make_user("la-cardiff", Role.IG_LEAD))
    path = f"/api/v1/sso-providers/{provider.id}/account-creation"
    response = api.put(path, json={"creates_accounts": ["cardiff.gov.uk"]})
    assert response.status_code == 200
    assert {d["domain"]: d["creates_accounts"] for d in response.json["domains"]} == {
        "caerdydd.gov.uk": False,
        "cardiff.gov.uk": True,
    }
    assert _actions(provider.id)[-1] == "sso.account_creation_changed"
    refused = api.put(path, json={"creates_accounts": ["evil.example.org"]})
    assert refused.status_code == 422 and "creates_accounts" in refused.json["errors"]["json"]
    other = api_client(make_user("la-swansea", Role.IG_LEAD))
    assert other.put(path, json={"creates_accounts": []}).status_code == 404


def test_a_wrong_key_does_not_stop_an_admin_replacing_the_secret(
    app, api_client, make_user, provider, monkeypatch
):
    from cryptography.fernet import Fernet

    api = api_client(make_user("la-cardiff", Role.ADMIN))
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEY", Fernet.generate_key().decode())
    path = f"/api/v1/sso-providers/{provider.id}"
    assert api.get(path).status_code == 200
    response = api.patch(path, json={"client_secret": "the-replacement-secret"})
    assert response.status_code == 200
    assert provider.client_secret == "the-replacement-secret"
