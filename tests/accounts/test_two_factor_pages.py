"""Two-factor authentication through the pages: the code after the password, setting it up
before anything else, refusals shown as GOV.UK errors, the IG lead's reset, and sessions that
end when idle or too old."""

import re
import time
from datetime import timedelta
from html import unescape

import pyotp
import pytest
import sqlalchemy as sa

from isp_manager.accounts import two_factor
from isp_manager.accounts.models import LoginAttempt, Role, User, UserSession
from isp_manager.audit.models import AuditEvent
from isp_manager.db import utcnow
from isp_manager.extensions import db
from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET, fresh_totp_code


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def password_step(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})


def wrong_code(secret=TEST_TOTP_SECRET) -> str:
    near = {pyotp.TOTP(secret).at(time.time() + 30 * k) for k in range(-2, 3)}
    return next(c for c in ("123456", "654321", "111111") if c not in near)


def refusals(user):
    return [
        e.after["reason"]
        for e in db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.action == "user.sign_in_code_refused",
                AuditEvent.record_id == str(user.id),
            )
            .order_by(AuditEvent.id)
        )
    ]


# ---------------------------------------------------------------- the code after the password


def test_the_password_leads_to_the_code_page_and_the_code_signs_in(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in",
        query_string={"next": "/account"},
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/sign-in/code"
    with client.session_transaction() as session:
        assert "_user_id" not in session  # not signed in yet
    assert client.get("/account").status_code == 302
    page = client.get("/sign-in/code")
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in html(page)
    assert 'autocomplete="one-time-code"' in html(page)
    done = client.post("/sign-in/code", data={"code": fresh_totp_code(user.email)})
    assert done.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert user.last_login_at is not None


def test_a_wrong_code_is_a_govuk_error_and_is_counted(client, make_user):
    user = make_user()
    password_step(client, user)
    response = client.post("/sign-in/code", data={"code": wrong_code()})
    assert response.status_code == 422
    page = html(response)
    assert "There is a problem" in page and 'href="#code"' in page
    assert page.count("The code is not correct") == 2  # summary and field
    assert refusals(user) == ["wrong"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.email == user.email)
        )
        == 1
    )
    empty = client.post("/sign-in/code", data={"code": ""})
    assert empty.status_code == 422
    assert "Enter the 6-digit code from your authenticator app" in html(empty)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_replayed_code_is_refused(app, make_user):
    user = make_user()
    code = fresh_totp_code(user.email)
    first, second = app.test_client(), app.test_client()
    password_step(first, user)
    assert first.post("/sign-in/code", data={"code": code}).status_code == 302
    password_step(second, user)
    response = second.post("/sign-in/code", data={"code": code})
    assert response.status_code == 422
    assert "This code has already been used" in html(response)
    assert refusals(user) == ["replayed"]


