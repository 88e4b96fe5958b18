"""The organisations register: Welsh statutory bodies and the others that share with them."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, enum_type
from ..extensions import db
from ..law import RELEVANT_PARTNER, S28


class OrgKind(enum.StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    LOCAL_HEALTH_BOARD = "local_health_board"
    NHS_TRUST = "nhs_trust"
    CHIEF_OFFICER_OF_POLICE = "chief_officer_of_police"
    LOCAL_POLICING_BODY = "local_policing_body"
    NATIONAL_CRIME_AGENCY = "national_crime_agency"
    TRANSPORT_POLICE_AUTHORITY = "transport_police_authority"
    SECRETARY_OF_STATE_OFFENDER_MANAGEMENT = "secretary_of_state_offender_management"
    PROBATION_PROVIDER = "probation_provider"
    YOUTH_OFFENDING_TEAM = "youth_offending_team"
    PRISON = "prison"
    SECURE_COLLEGE = "secure_college"
    YOUTH_SUPPORT_SERVICE = "youth_support_service"
    WELSH_MINISTERS = "welsh_ministers"
    SAFEGUARDING_BOARD = "safeguarding_board"
    SCHOOL = "school"
    CHARITY = "charity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ORG_KIND_LABELS[self])


ORG_KIND_LABELS = {
    OrgKind.LOCAL_AUTHORITY: _l("Local authority"),
    OrgKind.LOCAL_HEALTH_BOARD: _l("Local Health Board"),
    OrgKind.NHS_TRUST: _l("NHS trust"),
    OrgKind.CHIEF_OFFICER_OF_POLICE: _l("Police force (chief officer)"),
    OrgKind.LOCAL_POLICING_BODY: _l("Police and crime commissioner"),
    OrgKind.NATIONAL_CRIME_AGENCY: _l("National Crime Agency"),
    OrgKind.TRANSPORT_POLICE_AUTHORITY: _l("British Transport Police Authority"),
    OrgKind.SECRETARY_OF_STATE_OFFENDER_MANAGEMENT: _l("Secretary of State (offender management)"),
    OrgKind.PROBATION_PROVIDER: _l("Probation services provider"),
    OrgKind.YOUTH_OFFENDING_TEAM: _l("Youth offending team"),
    OrgKind.PRISON: _l("Prison or secure training centre"),
    OrgKind.SECURE_COLLEGE: _l("Secure college"),
    OrgKind.YOUTH_SUPPORT_SERVICE: _l("Youth support services provider"),
    OrgKind.WELSH_MINISTERS: _l("Welsh Ministers"),
    OrgKind.SAFEGUARDING_BOARD: _l("Regional Safeguarding Board"),
    OrgKind.SCHOOL: _l("School"),
    OrgKind.CHARITY: _l("Charity or voluntary organisation"),
    OrgKind.OTHER: _l("Other organisation"),
}


def _code_check(column: str, catalogue) -> sa.CheckConstraint:
    codes = ", ".join(f"'{c}'" for c in catalogue.codes)
    return sa.CheckConstraint(f"{column} IS NULL OR {column} IN ({codes})", name=f"{column}_code")


organisation_areas = sa.Table(
    "organisation_areas",
    db.metadata,
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("council_id", sa.ForeignKey("organisations.id"), primary_key=True),
    sa.Index("ix_organisation_areas_council_id", "council_id"),
)


class Organisation(TimestampMixin, db.Model):
    """A body on the register. `areas` are the council areas it covers, unless it covers all Wales."""

    __tablename__ = "organisations"
    __table_args__ = (
        _code_check("s28_category", S28),
        _code_check("relevant_partner_category", RELEVANT_PARTNER),
        sa.Index("ix_organisations_kind_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    name_cy: Mapped[str | None] = mapped_column(sa.String(200))
    # Lower-cased names without accents, for search that is quick and forgiving.
    search_text: Mapped[str] = mapped_column(sa.String(420), nullable=False, default="", index=True)
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, "org_kind"), nullable=False)
    ons_code: Mapped[str | None] = mapped_column(sa.String(16))
    s28_category: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    relevant_partner_category: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    covers_all_wales: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    ico_registration: Mapped[str | None] = mapped_column(sa.String(20))
    dpo_name: Mapped[str | None] = mapped_column(sa.String(200))
    dpo_email: Mapped[str | None] = mapped_column(sa.String(254))
    ig_lead_name: Mapped[str | None] = mapped_column(sa.String(200))
    ig_lead_email: Mapped[str | None] = mapped_column(sa.String(254))
    waspi_signed_on: Mapped[date | None] = mapped_column(sa.Date)
    waspi_designated_person: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    areas: Mapped[list[Organisation]] = relationship(
        secondary=organisation_areas,
        primaryjoin=lambda: Organisation.id == organisation_areas.c.organisation_id,
        secondaryjoin=lambda: Organisation.id == organisation_areas.c.council_id,
        order_by=lambda: Organisation.name,
        lazy="select",
    )

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def display_name(self, locale: str = "en") -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrgKind.LOCAL_AUTHORITY

    @property
    def is_safeguarding_board(self) -> bool:
        return self.kind == OrgKind.SAFEGUARDING_BOARD

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class RelevantPartnerAgreement(TimestampMixin, db.Model):
    """s.162(4)(b): two local authorities agree that it is appropriate to co-operate.

    Stored once per pair (lower id first) and read from both sides.
    """

    __tablename__ = "relevant_partner_agreements"
    __table_args__ = (
        sa.UniqueConstraint("council_id", "other_council_id"),
        sa.CheckConstraint("council_id < other_council_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    other_council_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    agreed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    council = relationship("Organisation", foreign_keys=[council_id], lazy="joined")
    other_council = relationship("Organisation", foreign_keys=[other_council_id], lazy="joined")

    def other_side(self, org_id: int) -> Organisation:
        return self.other_council if org_id == self.council_id else self.council
