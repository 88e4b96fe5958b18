"""Operations on users and API tokens: the only code that changes them.

Services flush and never commit: the request (or the CLI command) commits or rolls back.
Every change writes one audit event; passwords and token values are never logged.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy.orm import contains_eager

from ..audit.services import changes, record_event
from ..db import read_only_transaction, utcnow
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..parties.models import Organisation, OrgKind
from ..parties.search import search_text_for
from ..text_input import is_storable
from . import access, passwords
from .access import Action
from .models import ApiToken, LoginAttempt, Role, User, UserSession, hash_token

TOKEN_PREFIX = "ispm_"  # noqa: S105  (a marker, not a secret)
NAME_MAX = 200
EMAIL_MAX = 254
LABEL_MAX = 100
SEARCH_MAX = 200
SERVICE_ORG_CODE = "isp-manager-service"
SERVICE_ORG_NAME = "ISP Manager service administration"
DEFAULT_ADMIN_EMAIL = "admin@isp-manager.local"


class SignInRefused(InvalidInput):
    """Wrong e-mail or password, or no such (active) user: one message for all of them."""


class SignInThrottled(InvalidInput):
    """Too many failed attempts for this e-mail or this address within the window."""

    status_code = 429


JOB_TITLE_MAX = 200


def change_job_title(user: User, job_title: str | None, *, by: User) -> None:
    """A user's job title, optional: letters they sign show it (or their role without one)."""
    title = " ".join((job_title or "").split())
    if len(title) > JOB_TITLE_MAX:
        raise InvalidInput(
            _("Job title must be %(n)d characters or fewer", n=JOB_TITLE_MAX), field="job_title"
        )
    old = user.job_title
    user.job_title = title or None
    record_event(
        "user.job_title_changed",
        user,
        by=by,
        before={"job_title": old},
        after={"job_title": user.job_title},
    )


def user_view(user: User) -> dict:
    """What the audit log records about a user (never the password hash)."""
    return {
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation.code if user.organisation else None,
        "role": user.role,
        "is_active": user.is_active_user,
        "must_change_password": user.must_change_password,
    }


# ---------------------------------------------------------------- input


def normalise_email(raw: str | None) -> str:
    """The e-mail address in lower case, checked for form (no DNS look-up)."""
    text = (raw or "").strip().lower()
    if not text:
        raise InvalidInput(_("Enter an email address"), field="email")
    if len(text) > EMAIL_MAX:
        raise InvalidInput(
            _("Email address must be %(n)d characters or fewer", n=EMAIL_MAX), field="email"
        )
    # Intranet addresses (.local, like the default administrator's) are accepted: the validator
    # refuses reserved names, so check their form as .test, which it allows in test mode.
    probe = text[: -len(".local")] + ".test" if text.endswith(".local") else text
    try:
        validate_email(probe, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise InvalidInput(
            _("Enter an email address in the correct format, like name@example.gov.wales"),
            field="email",
        ) from None
    return text


def _clean_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput(_("Enter the person's full name"), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(_("Name must be %(n)d characters or fewer", n=NAME_MAX), field="name")
    return name


def parse_role(raw) -> Role:
    try:
        return Role(raw.value if isinstance(raw, Role) else str(raw or "").strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(_("Choose a role: %(choices)s", choices=choices), field="role") from None


def organisation_by_code(code: str | None) -> Organisation:
    """An active organisation of the register, by code; a field error otherwise."""
    code = (code or "").strip().lower()
    if not code:
        raise InvalidInput(_("Choose the person's organisation"), field="organisation")
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if org is None or not org.is_active:
        raise InvalidInput(
            _(
                "There is no active organisation with the code %(code)s. Use a code from the "
                "register, like la-cardiff",
                code=code[:64],
            ),
            field="organisation",
        )
    return org


def check_password(
    password: str, *, email: str | None, name: str | None, field: str = "password"
) -> None:
    problem = passwords.password_problem(password, email=email, name=name)
    if problem:
        raise InvalidInput(problem, field=field)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))


# ---------------------------------------------------------------- users


def create_user(
    email: str,
    name: str,
    org: Organisation | str,
    role: Role | str,
    password: str | None = None,
    *,
    by: User | None,
) -> tuple[User, str | None]:
    """Create a user. Without a password, one is generated, returned once, and must be changed
    at first sign-in. Returns (user, generated password or None)."""
    errors: dict[str, list[str]] = {}
    values = {}
    for field, parse, raw in (
        ("email", normalise_email, email),
        ("name", _clean_name, name),
        (
            "organisation",
            lambda o: o if isinstance(o, Organisation) else organisation_by_code(o),
            org,
        ),
        ("role", parse_role, role),
    ):
        try:
            values[field] = parse(raw)
        except InvalidInput as error:
            errors.setdefault(field, []).extend(error.errors.get(field, [error.message]))
    if "email" in values and user_by_email(values["email"]) is not None:
        errors.setdefault("email", []).append(_("A user with this email address already exists"))
    if password is not None:
        problem = passwords.password_problem(
            password, email=values.get("email"), name=values.get("name")
        )
        if problem:
            errors["password"] = [problem]
    if errors:
        raise InvalidInput(errors=errors)
    generated = passwords.generate_password() if password is None else None
    user = User(
        email=values["email"],
        name=values["name"],
        organisation=values["organisation"],
        role=values["role"],
        password_hash=passwords.hash_password(password if password is not None else generated),
        is_active_user=True,
        must_change_password=generated is not None,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    record_event("user.created", user, by=by, after=user_view(user))
    return user, generated


def _active_admin_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active_user)
    )


