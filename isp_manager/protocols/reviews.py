"""Reviews of agreements in force: derived from the active version's review date, never stored.

An active version is "due for review" from REVIEW_REMINDER_MONTHS (default 3) before its
review date, and "overdue" once the date has passed. The dashboard lists both, for the
agreements a user may see; `flask notify` reminds the lead organisation (reminders.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from .access import visible_protocols_filter
from .models import Protocol, ProtocolKind, ProtocolVersion, VersionState
from .qa import add_months


class ReviewStatus(enum.StrEnum):
    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return str(REVIEW_STATUS_LABELS[self])


REVIEW_STATUS_LABELS = {
    ReviewStatus.NOT_DUE: _l("Review not due"),
    ReviewStatus.DUE_SOON: _l("Review due"),
    ReviewStatus.OVERDUE: _l("Review overdue"),
}


def reminder_months() -> int:
    return int(current_app.config.get("REVIEW_REMINDER_MONTHS", 3))


def review_window_end(today: date, months: int | None = None) -> date:
    """The last review date that counts as due now."""
    return add_months(today, reminder_months() if months is None else months)


def review_status(
    review_date: date | None, today: date, months: int | None = None
) -> ReviewStatus | None:
    """Overdue once the date has passed; due from `months` before it; None without a date."""
    if review_date is None:
        return None
    if review_date < today:
        return ReviewStatus.OVERDUE
    if review_date <= review_window_end(today, months):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.NOT_DUE


@dataclass(frozen=True)
class ReviewFilters:
    status: ReviewStatus | None = None  # DUE_SOON or OVERDUE; None for both
    kind: ProtocolKind | None = None


def due_for_review_query(user, today: date, filters: ReviewFilters = ReviewFilters()) -> sa.Select:
    """Active versions whose review is due or overdue, of agreements the user may see,
    soonest (most overdue) first, with the protocol, its lead and its versions eager-loaded."""
    stmt = (
        sa.select(ProtocolVersion)
        .join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
        .where(
            ProtocolVersion.state == VersionState.ACTIVE,
            ProtocolVersion.review_date.is_not(None),
            ProtocolVersion.review_date <= review_window_end(today),
            visible_protocols_filter(user),
        )
        .options(joinedload(ProtocolVersion.protocol).selectinload(Protocol.versions))
        .order_by(ProtocolVersion.review_date, Protocol.title, ProtocolVersion.id)
    )
    if filters.status == ReviewStatus.OVERDUE:
        stmt = stmt.where(ProtocolVersion.review_date < today)
    elif filters.status == ReviewStatus.DUE_SOON:
        stmt = stmt.where(ProtocolVersion.review_date >= today)
    if filters.kind is not None:
        stmt = stmt.where(Protocol.kind == filters.kind)
    return stmt


def review_counts(user, today: date) -> dict[ReviewStatus, int]:
    """How many agreements the user may see are overdue and due for review (one query)."""
    overdue = sa.func.sum(sa.case((ProtocolVersion.review_date < today, 1), else_=0))
    row = db.session.execute(
        sa.select(sa.func.count(ProtocolVersion.id), overdue)
        .join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
        .where(
            ProtocolVersion.state == VersionState.ACTIVE,
            ProtocolVersion.review_date.is_not(None),
            ProtocolVersion.review_date <= review_window_end(today),
            visible_protocols_filter(user),
        )
    ).one()
    total, late = row[0] or 0, row[1] or 0
    return {ReviewStatus.OVERDUE: late, ReviewStatus.DUE_SOON: total - late}


def version_in_preparation(protocol: Protocol) -> ProtocolVersion | None:
    """The newer version being prepared (draft to awaiting signatures), if any."""
    return next((v for v in protocol.versions if v.state.is_open), None)
