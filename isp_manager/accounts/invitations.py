"""Invitations: how an organisation's IG lead (or an administrator) gives a person an account.

    invite_user(org, email, name, role, by=...) -> (Invitation, link token)   e-mails the link
    cancel_invitation(invitation, by=...)
    invitation_for_token(token) -> Invitation | None
    check_invitation(token) -> Invitation          refuses a used, expired or unknown link
    accept_invitation(token, password) -> User     creates the account with that password

The link is single use and expires (INVITATION_LIFETIME_DAYS, 7 by default); its token is
stored hashed. A link that is refused writes an `invitation.refused` event and changes
nothing else: the caller commits that event alone (as sign-in failures are counted).

Single sign-on: an organisation whose identity provider vouches for the address may accept
the invitation by signing in there instead of setting a password. That path calls
check_invitation() and then claim_invitation() with the account it creates; accept_invitation()
is the password path, and the two share every check.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from ..audit.services import record_event
from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..i18n import current_locale, uk_date
from ..i18n import gettext as _
from ..mail import queue_bilingual_mail
from . import access, passwords
from .access import Action
from .models import Invitation, InvitationState, Role, User, hash_token
from .services import _clean_name, normalise_email, parse_role, user_by_email, user_view


class InvitationRefused(Conflict):
    """The link cannot be used (any more). `reason` is for the audit event."""

    def __init__(self, message: str, reason: str, status_code: int = 409):
        super().__init__(message)
        self.reason = reason
        self.status_code = status_code


def lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("INVITATION_LIFETIME_DAYS", 7))


def invitation_view(invitation: Invitation) -> dict:
    """What the audit log records of an invitation (never the token)."""
    return {
        "email": invitation.email,
        "name": invitation.name,
        "organisation": invitation.organisation.code if invitation.organisation else None,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
    }


def pending_invitation_for(email: str) -> Invitation | None:
    now = utcnow()
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.cancelled_at.is_(None),
            Invitation.expires_at > now,
        )
    )


def invite_user(org, email: str, name: str, role: Role | str, *, by) -> tuple[Invitation, str]:
    """Invite a person to `org` with a role; e-mails them a link (after the commit).
    Returns (invitation, token): the token is the link's secret, never stored."""
    access.require(by, Action.INVITE, org)
    errors: dict[str, list[str]] = {}
    values = {}
    for field, parse, raw in (
        ("email", normalise_email, email),
        ("name", _clean_name, name),
        ("role", parse_role, role),
    ):
        try:
            values[field] = parse(raw)
        except InvalidInput as error:
            errors.setdefault(field, []).extend(error.errors.get(field, [error.message]))
    if "role" in values:
        access.require_assignable(by, values["role"])
    if "email" in values:
        if user_by_email(values["email"]) is not None:
            errors.setdefault("email", []).append(
                _("A user with this email address already exists")
            )
        elif pending_invitation_for(values["email"]) is not None:
            errors.setdefault("email", []).append(
                _(
                    "This person has already been invited and the link still works. Cancel "
                    "that invitation first to send a new one"
                )
            )
    if errors:
        raise InvalidInput(errors=errors)
    if not org.is_active:
        raise Conflict(_("%(org)s is not active: nobody can be invited to it", org=org.name))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        created_at=now,
        organisation=org,
        email=values["email"],
        name=values["name"],
        role=values["role"],
        token_hash=hash_token(token),
        invited_by_id=by.id if by is not None else None,
        expires_at=now + lifetime(),
    )
    db.session.add(invitation)
    db.session.flush()
    record_event("invitation.created", invitation, by=by, after=invitation_view(invitation))
    _send_invitation(invitation, token, by)
    return invitation, token


def invitation_link(token: str) -> str:
    base = current_app.config["SERVICE_URL"].rstrip("/")
    return base + url_for("accounts.accept_invitation", token=token, _external=False)


def _send_invitation(invitation: Invitation, token: str, by) -> None:
    link = invitation_link(token)
    inviter = by.name if by is not None else None

    def subject():
        return _(
            "You are invited to ISP Manager for %(org)s",
            org=invitation.organisation.display_name(current_locale()),
        )

    def body():
        lines = [
            _("Dear %(name)s,", name=invitation.name),
            "",
            _(
                "%(inviter)s has invited you to ISP Manager, the service for Welsh information "
                "sharing protocols and requests, as %(role)s at %(org)s.",
                inviter=inviter or _("The service administrator"),
                role=invitation.role.label.lower(),
                org=invitation.organisation.display_name(current_locale()),
            ),
            "",
            _("To set your password and start, open this link:"),
            link,
            "",
            _(
                "The link works once, until %(date)s. If it has expired, ask whoever invited "
                "you for a new one.",
                date=uk_date(invitation.expires_at),
            ),
            _("If you were not expecting this, you can ignore this email."),
        ]
        return "\n".join(lines)

    queue_bilingual_mail(invitation.email, subject, body)


