"""The organisations register: Welsh statutory bodies and the others that share with them."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Role
from ..db import TimestampMixin, enum_type
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..law import RELEVANT_PARTNER, S28
from ..law.lawful_basis import is_public_authority_by_default
from .search import SORT_KEY_LENGTH, name_keys


class OrgKind(enum.StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    LOCAL_HEALTH_BOARD = "local_health_board"
    NHS_TRUST = "nhs_trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust"
    SPECIAL_HEALTH_AUTHORITY = "special_health_authority"
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
    FIRE_AND_RESCUE_AUTHORITY = "fire_and_rescue_authority"
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
    OrgKind.NHS_FOUNDATION_TRUST: _l("NHS foundation trust"),
    OrgKind.SPECIAL_HEALTH_AUTHORITY: _l("Special health authority"),
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
    OrgKind.FIRE_AND_RESCUE_AUTHORITY: _l("Fire and rescue authority"),
    OrgKind.SCHOOL: _l("School"),
    OrgKind.CHARITY: _l("Charity or voluntary organisation"),
    OrgKind.OTHER: _l("Other organisation"),
}


class Nation(enum.StrEnum):
    """Where a body is established. UK: a body working across the nations (the National
    Crime Agency, say), whose duties in Wales apply so far as it acts in relation to Wales."""

    WALES = "wales"
    ENGLAND = "england"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"
    UK = "uk"

    @property
    def label(self) -> str:
        return str(NATION_LABELS[self])


NATION_LABELS = {
    Nation.WALES: _l("Wales"),
    Nation.ENGLAND: _l("England"),
    Nation.SCOTLAND: _l("Scotland"),
    Nation.NORTHERN_IRELAND: _l("Northern Ireland"),
    Nation.UK: _l("UK-wide"),
}


_COUNCIL_SUFFIXES_EN = (" County Borough Council", " County Council", " City Council", " Council")
_COUNCIL_PREFIXES_CY = ("Cyngor Bwrdeistref Sirol ", "Cyngor Dinas ", "Cyngor ")
# Welsh area names that are not the council's name without "Cyngor": "Cyngor Sir Penfro" is the
# council of Sir Benfro, and Ceredigion, Powys and Ynys Môn are not called "Sir ...".
_AREA_NAMES_CY = {
    "la-ceredigion": "Ceredigion",
    "la-isle-of-anglesey": "Ynys Môn",
    "la-pembrokeshire": "Sir Benfro",
    "la-powys": "Powys",
}


# ------------------------------------------------------------------ access rules
# The register of statutory bodies is public; everything else about it is decided here.


def can_edit_register(user) -> bool:
    """Adding and editing organisations: administrators only."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_admin


def can_see_contacts(user) -> bool:
    """Contact e-mail addresses are shown to signed-in users only."""
    return bool(getattr(user, "is_authenticated", False))


