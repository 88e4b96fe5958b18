"""The register of current agreements: the central log the ICO's data sharing code asks for.

Public: every agreement with a version in force (title, purpose summary, lead, partners,
version, review date), filterable by kind, organisation involved and title. Signed-in users
can also list their organisation's agreements in preparation (admins and auditors: all).
Each list is one SELECT with what it shows eager-loaded, so a page runs a fixed number of
queries however many partners an agreement has.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..parties.models import Organisation
from .access import visible_protocols_filter
from .content import purpose_summary
from .models import (
    OPEN_STATES,
    Protocol,
    ProtocolKind,
    ProtocolPartner,
    ProtocolVersion,
    VersionState,
)
from .reviews import review_status

MAX_SEARCH_LENGTH = 200


class RegisterView(enum.StrEnum):
    CURRENT = "current"  # in force: public
    PREPARING = "preparing"  # drafts to awaiting signatures: signed-in users, their organisation's

    @property
    def label(self) -> str:
        return str(VIEW_LABELS[self])


VIEW_LABELS = {
    RegisterView.CURRENT: _l("Current agreements"),
    RegisterView.PREPARING: _l("Your organisation’s agreements in preparation"),
}


@dataclass(frozen=True)
class RegisterFilters:
    view: RegisterView = RegisterView.CURRENT
    kind: ProtocolKind | None = None
    organisation: str | None = None  # an organisation code
    q: str = ""


def _base(view: RegisterView, user) -> sa.Select:
    stmt = sa.select(ProtocolVersion).join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
    if view == RegisterView.PREPARING:
        if not getattr(user, "is_authenticated", False):
            return stmt.where(sa.false())
        return stmt.where(ProtocolVersion.state.in_(OPEN_STATES), visible_protocols_filter(user))
    return stmt.where(ProtocolVersion.state == VersionState.ACTIVE)


def register_query(filters: RegisterFilters, user=None) -> sa.Select:
    """One row per agreement (its active version, or the one in preparation), by title."""
    stmt = _base(filters.view, user).options(
        selectinload(ProtocolVersion.partners).joinedload(ProtocolPartner.organisation),
        selectinload(ProtocolVersion.sections),
    )
    if filters.kind is not None:
        stmt = stmt.where(Protocol.kind == filters.kind)
    if filters.organisation:
        involved = (
            sa.select(ProtocolPartner.version_id)
            .join(Organisation, Organisation.id == ProtocolPartner.organisation_id)
            .where(Organisation.code == filters.organisation)
        )
        stmt = stmt.where(ProtocolVersion.id.in_(involved))
    term = " ".join(filters.q.split())[:MAX_SEARCH_LENGTH]
    if term:
        stmt = stmt.where(
            sa.or_(
                Protocol.title.icontains(term, autoescape=True),
                Protocol.reference.icontains(term, autoescape=True),
            )
        )
    return stmt.order_by(sa.func.lower(Protocol.title), Protocol.reference, ProtocolVersion.id)


def organisations_involved(view: RegisterView, user=None) -> list[Organisation]:
    """The organisations that are parties to an agreement in this list (the filter's choices)."""
    versions = _base(view, user).with_only_columns(ProtocolVersion.id)
    ids = sa.select(ProtocolPartner.organisation_id).where(ProtocolPartner.version_id.in_(versions))
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )


def count_in_preparation(user) -> int:
    stmt = _base(RegisterView.PREPARING, user).with_only_columns(sa.func.count(ProtocolVersion.id))
    return db.session.scalar(stmt) or 0


def visible_protocol_ids(user, protocol_ids: list[int]) -> set[int]:
    """Which of these agreements the user may open (one query, the protocols' access rule)."""
    if not protocol_ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(Protocol.id).where(
                Protocol.id.in_(protocol_ids), visible_protocols_filter(user)
            )
        )
    )


def partner_names(version: ProtocolVersion, locale: str = "en") -> list[str]:
    """The parties other than the lead, in the agreement's order."""
    lead_id = version.protocol.lead_organisation_id
    return [
        p.organisation.display_name(locale)
        for p in version.partners
        if p.organisation_id != lead_id
    ]


CSV_HEADER = (
    _l("Reference"),
    _l("Title"),
    _l("Kind"),
    _l("Purpose"),
    _l("Lead organisation"),
    _l("Partner organisations"),
    _l("Version"),
    _l("State"),
    _l("Review date"),
    _l("Review status"),
)


def csv_rows(versions, today: date, locale: str = "en"):
    """The CSV export's rows, one per agreement (dates ISO 8601, partners separated by ';')."""
    for version in versions:
        protocol = version.protocol
        status = (
            review_status(version.review_date, today)
            if version.state == VersionState.ACTIVE
            else None
        )
        yield (
            protocol.reference,
            protocol.title,
            protocol.kind.label,
            purpose_summary(version, limit=1000),
            protocol.lead_organisation.display_name(locale),
            "; ".join(partner_names(version, locale)),
            version.label,
            version.state.label,
            version.review_date.isoformat() if version.review_date else "",
            status.label if status else "",
        )


def csv_filename(view: RegisterView, today: date) -> str:
    stem = "register-of-agreements" if view == RegisterView.CURRENT else "agreements-in-preparation"
    return f"{stem}-{today.isoformat()}.csv"