def cancel_invitation(invitation: Invitation, *, by) -> None:
    """The link stops working (administrators, or the organisation's IG lead)."""
    access.require(by, Action.INVITE, invitation.organisation)
    if invitation.state is not InvitationState.PENDING:
        raise Conflict(
            _(
                "This invitation cannot be cancelled: it is %(state)s.",
                state=invitation.state.label.lower(),
            )
        )
    invitation.cancelled_at = utcnow()
    db.session.flush()
    record_event(
        "invitation.cancelled",
        invitation,
        by=by,
        before={"state": InvitationState.PENDING},
        after={"state": InvitationState.CANCELLED},
    )


def invitation_for_token(token: str | None) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def _refuse(invitation: Invitation | None, reason: str, message: str, status: int = 409):
    """Record the refusal (the caller commits it) and raise."""
    if invitation is not None:
        record_event("invitation.refused", invitation, after={"reason": reason})
        db.session.flush()
    return InvitationRefused(message, reason, status)


def check_invitation(token: str | None) -> Invitation:
    """The invitation this link belongs to, if it can still be used; InvitationRefused if not."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise _refuse(
            None,
            "unknown",
            _(
                "This invitation link is not valid. Check you copied the whole link from the "
                "email, or ask whoever invited you for a new one."
            ),
            404,
        )
    state = invitation.state
    if state is InvitationState.ACCEPTED:
        raise _refuse(
            invitation,
            "already_used",
            _(
                "This invitation has already been used. Sign in with your email address and "
                "password, or ask your organisation's IG lead for a new invitation."
            ),
        )
    if state is InvitationState.EXPIRED:
        raise _refuse(
            invitation,
            "expired",
            _(
                "This invitation expired on %(date)s. Ask your organisation's IG lead to "
                "invite you again.",
                date=uk_date(invitation.expires_at),
            ),
            410,
        )
    if state is InvitationState.CANCELLED:
        raise _refuse(
            invitation,
            "cancelled",
            _(
                "This invitation was cancelled. Ask your organisation's IG lead to invite "
                "you again."
            ),
            410,
        )
    if user_by_email(invitation.email) is not None:
        raise _refuse(
            invitation,
            "account_exists",
            _(
                "There is already an account for %(email)s. Sign in with it, or reset its "
                "password.",
                email=invitation.email,
            ),
        )
    return invitation


def claim_invitation(invitation: Invitation, user: User) -> None:
    """Mark the invitation used by the account just created for it."""
    invitation.accepted_at = utcnow()
    invitation.user_id = user.id
    db.session.flush()
    record_event(
        "invitation.accepted",
        invitation,
        by=user,
        before={"state": InvitationState.PENDING},
        after={"state": InvitationState.ACCEPTED, "user": user.email},
    )


def accept_invitation(token: str | None, password: str) -> User:
    """Use the link: the account is created with this password, in the invited organisation
    and role. A refused link raises InvitationRefused (see check_invitation)."""
    invitation = check_invitation(token)
    problem = passwords.password_problem(password, email=invitation.email, name=invitation.name)
    if problem:
        raise InvalidInput(problem, field="password")
    user = User(
        email=invitation.email,
        name=invitation.name,
        organisation_id=invitation.organisation_id,
        role=invitation.role,
        password_hash=passwords.hash_password(password),
        is_active_user=True,
        must_change_password=False,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    db.session.refresh(user)
    record_event("user.created", user, by=user, after=user_view(user))
    claim_invitation(invitation, user)
    return user


def invitations_query(org, state: InvitationState | None = InvitationState.PENDING) -> sa.Select:
    """The organisation's invitations in a state (None: every one), newest first."""
    now = utcnow()
    query = sa.select(Invitation).where(Invitation.organisation_id == org.id)
    waiting = sa.and_(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
    if state is InvitationState.PENDING:
        query = query.where(waiting, Invitation.expires_at > now)
    elif state is InvitationState.EXPIRED:
        query = query.where(waiting, Invitation.expires_at <= now)
    elif state is InvitationState.ACCEPTED:
        query = query.where(Invitation.accepted_at.is_not(None))
    elif state is InvitationState.CANCELLED:
        query = query.where(Invitation.cancelled_at.is_not(None))
    return query.order_by(Invitation.created_at.desc(), Invitation.id.desc())


def invitations_of(org) -> list[Invitation]:
    """The organisation's invitations that are still waiting, newest first."""
    return list(db.session.scalars(invitations_query(org).limit(100)))


def invitation_of(org, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != org.id:
        return None
    return invitation
