"""Signing in (throttling, one message for every failure, rehashing) and API tokens
(hashed, shown once, revocable, last-used time)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from isp_manager.accounts import passwords, services
from isp_manager.accounts.auth import user_from_bearer
from isp_manager.accounts.models import ApiToken, LoginAttempt, Role, hash_token
from isp_manager.audit.models import AuditEvent
from isp_manager.db import utcnow
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from tests.conftest import TEST_PASSWORD

ADDRESS = "192.0.2.10"


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def attempt(email, password, address=ADDRESS):
    """One sign-in, ended as the sign-in page ends it: a refusal is committed (it counts),
    a throttled attempt rolled back."""
    try:
        services.authenticate(email, password, address)
    except services.SignInThrottled as error:
        db.session.rollback()
        return type(error).__name__, error.message
    except InvalidInput as error:
        db.session.commit()
        return type(error).__name__, error.message
    db.session.commit()
    return "ok", None


def test_correct_password_signs_in_and_records_the_time(make_user):
    user = make_user(role=Role.PRACTITIONER, email="right@example.test")
    assert services.authenticate(" RIGHT@example.test ", TEST_PASSWORD, ADDRESS) is user
    assert user.last_login_at is not None
    assert db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.signed_in", AuditEvent.record_id == str(user.id)
        )
    )


def test_every_failure_gives_the_same_message(make_user):
    make_user(email="known@example.test")
    make_user(email="gone@example.test", active=False)
    answers = {
        attempt("known@example.test", "wrong password!!"),
        attempt("nobody@example.test", "wrong password!!"),
        attempt("nobody@example.test", TEST_PASSWORD),
        attempt("gone@example.test", TEST_PASSWORD),
        attempt("", ""),
    }
    assert answers == {("SignInRefused", "Enter a correct email address and password")}


@pytest.mark.parametrize("exists", [True, False])
def test_throttled_per_email_with_the_same_message_whether_or_not_it_exists(app, make_user, exists):
    email = "target@example.test"
    if exists:
        make_user(email=email)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(limit):
        assert attempt(email, "wrong password!!", f"198.51.100.{n}")[0] == "SignInRefused"
    kind, message = attempt(email, TEST_PASSWORD, "203.0.113.99")  # even the right password
    assert kind == "SignInThrottled"
    assert message == "Too many attempts to sign in. Wait 15 minutes, then try again."
    # another e-mail from another address is not affected
    other = make_user()
    assert attempt(other.email, TEST_PASSWORD, "203.0.113.100") == ("ok", None)


def test_throttled_per_address(app, make_user):
    user = make_user()
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        attempt(f"guess{n}@example.test", "wrong password!!")
    assert attempt(user.email, TEST_PASSWORD)[0] == "SignInThrottled"
    assert attempt(user.email, TEST_PASSWORD, "192.0.2.99") == ("ok", None)


def test_throttling_ends_after_the_window(app, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        attempt(user.email, "wrong password!!")
    assert attempt(user.email, TEST_PASSWORD)[0] == "SignInThrottled"
    window = timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 1)
    for row in db.session.scalars(sa.select(LoginAttempt)):
        row.attempted_at = row.attempted_at - window
    db.session.commit()
    assert attempt(user.email, TEST_PASSWORD) == ("ok", None)


def test_old_attempts_are_forgotten_at_the_next_sign_in(make_user):
    user = make_user(role=Role.PRACTITIONER)
    attempt("someone.else@example.test", "wrong password!!")
    for row in db.session.scalars(sa.select(LoginAttempt)):
        row.attempted_at = row.attempted_at - timedelta(days=2)
    db.session.commit()
    attempt(user.email, TEST_PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0


def test_success_clears_that_emails_failures(make_user):
    user = make_user(role=Role.PRACTITIONER)
    attempt(user.email, "wrong password!!")
    attempt(user.email, TEST_PASSWORD)
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == user.email)
    )
    assert count == 0


def test_unknown_email_is_checked_against_a_dummy_hash(monkeypatch, make_user):
    checked = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: checked.append(h) or real(h, p))
    attempt("nobody@example.test", "wrong password!!")
    assert checked == [passwords.dummy_hash()]


def test_old_hash_parameters_are_upgraded_at_sign_in(make_user):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(
        TEST_PASSWORD
    )
    db.session.commit()
    services.authenticate(user.email, TEST_PASSWORD, ADDRESS)
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, TEST_PASSWORD)


# ---------------------------------------------------------------- API tokens


def test_token_is_returned_once_and_stored_hashed(make_user):
    user = make_user()
    token, raw = services.create_api_token(user, "  Case   system ", by=user)
    assert raw.startswith("ispm_") and len(raw) > 40
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert token.prefix == raw[:12] and token.label == "Case system"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api_token.created"))
    assert event.after["prefix"] == token.prefix
    assert raw not in str(event.after) and token.token_hash not in str(event.after)


def test_token_records_its_last_use_after_the_request_at_most_every_few_minutes(
    app, client, make_user
):
    user = make_user()
    token, raw = services.create_api_token(user, "Scripts", by=None)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at == first  # within the interval: not written again
    app.config["LAST_SEEN_INTERVAL_SECONDS"] = 0
    try:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    finally:
        app.config["LAST_SEEN_INTERVAL_SECONDS"] = 300
    db.session.refresh(token)
    assert token.last_used_at > first


def test_a_failure_to_record_last_use_does_not_fail_the_request(client, make_user, monkeypatch):
    user = make_user()
    _token, raw = services.create_api_token(user, "Scripts", by=None)
    db.session.commit()

    def busy(*_args, **_kwargs):
        raise sa.exc.OperationalError("UPDATE api_tokens", {}, Exception("database is locked"))

    monkeypatch.setattr("isp_manager.accounts.auth.db.session.execute", busy)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json["email"] == user.email


def test_token_authenticates_and_stops_when_revoked(make_user):
    user = make_user()
    token, raw = services.create_api_token(user, "Scripts", by=None)
    assert user_from_bearer(f"Bearer {raw}") is user
    assert user_from_bearer(f"Bearer {raw}x") is None
    services.revoke_api_token(token, by=user)
    assert token.is_revoked
    assert user_from_bearer(f"Bearer {raw}") is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api_token.revoked"))
    assert event.after["prefix"] == token.prefix
    with pytest.raises(Conflict):
        services.revoke_api_token(token, by=user)


def test_deactivated_users_tokens_stop_working(make_user):
    admin = make_user(role=Role.ADMIN)
    user = make_user()
    _, raw = services.create_api_token(user, "Scripts", by=user)
    services.deactivate_user(user, by=admin)
    assert user_from_bearer(f"Bearer {raw}") is None
    with pytest.raises(Conflict):
        services.create_api_token(user, "Another", by=admin)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "Enter a name for the token"),
        ("   ", "Enter a name for the token"),
        ("x" * 101, "100 characters"),
    ],
)
def test_token_label_is_required_and_bounded(make_user, label, message):
    user = make_user()
    with pytest.raises(InvalidInput) as refused:
        services.create_api_token(user, label, by=user)
    assert message in refused.value.errors["label"][0]


def test_only_the_owner_or_an_admin_manages_tokens(make_user):
    owner, other, admin = make_user(), make_user(), make_user(role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.create_api_token(owner, "Not mine", by=other)
    token, _ = services.create_api_token(owner, "Mine", by=owner)
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token, by=other)
    with pytest.raises(NotFound):
        services.token_for(other, token.id)
    services.revoke_api_token(token, by=admin)
    assert token.revoked_at <= utcnow()


def test_tokens_of_lists_active_first(make_user):
    user = make_user()
    first, _ = services.create_api_token(user, "First", by=user)
    second, _ = services.create_api_token(user, "Second", by=user)
    services.revoke_api_token(first, by=user)
    assert [t.label for t in services.tokens_of(user)] == ["Second", "First"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
        )
        == 2
    )