def _guard_last_admin(user: User, field: str) -> None:
    if user.role == Role.ADMIN and user.is_active_user and _active_admin_count() <= 1:
        raise Conflict(
            _(
                "%(name)s is the only active administrator. Make someone else an administrator first.",
                name=user.name,
            ),
            field=field,
        )


def start_user_session(user: User) -> str:
    """A new session for this user; its random key, for the signed cookie (stored hashed)."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, key_hash=hash_token(key)))
    db.session.flush()
    user.session_key = key
    return key


def session_for_key(key: str | None) -> UserSession | None:
    """The session a cookie's key belongs to, with its user, in one query; None if it ended."""
    if not key:
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == hash_token(key)))


def end_user_session(key: str | None) -> None:
    """Signing out: the cookie, and every copy of it, stops working."""
    if key:
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == hash_token(key)))


def forget_old_sessions() -> int:
    """Sessions unused for longer than a session cookie lasts can never be used again."""
    lifetime = current_app.permanent_session_lifetime
    now = utcnow()
    result = db.session.execute(
        sa.delete(UserSession).where(
            sa.or_(
                UserSession.last_seen_at < now - lifetime,
                UserSession.created_at < now - session_max_age(),
            )
        )
    )
    return result.rowcount or 0


def session_idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def session_max_age() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def session_ended_because(user_session: UserSession, now=None) -> str | None:
    """'max_age' when the session is older than SESSION_MAX_HOURS, 'idle' when unused for
    SESSION_IDLE_MINUTES, else None (the session goes on)."""
    now = now or utcnow()
    if now - user_session.created_at >= session_max_age():
        return "max_age"
    if now - user_session.last_seen_at >= session_idle_limit():
        return "idle"
    return None


def end_sessions(user: User) -> None:
    """Every session of this user ends now, on every device."""
    user.session_version = (user.session_version or 1) + 1
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def sign_out_everywhere(user: User, *, by: User | None) -> None:
    """End every session of this user, on every device."""
    end_sessions(user)
    db.session.flush()
    record_event("user.sessions_ended", user, by=by)


def record_sign_out(user: User, session_key: str | None) -> None:
    end_user_session(session_key)
    record_event("user.signed_out", user, by=user)


