"""Users, their roles and their API tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import encryption
from ..db import TimestampMixin, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    IG_LEAD = "ig_lead"
    PRACTITIONER = "practitioner"
    BOARD_OFFICER = "board_officer"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.IG_LEAD: _l("Information governance lead"),
    Role.PRACTITIONER: _l("Practitioner"),
    Role.BOARD_OFFICER: _l("Safeguarding Board officer"),
    Role.AUDITOR: _l("Auditor (read-only)"),
}


TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.IG_LEAD})


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in. Belongs to one organisation and has one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    job_title: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    is_active_user: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    # Told of the requests made to the organisation (set by its IG lead: parties.contacts).
    answers_requests: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false(), nullable=False
    )
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts the times every session was ended at once (the rows in user_sessions decide).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, nullable=False)
    # Two-factor authentication: the TOTP secret (base32) once set up, encrypted at rest (read
    # and set it as `totp_secret`), when, and the last time step a code was accepted for (a
    # code is never accepted twice).
    totp_secret_encrypted: Mapped[str | None] = mapped_column("totp_secret", sa.String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    organisation = relationship("Organisation", lazy="joined", innerjoin="unnested")

    # The key of the session this request is signed in with (not stored: see UserSession).
    session_key = None

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.is_active_user

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the signed cookie: the session's random key."""
        return self.session_key

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def totp_secret(self) -> str | None:
        """The TOTP secret in clear (SecretUnreadable if the data encryption key is wrong)."""
        return encryption.decrypt(self.totp_secret_encrypted)

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        self.totp_secret_encrypted = encryption.encrypt(secret)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret_encrypted)

    @property
    def two_factor_required(self) -> bool:
        """Administrators and IG leads must sign in with a second factor."""
        return self.role in TWO_FACTOR_ROLES

    @property
    def must_set_up_two_factor(self) -> bool:
        return self.two_factor_required and not self.has_two_factor

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def can_read_everything(self) -> bool:
        """Admins and auditors read every organisation's records (auditors cannot change them)."""
        return self.role in (Role.ADMIN, Role.AUDITOR)


def hash_token(token: str) -> str:
    """API tokens are random and long, so a plain SHA-256 is the right stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for the API: shown once, stored hashed, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined", innerjoin="unnested")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class UserSession(db.Model):
    """One signed-in browser. The signed cookie holds a random key and this row its hash;
    signing out deletes the row, so a copy of the cookie opens nothing afterwards."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Written at most every LAST_SEEN_INTERVAL_SECONDS, not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship(lazy="joined", innerjoin="unnested")


class LoginAttempt(db.Model):
    """Failed sign-ins, counted to throttle guessing (per e-mail and per address)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_remote_addr_attempted_at", "remote_addr", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app: shown once, stored hashed
    (argon2), spent when used. A new set replaces the old one."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(INVITATION_STATE_LABELS[self])


INVITATION_STATE_LABELS = {
    InvitationState.PENDING: _l("Waiting to be accepted"),
    InvitationState.ACCEPTED: _l("Accepted"),
    InvitationState.EXPIRED: _l("Expired"),
    InvitationState.CANCELLED: _l("Cancelled"),
}


class Invitation(TimestampMixin, db.Model):
    """An e-mailed link, single use and expiring, by which a person sets up the account their
    organisation's IG lead (or an administrator) offered them. The link's token is stored
    hashed; the account is created when the link is used."""

    __tablename__ = "invitations"
    __table_args__ = (
        sa.CheckConstraint("accepted_at IS NULL OR user_id IS NOT NULL", name="accepted_has_user"),
        sa.CheckConstraint(
            "accepted_at IS NULL OR cancelled_at IS NULL", name="accepted_or_cancelled"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    role: Mapped[Role] = mapped_column(enum_type(Role, "invitation_role"), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organisation = relationship("Organisation", lazy="joined", innerjoin="unnested")
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="joined")

    def state_at(self, now: datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.cancelled_at is not None:
            return InvitationState.CANCELLED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state(self) -> InvitationState:
        return self.state_at(utcnow())
