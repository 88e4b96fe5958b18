"""The register of current agreements: the central log the ICO's data sharing code asks for.

Public: every agreement with a version in force (title, purpose summary, lead, partners,
version, review date), filterable by kind, organisation involved and title. Signed-in users
can also list their organisation's agreements in preparation (admins and auditors: all).
A page is one SELECT with its partners eager-loaded and one more for the purposes; the CSV of
the whole list reads the versions, their partners, the organisations named and the purposes in
four queries, however many agreements there are. Purposes are read from the one field of the
sections that hold it, never from whole sections.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import current_locale
from ..i18n import lazy_gettext as _l
from ..parties.models import Organisation
from ..qa_groups.models import QaGroup
from .access import visible_protocols_filter
from .content import PURPOSE_FIELDS, purpose_section_codes, summarise_purpose
from .models import (
    OPEN_STATES,
    Protocol,
    ProtocolKind,
    ProtocolPartner,
    ProtocolSection,
    ProtocolVersion,
    VersionState,
    version_label,
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
    """One row per agreement (its active version, or the one in preparation), by title, with
    its partners (purposes() gives the purposes)."""
    return (
        _listed(filters, user)
        .options(
            selectinload(ProtocolVersion.partners).joinedload(ProtocolPartner.organisation),
            selectinload(ProtocolVersion.assigned_qa_group),
        )
        .order_by(*_ORDER)
    )


_ORDER = (sa.func.lower(Protocol.title), Protocol.reference, ProtocolVersion.id)


def _listed(filters: RegisterFilters, user) -> sa.Select:
    """The versions the list holds, filtered, in no order."""
    stmt = _base(filters.view, user)
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
    return stmt


def purposes(versions: sa.Select | list[int], limit: int = 300) -> dict[int, str]:
    """The purpose summary of each version (by id; a list of ids or a SELECT of them), in one
    query that reads only the purpose fields of the sections that hold them."""
    stmt = (
        sa.select(
            ProtocolSection.version_id,
            *(ProtocolSection.content[code].as_string() for code in PURPOSE_FIELDS),
        )
        .where(
            ProtocolSection.version_id.in_(versions),
            ProtocolSection.code.in_(purpose_section_codes()),
        )
        .order_by(ProtocolSection.version_id, ProtocolSection.position)
    )
    texts: dict[int, list[str | None]] = defaultdict(list)
    for version_id, *found in db.session.execute(stmt):
        texts[version_id].extend(found)
    return {version_id: summarise_purpose(found, limit) for version_id, found in texts.items()}


def organisations_involved(view: RegisterView, user=None) -> list[sa.Row]:
    """The organisations that are parties to an agreement in this list (the filter's choices):
    their code and names only, as rows (hundreds of them, read on every request of the list)."""
    versions = _base(view, user).with_only_columns(ProtocolVersion.id)
    ids = sa.select(ProtocolPartner.organisation_id).where(ProtocolPartner.version_id.in_(versions))
    return list(
        db.session.execute(
            sa.select(Organisation.code, Organisation.name, Organisation.name_cy)
            .where(Organisation.id.in_(ids))
            .order_by(*Organisation.name_order(current_locale()))
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
    _l("QA group"),
)


def csv_rows(filters: RegisterFilters, user, today: date, locale: str = "en"):
    """The CSV export's rows, one per agreement in the list (dates ISO 8601, partners separated
    by ';'). Four queries however many agreements there are, reading columns rather than
    records: the versions, their partners, the organisations named and the purposes."""
    listed = _listed(filters, user)
    ids = listed.with_only_columns(ProtocolVersion.id)
    group_name = QaGroup.name_cy if locale == "cy" else QaGroup.name
    versions = db.session.execute(
        listed.outerjoin(QaGroup, QaGroup.id == ProtocolVersion.qa_group_id)
        .with_only_columns(
            sa.func.coalesce(group_name, QaGroup.name, ProtocolVersion.qa_group).label("qa_group"),
            ProtocolVersion.id,
            ProtocolVersion.number,
            ProtocolVersion.state,
            ProtocolVersion.review_date,
            Protocol.reference,
            Protocol.title,
            Protocol.kind,
            Protocol.lead_organisation_id,
        )
        .order_by(*_ORDER)
    ).all()
    partners: dict[int, list[int]] = defaultdict(list)
    for version_id, organisation_id in db.session.execute(
        sa.select(ProtocolPartner.version_id, ProtocolPartner.organisation_id)
        .where(ProtocolPartner.version_id.in_(ids))
        .order_by(ProtocolPartner.version_id, ProtocolPartner.position)
    ):
        partners[version_id].append(organisation_id)
    named = sa.union(
        sa.select(ProtocolPartner.organisation_id).where(ProtocolPartner.version_id.in_(ids)),
        listed.with_only_columns(Protocol.lead_organisation_id),
    )
    names = {
        o.id: o.display_name(locale)
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(named)))
    }
    summaries = purposes(ids, limit=1000)
    labels: dict[enum.Enum, str] = {}  # each kind, state and review status translated once

    def label(member: enum.Enum) -> str:
        if member not in labels:
            labels[member] = str(member.label)
        return labels[member]

    for v in versions:
        status = review_status(v.review_date, today) if v.state == VersionState.ACTIVE else None
        yield (
            v.reference,
            v.title,
            label(v.kind),
            summaries.get(v.id, ""),
            names[v.lead_organisation_id],
            "; ".join(names[o] for o in partners[v.id] if o != v.lead_organisation_id),
            version_label(v.number),
            label(v.state),
            v.review_date.isoformat() if v.review_date else "",
            label(status) if status else "",
            v.qa_group or "",
        )


def csv_filename(view: RegisterView, today: date) -> str:
    stem = "register-of-agreements" if view == RegisterView.CURRENT else "agreements-in-preparation"
    return f"{stem}-{today.isoformat()}.csv"