def test_wrong_codes_are_throttled(app, client, make_user):
    user = make_user()
    password_step(client, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/sign-in/code", data={"code": wrong_code()})
    response = client.post("/sign-in/code", data={"code": fresh_totp_code(user.email)})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in html(response)
    assert refusals(user)[-1] == "throttled"
    assert user.last_login_at is None


def test_the_code_page_needs_a_password_first_and_in_time(app, client, make_user):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    assert client.post("/sign-in/code", data={"code": "123456"}).headers["Location"] == "/sign-in"
    user = make_user()
    password_step(client, user)
    with client.session_transaction() as session:
        pending = dict(session["two_factor_pending"])
        pending["at"] -= app.config["TWO_FACTOR_PENDING_SECONDS"] + 1
        session["two_factor_pending"] = pending
    late = client.post("/sign-in/code", data={"code": fresh_totp_code(user.email)})
    assert late.headers["Location"] == "/sign-in"
    assert "your sign-in was not finished in time" in html(client.get("/sign-in"))
    assert user.last_login_at is None


def test_a_password_reset_meanwhile_voids_the_half_done_sign_in(client, make_user):
    user = make_user()
    password_step(client, user)
    user.session_version += 1  # as a reset or deactivation does
    db.session.commit()
    response = client.post("/sign-in/code", data={"code": fresh_totp_code(user.email)})
    assert response.headers["Location"] == "/sign-in"


def test_a_recovery_code_signs_in_once(app, make_user):
    user = make_user()
    codes = two_factor._replace_recovery_codes(user)
    db.session.commit()
    client = app.test_client()
    password_step(client, user)
    page = client.get("/sign-in/recovery-code")
    assert page.status_code == 200 and "Enter a recovery code" in html(page)
    done = client.post("/sign-in/recovery-code", data={"code": codes[0]}, follow_redirects=True)
    assert "You have 9 left" in html(done)
    again = app.test_client()
    password_step(again, user)
    response = again.post("/sign-in/recovery-code", data={"code": codes[0]})
    assert response.status_code == 422
    assert "This recovery code has already been used" in html(response)
    assert refusals(user) == ["used_recovery"]


def test_without_two_factor_the_password_alone_signs_in(client, make_user):
    user = make_user(role=Role.PRACTITIONER)
    assert password_step(client, user).headers["Location"] == "/"


# ---------------------------------------------------------------- required for admins and IG leads


def _setup_secret(client) -> str:
    with client.session_transaction() as session:
        return session["two_factor_setup_secret"]


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.ADMIN])
def test_admins_and_ig_leads_set_it_up_before_anything_else(client, make_user, role):
    user = make_user(role=role, two_factor=False)
    assert password_step(client, user).headers["Location"] == "/account/two-factor/set-up"
    for path in ("/", "/account", "/agreements", "/organisation/two-factor"):
        assert client.get(path).headers["Location"] == "/account/two-factor/set-up", path
    page = client.get("/account/two-factor/set-up")
    text = html(page)
    assert page.status_code == 200 and '<svg role="img"' in text
    secret = _setup_secret(client)
    assert two_factor.grouped_secret(secret) in text
    assert client.get("/account/two-factor/set-up") and _setup_secret(client) == secret  # kept
    wrong = client.post("/account/two-factor/set-up", data={"code": wrong_code(secret)})
    assert wrong.status_code == 422 and "The code is not correct" in html(wrong)
    done = client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r'<code class="app-code">([a-z0-9]{5}-[a-z0-9]{5})</code>', html(done))
    assert len(codes) == 10
    assert 'download="isp-manager-recovery-codes.txt"' in html(done)
    assert codes[0] in unescape(
        re.search(r'href="(data:text/plain[^"]+)"', html(done)).group(1)
    ).replace("%2D", "-")
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).has_two_factor
    assert "Two-factor authentication is already set up" in html(
        client.get("/account/two-factor/set-up", follow_redirects=True)
    )


def test_others_are_offered_it_on_their_account_page(login, make_user):
    user = make_user(role=Role.PRACTITIONER)
    client = login(user)
    page = html(client.get("/account"))
    assert "Set up two-factor authentication" in page
    assert "of your organisation's users" not in page
    assert client.get("/account/two-factor/set-up").status_code == 200
    assert client.get("/organisation/two-factor").status_code == 403


def test_api_tokens_are_unaffected(api_client, make_user):
    user = make_user(role=Role.IG_LEAD, two_factor=False)
    response = api_client(user).get("/api/v1/me")
    assert response.status_code == 200 and response.json["email"] == user.email


def test_new_recovery_codes_and_turning_off(login, make_user):
    lead = make_user()
    client = login(lead)
    assert "You have 0 recovery codes left" in html(client.get("/account"))
    refused = client.post("/account/two-factor/recovery-codes", data={"code": wrong_code()})
    assert refused.status_code == 422 and "The code is not correct" in html(refused)
    new = client.post(
        "/account/two-factor/recovery-codes", data={"code": fresh_totp_code(lead.email)}
    )
    assert new.status_code == 200 and html(new).count('<code class="app-code">') == 10
    assert "You have 10 recovery codes left" in html(client.get("/account"))
    assert client.get("/account/two-factor/turn-off").status_code == 403

    practitioner = make_user(role=Role.PRACTITIONER, two_factor=True)
    other = login(practitioner)
    assert "Turn off two-factor authentication" in html(other.get("/account"))
    off = other.post(
        "/account/two-factor/turn-off", data={"code": fresh_totp_code(practitioner.email)}
    )
    assert off.headers["Location"] == "/account"
    assert not practitioner.has_two_factor


