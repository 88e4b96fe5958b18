"""Signing in through a real OpenID Connect provider (tests/sso/provider.mjs): the authorization
code flow with PKCE, state and nonce, the ID token's checks, and matching the person to an
account. Every refusal is shown on the sign-in page, audited, and changes nothing else."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from isp_manager.accounts.models import Role, User, UserSession
from isp_manager.audit.models import AuditEvent
from isp_manager.extensions import db
from isp_manager.sso import services
from isp_manager.sso.models import SsoProvider
from tests.sso.oidc_provider import DOMAIN

SERVICE = "http://localhost"


@pytest.fixture
def council(make_org):
    return make_org("sso-council", name="Cyngor Prawf / Test Council")


def configure(oidc, council, *, slow_token=False, creates_accounts=False) -> SsoProvider:
    """A provider of the service for the test provider, with a client registered there."""
    provider = services.create_provider(
        name="Test Council",
        issuer=oidc.issuer,
        client_id="to-be-registered",
        client_secret="to-be-registered-secret",
        organisation=council,
        domains=DOMAIN,
        by=None,
    )
    client_id, secret = oidc.register_client(
        f"{SERVICE}/sign-in/with/{provider.id}/callback", slow_token=slow_token
    )
    provider.client_id, provider.client_secret = client_id, secret
    provider.domains[0].creates_accounts = creates_accounts
    db.session.commit()
    return provider


@pytest.fixture
def provider(oidc, council):
    return configure(oidc, council)


@pytest.fixture
def pat(make_user, council):
    return make_user(council, Role.PRACTITIONER, email="pat.jones@sso-council.test")


def start(client, provider, next_url=None):
    url = f"/sign-in/with/{provider.id}" + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def sign_in(client, provider, oidc, login):
    """The whole journey: the button, the provider's login form, back to the service."""
    back = oidc.sign_in(start(client, provider), login)
    assert back.startswith(f"{SERVICE}/sign-in/with/{provider.id}/callback?")
    return client.get(back[len(SERVICE) :]), back


def refusals() -> list[dict]:
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "sso.sign_in_refused")
        .order_by(AuditEvent.id)
    )
    return [event.after for event in events]


def assert_refused(client, response, reason, message, email=None):
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/not-signed-in?reason={reason}")
    response = client.get(response.headers["Location"])
    assert response.status_code in (403, 503)
    page = response.text
    assert "You are not signed in" in page
    assert message in page
    assert refusals()[-1] == {"reason": reason, "email": email}
    assert client.get("/account").status_code == 302  # not signed in


# ---------------------------------------------------------------- the flow


def test_authorization_request_uses_pkce_state_and_nonce(client, provider):
    location = start(client, provider)
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [provider.client_id]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    with client.session_transaction() as session:
        pending = session["sso_pending"][0]
    assert pending["state"] == query["state"][0]
    assert pending["code_verifier"] not in location


def test_a_practitioner_signs_in_with_their_organisation(client, provider, oidc, pat):
    response, _back = sign_in(client, provider, oidc, "pat")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    page = client.get("/account").text
    assert "Pat" in page or pat.name in page
    assert pat.email in page
    db.session.refresh(pat)
    assert pat.last_login_at is not None
    signed_in = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.signed_in")
    ).all()
    assert signed_in[-1].after == {"method": "sso", "provider": "Test Council", "subject": "pat"}
    assert signed_in[-1].actor_id == pat.id
    assert refusals() == []


def test_sign_in_returns_to_the_page_asked_for(client, provider, oidc, pat):
    back = oidc.sign_in(start(client, provider, next_url="/account"), "pat")
    response = client.get(back[len(SERVICE) :])
    assert response.headers["Location"] == "/account"


def test_a_replayed_answer_is_refused(app, client, provider, oidc, pat):
    response, back = sign_in(client, provider, oidc, "pat")
    assert response.status_code == 302
    other = app.test_client()
    replay = other.get(back[len(SERVICE) :])
    assert_refused(other, replay, "state", "already been used or has expired")


def test_a_replayed_answer_with_a_copied_session_is_refused_by_the_provider(
    app, client, provider, oidc, pat
):
    back = oidc.sign_in(start(client, provider), "pat")
    copy = app.test_client()
    cookie = client.get_cookie("ispm_session")
    copy.set_cookie("ispm_session", cookie.value, domain="localhost")
    assert client.get(back[len(SERVICE) :]).status_code == 302
    replay = copy.get(back[len(SERVICE) :])
    # The state is still in the copied cookie, but the code has been used once already.
    assert_refused(copy, replay, "token", "did not confirm who you are")


def test_a_mismatched_state_is_refused(client, provider, oidc, pat):
    back = oidc.sign_in(start(client, provider), "pat")
    tampered = back.replace("state=", "state=x")
    assert_refused(
        client, client.get(tampered[len(SERVICE) :]), "state", "already been used or has expired"
    )


