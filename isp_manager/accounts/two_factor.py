"""Two-factor authentication: time-based one-time codes (TOTP, RFC 6238, through pyotp) from an
authenticator app, and one-time recovery codes for when the app is not to hand.

Rules kept here and nowhere else:
- a code is accepted for the current 30-second step and one step either side (clock drift),
  and never twice: the last accepted step is stored, and a code for it or an earlier one is
  refused as replayed;
- a wrong, replayed or spent code at sign-in counts as a failed attempt, throttled exactly as a
  wrong password is (LoginAttempt rows, per e-mail and per address), and writes an audit event;
- recovery codes are shown once, stored hashed with argon2, and each works once;
- administrators and IG leads must have it; anyone else may turn it on (and off again);
- an IG lead may reset it for the users of their own organisation, an administrator for anyone.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ..audit.services import record_event
from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from .models import LoginAttempt, RecoveryCode, Role, User

ISSUER = "ISP Manager"
RECOVERY_CODE_COUNT = 10
# 10 characters from an alphabet without look-alikes, shown as xxxxx-xxxxx: ~50 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
# Recovery codes are random and long, and guessing is throttled, so a lighter argon2 setting
# than the one for passwords is enough (a sign-in may check all ten).
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


class SecondFactorRefused(InvalidInput):
    """A wrong, replayed or already used code."""


# ---------------------------------------------------------------- codes


def new_secret() -> str:
    """A new random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str, title: str) -> str:
    """The QR code of `uri` as an inline SVG image, with a title for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=2, title=title, light="#fff", svgclass="app-qr-code__image"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "")


def matching_step(secret: str, code: str | None, at: datetime | None = None) -> int | None:
    """The time step the code is right for (now, or one step either side), else None."""
    code = _clean_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = at or utcnow()
    window = current_app.config.get("TOTP_VALID_WINDOW", 1)
    if not totp.verify(code, for_time=moment, valid_window=window):
        return None
    current = totp.timecode(moment)
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code_problem(user: User, secret: str, code: str | None) -> tuple[int | None, str | None]:
    """(the step accepted, None) or (None, why the code is refused: 'wrong' or 'replayed')."""
    step = matching_step(secret, code)
    if step is None:
        return None, "wrong"
    if user.totp_last_step is not None and step <= user.totp_last_step:
        return None, "replayed"
    return step, None


def refusal_message(reason: str) -> str:
    messages = {
        "wrong": _(
            "The code is not correct. Enter the 6-digit code your authenticator app shows now"
        ),
        "replayed": _(
            "This code has already been used. Wait for your authenticator app to show a new "
            "code, then enter that one"
        ),
        "wrong_recovery": _(
            "The recovery code is not correct. Enter one of your recovery codes, like abcde-23456"
        ),
        "used_recovery": _(
            "This recovery code has already been used. Each recovery code works only once: "
            "enter another one"
        ),
    }
    return messages[reason]


def _generate_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_generate_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.session.add(
            RecoveryCode(user_id=user.id, code_hash=_recovery_hasher.hash(_clean_code(code)))
        )
    db.session.flush()
    return codes


def _recovery_code_matches(code_hash: str, code: str) -> bool:
    try:
        return _recovery_hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def _find_recovery_code(user: User, code: str | None) -> RecoveryCode | None:
    """The user's recovery code matching `code` (spent or not), unspent ones tried first."""
    cleaned = _clean_code(code).lower()
    if len(cleaned) != _RECOVERY_LENGTH:
        return None
    rows = db.session.scalars(
        sa.select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .order_by(RecoveryCode.used_at.is_not(None), RecoveryCode.id)
    )
    return next((row for row in rows if _recovery_code_matches(row.code_hash, cleaned)), None)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# ---------------------------------------------------------------- setting up and turning off


