"""Configuring sign-in providers: the rules in the service, who may open which page, the
secret never shown back, and an audit event for every change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import InvalidInput, NotFound
from isp_manager.extensions import db
from isp_manager.sso import services
from isp_manager.sso.models import SsoProvider
from tests.conftest import org

SECRET = "s3cret-value-from-the-provider-XYZ9"
FORM = {
    "name": "Cardiff Council",
    "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "client-123",
    "client_secret": SECRET,
    "organisation": "la-cardiff",
    "domains": "cardiff.gov.uk\nCaerdydd.gov.uk",
}


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.fixture
def provider():
    made = services.create_provider(**FORM, by=None)
    db.session.commit()
    return made


def events(action):
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


# ---------------------------------------------------------------- service rules


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("cardiff.gov.uk", ["cardiff.gov.uk"]),
        ("Cardiff.GOV.uk, @wales.nhs.uk\n\nwales.nhs.uk", ["cardiff.gov.uk", "wales.nhs.uk"]),
        ("a.test; b.test", ["a.test", "b.test"]),
    ],
)
def test_domains_are_parsed(raw, expected):
    assert services.parse_domains(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "not a domain", "cardiff", "-x.gov.uk", "a@b.test"])
def test_bad_domains_are_refused(raw):
    with pytest.raises(InvalidInput) as error:
        services.parse_domains(raw)
    assert "domains" in error.value.errors


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("name", "x" * 101),
        ("issuer", ""),
        ("issuer", "http://login.example.org"),
        ("issuer", "https://login.example.org/?tenant=1"),
        ("issuer", "ftp://login.example.org"),
        ("client_id", ""),
        ("client_secret", ""),
        ("organisation", "no-such-org"),
        ("domains", "nonsense"),
    ],
)
def test_create_provider_names_the_field_that_is_wrong(field, value):
    with pytest.raises(InvalidInput) as error:
        services.create_provider(**{**FORM, field: value}, by=None)
    assert list(error.value.errors) == [field]


def test_loopback_http_issuers_are_allowed_for_local_providers():
    made = services.create_provider(**{**FORM, "issuer": "http://127.0.0.1:8080/"}, by=None)
    assert made.issuer == "http://127.0.0.1:8080"


def test_display_names_are_unique(provider):
    with pytest.raises(InvalidInput) as error:
        services.create_provider(**{**FORM, "name": "cardiff council"}, by=None)
    assert "name" in error.value.errors


def test_a_new_provider_creates_no_accounts_and_its_audit_hides_the_secret(make_user):
    admin = make_user("la-cardiff", Role.ADMIN)
    made = services.create_provider(**FORM, by=admin)
    assert made.is_enabled
    assert [(d.domain, d.creates_accounts) for d in made.domains] == [
        ("caerdydd.gov.uk", False),
        ("cardiff.gov.uk", False),
    ]
    (event,) = events("sso.provider_created")
    assert event.actor_id == admin.id
    assert SECRET not in str(event.after) and "client_secret" not in event.after


def test_editing_keeps_the_secret_when_blank_and_domain_switches_that_remain(provider):
    cardiff = provider.domain_for("x@cardiff.gov.uk")
    cardiff.creates_accounts = True
    services.update_provider(
        provider,
        **{**FORM, "client_secret": "", "domains": "cardiff.gov.uk\nnew.gov.uk"},
        by=None,
    )
    assert provider.client_secret == SECRET
    assert {d.domain: d.creates_accounts for d in provider.domains} == {
        "cardiff.gov.uk": True,
        "new.gov.uk": False,
    }
    (event,) = events("sso.provider_updated")
    assert "client_secret" not in event.after
    assert event.after["domains"] == {"cardiff.gov.uk": True, "new.gov.uk": False}


def test_a_new_secret_is_audited_without_its_value(provider):
    services.update_provider(provider, **{**FORM, "client_secret": "a-new-secret-1234"}, by=None)
    assert provider.client_secret == "a-new-secret-1234"
    (event,) = events("sso.provider_updated")
    assert event.before == {"client_secret": "(stored)"}
    assert event.after == {"client_secret": "(changed)"}


@pytest.mark.parametrize(
    "role, org_code, allowed",
    [
        (Role.ADMIN, "isp-manager-service", True),
        (Role.ADMIN, "la-swansea", True),
        (Role.IG_LEAD, "la-cardiff", True),
        (Role.IG_LEAD, "la-swansea", False),
        (Role.PRACTITIONER, "la-cardiff", False),
        (Role.BOARD_OFFICER, "la-cardiff", False),
        (Role.AUDITOR, "la-cardiff", False),
    ],
)
def test_who_decides_account_creation(make_user, make_org, provider, role, org_code, allowed):
    if org_code == "isp-manager-service":
        org_code = make_org(org_code)
    user = make_user(org_code, role)
    assert services.can_set_account_creation(user, provider) is allowed
    domain = provider.domain_for("x@cardiff.gov.uk")
    if allowed:
        services.set_account_creation(provider, {domain.id}, by=user)
        assert domain.creates_accounts
        (event,) = events("sso.account_creation_changed")
        assert event.after == {"creates_accounts": {"cardiff.gov.uk": True}}
    else:
        with pytest.raises(NotFound):
            services.set_account_creation(provider, {domain.id}, by=user)
        assert not domain.creates_accounts


def test_account_creation_only_for_the_providers_own_domains(make_user, provider):
    other = services.create_provider(**{**FORM, "name": "Other", "domains": "x.test"}, by=None)
    with pytest.raises(InvalidInput):
        services.set_account_creation(
            provider, {other.domains[0].id}, by=make_user("la-cardiff", Role.ADMIN)
        )


def test_disabling_and_enabling_are_audited(provider):
    services.set_provider_enabled(provider, False, by=None)
    services.set_provider_enabled(provider, False, by=None)  # no change, no event
    assert not provider.is_enabled
    assert services.enabled_providers() == []
    services.set_provider_enabled(provider, True, by=None)
    assert [e.after for e in events("sso.provider_disabled")] == [{"is_enabled": False}]
    assert [e.after for e in events("sso.provider_enabled")] == [{"is_enabled": True}]


# ---------------------------------------------------------------- pages


def test_admin_adds_a_provider(login, make_user):
    admin = login(make_user("la-cardiff", Role.ADMIN))
    assert "Add a sign-in provider" in admin.get("/sign-in-providers/new").text
    response = admin.post("/sign-in-providers/new", data=FORM)
    assert response.status_code == 302
    made = db.session.scalar(sa.select(SsoProvider))
    assert made.organisation == org("la-cardiff")
    page = admin.get(f"/sign-in-providers/{made.id}").text
    assert "Cardiff Council" in page and "cardiff.gov.uk" in page
    assert SECRET not in page
    assert "••••XYZ9" in page
    assert f"/sign-in/with/{made.id}/callback" in page
    listing = admin.get("/sign-in-providers").text
    assert "Cardiff Council" in listing and "Enabled" in listing


def test_the_form_names_each_field_to_fix(login, make_user):
    admin = login(make_user("la-cardiff", Role.ADMIN))
    bad = {**FORM, "issuer": "http://login.example.org", "domains": "nonsense", "client_secret": ""}
    response = admin.post("/sign-in-providers/new", data=bad)
    assert response.status_code == 422
    page = response.text
    assert "There is a problem" in page
    assert "Enter the issuer as an https:// URL" in page
    assert "nonsense is not an e-mail domain" in page
    assert "Enter the client secret" in page
    assert SECRET not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoProvider)) == 0


def test_the_edit_page_never_shows_the_secret(login, make_user, provider):
    admin = login(make_user("la-cardiff", Role.ADMIN))
    page = admin.get(f"/sign-in-providers/{provider.id}/edit").text
    assert "client-123" in page and SECRET not in page
    response = admin.post(
        f"/sign-in-providers/{provider.id}/edit",
        data={**FORM, "name": "Cyngor Caerdydd", "client_secret": ""},
    )
    assert response.status_code == 302
    db.session.refresh(provider)
    assert (provider.name, provider.client_secret) == ("Cyngor Caerdydd", SECRET)


def test_admin_disables_and_enables_a_provider(login, make_user, provider):
    admin = login(make_user("la-cardiff", Role.ADMIN))
    assert admin.post(f"/sign-in-providers/{provider.id}/disable").status_code == 302
    db.session.refresh(provider)
    assert not provider.is_enabled
    assert "Disabled" in admin.get(f"/sign-in-providers/{provider.id}").text
    assert admin.post(f"/sign-in-providers/{provider.id}/enable").status_code == 302
    db.session.refresh(provider)
    assert provider.is_enabled


def test_the_ig_lead_of_the_organisation_switches_account_creation(login, make_user, provider):
    lead = login(make_user("la-cardiff", Role.IG_LEAD))
    assert "Cardiff Council" in lead.get("/sign-in-providers").text
    page = lead.get(f"/sign-in-providers/{provider.id}").text
    assert "Create practitioner accounts on first sign-in" in page
    assert "Change provider" not in page
    cardiff = provider.domain_for("x@cardiff.gov.uk")
    response = lead.post(
        f"/sign-in-providers/{provider.id}/account-creation",
        data={"creates_accounts": [str(cardiff.id)]},
    )
    assert response.status_code == 302
    db.session.refresh(cardiff)
    assert cardiff.creates_accounts
    assert lead.get(f"/sign-in-providers/{provider.id}/edit").status_code == 403
    assert lead.post(f"/sign-in-providers/{provider.id}/disable").status_code == 403


@pytest.mark.parametrize(
    "role, org_code, method, path, status",
    [
        (Role.IG_LEAD, "la-swansea", "get", "", 404),
        (Role.IG_LEAD, "la-swansea", "post", "/account-creation", 404),
        (Role.PRACTITIONER, "la-cardiff", "get", "", 404),
        (Role.PRACTITIONER, "la-cardiff", "post", "/account-creation", 404),
        (Role.AUDITOR, "la-cardiff", "get", "", 404),
        (Role.PRACTITIONER, "la-cardiff", "get", "/edit", 403),
        (Role.PRACTITIONER, "la-cardiff", "post", "/disable", 403),
        (Role.ADMIN, "la-cardiff", "get", "/999999", 404),
    ],
)
def test_who_cannot_open_a_provider(
    login, make_user, provider, role, org_code, method, path, status
):
    client = login(make_user(org_code, role))
    url = (
        f"/sign-in-providers{path}"
        if path == "/999999"
        else f"/sign-in-providers/{provider.id}{path}"
    )
    assert getattr(client, method)(url).status_code == status
    db.session.refresh(provider)
    assert not any(d.creates_accounts for d in provider.domains)


def test_the_list_is_for_admins_and_ig_leads(login, make_user, provider):
    assert (
        login(make_user("la-cardiff", Role.PRACTITIONER)).get("/sign-in-providers").status_code
        == 403
    )
    swansea_lead = login(make_user("la-swansea", Role.IG_LEAD))
    assert "Cardiff Council" not in swansea_lead.get("/sign-in-providers").text


def test_signed_out_people_are_sent_to_sign_in(client, provider):
    assert client.get("/sign-in-providers").status_code == 302
    assert client.get(f"/sign-in-providers/{provider.id}").status_code == 302


def test_page_queries_do_not_grow_with_providers(app, login, make_user):
    from tests.board_requests.test_board_query_counts import _counts

    services.create_provider(**FORM, by=None)
    db.session.commit()
    client = login(make_user("la-cardiff", Role.ADMIN))
    paths = ["/sign-in-providers", "/sign-in"]
    signed_out = app.test_client()
    before = _counts(client, paths[:1]) + _counts(signed_out, paths[1:])
    for n in range(4):
        services.create_provider(
            **{**FORM, "name": f"Provider {n}", "domains": f"d{n}.test\ne{n}.test"}, by=None
        )
    db.session.commit()
    assert _counts(client, paths[:1]) + _counts(signed_out, paths[1:]) == before