def can_act_for_council(user, *councils) -> bool:
    """An administrator, or the IG lead of one of these councils."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return user.role == Role.IG_LEAD and any(user.organisation_id == c.id for c in councils)


def _public_authority_default(context) -> bool:
    kind = context.get_current_parameters().get("kind")
    return is_public_authority_by_default(getattr(kind, "value", kind) or "")


def _name_key_default(column: str):
    """The search and sort columns of a row inserted without them (bulk inserts, fixtures)."""

    def default(context) -> str:
        params = context.get_current_parameters()
        return name_keys(params.get("name"), params.get("name_cy"))[column]

    return default


# Sort keys compare byte by byte: PostgreSQL's "C" collation, SQLite's default (BINARY).
_SortKey = sa.String(SORT_KEY_LENGTH).with_variant(
    sa.String(SORT_KEY_LENGTH, collation="C"), "postgresql"
)


def _code_check(column: str, catalogue) -> sa.CheckConstraint:
    codes = ", ".join(f"'{c}'" for c in catalogue.codes)
    return sa.CheckConstraint(f"{column} IS NULL OR {column} IN ({codes})", name=f"{column}_code")


organisation_areas = sa.Table(
    "organisation_areas",
    db.metadata,
    sa.Column(
        "organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    ),
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
        sa.Index("ix_organisations_name_sort_en", "name_sort_en", "id"),
        sa.Index("ix_organisations_name_sort_cy", "name_sort_cy", "id"),
        sa.Index("ix_organisations_kind_name_sort_en", "kind", "name_sort_en"),
        sa.Index("ix_organisations_kind_name_sort_cy", "kind", "name_sort_cy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    name_cy: Mapped[str | None] = mapped_column(sa.String(200))
    # Lower-cased names without accents, for search that is quick and forgiving.
    search_text: Mapped[str] = mapped_column(
        sa.String(420), nullable=False, default=_name_key_default("search_text"), index=True
    )
    # The name's place in each language's alphabetical order (search.sort_key); kept by the
    # events below whenever a name is set, so no writer can forget them.
    name_sort_en: Mapped[str] = mapped_column(
        _SortKey, nullable=False, default=_name_key_default("name_sort_en")
    )
    name_sort_cy: Mapped[str] = mapped_column(
        _SortKey, nullable=False, default=_name_key_default("name_sort_cy")
    )
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, "org_kind"), nullable=False)
    # Required when a body is added by hand (the service says so); the default is for the
    # generators and factories that write Welsh bodies directly.
    nation: Mapped[Nation] = mapped_column(
        enum_type(Nation, "nation"), nullable=False, default=Nation.WALES
    )
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
    # Who signed the Accord's Declaration of Acceptance and Participation for the body (usually
    # its chief executive), and their role. Recorded with the date (the service says so).
    waspi_declaration_signed_by: Mapped[str | None] = mapped_column(sa.String(200))
    waspi_declaration_signatory_role: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    # Whether it is a public authority (UK GDPR Art. 6(1): no legitimate interests for its
    # tasks). Unless given, it follows the kind: law.lawful_basis.is_public_authority_by_default.
    is_public_authority: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=_public_authority_default, server_default=sa.true()
    )

    areas: Mapped[list[Organisation]] = relationship(
        secondary=organisation_areas,
        primaryjoin=lambda: Organisation.id == organisation_areas.c.organisation_id,
        secondaryjoin=lambda: Organisation.id == organisation_areas.c.council_id,
        order_by=lambda: Organisation.name_sort_en,
        lazy="select",
    )

    @staticmethod
    def name_order(locale: str = "en"):
        """ORDER BY terms for a list of organisations by name in `locale` (ties by id)."""
        column = Organisation.name_sort_cy if locale == "cy" else Organisation.name_sort_en
        return (column, Organisation.id)

    def areas_in(self, locale: str = "en") -> list[Organisation]:
        """The areas covered, by name in `locale`."""
        return sorted(self.areas, key=lambda area: (area.sort_key(locale), area.id))

    def area_names(self, locale: str = "en") -> str:
        """The names of the areas covered, by name in `locale`: "Cardiff Council, ..."."""
        return ", ".join(area.display_name(locale) for area in self.areas_in(locale))

    def sort_key(self, locale: str = "en") -> str:
        """This body's place in a list by name in `locale`, for lists sorted in Python."""
        keys = name_keys(self.name, self.name_cy)
        return keys["name_sort_cy"] if locale == "cy" else keys["name_sort_en"]

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def has_signed_waspi_accord(self) -> bool:
        """Signed the WASPI Accord: the register has the date of its Declaration."""
        return self.waspi_signed_on is not None

    def display_name(self, locale: str = "en") -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name

    @property
    def nation_label(self) -> str:
        return self.nation.label

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrgKind.LOCAL_AUTHORITY

    @property
    def is_welsh_council(self) -> bool:
        """A "local authority" in the Social Services and Well-being (Wales) Act 2014."""
        return self.kind == OrgKind.LOCAL_AUTHORITY and self.nation == Nation.WALES

    @property
    def is_safeguarding_board(self) -> bool:
        return self.kind == OrgKind.SAFEGUARDING_BOARD

    def area_name(self, locale: str = "en") -> str:
        """A council's area as written in a sentence: "Cardiff", "Vale of Glamorgan", "Sir Gâr"."""
        if locale == "cy" and self.code in _AREA_NAMES_CY:
            return _AREA_NAMES_CY[self.code]
        if locale == "cy" and self.name_cy:
            for prefix in _COUNCIL_PREFIXES_CY:
                if self.name_cy.startswith(prefix) and len(self.name_cy) > len(prefix):
                    return self.name_cy[len(prefix) :]
            return self.name_cy
        for suffix in _COUNCIL_SUFFIXES_EN:
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)]
        return self.name

    def can_record_agreement(self, user) -> bool:
        """s.162(4)(b) agreements of this council: admins, and this council's IG lead."""
        return self.is_welsh_council and can_act_for_council(user, self)

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


@sa.event.listens_for(Organisation, "before_insert")
@sa.event.listens_for(Organisation, "before_update")
def _keep_name_keys(_mapper, _connection, org: Organisation) -> None:
    for column, value in name_keys(org.name, org.name_cy).items():
        if getattr(org, column) != value:
            setattr(org, column, value)


class RelevantPartnerAgreement(TimestampMixin, db.Model):
    """s.162(4)(b): two local authorities agree that it is appropriate to co-operate.

    Stored once per pair (lower id first) and read from both sides. An agreement that has
    ended keeps its row (with `ended_on`), so a pair has at most one current agreement.
    """

    __tablename__ = "relevant_partner_agreements"
    __table_args__ = (
        sa.Index(
            "uq_relevant_partner_agreements_current_pair",
            "council_id",
            "other_council_id",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
        sa.Index("ix_relevant_partner_agreements_council_id", "council_id"),
        sa.CheckConstraint("council_id < other_council_id", name="ordered_pair"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= agreed_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    other_council_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    agreed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    council = relationship("Organisation", foreign_keys=[council_id], lazy="joined")
    other_council = relationship("Organisation", foreign_keys=[other_council_id], lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def other_side(self, org_id: int) -> Organisation:
        return self.other_council if org_id == self.council_id else self.council

    def can_change(self, user) -> bool:
        """Recording or ending it: admins, and the IG lead of either council."""
        return can_act_for_council(user, self.council, self.other_council)
