"""Pure rule functions over the catalogues: no database, no Flask, easy to test as tables.

The parties and cooperation services call these with plain facts about organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import PARA18_REASONS, RELEVANT_PARTNER

# Kinds of organisation, as stored on the register (the `kind` column of the reference data).
LOCAL_AUTHORITY = "local_authority"
LOCAL_HEALTH_BOARD = "local_health_board"
NHS_TRUST = "nhs_trust"
YOUTH_OFFENDING_TEAM = "youth_offending_team"

# Relevant-partner categories that follow from a body's areas (all but rp-b, which needs
# an agreement). rp-c and rp-g bodies act for all of Wales, so they cover every area.
AREA_BASED_CATEGORIES = ("rp-a", "rp-c", "rp-d", "rp-e", "rp-f", "rp-g", "rp-h")


@dataclass(frozen=True)
class BodyFacts:
    """What the rules need to know about an organisation."""

    code: str
    kind: str
    relevant_partner_category: str | None
    covers_all_wales: bool
    area_codes: frozenset[str]

    def covers(self, council_code: str) -> bool:
        return self.covers_all_wales or council_code in self.area_codes


def relevant_partner_category(council: BodyFacts, body: BodyFacts) -> str | None:
    """The s.162(4) category under which `body` is a relevant partner of `council` by its
    areas, or None. rp-b (another authority by agreement) is decided from agreements."""
    if council.kind != LOCAL_AUTHORITY or body.code == council.code:
        return None
    category = body.relevant_partner_category
    if category in AREA_BASED_CATEGORIES and body.covers(council.code):
        return category
    return None


def relevant_partner_reason(category: str, *, area: str, date: str = "", locale: str = "en") -> str:
    """Why a body is a relevant partner, e.g. "police area includes Cardiff (s.162(4)(a))"."""
    entry = RELEVANT_PARTNER[category]
    template = entry.extra["reason_cy" if locale == "cy" else "reason_en"]
    letter = category.removeprefix("rp-")
    return f"{template.format(area=area, date=date)} (s.162(4)({letter}))"


def s164_basis(council: BodyFacts, body: BodyFacts, *, is_relevant_partner: bool) -> str | None:
    """Under which part of s.164(2) `council` may ask `body`, or None if it may not.

    (a) a relevant partner; (b) a local authority, Local Health Board or NHS trust that is
    not a relevant partner; (c) a youth offending team whose area touches the council's.
    """
    if council.kind != LOCAL_AUTHORITY or body.code == council.code:
        return None
    if is_relevant_partner:
        return "s164-2-a"
    if body.kind in (LOCAL_AUTHORITY, LOCAL_HEALTH_BOARD, NHS_TRUST):
        return "s164-2-b"
    if body.kind == YOUTH_OFFENDING_TEAM and body.covers(council.code):
        return "s164-2-c"
    return None


def para18_problems(*, reason_code: str | None, consent_relied_on: bool) -> list[str]:
    """What stops a record relying on DPA 2018 Sch.1 para 18 (empty when it may)."""
    problems = []
    if reason_code not in PARA18_REASONS:
        problems.append("para18_reason")
    if consent_relied_on:
        problems.append("consent")
    return problems