def deactivate_user(user: User, *, by: User | None) -> None:
    """The user can no longer sign in or use their API tokens; their sessions end now.
    Administrators deactivate anyone; an IG lead, the people of their own organisation."""
    if by is not None and by.id == user.id:
        raise Conflict(
            _("You cannot deactivate your own account. Ask an administrator."), field="active"
        )
    access.require(by, Action.DEACTIVATE, user)
    if not user.is_active_user:
        raise Conflict(_("%(name)s is already deactivated", name=user.name), field="active")
    _guard_last_admin(user, "active")
    before = user_view(user)
    user.is_active_user = False
    end_sessions(user)
    db.session.flush()
    record_event("user.deactivated", user, by=by, before=before, after=user_view(user))


def reactivate_user(user: User, *, by: User | None) -> None:
    """The user can sign in again (administrators, or an IG lead for their organisation)."""
    access.require(by, Action.REACTIVATE, user)
    if user.is_active_user:
        raise Conflict(_("%(name)s is already active", name=user.name), field="active")
    before = user_view(user)
    user.is_active_user = True
    end_sessions(user)
    db.session.flush()
    record_event("user.reactivated", user, by=by, before=before, after=user_view(user))


def change_role(user: User, role: Role | str, *, by: User | None) -> None:
    """A new role. An IG lead changes their own organisation's people, up to IG lead."""
    access.require(by, Action.CHANGE_ROLE, user)
    new_role = parse_role(role)
    if new_role == user.role:
        return
    access.require_assignable(by, new_role)
    if new_role == user.role:
        return
    if new_role != Role.ADMIN:
        _guard_last_admin(user, "role")
    before = user_view(user)
    user.role = new_role
    db.session.flush()
    old, new = changes(before, user_view(user))
    record_event("user.role_changed", user, by=by, before=old, after=new)


def change_password(
    user: User, current_password: str, new_password: str, *, by: User | None = None
) -> None:
    """The user's own change: needs the current password. Other sessions end.

    As in authenticate(), the slow part (verifying the current password and hashing the new
    one) runs in a read-only transaction of its own, so that on SQLite it holds no other
    writer up; the write then checks that the password it verified is still the user's.
    """
    with read_only_transaction(db.session):
        verified_hash = user.password_hash
        if not passwords.verify_password(verified_hash, current_password or ""):
            raise _current_password_refused()
        check_password(new_password, email=user.email, name=user.name, field="new_password")
        if new_password == current_password:
            raise InvalidInput(
                _("Choose a new password that is different from your current one"),
                field="new_password",
            )
        new_hash = passwords.hash_password(new_password)
    if user.password_hash != verified_hash or not user.is_active_user:
        raise _current_password_refused()  # changed (or the account closed) meanwhile
    _set_password_hash(user, new_hash, must_change=False)
    record_event("user.password_changed", user, by=by or user)


def _current_password_refused() -> InvalidInput:
    return InvalidInput(_("Your current password is not correct"), field="current_password")


def reset_password(user: User, *, by: User | None) -> str:
    """An administrator's reset: a new one-time password, returned once, to change at sign-in."""
    access.require(by, Action.RESET_PASSWORD, user)
    if not user.is_active_user:
        raise Conflict(_("Reactivate %(name)s before resetting their password", name=user.name))
    generated = passwords.generate_password()
    _set_password(user, generated, must_change=True)
    record_event("user.password_reset", user, by=by)
    return generated


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    _set_password_hash(user, passwords.hash_password(password), must_change=must_change)


def _set_password_hash(user: User, password_hash: str, *, must_change: bool) -> None:
    user.password_hash = password_hash
    user.must_change_password = must_change
    end_sessions(user)
    db.session.flush()


def organisations_with_users():
    """(code, name, name_cy) of the organisations that have users, by name: the list filter's choices."""
    with_users = sa.select(User.organisation_id).distinct()
    return db.session.execute(
        sa.select(Organisation.code, Organisation.name, Organisation.name_cy)
        .where(Organisation.id.in_(with_users))
        .order_by(*Organisation.name_order(current_locale()))
    ).all()


