"""Information Sharing Protocols (ISPs), Data Disclosure Agreements (DDAs), Joint Controller
Agreements (JCAs) and controller-processor agreements (DPAs).

A Protocol is the agreement over its life; each ProtocolVersion (V1, V2, ...) is one text of
it that goes through drafting, quality assurance and signature. A version is frozen once it is
QA-approved: changes after that are made in a new draft version. Section content is JSON per
section (ProtocolSection); the parts other features query are tables: partners, data items and
their lawful bases, Appendix B information flows, signatures and QA reviews.

"Review due" is not a state: it is derived from the active version's review_date.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from .party_words import (
    CONTROLLER_PROCESSOR_WORDS,
    JOINT_CONTROLLER_WORDS,
    PARTNER_WORDS,
    PartyWords,
)


class ProtocolKind(enum.StrEnum):
    ISP = "isp"
    DDA = "dda"
    JCA = "jca"
    DPA = "dpa"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def short_label(self) -> str:
        return self.value.upper()

    @property
    def words(self) -> PartyWords:
        """What agreements of this kind call their parties (partners, joint controllers...)."""
        return KIND_RULES[self].words


KIND_LABELS = {
    ProtocolKind.ISP: _l("Information Sharing Protocol"),
    ProtocolKind.DDA: _l("Data Disclosure Agreement"),
    ProtocolKind.JCA: _l("Joint Controller Agreement"),
    ProtocolKind.DPA: _l("Controller-processor agreement"),
}


class VersionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    QA_APPROVED = "qa_approved"
    AWAITING_SIGNATURES = "awaiting_signatures"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])

    @property
    def is_editable(self) -> bool:
        """Authors may change the content (draft, or returned by QA with comments)."""
        return self in EDITABLE_STATES

    @property
    def is_frozen(self) -> bool:
        """QA-approved (or later): the content never changes again."""
        return self in FROZEN_STATES

    @property
    def is_open(self) -> bool:
        """Still on its way to becoming active."""
        return self in OPEN_STATES


# The one set of status words: the pages, the register, the API and the Word cover all say
# these (approved by QA and waiting for signatures read the same to everyone).
STATE_LABELS = {
    VersionState.DRAFT: _l("Draft"),
    VersionState.SUBMITTED: _l("Submitted for QA"),
    VersionState.RETURNED: _l("Returned"),
    VersionState.QA_APPROVED: _l("Approved for signature"),
    VersionState.AWAITING_SIGNATURES: _l("Approved for signature"),
    VersionState.ACTIVE: _l("Active"),
    VersionState.SUPERSEDED: _l("Superseded"),
    VersionState.WITHDRAWN: _l("Withdrawn"),
}
EDITABLE_STATES = frozenset({VersionState.DRAFT, VersionState.RETURNED})
FROZEN_STATES = frozenset(
    {
        VersionState.QA_APPROVED,
        VersionState.AWAITING_SIGNATURES,
        VersionState.ACTIVE,
        VersionState.SUPERSEDED,
        VersionState.WITHDRAWN,
    }
)
OPEN_STATES = frozenset(
    {
        VersionState.DRAFT,
        VersionState.SUBMITTED,
        VersionState.RETURNED,
        VersionState.QA_APPROVED,
        VersionState.AWAITING_SIGNATURES,
    }
)
APPROVED_STATES = ("qa_approved", "awaiting_signatures", "active", "superseded")


class PartnerRole(enum.StrEnum):
    """ISP: one lead and partners. DDA: one discloser and one or more recipients.
    JCA: one lead and joint controllers. DPA: one controller and one or more processors."""

    LEAD = "lead"
    PARTNER = "partner"
    DISCLOSER = "discloser"
    RECIPIENT = "recipient"
    JOINT_CONTROLLER = "joint_controller"
    CONTROLLER = "controller"
    PROCESSOR = "processor"

    @property
    def label(self) -> str:
        return str(PARTNER_ROLE_LABELS[self])


PARTNER_ROLE_LABELS = {
    PartnerRole.LEAD: _l("Lead organisation"),
    PartnerRole.PARTNER: _l("Partner organisation"),
    PartnerRole.DISCLOSER: _l("Discloser"),
    PartnerRole.RECIPIENT: _l("Recipient"),
    PartnerRole.JOINT_CONTROLLER: _l("Joint controller"),
    PartnerRole.CONTROLLER: _l("Controller"),
    PartnerRole.PROCESSOR: _l("Processor"),
}


@dataclass(frozen=True)
class KindRules:
    """How the parties of one kind of agreement stand to each other (kind differences as data).

    A *fixed-lead* kind (ISP, JCA): the lead organisation has `first` and every other party has
    `others`; roles cannot be changed. A *one-and-many* kind (DDA, DPA): exactly one party has
    `first` (by default the lead) and at least one has `others`; roles can be swapped.
    `one_way` kinds carry information only from the `first` party to `others`.
    `words` are what its pages, documents and e-mails call the parties.
    """

    first: PartnerRole
    others: PartnerRole
    fixed_lead: bool
    one_way: bool = False
    words: PartyWords = PARTNER_WORDS

    @property
    def roles(self) -> tuple[PartnerRole, PartnerRole]:
        return (self.first, self.others)


KIND_RULES = {
    ProtocolKind.ISP: KindRules(PartnerRole.LEAD, PartnerRole.PARTNER, fixed_lead=True),
    ProtocolKind.DDA: KindRules(
        PartnerRole.DISCLOSER, PartnerRole.RECIPIENT, fixed_lead=False, one_way=True
    ),
    ProtocolKind.JCA: KindRules(
        PartnerRole.LEAD,
        PartnerRole.JOINT_CONTROLLER,
        fixed_lead=True,
        words=JOINT_CONTROLLER_WORDS,
    ),
    ProtocolKind.DPA: KindRules(
        PartnerRole.CONTROLLER,
        PartnerRole.PROCESSOR,
        fixed_lead=False,
        words=CONTROLLER_PROCESSOR_WORDS,
    ),
}
ROLES_BY_KIND = {kind: rules.roles for kind, rules in KIND_RULES.items()}


class QaDecision(enum.StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return str(QA_DECISION_LABELS[self])


QA_DECISION_LABELS = {
    QaDecision.APPROVED: _l("Approved"),
    QaDecision.RETURNED: _l("Returned with comments"),
}


class BasisCatalogue(enum.StrEnum):
    """Which law catalogue a data item's lawful-basis code comes from."""

    ARTICLE6 = "article6"
    ARTICLE9 = "article9"
    SCHEDULE1 = "schedule1"