def test_an_answer_for_another_provider_is_refused(client, provider, oidc, council, pat):
    other = services.create_provider(
        name="Other Council",
        issuer=oidc.issuer,
        client_id="x",
        client_secret="another-secret-value",
        organisation=council,
        domains=DOMAIN,
        by=None,
    )
    db.session.commit()
    back = oidc.sign_in(start(client, provider), "pat")
    path = back[len(SERVICE) :].replace(f"/with/{provider.id}/", f"/with/{other.id}/")
    assert_refused(client, client.get(path), "state", "already been used or has expired")


def test_an_unverified_email_is_refused(client, provider, oidc, make_user, council):
    make_user(council, Role.PRACTITIONER, email="unverified@sso-council.test")
    response, _ = sign_in(client, provider, oidc, "unverified")
    assert_refused(
        client,
        response,
        "email_unverified",
        "has not verified your email address",
        "unverified@sso-council.test",
    )


def test_a_domain_the_provider_does_not_vouch_for_is_refused(client, provider, oidc, make_user):
    make_user("la-cardiff", Role.PRACTITIONER, email="sam@elsewhere.test")
    response, _ = sign_in(client, provider, oidc, "outsider")
    assert_refused(
        client,
        response,
        "domain_not_vouched",
        "cannot sign in people with email addresses of that domain",
        "sam@elsewhere.test",
    )


def test_a_deactivated_account_cannot_sign_in(client, provider, oidc, make_user, council):
    gone = make_user(council, Role.PRACTITIONER, email="gone@sso-council.test", active=False)
    response, _ = sign_in(client, provider, oidc, "gone")
    assert_refused(
        client, response, "account_disabled", "has been deactivated", "gone@sso-council.test"
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == gone.id)
        )
        == 0
    )


def test_no_account_is_created_while_the_switch_is_off(client, provider, oidc):
    response, _ = sign_in(client, provider, oidc, "newbie")
    assert_refused(
        client,
        response,
        "no_account",
        "There is no account for your email address",
        "new.starter@sso-council.test",
    )
    assert services.user_by_email("new.starter@sso-council.test") is None


def test_first_sign_in_creates_a_practitioner_when_the_switch_is_on(client, oidc, council):
    provider = configure(oidc, council, creates_accounts=True)
    response, _ = sign_in(client, provider, oidc, "newbie")
    assert response.status_code == 302
    user = services.user_by_email("new.starter@sso-council.test")
    assert user is not None
    assert (user.role, user.organisation_id, user.name) == (
        Role.PRACTITIONER,
        council.id,
        "Nia New",
    )
    assert not user.must_change_password and user.is_active_user
    assert "new.starter@sso-council.test" in client.get("/account").text
    created = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "sso.account_created")
    )
    assert created.after["email"] == "new.starter@sso-council.test"
    assert created.record_id == str(provider.id)


def test_the_switch_never_creates_accounts_for_undeclared_domains(client, oidc, council):
    provider = configure(oidc, council, creates_accounts=True)
    response, _ = sign_in(client, provider, oidc, "outsider")
    assert_refused(
        client,
        response,
        "domain_not_vouched",
        "cannot sign in people",
        "sam@elsewhere.test",
    )
    assert services.user_by_email("sam@elsewhere.test") is None


def test_an_expired_id_token_is_refused(app, client, oidc, council, pat, monkeypatch):
    # The provider's ID tokens for this client live one second and its answer comes two late.
    provider = configure(oidc, council, slow_token=True)
    monkeypatch.setitem(app.config, "SSO_CLOCK_LEEWAY_SECONDS", 0)
    response, _ = sign_in(client, provider, oidc, "pat")
    assert_refused(client, response, "expired", "had expired")


def test_a_disabled_provider_is_not_offered_and_cannot_be_used(client, provider, oidc, pat):
    location = start(client, provider)
    assert "Sign in with Test Council" in client.get("/sign-in").text
    services.set_provider_enabled(provider, False, by=None)
    db.session.commit()
    assert "Sign in with Test Council" not in client.get("/sign-in").text
    assert client.get(f"/sign-in/with/{provider.id}").status_code == 404
    back = oidc.sign_in(location, "pat")
    assert client.get(back[len(SERVICE) :]).status_code == 404


def test_an_unreachable_provider_is_a_clear_message(client, council):
    provider = services.create_provider(
        name="Unreachable",
        issuer="http://127.0.0.1:9",
        client_id="x",
        client_secret="a-secret-value",
        organisation=council,
        domains=DOMAIN,
        by=None,
    )
    db.session.commit()
    response = client.get(f"/sign-in/with/{provider.id}")
    assert response.status_code == 503
    assert "could not be reached" in response.text


def test_discovery_and_keys_are_fetched_once_and_cached(client, provider, oidc, pat, monkeypatch):
    fetched = []
    real = services._fetch_json
    monkeypatch.setattr(services, "_fetch_json", lambda url: fetched.append(url) or real(url))
    for _ in range(2):
        response, _back = sign_in(client, provider, oidc, "pat")
        assert response.status_code == 302
        client.post("/sign-out")
    assert sorted(fetched) == sorted(
        [f"{oidc.issuer}/.well-known/openid-configuration", f"{oidc.issuer}/jwks"]
    )


