"""Pure rule functions over the catalogues: no database, no Flask, easy to test as tables.

The parties and cooperation services call these with plain facts about organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import DEFINITIONS, RELEVANT_PARTNER

# Kinds of organisation, as stored on the register (the `kind` column of the reference data).
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
NHS_FOUNDATION_TRUST = "nhs_foundation_trust"
FIRE_AND_RESCUE_AUTHORITY = "fire_and_rescue_authority"
SPECIAL_HEALTH_AUTHORITY = "special_health_authority"
OTHER = "other"

# Nations, as stored on the register (the `nation` column). "uk": a body working across them
# (the National Crime Agency, say), whose duties apply so far as it acts in relation to Wales.
WALES = "wales"
ENGLAND = "england"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern_ireland"
UK = "uk"
NATIONS = (WALES, ENGLAND, SCOTLAND, NORTHERN_IRELAND, UK)

# s.162(4)(b): another local authority is a relevant partner only by a recorded agreement.
AGREEMENT_CATEGORY = "rp-b"

# Relevant-partner categories that follow from a body's areas (all but rp-b, which needs
# an agreement). rp-c and rp-g bodies act for all of Wales, so they cover every area.
AREA_BASED_CATEGORIES = ("rp-a", "rp-c", "rp-d", "rp-e", "rp-f", "rp-g", "rp-ga", "rp-h")
ALL_WALES_CATEGORIES = ("rp-c", "rp-g", "rp-ga")

# Which kinds of body each category can describe. None: any kind (rp-h: persons specified by
# regulations, which may be of any description).
RELEVANT_PARTNER_KINDS: dict[str, tuple[str, ...] | None] = {
    "rp-a": (CHIEF_OFFICER_OF_POLICE, LOCAL_POLICING_BODY),
    "rp-b": (LOCAL_AUTHORITY,),
    "rp-c": (SECRETARY_OF_STATE_OFFENDER_MANAGEMENT,),
    "rp-d": (PROBATION_PROVIDER,),
    "rp-e": (LOCAL_HEALTH_BOARD,),
    "rp-f": (NHS_TRUST,),
    "rp-g": (WELSH_MINISTERS,),
    "rp-ga": (OTHER,),  # the Commission for Tertiary Education and Research (verify)
    "rp-h": None,
}
S28_KINDS: dict[str, tuple[str, ...]] = {
    "s28-a": (LOCAL_AUTHORITY,),
    "s28-b": (LOCAL_HEALTH_BOARD,),
    "s28-c": (NHS_TRUST,),
    "s28-d": (CHIEF_OFFICER_OF_POLICE, LOCAL_POLICING_BODY),
    "s28-e": (NATIONAL_CRIME_AGENCY,),
    "s28-f": (TRANSPORT_POLICE_AUTHORITY,),
    "s28-g": (PROBATION_PROVIDER,),
    "s28-h": (SECRETARY_OF_STATE_OFFENDER_MANAGEMENT,),
    "s28-i": (YOUTH_OFFENDING_TEAM,),
    "s28-j": (PRISON,),
    "s28-k": (SECURE_COLLEGE,),
    "s28-l": (YOUTH_SUPPORT_SERVICE,),
}
# Bodies s.164(2)(b) lets a local authority ask even when they are not its relevant partners.
S164_2B_KINDS = (LOCAL_AUTHORITY, LOCAL_HEALTH_BOARD, NHS_TRUST)


@dataclass(frozen=True)
class BodyFacts:
    """What the rules need to know about an organisation."""

    code: str
    kind: str
    relevant_partner_category: str | None
    covers_all_wales: bool
    area_codes: frozenset[str]
    nation: str = WALES

    def covers(self, council_code: str) -> bool:
        return self.covers_all_wales or council_code in self.area_codes


def is_welsh_council(body: BodyFacts) -> bool:
    """A "local authority" in the Act: a county or county borough council in Wales. Only a
    Welsh council makes s.164 requests and has relevant partners under s.162(4)."""
    return body.kind == LOCAL_AUTHORITY and body.nation == WALES


def is_nhs_trust_under_the_act(body: BodyFacts) -> bool:
    """Whether `body` is an "NHS trust" as the Act defines it, for s.164(2)(b). The nations
    whose trusts count are one setting, DEFINITIONS["def-nhs-trust"] (marked verify: by
    default a trust established in England is not reached). A foundation trust never is."""
    return body.kind == NHS_TRUST and body.nation in DEFINITIONS["def-nhs-trust"].extra["nations"]


def relevant_partner_category(council: BodyFacts, body: BodyFacts) -> str | None:
    """The s.162(4) category under which `body` is a relevant partner of `council` by its
    areas, or None. rp-b (another authority by agreement) is decided from agreements.
    Only a Welsh council has relevant partners."""
    if not is_welsh_council(council) or body.code == council.code:
        return None
    category = body.relevant_partner_category
    if category in AREA_BASED_CATEGORIES and body.covers(council.code):
        return category
    return None


def relevant_partner_limit(category: str | None, locale: str = "en") -> str | None:
    """The limit on a relevant partner that is one only for some of its functions (rp-c: the
    Secretary of State, rp-g: the Welsh Ministers), as a sentence; None for the others."""
    entry = RELEVANT_PARTNER.get(category)
    if entry is None:
        return None
    return entry.extra.get("limit_cy" if locale == "cy" else "limit_en")


def relevant_partner_reason(category: str, *, area: str, date: str = "", locale: str = "en") -> str:
    """Why a body is a relevant partner, e.g. "police area includes Cardiff (s.162(4)(a))".

    In Welsh a section is "adran", abbreviated "a.": "(a.162(4)(a))"."""
    entry = RELEVANT_PARTNER[category]
    template = entry.extra["reason_cy" if locale == "cy" else "reason_en"]
    letter = category.removeprefix("rp-")
    section = "a." if locale == "cy" else "s."
    return f"{template.format(area=area, date=date)} ({section}162(4)({letter}))"


def category_problems(
    *,
    kind: str,
    s28_category: str | None,
    relevant_partner_category: str | None,
    covers_all_wales: bool,
    has_areas: bool,
) -> dict[str, str]:
    """What is wrong with a body's statutory categories, as {field: problem code}; empty if none.

    Problem codes: "wrong_kind" (the category cannot describe this kind of body),
    "agreement_only" (rp-b comes from an agreement, never from the register entry),
    "needs_all_wales" (rp-c and rp-g act for the whole of Wales),
    "needs_area" (an area-based partner or a youth offending team needs its areas)."""
    problems: dict[str, str] = {}
    if s28_category and kind not in S28_KINDS.get(s28_category, ()):
        problems["s28_category"] = "wrong_kind"
    rp = relevant_partner_category
    if rp == AGREEMENT_CATEGORY:
        problems["relevant_partner_category"] = "agreement_only"
    elif rp:
        kinds = RELEVANT_PARTNER_KINDS.get(rp, ())
        # A youth offending team is not a relevant partner under s.162(4) (it is asked under
        # s.164(2)(c)), not even as a person specified by regulations.
        if (kinds is not None and kind not in kinds) or kind == YOUTH_OFFENDING_TEAM:
            problems["relevant_partner_category"] = "wrong_kind"
        elif rp in ALL_WALES_CATEGORIES and not covers_all_wales:
            problems["areas"] = "needs_all_wales"
    needs_area = (rp in AREA_BASED_CATEGORIES) or kind == YOUTH_OFFENDING_TEAM
    if needs_area and kind != LOCAL_AUTHORITY and not (covers_all_wales or has_areas):
        problems.setdefault("areas", "needs_area")
    return problems


def s164_basis(council: BodyFacts, body: BodyFacts, *, is_relevant_partner: bool) -> str | None:
    """Under which part of s.164(2) `council` may ask `body`, or None if it may not.

    (a) a relevant partner; (b) a local authority, Local Health Board or NHS trust that is
    not a relevant partner; (c) a youth offending team whose area touches the council's.
    Only a Welsh council may ask; under (b) a local authority is a Welsh council, a Local
    Health Board is Welsh, and an NHS trust is one as the Act defines it.
    """
    if not is_welsh_council(council) or body.code == council.code:
        return None
    if is_relevant_partner:
        return "s164-2-a"
    if _within_s164_2b(body):
        return "s164-2-b"
    if body.kind == YOUTH_OFFENDING_TEAM and body.covers(council.code):
        return "s164-2-c"
    return None


def _within_s164_2b(body: BodyFacts) -> bool:
    if body.kind == NHS_TRUST:
        return is_nhs_trust_under_the_act(body)
    return body.kind in S164_2B_KINDS and body.nation == WALES


def s164_refusal(council: BodyFacts, body: BodyFacts, *, is_relevant_partner: bool) -> str | None:
    """Why `council` may not ask `body` under s.164, as a code; None if it may.

    "requester_not_local_authority": only a local authority makes s.164 requests;
    "requester_outside_wales": a council outside Wales (the Act is Welsh law);
    "council_outside_wales", "health_board_outside_wales": s.164(2)(b) reaches Welsh councils
    and Welsh Local Health Boards only;
    "nhs_trust_outside_wales": a trust that is not an NHS trust as the Act defines it;
    "foundation_trust": an NHS foundation trust is not an NHS trust;
    "same_body": an authority does not ask itself;
    "yot_outside_area": a youth offending team whose area does not touch the council's;
    "partner_outside_area": a body of an area-based s.162(4) category (a police force, say)
    whose area does not include the council's, so it is not its relevant partner;
    "not_listed": a body s.164(2) does not cover at all (the National Crime Agency, a prison, a
    Safeguarding Board, a charity...)."""
    if s164_basis(council, body, is_relevant_partner=is_relevant_partner) is not None:
        return None
    if council.kind != LOCAL_AUTHORITY:
        return "requester_not_local_authority"
    if not is_welsh_council(council):
        return "requester_outside_wales"
    if body.code == council.code:
        return "same_body"
    outside = {
        LOCAL_AUTHORITY: "council_outside_wales",
        LOCAL_HEALTH_BOARD: "health_board_outside_wales",
        NHS_TRUST: "nhs_trust_outside_wales",
    }
    if body.kind in outside:
        return outside[body.kind]
    if body.kind == NHS_FOUNDATION_TRUST:
        return "foundation_trust"
    if body.kind == YOUTH_OFFENDING_TEAM:
        return "yot_outside_area"
    if body.relevant_partner_category in AREA_BASED_CATEGORIES:
        return "partner_outside_area"
    return "not_listed"
