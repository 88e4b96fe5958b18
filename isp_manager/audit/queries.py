"""Reading the audit log: filters shared by the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.access import Action, can
from ..accounts.models import Invitation, User
from ..errors import PermissionDenied
from ..i18n import gettext as _
from .models import AuditEvent

# The log only grows: past this many matching events the pages say "more than" instead of
# counting every row (the newest events are what people look for; filters narrow the rest).
COUNT_CAP = 10_000


@dataclass
class AuditFilter:
    record_type: str | None = None
    record_id: str | None = None
    action: str | None = None
    actor_email: str | None = None
    organisation_id: int | None = None
    since: date | None = None
    until: date | None = None


# Record types whose content the log's readers (admins, auditors) may not see: a domain adds
# its own (decision records: admins and auditors see them only as counts). The event itself,
# who, when and which fields changed, is still shown.
CONTENT_WITHHELD: set[str] = set()


def withhold_content(*record_types: str) -> None:
    CONTENT_WITHHELD.update(record_types)


def content_withheld(event: AuditEvent) -> bool:
    return event.record_type in CONTENT_WITHHELD


def shown_values(event: AuditEvent, side: str) -> dict | None:
    """The event's `before` or `after` as the log shows it: withheld values are None."""
    values = getattr(event, side)
    if values is None or not content_withheld(event):
        return values
    return dict.fromkeys(values)


def can_read_audit(user) -> bool:
    """Admins and auditors read the whole log; an IG lead, their own organisation's events."""
    return bool(user and user.is_authenticated) and (
        user.can_read_everything or can(user, Action.READ_AUDIT, user.organisation)
    )


def reads_whole_log(user) -> bool:
    return bool(user and user.is_authenticated and user.can_read_everything)


def organisation_events(org_id: int):
    """The events that are an organisation's: done by its people, or about the organisation
    itself, its accounts or its invitations (whoever did them, an administrator included)."""
    user_ids = sa.select(sa.cast(User.id, sa.String)).where(User.organisation_id == org_id)
    invitation_ids = sa.select(sa.cast(Invitation.id, sa.String)).where(
        Invitation.organisation_id == org_id
    )
    return sa.or_(
        AuditEvent.organisation_id == org_id,
        sa.and_(AuditEvent.record_type == "organisations", AuditEvent.record_id == str(org_id)),
        sa.and_(AuditEvent.record_type == "users", AuditEvent.record_id.in_(user_ids)),
        sa.and_(AuditEvent.record_type == "invitations", AuditEvent.record_id.in_(invitation_ids)),
    )


def audit_events_query(user, filters: AuditFilter) -> sa.Select:
    """Newest first, with actor and organisation loaded in the same query. An IG lead sees
    their own organisation's events only (organisation_events)."""
    if not can_read_audit(user):
        raise PermissionDenied(
            _("Only administrators, auditors and IG leads can read the audit log.")
        )
    stmt = sa.select(AuditEvent).options(
        joinedload(AuditEvent.actor).joinedload(User.organisation),
        joinedload(AuditEvent.organisation),
    )
    if not reads_whole_log(user):
        stmt = stmt.where(organisation_events(user.organisation_id))
    if filters.record_type:
        stmt = stmt.where(AuditEvent.record_type == filters.record_type)
    if filters.record_id:
        stmt = stmt.where(AuditEvent.record_id == filters.record_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor_email:
        actor_ids = sa.select(User.id).where(User.email == filters.actor_email.strip().lower())
        stmt = stmt.where(AuditEvent.actor_id.in_(actor_ids))
    if filters.organisation_id:
        stmt = stmt.where(AuditEvent.organisation_id == filters.organisation_id)
    if filters.since:
        stmt = stmt.where(AuditEvent.occurred_at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        stmt = stmt.where(AuditEvent.occurred_at < end)
    return stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