BASIS_CATALOGUES = {
    BasisCatalogue.ARTICLE6: ARTICLE6,
    BasisCatalogue.ARTICLE9: ARTICLE9,
    BasisCatalogue.SCHEDULE1: SCHEDULE1,
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Protocol(TimestampMixin, db.Model):
    """An agreement (ISP, DDA, JCA or DPA) over its whole life: the versions hold the text."""

    __tablename__ = "protocols"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    kind: Mapped[ProtocolKind] = mapped_column(
        enum_type(ProtocolKind, "protocol_kind"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    lead_organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    template_code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    template_version: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    lead_organisation = relationship("Organisation", lazy="joined", innerjoin=True)
    created_by = relationship("User", lazy="select", foreign_keys=[created_by_id])
    versions: Mapped[list[ProtocolVersion]] = relationship(
        back_populates="protocol",
        order_by="ProtocolVersion.number",
        cascade="all, delete-orphan",
        lazy="select",
    )
    # The version in force now (at most one: see the partial unique index on versions).
    active_version: Mapped[ProtocolVersion | None] = relationship(
        primaryjoin="and_(ProtocolVersion.protocol_id == Protocol.id, "
        "ProtocolVersion.state == 'active')",
        viewonly=True,
        uselist=False,
        lazy="select",
    )

    @property
    def latest_version(self) -> ProtocolVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_withdrawn(self) -> bool:
        latest = self.latest_version
        return latest is not None and latest.state == VersionState.WITHDRAWN

    def __repr__(self) -> str:
        return f"<Protocol {self.reference}>"


def version_label(number: int) -> str:
    """V1, V2 ... as WASPI shows them (for lists that read version numbers without the rows)."""
    return f"V{number}"


class ProtocolVersion(TimestampMixin, db.Model):
    """One text of an agreement (V1, V2, ...) and where it is in the workflow.

    `row_version` is the optimistic-concurrency counter (the ETag of the version): every
    change to the version or to anything in it increments it, and an UPDATE that finds a
    different counter fails.
    """

    __tablename__ = "protocol_versions"
    __table_args__ = (
        sa.UniqueConstraint("protocol_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(
            f"NOT ({_in('state', APPROVED_STATES)}) OR "
            "(approved_at IS NOT NULL AND approved_by_id IS NOT NULL AND review_date IS NOT NULL)",
            name="approved_has_approval",
        ),
        sa.CheckConstraint(
            f"NOT ({_in('state', ('submitted', 'returned'))}) OR submitted_at IS NOT NULL",
            name="submitted_has_submitted_at",
        ),
        sa.CheckConstraint(
            f"NOT ({_in('state', ('active', 'superseded'))}) OR activated_at IS NOT NULL",
            name="active_has_activated_at",
        ),
        sa.CheckConstraint(
            "state != 'superseded' OR superseded_at IS NOT NULL", name="superseded_has_date"
        ),
        sa.CheckConstraint(
            "state != 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL "
            "AND withdrawal_reason != '')",
            name="withdrawn_has_reason",
        ),
        # At most one version in force and at most one on its way, per protocol.
        sa.Index(
            "uq_protocol_versions_one_active",
            "protocol_id",
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        ),
        sa.Index(
            "uq_protocol_versions_one_open",
            "protocol_id",
            unique=True,
            sqlite_where=sa.text(_in("state", [s.value for s in OPEN_STATES])),
            postgresql_where=sa.text(_in("state", [s.value for s in OPEN_STATES])),
        ),
        sa.Index("ix_protocol_versions_state_review_date", "state", "review_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocols.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    state: Mapped[VersionState] = mapped_column(
        enum_type(VersionState, "protocol_version_state"),
        nullable=False,
        default=VersionState.DRAFT,
    )
    row_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("protocol_versions.id"))
    change_summary: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The QA group it was submitted to; `qa_group` keeps the group's name as approved (and,
    # for versions from before QA groups were records, the group as it was typed).
    qa_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("qa_groups.id", ondelete="SET NULL"), index=True
    )
    qa_group: Mapped[str | None] = mapped_column(sa.String(200))
    review_date: Mapped[date | None] = mapped_column(sa.Date)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    __mapper_args__ = {"version_id_col": row_version}

    protocol: Mapped[Protocol] = relationship(
        back_populates="versions", lazy="joined", innerjoin=True
    )
    based_on = relationship("ProtocolVersion", remote_side=[id], lazy="select")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="select")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id], lazy="select")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="select")
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id], lazy="select")
    assigned_qa_group = relationship("QaGroup", lazy="select")
    sections: Mapped[list[ProtocolSection]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ProtocolSection.position"
    )
    partners: Mapped[list[ProtocolPartner]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="ProtocolPartner.position",
        foreign_keys="ProtocolPartner.version_id",
    )
    data_items: Mapped[list[ProtocolDataItem]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ProtocolDataItem.position"
    )
    flows: Mapped[list[ProtocolFlow]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ProtocolFlow.position"
    )
    signatures: Mapped[list[ProtocolSignature]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="ProtocolSignature.signed_at",
    )
    qa_reviews: Mapped[list[ProtocolQaReview]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="ProtocolQaReview.decided_at",
    )

    @property
    def label(self) -> str:
        """V1, V2 ... as WASPI shows them."""
        return version_label(self.number)

    @property
    def status_label(self) -> str:
        """The version's status, in the same words as its state everywhere (never "Final"
        before every partner has signed)."""
        return self.state.label

    @property
    def etag(self) -> str:
        return f'"{self.id}.{self.row_version}"'

    def qa_group_name(self, locale: str = "en") -> str | None:
        """The QA group it was submitted to, as named now; else the name recorded on it."""
        if self.assigned_qa_group is not None:
            return self.assigned_qa_group.display_name(locale)
        return self.qa_group

    def section(self, code: str) -> ProtocolSection | None:
        return next((s for s in self.sections if s.code == code), None)

    def partner_for(self, organisation_id: int) -> ProtocolPartner | None:
        return next((p for p in self.partners if p.organisation_id == organisation_id), None)

    def signature_for(self, partner: ProtocolPartner) -> ProtocolSignature | None:
        return next((s for s in self.signatures if s.partner_id == partner.id), None)

    def review_is_due(self, today: date, within_days: int = 0) -> bool:
        """Derived: an active version whose review date has come (or comes within the days)."""
        if self.state != VersionState.ACTIVE or self.review_date is None:
            return False
        return (self.review_date - today).days <= within_days

    def __repr__(self) -> str:
        return f"<ProtocolVersion {self.protocol_id} V{self.number} {self.state}>"