def test_the_welsh_sign_in_page_offers_the_provider_and_explains_refusals(client, provider, oidc):
    refresh()  # the tests share one app context, where Flask-Babel keeps the chosen locale
    assert "Mewngofnodi gyda Test Council" in client.get("/sign-in?lang=cy").text
    response, _ = sign_in(client, provider, oidc, "newbie")
    refused = client.get(response.headers["Location"])
    assert refused.status_code == 403
    assert "Nid oes cyfrif" in refused.text
    # Switching language on the page shows the same refusal, and answers the provider no more.
    refresh()
    english = client.get(response.headers["Location"] + "&lang=en")
    assert "There is no account for your email address" in english.text
    assert [r["reason"] for r in refusals()] == ["no_account"]


# ---------------------------------------------------------------- the ID token's checks


@pytest.fixture
def claims(oidc, provider):
    now = int(time.time())
    return {
        "iss": oidc.issuer,
        "sub": "pat",
        "aud": provider.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "email": "pat.jones@sso-council.test",
        "email_verified": True,
    }


@pytest.mark.parametrize(
    "change, reason",
    [
        ({}, None),
        ({"aud": "another-client"}, "audience"),
        ({"aud": ["another-client", "a-third"]}, "audience"),
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 1200}, "expired"),
        ({"iss": "https://login.example.org"}, "issuer"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"aud": None}, "audience"),
        ({"exp": None}, "token"),
    ],
)
def test_id_token_checks(app, oidc, provider, claims, change, reason):
    token_claims = {k: v for k, v in {**claims, **change}.items() if v is not None}
    token = oidc.mint_id_token(**token_claims)
    with app.test_request_context():
        if reason is None:
            assert services.verify_id_token(provider, token, "the-nonce")["sub"] == "pat"
            return
        with pytest.raises(services.SsoRefused) as refused:
            services.verify_id_token(provider, token, "the-nonce")
    assert refused.value.reason == reason


def test_a_token_signed_with_another_key_is_refused(app, provider, claims):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    stranger = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"})
    token = jwt.encode({"alg": "RS256", "kid": "test-key-1"}, claims, stranger)
    with app.test_request_context(), pytest.raises(services.SsoRefused) as refused:
        services.verify_id_token(provider, token, "the-nonce")
    assert refused.value.reason == "token"


def test_an_unsigned_token_is_refused(app, provider, claims):
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'none'})}.{part(claims)}."
    with app.test_request_context(), pytest.raises(services.SsoRefused) as refused:
        services.verify_id_token(provider, token, "the-nonce")
    assert refused.value.reason == "token"


def test_refusals_change_nothing_but_the_audit_log(client, provider, oidc, make_user, council):
    make_user(council, Role.PRACTITIONER, email="unverified@sso-council.test")
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    sessions = db.session.scalar(sa.select(sa.func.count()).select_from(UserSession))
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response, _ = sign_in(client, provider, oidc, "unverified")
    assert client.get(response.headers["Location"]).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == sessions
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events + 1


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    refresh()


@pytest.mark.parametrize("value", ["%00", "x" * 5000, "%0d%0aSet-Cookie:%20x=1", "%C3%BC", ""])
def test_hostile_values_in_the_answer_are_refusals_not_errors(client, provider, value):
    location = start(client, provider, next_url=value or None)
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = client.get(f"/sign-in/with/{provider.id}/callback?state={state}&code={value}")
    assert response.status_code == 302
    assert refusals()[-1]["reason"] == ("provider_error" if not value else "token")
    hostile_state = client.get(f"/sign-in/with/{provider.id}/callback?state={value}&code=x")
    assert hostile_state.status_code == 302
    assert refusals()[-1]["reason"] == "state"
    hostile_reason = client.get(f"/sign-in/with/{provider.id}/not-signed-in?reason={value}")
    assert hostile_reason.status_code == 404


def test_a_provider_that_never_answers_is_given_up_on_after_the_timeout(
    app, client, council, monkeypatch
):
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections, never answers
        provider = services.create_provider(
            name="Silent",
            issuer=f"http://127.0.0.1:{silent.getsockname()[1]}",
            client_id="x",
            client_secret="a-secret-value",
            organisation=council,
            domains=DOMAIN,
            by=None,
        )
        db.session.commit()
        monkeypatch.setitem(app.config, "SSO_HTTP_TIMEOUT_SECONDS", 1)
        began = time.monotonic()
        response = client.get(f"/sign-in/with/{provider.id}")
        assert time.monotonic() - began < 5
    assert response.status_code == 503
    assert "could not be reached" in response.text


def test_after_the_provider_someone_with_two_factor_enters_their_code(
    client, provider, oidc, make_user, council
):
    from tests.conftest import fresh_totp_code

    pat = make_user(council, Role.PRACTITIONER, email="pat.jones@sso-council.test", two_factor=True)
    response, _back = sign_in(client, provider, oidc, "pat")
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/account").status_code == 302  # not signed in yet
    done = client.post("/sign-in/code", data={"code": fresh_totp_code(pat.email)})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200