def enable_two_factor(user: User, secret: str, code: str | None, *, by: User) -> list[str]:
    """Turn two-factor authentication on with the secret the user's app was given, once the
    app's code proves it was saved. Returns the recovery codes (shown once)."""
    if user.has_two_factor:
        raise Conflict(_("Two-factor authentication is already set up for your account"))
    if not secret or len(secret) < 16:
        raise InvalidInput(_("Start setting up two-factor authentication again"), field="code")
    step = matching_step(secret, code)
    if step is None:
        raise InvalidInput(
            _(
                "The code is not correct. Check that you added the account to your app, then "
                "enter the 6-digit code it shows now"
            ),
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    record_event(
        "user.two_factor_enabled",
        user,
        by=by,
        before={"two_factor": False},
        after={"two_factor": True, "recovery_codes": len(codes)},
    )
    return codes


def set_secret_from_command_line(user: User, secret: str) -> None:
    """Turn two-factor authentication on with a given secret (the command line's test and
    demo accounts); no recovery codes."""
    secret = "".join(secret.split()).upper()
    try:
        valid = len(secret) >= 16 and bool(pyotp.TOTP(secret).now())
    except ValueError:  # not base32
        valid = False
    if not valid:
        raise InvalidInput(
            _("The secret must be at least 16 characters of base32 (A to Z and 2 to 7)"),
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = None
    db.session.flush()
    record_event(
        "user.two_factor_enabled", user, before={"two_factor": False}, after={"two_factor": True}
    )


def _check_current_code(user: User, code: str | None) -> int:
    """A code from the user's app for a change to their own settings, or a field error."""
    step, reason = _code_problem(user, user.totp_secret or "", code)
    if reason is not None:
        raise SecondFactorRefused(refusal_message(reason), field="code")
    return step


def regenerate_recovery_codes(user: User, code: str | None, *, by: User) -> list[str]:
    """A new set of recovery codes (the old ones stop working); needs a code from the app."""
    if not user.has_two_factor:
        raise Conflict(_("Set up two-factor authentication first"))
    user.totp_last_step = _check_current_code(user, code)
    codes = _replace_recovery_codes(user)
    record_event(
        "user.recovery_codes_regenerated", user, by=by, after={"recovery_codes": len(codes)}
    )
    return codes


def turn_off_two_factor(user: User, code: str | None, *, by: User) -> None:
    """Someone for whom it is optional turns it off again (with a code from their app)."""
    if not user.has_two_factor:
        raise Conflict(_("Two-factor authentication is not set up for your account"))
    if user.two_factor_required:
        raise PermissionDenied(
            _("Administrators and information governance leads must use two-factor authentication")
        )
    _check_current_code(user, code)
    _clear_two_factor(user)
    record_event(
        "user.two_factor_turned_off",
        user,
        by=by,
        before={"two_factor": True},
        after={"two_factor": False},
    )


def _clear_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


# ---------------------------------------------------------------- signing in


def _refuse(user: User, remote_addr: str, reason: str, *, kind: str) -> None:
    """Count a failed attempt (the password throttle's own rows) and record why; then raise."""
    db.session.add(LoginAttempt(email=user.email, remote_addr=remote_addr, attempted_at=utcnow()))
    record_event("user.sign_in_code_refused", user, by=user, after={"reason": reason, "kind": kind})
    db.session.flush()
    raise SecondFactorRefused(refusal_message(reason), field="code")


def _refuse_if_throttled(user: User, remote_addr: str, kind: str) -> None:
    from .services import SignInThrottled, is_throttled, throttled_message

    if is_throttled(user.email, remote_addr):
        record_event(
            "user.sign_in_code_refused", user, by=user, after={"reason": "throttled", "kind": kind}
        )
        db.session.flush()
        raise SignInThrottled(throttled_message(), field="code")


def verify_sign_in_code(user: User, code: str | None, remote_addr: str | None) -> None:
    """The second step of signing in with a code from the app. On success the sign-in is
    recorded; otherwise SecondFactorRefused or SignInThrottled (the caller must commit then,
    so that the attempt is counted)."""
    from .services import complete_sign_in

    remote_addr = (remote_addr or "unknown")[:64]
    _refuse_if_throttled(user, remote_addr, "app")
    step, reason = _code_problem(user, user.totp_secret or "", code)
    if reason is not None:
        _refuse(user, remote_addr, reason, kind="app")
    user.totp_last_step = step
    complete_sign_in(user)


def verify_sign_in_recovery_code(user: User, code: str | None, remote_addr: str | None) -> int:
    """The second step of signing in with a recovery code, which is then spent. Returns how
    many are left. Refusals as verify_sign_in_code()."""
    from .services import complete_sign_in

    remote_addr = (remote_addr or "unknown")[:64]
    _refuse_if_throttled(user, remote_addr, "recovery")
    found = _find_recovery_code(user, code)
    if found is None:
        _refuse(user, remote_addr, "wrong_recovery", kind="recovery")
    if found.used_at is not None:
        _refuse(user, remote_addr, "used_recovery", kind="recovery")
    found.used_at = utcnow()
    left = recovery_codes_left(user)
    record_event("user.recovery_code_used", user, by=user, after={"recovery_codes_left": left})
    complete_sign_in(user)
    return left


def pending_sign_in_is_current(user: User | None, session_version: int | None) -> bool:
    """A half-finished sign-in (password given, code not yet) may go on: the account is still
    active, still has two-factor set up, and nothing ended its sessions meanwhile."""
    return (
        user is not None
        and user.is_active_user
        and user.has_two_factor
        and user.session_version == session_version
    )


def pending_sign_in_lifetime() -> timedelta:
    return timedelta(seconds=current_app.config.get("TWO_FACTOR_PENDING_SECONDS", 300))


# ---------------------------------------------------------------- resetting someone's


def can_see_two_factor(actor: User | None, user: User) -> bool:
    """Who may see whether someone has two-factor authentication: administrators, and the
    people of the same organisation (the others get a 404)."""
    if actor is None:
        return True
    return actor.is_admin or actor.organisation_id == user.organisation_id


def can_reset_two_factor(actor: User | None, user: User) -> bool:
    """An administrator (or the command line) for anyone else; an IG lead for someone else of
    their own organisation."""
    if actor is None:
        return True
    if actor.id == user.id:
        return False  # their own: turned off or renewed from their account page, with a code
    return actor.is_admin or (
        actor.role == Role.IG_LEAD and actor.organisation_id == user.organisation_id
    )


def _record_refused_reset(user: User, actor: User, reason: str) -> None:
    """The attempt is recorded (the caller commits it although the request is refused)."""
    record_event("user.two_factor_reset_refused", user, by=actor, after={"reason": reason})
    db.session.flush()


def check_reset_access(actor: User, user: User) -> None:
    """NotFound for someone outside the user's organisation, PermissionDenied for a colleague
    who may not reset it."""
    if not can_see_two_factor(actor, user):
        _record_refused_reset(user, actor, "outside_organisation")
        raise NotFound(_("There is no such user"))
    if not can_reset_two_factor(actor, user):
        _record_refused_reset(user, actor, "not_allowed")
        raise PermissionDenied(
            _(
                "Only your organisation's information governance lead or an administrator can "
                "reset two-factor authentication"
            )
        )


def reset_two_factor(user: User, *, by: User | None) -> None:
    """Forget the user's app and recovery codes and end their sessions: at the next sign-in they
    set it up again (or, where it is optional, sign in with their password alone)."""
    if by is not None:
        check_reset_access(by, user)
    if not user.has_two_factor:
        raise Conflict(
            _("%(name)s has not set up two-factor authentication", name=user.name), field="user"
        )
    from .services import end_sessions

    _clear_two_factor(user)
    end_sessions(user)
    db.session.flush()
    record_event(
        "user.two_factor_reset",
        user,
        by=by,
        before={"two_factor": True},
        after={"two_factor": False},
    )


def organisation_users_query(org_id: int) -> sa.Select:
    """The people of an organisation, by name: the IG lead's two-factor page."""
    return (
        sa.select(User)
        .where(User.organisation_id == org_id)
        .order_by(sa.func.lower(User.name), User.id)
    )