class ProtocolSection(db.Model):
    """The content of one template section in one version, as JSON keyed by field code."""

    __tablename__ = "protocol_sections"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    content: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    is_complete: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # Optimistic concurrency for one section (the hidden field on its form, its ETag in the API).
    row_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": row_version}

    version: Mapped[ProtocolVersion] = relationship(back_populates="sections")
    updated_by = relationship("User", lazy="select")

    @property
    def etag(self) -> str:
        return f'"s{self.id}.{self.row_version}"'


class ProtocolPartner(db.Model):
    """A party to one version: its role, teams, point of contact and named signatory."""

    __tablename__ = "protocol_partners"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "organisation_id"),
        # A DDA has exactly one discloser (at most one here; at least one is a QA check).
        sa.Index(
            "uq_protocol_partners_one_discloser",
            "version_id",
            unique=True,
            sqlite_where=sa.text("role = 'discloser'"),
            postgresql_where=sa.text("role = 'discloser'"),
        ),
        sa.Index(
            "uq_protocol_partners_one_lead",
            "version_id",
            unique=True,
            sqlite_where=sa.text("role = 'lead'"),
            postgresql_where=sa.text("role = 'lead'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    role: Mapped[PartnerRole] = mapped_column(
        enum_type(PartnerRole, "protocol_partner_role"), nullable=False
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    departments: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # The signatory: a person with an account at this organisation, who signs from it
    # (signatory_user_id; the name is theirs and the role the one given here, else their job
    # title), or a named officer without one (name and role here), whose signature on paper the
    # organisation's IG lead records.
    signatory_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    signatory_name: Mapped[str | None] = mapped_column(sa.String(200))
    signatory_role: Mapped[str | None] = mapped_column(sa.String(200))
    can_edit: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    version: Mapped[ProtocolVersion] = relationship(
        back_populates="partners", foreign_keys=[version_id]
    )
    organisation = relationship("Organisation", lazy="joined", innerjoin=True)
    signatory_user = relationship("User", foreign_keys=[signatory_user_id], lazy="joined")

    @property
    def is_lead(self) -> bool:
        return self.organisation_id == self.version.protocol.lead_organisation_id

    @property
    def signs_from_account(self) -> bool:
        """The named signatory has an account here and signs from it (else: on paper)."""
        return self.signatory_user_id is not None

    @property
    def signatory_display_name(self) -> str | None:
        if self.signatory_user is not None:
            return self.signatory_user.name
        return self.signatory_name

    @property
    def signatory_display_role(self) -> str | None:
        if self.signatory_user is not None:
            return self.signatory_role or self.signatory_user.job_title
        return self.signatory_role

    @property
    def has_signatory(self) -> bool:
        return bool(self.signatory_display_name and self.signatory_display_role)


data_item_recipients = sa.Table(
    "protocol_data_item_recipients",
    db.metadata,
    sa.Column(
        "data_item_id",
        sa.ForeignKey("protocol_data_items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "partner_id", sa.ForeignKey("protocol_partners.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Index("ix_protocol_data_item_recipients_partner_id", "partner_id"),
)


class ProtocolDataItem(db.Model):
    """A category of personal information shared under the agreement (section 5).

    Its lawful basis: the codes in `bases`, the DPA 2018 Sch.1 para 18(2) reason when it relies
    on para 18, and for criminal offence data (Article 10) the Schedule 1 condition for it. The
    rules between them are in law/lawful_basis.py."""

    __tablename__ = "protocol_data_items"
    __table_args__ = (
        sa.CheckConstraint(
            f"para18_reason IS NULL OR {_in('para18_reason', PARA18_REASONS.codes)}",
            name="para18_reason_code",
        ),
        sa.CheckConstraint(
            "criminal_offence_condition IS NULL OR "
            + _in("criminal_offence_condition", SCHEDULE1.codes),
            name="criminal_offence_condition_code",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    category: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    is_special_category: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    source_partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("protocol_partners.id", ondelete="RESTRICT"), index=True
    )
    policy_document_ref: Mapped[str | None] = mapped_column(sa.String(300))
    other_basis: Mapped[str | None] = mapped_column(sa.Text)
    para18_reason: Mapped[str | None] = mapped_column(sa.String(16))
    is_criminal_offence: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )
    criminal_offence_condition: Mapped[str | None] = mapped_column(sa.String(40))

    version: Mapped[ProtocolVersion] = relationship(back_populates="data_items")
    source_partner = relationship("ProtocolPartner", foreign_keys=[source_partner_id])
    recipients: Mapped[list[ProtocolPartner]] = relationship(
        secondary=data_item_recipients, order_by="ProtocolPartner.position"
    )
    bases: Mapped[list[ProtocolLawfulBasis]] = relationship(
        back_populates="data_item", cascade="all, delete-orphan", order_by="ProtocolLawfulBasis.id"
    )

    def basis_codes(self, catalogue: BasisCatalogue) -> list[str]:
        return [b.code for b in self.bases if b.catalogue == catalogue]


class ProtocolLawfulBasis(db.Model):
    """One lawful-basis code (Article 6, Article 9 or Schedule 1) a data item relies on."""

    __tablename__ = "protocol_lawful_bases"
    __table_args__ = (
        sa.UniqueConstraint("data_item_id", "catalogue", "code"),
        sa.CheckConstraint(
            " OR ".join(
                f"(catalogue = '{cat.value}' AND {_in('code', BASIS_CATALOGUES[cat].codes)})"
                for cat in BasisCatalogue
            ),
            name="code_in_catalogue",
        ),
        sa.Index("ix_protocol_lawful_bases_code", "catalogue", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    data_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_data_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    catalogue: Mapped[BasisCatalogue] = mapped_column(
        enum_type(BasisCatalogue, "lawful_basis_catalogue"), nullable=False
    )
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)

    data_item: Mapped[ProtocolDataItem] = relationship(back_populates="bases")


class ProtocolFlow(db.Model):
    """A row of Appendix B: what is shared, from whom, to whom, how, how often and why."""

    __tablename__ = "protocol_flows"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    what: Mapped[str] = mapped_column(sa.Text, nullable=False)
    from_partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("protocol_partners.id", ondelete="RESTRICT"), index=True
    )
    to_partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("protocol_partners.id", ondelete="RESTRICT"), index=True
    )
    method: Mapped[str | None] = mapped_column(sa.Text)
    security: Mapped[str | None] = mapped_column(sa.Text)
    frequency: Mapped[str | None] = mapped_column(sa.String(200))
    purpose: Mapped[str | None] = mapped_column(sa.Text)

    version: Mapped[ProtocolVersion] = relationship(back_populates="flows")
    from_partner = relationship("ProtocolPartner", foreign_keys=[from_partner_id])
    to_partner = relationship("ProtocolPartner", foreign_keys=[to_partner_id])


class SignatureMethod(enum.StrEnum):
    """How a partner signed: its named signatory from their own account, or on paper (the
    signature of a named officer without an account, recorded by the partner's IG lead)."""

    ACCOUNT = "account"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return str(SIGNATURE_METHOD_LABELS[self])


SIGNATURE_METHOD_LABELS = {
    SignatureMethod.ACCOUNT: _l("From their ISP Manager account"),
    SignatureMethod.PAPER: _l("On paper"),
}
SCAN_CONTENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


class ProtocolSignature(db.Model):
    """A partner's signature on a QA-approved version: once per partner.

    `name` and `role` are the signatory's as the partner record and their account had them when
    they signed. Signed from an account: `user_id` is the signatory's account. Signed on paper:
    `signed_at` is noon (UTC) of the date on the paper, `attested_by_id` and `attested_at` are
    the IG lead who recorded it and when, and the scanned page is held in `scan`."""

    __tablename__ = "protocol_signatures"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "partner_id"),
        sa.CheckConstraint(
            "method != 'account' OR (user_id IS NOT NULL AND attested_by_id IS NULL)",
            name="account_has_signer",
        ),
        sa.CheckConstraint(
            "method != 'paper' OR (attested_by_id IS NOT NULL AND attested_at IS NOT NULL "
            "AND scan IS NOT NULL AND scan_content_type IS NOT NULL)",
            name="paper_has_attestation",
        ),
        sa.CheckConstraint(
            f"scan_content_type IS NULL OR {_in('scan_content_type', SCAN_CONTENT_TYPES)}",
            name="scan_content_type_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_partners.id", ondelete="CASCADE"), nullable=False
    )
    method: Mapped[SignatureMethod] = mapped_column(
        enum_type(SignatureMethod, "protocol_signature_method"),
        nullable=False,
        default=SignatureMethod.ACCOUNT,
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    attested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The scanned signed page (deferred: lists and documents never load it).
    scan: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    scan_content_type: Mapped[str | None] = mapped_column(sa.String(40))
    scan_filename: Mapped[str | None] = mapped_column(sa.String(200))
    scan_size: Mapped[int | None] = mapped_column(sa.Integer)

    version: Mapped[ProtocolVersion] = relationship(back_populates="signatures")
    partner: Mapped[ProtocolPartner] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    attested_by = relationship("User", foreign_keys=[attested_by_id])

    @property
    def has_scan(self) -> bool:
        return self.scan_content_type is not None

    @property
    def signed_by(self) -> str:
        return self.name


class ProtocolQaReview(db.Model):
    """A QA reviewer's decision on a submitted version, with comments (required to return)."""

    __tablename__ = "protocol_qa_reviews"
    __table_args__ = (
        sa.CheckConstraint(
            "decision != 'returned' OR (comments IS NOT NULL AND comments != '')",
            name="returned_has_comments",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    decision: Mapped[QaDecision] = mapped_column(
        enum_type(QaDecision, "protocol_qa_decision"), nullable=False
    )
    comments: Mapped[str | None] = mapped_column(sa.Text)
    # Comments on particular sections, keyed by section code.
    section_comments: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    qa_group: Mapped[str | None] = mapped_column(sa.String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    version: Mapped[ProtocolVersion] = relationship(back_populates="qa_reviews")
    reviewer = relationship("User")


class PendingImport(db.Model):
    """An uploaded agreement read against a template, waiting for its IG lead to confirm the
    partners and create the draft. Only its owner sees it; confirming deletes it. `kind` is the
    template's kind code as text, so a new kind of agreement needs no change here."""

    __tablename__ = "protocol_pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    template_code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    template_version: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    result: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