def organisation_choices():
    """(code, name, name_cy) of every active organisation, by name: who a new user may belong to."""
    return db.session.execute(
        sa.select(Organisation.code, Organisation.name, Organisation.name_cy)
        .where(Organisation.is_active)
        .order_by(*Organisation.name_order(current_locale()))
    ).all()


def users_query(q: str = "", organisation: str = "", role: str = "", status: str = "") -> sa.Select:
    """Users matching the list filters, by name. Unknown filter values match nothing."""
    stmt = (
        sa.select(User)
        .join(User.organisation)
        .options(contains_eager(User.organisation))
        .order_by(sa.func.lower(User.name), User.id)
    )
    term = " ".join(q.split()).lower()[:SEARCH_MAX]
    if not (is_storable(term) and is_storable(organisation)):
        return stmt.where(sa.false())
    if term:
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).contains(term, autoescape=True),
                User.email.contains(term, autoescape=True),
            )
        )
    if organisation:
        stmt = stmt.where(Organisation.code == organisation)
    if role:
        stmt = (
            stmt.where(User.role == role)
            if role in {r.value for r in Role}
            else stmt.where(sa.false())
        )
    if status in ("active", "deactivated"):
        stmt = stmt.where(User.is_active_user == (status == "active"))
    return stmt


# ---------------------------------------------------------------- signing in


def sign_in_failed_message() -> str:
    return _("Enter a correct email address and password")


def throttled_message() -> str:
    minutes = max(1, current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60)
    return _("Too many attempts to sign in. Wait %(n)d minutes, then try again.", n=minutes)


def _recent_failures(column, value: str, since) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.attempted_at >= since)
    )


def is_throttled(email: str, remote_addr: str) -> bool:
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    per_email = config["LOGIN_MAX_FAILURES"]
    per_address = config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", per_email)
    return (
        _recent_failures(LoginAttempt.email, email, since) >= per_email
        or _recent_failures(LoginAttempt.remote_addr, remote_addr, since) >= per_address
    )


def authenticate(email: str, password: str, remote_addr: str | None) -> User:
    """The active user with this e-mail and password, or SignInRefused / SignInThrottled.

    The password is verified in a read-only transaction of its own: argon2 is slow on purpose,
    and on SQLite a transaction that may write would hold every other writer up meanwhile.
    The outcome is then written in a short transaction that checks again what could have
    changed in between (the throttle, the account, its password).
    The caller must commit even when this raises, so that a failed attempt is counted.
    The answer and the time taken are the same whether or not the e-mail belongs to anyone.
    """
    email = (email or "").strip().lower()[:EMAIL_MAX]
    remote_addr = (remote_addr or "unknown")[:64]
    with read_only_transaction(db.session):
        _refuse_if_throttled(email, remote_addr)
        user = user_by_email(email)
        user_id, verified_hash = (user.id, user.password_hash) if user else (None, None)
        matches = passwords.verify_password(verified_hash or passwords.dummy_hash(), password or "")
        rehashed = _rehashed(verified_hash, password) if matches and user_id else None
    _refuse_if_throttled(email, remote_addr)
    user = db.session.get(User, user_id) if matches and user_id is not None else None
    if user is None or not user.is_active_user or user.password_hash != verified_hash:
        db.session.add(LoginAttempt(email=email, remote_addr=remote_addr, attempted_at=utcnow()))
        db.session.flush()
        raise SignInRefused(sign_in_failed_message(), field="email")
    if rehashed is not None:
        user.password_hash = rehashed
    if user.has_two_factor:
        # Half way: the failed attempts stay counted until the second factor is given too.
        db.session.flush()
        return user
    complete_sign_in(user)
    return user


def _refuse_if_throttled(email: str, remote_addr: str) -> None:
    if is_throttled(email, remote_addr):
        raise SignInThrottled(throttled_message(), field="email")