# ---------------------------------------------------------------- the IG lead's reset


def test_ig_lead_sees_their_organisations_users_and_resets_one(login, make_user):
    lead = make_user("la-cardiff", name="Lead Person")
    colleague = make_user("la-cardiff", Role.PRACTITIONER, name="Colleague Person", two_factor=True)
    outsider = make_user("la-swansea", Role.PRACTITIONER, name="Outsider Person", two_factor=True)
    client = login(lead)
    page = html(client.get("/organisation/two-factor"))
    assert "Colleague Person" in page and "Outsider Person" not in page
    assert (
        'Reset<span class="govuk-visually-hidden"> two-factor authentication of Colleague' in page
    )
    assert "two-factor authentication of Lead Person" not in page  # not their own
    response = client.post(f"/users/{colleague.id}/two-factor/reset")
    assert response.headers["Location"] == "/organisation/two-factor"
    assert not colleague.has_two_factor
    assert client.post(f"/users/{outsider.id}/two-factor/reset").status_code == 404
    assert outsider.has_two_factor
    assert client.post(f"/users/{lead.id}/two-factor/reset").status_code == 403
    assert client.post("/users/999999/two-factor/reset").status_code == 404
    refused = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "user.two_factor_reset_refused")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.record_id, e.actor_id, e.after["reason"]) for e in refused] == [
        (str(outsider.id), lead.id, "outside_organisation"),
        (str(lead.id), lead.id, "not_allowed"),
    ]


def test_only_ig_leads_and_admins_reset(login, make_user):
    colleague = make_user("la-cardiff", Role.PRACTITIONER, two_factor=True)
    for role in (Role.PRACTITIONER, Role.AUDITOR, Role.BOARD_OFFICER):
        response = login(make_user("la-cardiff", role)).post(
            f"/users/{colleague.id}/two-factor/reset"
        )
        assert response.status_code == 403, role
    assert colleague.has_two_factor
    admin = make_user("la-swansea", Role.ADMIN)
    client = login(admin)
    assert "Reset two-factor authentication" in html(client.get(f"/admin/users/{colleague.id}"))
    response = client.post(f"/users/{colleague.id}/two-factor/reset")
    assert response.headers["Location"] == f"/admin/users/{colleague.id}"
    assert not colleague.has_two_factor
    assert client.post(f"/users/{colleague.id}/two-factor/reset").status_code == 409


# ---------------------------------------------------------------- session time limits


def _age_session(user, **changes):
    row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    for name, ago in changes.items():
        setattr(row, name, utcnow() - ago)
    db.session.commit()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"last_seen_at": timedelta(minutes=31)},
            "Your session ended because you had not used the service for 30 minutes",
        ),
        (
            {"created_at": timedelta(hours=12, minutes=1)},
            "Your session ended because you had been signed in for 12 hours",
        ),
    ],
)
def test_a_session_ends_when_idle_or_too_old_and_the_sign_in_page_says_so(
    login, make_user, changes, message
):
    user = make_user(role=Role.PRACTITIONER)
    client = login(user)
    assert client.get("/account").status_code == 200
    _age_session(user, **changes)
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert message in html(client.get("/sign-in"))
    assert message not in html(client.get("/sign-in"))  # said once


def test_the_limits_are_settings(app, login, make_user):
    user = make_user(role=Role.PRACTITIONER)
    client = login(user)
    _age_session(user, last_seen_at=timedelta(minutes=6))
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        assert client.get("/account").status_code == 302
        assert "had not used the service for 5 minutes" in html(client.get("/sign-in"))
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_a_short_idle_limit_notes_activity_often_enough(app, login, make_user):
    user = make_user(role=Role.PRACTITIONER)
    client = login(user)
    _age_session(user, last_seen_at=timedelta(minutes=2))
    app.config["SESSION_IDLE_MINUTES"] = 5  # activity noted at least every 75 s, not 5 min
    try:
        assert client.get("/account").status_code == 200
        db.session.expire_all()
        row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
        assert utcnow() - row.last_seen_at < timedelta(seconds=30)
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30
