"""Two-factor authentication's rules: the codes pyotp accepts (now and one step either side),
no code twice, recovery codes hashed and single-use, wrong codes throttled like passwords, and
who may reset it. Plus the command line and the session time limits."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from isp_manager.accounts import services, two_factor
from isp_manager.accounts.models import LoginAttempt, RecoveryCode, Role, UserSession
from isp_manager.audit.models import AuditEvent
from isp_manager.db import utcnow
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET

ADDRESS = "192.0.2.20"
TOTP = pyotp.TOTP(TEST_TOTP_SECRET)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def code_at(steps_from_now: int) -> str:
    return TOTP.generate_otp(TOTP.timecode(utcnow()) + steps_from_now)


def events(user, action):
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.record_id == str(user.id)
        )
    ).all()


def attempts(user):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == user.email)
    )


def refused(call, *args):
    """Run a sign-in step as the page does (a refusal is committed); the refusal's class and
    message."""
    try:
        call(*args)
    except (two_factor.SecondFactorRefused, services.SignInThrottled) as error:
        db.session.commit()
        return type(error).__name__, error.message
    return None


# ---------------------------------------------------------------- which codes count


@pytest.mark.parametrize(
    ("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_a_code_counts_for_now_and_one_step_either_side(steps, accepted):
    step = two_factor.matching_step(TEST_TOTP_SECRET, code_at(steps))
    assert (step is not None) is accepted
    if accepted:
        assert step == TOTP.timecode(utcnow()) + steps


@pytest.mark.parametrize("code", ["", None, "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_match_nothing(code):
    assert two_factor.matching_step(TEST_TOTP_SECRET, code) is None


def test_spaces_in_a_code_are_ignored():
    code = code_at(0)
    assert two_factor.matching_step(TEST_TOTP_SECRET, f" {code[:3]} {code[3:]} ") is not None


def test_the_window_is_a_setting(app):
    app.config["TOTP_VALID_WINDOW"] = 0
    try:
        assert two_factor.matching_step(TEST_TOTP_SECRET, code_at(1)) is None
        assert two_factor.matching_step(TEST_TOTP_SECRET, code_at(0)) is not None
    finally:
        app.config["TOTP_VALID_WINDOW"] = 1


# ---------------------------------------------------------------- setting up


def test_setting_up_needs_a_code_from_the_new_secret_and_gives_ten_hashed_recovery_codes(
    make_user,
):
    user = make_user(role=Role.PRACTITIONER)
    secret = two_factor.new_secret()
    with pytest.raises(InvalidInput) as wrong:
        two_factor.enable_two_factor(user, secret, "000000", by=user)
    assert "code is not correct" in wrong.value.errors["code"][0]
    assert not user.has_two_factor
    code = pyotp.TOTP(secret).now()
    codes = two_factor.enable_two_factor(user, secret, code, by=user)
    assert user.has_two_factor and user.totp_secret == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    rows = db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10
    assert all(row.code_hash.startswith("$argon2id$") for row in rows)
    assert not {row.code_hash for row in rows} & set(codes)
    assert events(user, "user.two_factor_enabled")
    with pytest.raises(Conflict):
        two_factor.enable_two_factor(user, secret, code, by=user)


def test_the_setup_code_cannot_be_used_again_to_sign_in(make_user):
    user = make_user(role=Role.PRACTITIONER)
    secret = two_factor.new_secret()
    code = pyotp.TOTP(secret).now()
    two_factor.enable_two_factor(user, secret, code, by=user)
    assert refused(two_factor.verify_sign_in_code, user, code, ADDRESS)[1].startswith(
        "This code has already been used"
    )


def test_qr_code_is_an_inline_svg_image_of_the_provisioning_address(make_user):
    user = make_user()
    uri = two_factor.provisioning_uri(user, TEST_TOTP_SECRET)
    assert uri.startswith("otpauth://totp/ISP%20Manager:") and TEST_TOTP_SECRET in uri
    svg = two_factor.qr_code_svg(uri, "Scan me")
    assert svg.startswith('<svg role="img" ') and "<title>Scan me</title>" in svg
    assert two_factor.grouped_secret("ABCDEFGHIJKL") == "ABCD EFGH IJKL"


# ---------------------------------------------------------------- signing in


def test_password_alone_does_not_finish_a_sign_in_with_two_factor(make_user):
    user = make_user()  # an IG lead: has it
    assert services.authenticate(user.email, TEST_PASSWORD, ADDRESS) is user
    assert user.last_login_at is None
    assert not events(user, "user.signed_in")


def test_a_right_code_finishes_the_sign_in_and_clears_the_failures(make_user):
    user = make_user()
    refused(two_factor.verify_sign_in_code, user, code_at(-3), ADDRESS)
    assert attempts(user) == 1
    two_factor.verify_sign_in_code(user, code_at(0), ADDRESS)
    assert user.last_login_at is not None and events(user, "user.signed_in")
    assert user.totp_last_step == TOTP.timecode(utcnow())
    assert attempts(user) == 0


def test_a_code_replayed_within_its_window_is_refused_and_changes_nothing(make_user):
    user = make_user()
    code = code_at(0)
    two_factor.verify_sign_in_code(user, code, ADDRESS)
    db.session.commit()
    last_login, step = user.last_login_at, user.totp_last_step
    assert refused(two_factor.verify_sign_in_code, user, code, ADDRESS) == (
        "SecondFactorRefused",
        two_factor.refusal_message("replayed"),
    )
    assert refused(two_factor.verify_sign_in_code, user, code_at(-1), ADDRESS)  # older: too
    assert (user.last_login_at, user.totp_last_step) == (last_login, step)
    reasons = [e.after["reason"] for e in events(user, "user.sign_in_code_refused")]
    assert reasons == ["replayed", "replayed"]
    assert attempts(user) == 2
    two_factor.verify_sign_in_code(user, code_at(1), ADDRESS)  # the next step's code is new


def test_wrong_codes_are_throttled_like_passwords(app, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert refused(two_factor.verify_sign_in_code, user, code_at(-5), ADDRESS)[0] == (
            "SecondFactorRefused"
        )
    throttled = refused(two_factor.verify_sign_in_code, user, code_at(0), ADDRESS)
    assert throttled == ("SignInThrottled", services.throttled_message())
    assert user.last_login_at is None and user.totp_last_step is None
    # the password step is throttled by the same count, and vice versa
    with pytest.raises(services.SignInThrottled):
        services.authenticate(user.email, TEST_PASSWORD, ADDRESS)
    reasons = [e.after["reason"] for e in events(user, "user.sign_in_code_refused")]
    assert reasons.count("wrong") == app.config["LOGIN_MAX_FAILURES"]
    assert reasons[-1] == "throttled"


def test_the_password_step_does_not_clear_the_failed_codes(app, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        refused(two_factor.verify_sign_in_code, user, code_at(-5), ADDRESS)
    services.authenticate(user.email, TEST_PASSWORD, ADDRESS)
    db.session.commit()
    assert attempts(user) == app.config["LOGIN_MAX_FAILURES"] - 1
    refused(two_factor.verify_sign_in_code, user, code_at(-5), ADDRESS)
    assert refused(two_factor.verify_sign_in_code, user, code_at(0), ADDRESS)[0] == (
        "SignInThrottled"
    )


def _with_recovery_codes(user):
    user.totp_last_step = None
    return two_factor._replace_recovery_codes(user)


def test_a_recovery_code_works_once(make_user):
    user = make_user()
    codes = _with_recovery_codes(user)
    assert two_factor.verify_sign_in_recovery_code(user, codes[2].upper(), ADDRESS) == 9
    assert user.last_login_at is not None
    assert events(user, "user.recovery_code_used")[0].after == {"recovery_codes_left": 9}
    db.session.commit()
    assert refused(two_factor.verify_sign_in_recovery_code, user, codes[2], ADDRESS) == (
        "SecondFactorRefused",
        two_factor.refusal_message("used_recovery"),
    )
    assert two_factor.recovery_codes_left(user) == 9
    assert two_factor.verify_sign_in_recovery_code(user, codes[5].replace("-", ""), ADDRESS) == 8


@pytest.mark.parametrize("code", ["abcde-fghjk", "", "not a code", "a" * 200])
def test_a_wrong_recovery_code_is_refused_and_counted(make_user, code):
    user = make_user()
    _with_recovery_codes(user)
    assert refused(two_factor.verify_sign_in_recovery_code, user, code, ADDRESS) == (
        "SecondFactorRefused",
        two_factor.refusal_message("wrong_recovery"),
    )
    assert attempts(user) == 1 and user.last_login_at is None
    assert two_factor.recovery_codes_left(user) == 10


def test_new_recovery_codes_replace_the_old_ones_and_need_a_code(make_user):
    user = make_user()
    old = _with_recovery_codes(user)
    with pytest.raises(two_factor.SecondFactorRefused):
        two_factor.regenerate_recovery_codes(user, code_at(-4), by=user)
    new = two_factor.regenerate_recovery_codes(user, code_at(0), by=user)
    assert not set(old) & set(new) and two_factor.recovery_codes_left(user) == 10
    assert refused(two_factor.verify_sign_in_recovery_code, user, old[0], ADDRESS)
    assert events(user, "user.recovery_codes_regenerated")


def test_only_those_for_whom_it_is_optional_may_turn_it_off(make_user):
    lead, practitioner = make_user(), make_user(role=Role.PRACTITIONER, two_factor=True)
    with pytest.raises(PermissionDenied):
        two_factor.turn_off_two_factor(lead, code_at(0), by=lead)
    with pytest.raises(two_factor.SecondFactorRefused):
        two_factor.turn_off_two_factor(practitioner, "000000", by=practitioner)
    assert practitioner.has_two_factor
    two_factor.turn_off_two_factor(practitioner, code_at(0), by=practitioner)
    assert not practitioner.has_two_factor and practitioner.totp_secret is None
    assert events(practitioner, "user.two_factor_turned_off")


def test_pending_sign_in_holds_only_while_the_account_is_unchanged(make_user):
    user = make_user()
    version = user.session_version
    assert two_factor.pending_sign_in_is_current(user, version)
    assert not two_factor.pending_sign_in_is_current(None, version)
    services.end_sessions(user)  # a password reset, a deactivation, a 2FA reset
    assert not two_factor.pending_sign_in_is_current(user, version)


# ---------------------------------------------------------------- who may reset it


@pytest.mark.parametrize(
    ("actor_role", "same_org", "expected"),
    [
        (Role.ADMIN, False, None),
        (Role.ADMIN, True, None),
        (Role.IG_LEAD, True, None),
        (Role.IG_LEAD, False, NotFound),
        (Role.PRACTITIONER, True, PermissionDenied),
        (Role.PRACTITIONER, False, NotFound),
        (Role.BOARD_OFFICER, True, PermissionDenied),
        (Role.AUDITOR, True, PermissionDenied),
        (Role.AUDITOR, False, NotFound),
    ],
)
def test_who_may_reset_someones_two_factor(make_user, actor_role, same_org, expected):
    target = make_user("la-cardiff", Role.PRACTITIONER, two_factor=True)
    actor = make_user("la-cardiff" if same_org else "la-swansea", actor_role)
    if expected is None:
        two_factor.reset_two_factor(target, by=actor)
        assert not target.has_two_factor
        event = events(target, "user.two_factor_reset")[0]
        assert event.actor_id == actor.id and event.after == {"two_factor": False}
    else:
        with pytest.raises(expected):
            two_factor.reset_two_factor(target, by=actor)
        assert target.has_two_factor and not events(target, "user.two_factor_reset")


def test_nobody_resets_their_own_and_a_reset_ends_the_sessions(make_user):
    lead, colleague = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        two_factor.reset_two_factor(lead, by=lead)
    services.start_user_session(colleague)
    _with_recovery_codes(colleague)
    two_factor.reset_two_factor(colleague, by=lead)
    assert colleague.must_set_up_two_factor
    assert not db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == colleague.id)
    ).all()
    assert not db.session.scalars(
        sa.select(RecoveryCode).where(RecoveryCode.user_id == colleague.id)
    ).all()
    with pytest.raises(Conflict):
        two_factor.reset_two_factor(colleague, by=lead)


# ---------------------------------------------------------------- session time limits


@pytest.mark.parametrize(
    ("created_ago", "seen_ago", "ended"),
    [
        (timedelta(hours=1), timedelta(minutes=1), None),
        (timedelta(hours=1), timedelta(minutes=29), None),
        (timedelta(hours=1), timedelta(minutes=30), "idle"),
        (timedelta(hours=11, minutes=59), timedelta(minutes=1), None),
        (timedelta(hours=12), timedelta(seconds=5), "max_age"),
    ],
)
def test_sessions_end_when_idle_or_too_old(make_user, created_ago, seen_ago, ended):
    now = utcnow()
    session = UserSession(created_at=now - created_ago, last_seen_at=now - seen_ago)
    assert services.session_ended_because(session, now) == ended


def test_sessions_too_old_are_forgotten(make_user):
    user = make_user()
    services.start_user_session(user)
    row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    row.created_at = utcnow() - timedelta(hours=13)
    db.session.flush()
    assert services.forget_old_sessions() == 1