def _rehashed(password_hash: str, password: str) -> str | None:
    """A hash with the current parameters when this one was made with others, else None."""
    return passwords.hash_password(password) if passwords.needs_rehash(password_hash) else None


def complete_sign_in(user: User) -> None:
    """Record a finished sign-in (the password, and the second factor when there is one)."""
    user.last_login_at = utcnow()
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == user.email))
    forget_old_login_attempts()
    forget_old_sessions()
    db.session.flush()
    record_event("user.signed_in", user, by=user)


def forget_old_login_attempts(older_than: timedelta = timedelta(days=1)) -> int:
    """Failed attempts past any window are no longer needed."""
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < utcnow() - older_than)
    )
    return result.rowcount or 0


# ---------------------------------------------------------------- API tokens


def can_manage_tokens(actor: User | None, owner: User) -> bool:
    """A person manages their own tokens; an administrator (or the command line) anyone's."""
    return actor is None or actor.id == owner.id or actor.is_admin


def create_api_token(user: User, label: str | None, *, by: User | None) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns (token, raw value): the raw value is never stored or shown again."""
    if not can_manage_tokens(by, user):
        raise PermissionDenied(_("You can only create API tokens for yourself"))
    if not user.is_active_user:
        raise Conflict(_("%(name)s is deactivated and cannot have API tokens", name=user.name))
    label = " ".join((label or "").split())
    if not label:
        raise InvalidInput(
            _("Enter a name for the token, like 'Case system at Cardiff'"), field="label"
        )
    if len(label) > LABEL_MAX:
        raise InvalidInput(
            _("Token name must be %(n)d characters or fewer", n=LABEL_MAX), field="label"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, label=label, token_hash=hash_token(raw), prefix=raw[:12])
    db.session.add(token)
    db.session.flush()
    record_event(
        "api_token.created",
        token,
        by=by,
        after={"user": user.email, "label": label, "prefix": token.prefix},
    )
    return token, raw


def token_for(owner: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id:
        raise NotFound(_("There is no such API token"))
    return token


def revoke_api_token(token: ApiToken, *, by: User | None) -> None:
    if not can_manage_tokens(by, token.user):
        raise PermissionDenied(_("You can only revoke your own API tokens"))
    if token.is_revoked:
        raise Conflict(_("This token was already revoked"))
    token.revoked_at = utcnow()
    db.session.flush()
    record_event(
        "api_token.revoked",
        token,
        by=by,
        before={"revoked_at": None},
        after={
            "user": token.user.email,
            "label": token.label,
            "prefix": token.prefix,
            "revoked_at": token.revoked_at,
        },
    )


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


# ---------------------------------------------------------------- first administrator


def service_organisation() -> Organisation:
    """The organisation the service's own administrators belong to (created when missing)."""
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == SERVICE_ORG_CODE))
    if org is None:
        org = Organisation(
            code=SERVICE_ORG_CODE,
            name=SERVICE_ORG_NAME,
            kind=OrgKind.OTHER,
            search_text=search_text_for(SERVICE_ORG_NAME, None),
            covers_all_wales=False,
            is_active=True,
        )
        db.session.add(org)
        db.session.flush()
        record_event(
            "organisation.created",
            org,
            after={"code": org.code, "name": org.name, "kind": org.kind},
        )
    return org


def ensure_admin(email: str | None = None) -> tuple[User, str] | None:
    """On an instance without an active administrator, create one with a one-time password.
    Returns (user, password), or None when there already is one."""
    if _active_admin_count() > 0:
        return None
    email = email or DEFAULT_ADMIN_EMAIL
    if user_by_email(normalise_email(email)) is not None:
        raise Conflict(
            _(
                "%(email)s already exists but is not an active administrator. Set ADMIN_EMAIL to "
                "another address, or reactivate that user and make them an administrator.",
                email=email,
            ),
            field="email",
        )
    user, password = create_user(
        email, _("Service administrator"), service_organisation(), Role.ADMIN, by=None
    )
    return user, password
