"""The pure rules of law/rules.py, as tables: no database, no Flask."""

from __future__ import annotations

import pytest

from isp_manager.law import DEFINITIONS, RELEVANT_PARTNER, rules

# ------------------------------------------------------------------ the pure rules


def facts(code, kind, category=None, *, areas=(), all_wales=False, nation="wales"):
    return rules.BodyFacts(code, kind, category, all_wales, frozenset(areas), nation)


CARDIFF = facts("la-cardiff", "local_authority", areas={"la-cardiff"})
SHROPSHIRE = facts("la-shropshire", "local_authority", areas={"la-shropshire"}, nation="england")


@pytest.mark.parametrize(
    ("body", "partner", "refusal"),
    [
        (facts("x", "youth_offending_team", areas={"la-newport"}), False, "yot_outside_area"),
        (
            facts("x", "chief_officer_of_police", "rp-a", areas={"la-conwy"}),
            False,
            "partner_outside_area",
        ),
        (facts("x", "prison", areas={"la-cardiff"}), False, "not_listed"),
        (facts("x", "charity", areas={"la-cardiff"}), False, "not_listed"),
        (facts("la-cardiff", "local_authority"), False, "same_body"),
        (facts("x", "local_health_board", "rp-e", areas={"la-cardiff"}), True, None),
        (
            facts("la-shropshire", "local_authority", nation="england"),
            False,
            "council_outside_wales",
        ),
        (facts("x", "local_health_board", nation="scotland"), False, "health_board_outside_wales"),
        (facts("x", "nhs_trust", nation="england"), False, "nhs_trust_outside_wales"),
        (facts("x", "nhs_foundation_trust", nation="england"), False, "foundation_trust"),
        (facts("x", "nhs_foundation_trust", nation="wales"), False, "foundation_trust"),
        (facts("x", "fire_and_rescue_authority", areas={"la-cardiff"}), False, "not_listed"),
        (facts("x", "special_health_authority", all_wales=True), False, "not_listed"),
    ],
)
def test_s164_refusal_codes(body, partner, refusal):
    assert rules.s164_refusal(CARDIFF, body, is_relevant_partner=partner) == refusal


@pytest.mark.parametrize(
    ("kind", "s28", "rp", "all_wales", "has_areas", "problems"),
    [
        ("chief_officer_of_police", "s28-d", "rp-a", False, True, {}),
        ("chief_officer_of_police", "s28-b", "rp-a", False, True, {"s28_category": "wrong_kind"}),
        ("charity", None, "rp-a", False, True, {"relevant_partner_category": "wrong_kind"}),
        (
            "local_authority",
            "s28-a",
            "rp-b",
            False,
            True,
            {"relevant_partner_category": "agreement_only"},
        ),
        ("welsh_ministers", None, "rp-g", False, True, {"areas": "needs_all_wales"}),
        ("secretary_of_state_offender_management", "s28-h", "rp-c", True, False, {}),
        ("local_health_board", "s28-b", "rp-e", False, False, {"areas": "needs_area"}),
        ("youth_offending_team", "s28-i", None, False, False, {"areas": "needs_area"}),
        ("charity", None, "rp-h", False, True, {}),
        # a youth offending team is never a relevant partner, not even by regulations
        (
            "youth_offending_team",
            "s28-i",
            "rp-h",
            False,
            True,
            {"relevant_partner_category": "wrong_kind"},
        ),
        ("other", None, "rp-ga", True, False, {}),
        ("other", None, "rp-ga", False, True, {"areas": "needs_all_wales"}),
        (
            "nhs_foundation_trust",
            "s28-c",
            "rp-f",
            False,
            True,
            {"s28_category": "wrong_kind", "relevant_partner_category": "wrong_kind"},
        ),
        ("school", None, None, False, False, {}),
    ],
)
def test_category_problems(kind, s28, rp, all_wales, has_areas, problems):
    found = rules.category_problems(
        kind=kind, s28_category=s28, relevant_partner_category=rp,
        covers_all_wales=all_wales, has_areas=has_areas,
    )  # fmt: skip
    assert found == problems


def test_every_reference_body_fits_the_category_rules():
    from isp_manager.parties.reference import read_reference_rows

    for row in read_reference_rows():
        areas = [a for a in row["areas"].split(";") if a]
        found = rules.category_problems(
            kind=row["kind"],
            s28_category=row["s28_category"] or None,
            relevant_partner_category=row["relevant_partner_category"] or None,
            covers_all_wales="wales" in areas,
            has_areas=bool(areas),
        )
        assert found == {}, row["code"]


# ------------------------------------------------------------------ bodies outside Wales


@pytest.mark.parametrize(
    ("council", "body", "partner", "basis"),
    [
        (CARDIFF, facts("la-newport", "local_authority", areas={"la-newport"}), False, "s164-2-b"),
        (CARDIFF, SHROPSHIRE, False, None),
        (SHROPSHIRE, CARDIFF, False, None),
        (SHROPSHIRE, facts("x", "local_health_board", "rp-e", areas={"la-powys"}), False, None),
        (CARDIFF, facts("x", "local_health_board", areas={"la-powys"}), False, "s164-2-b"),
        (CARDIFF, facts("x", "local_health_board", nation="scotland"), False, None),
        (CARDIFF, facts("x", "nhs_trust", all_wales=True), False, "s164-2-b"),
        (CARDIFF, facts("x", "nhs_trust", nation="england"), False, None),
        (CARDIFF, facts("x", "nhs_foundation_trust", nation="england"), False, None),
        (CARDIFF, facts("x", "youth_offending_team", areas={"la-cardiff"}), False, "s164-2-c"),
        (CARDIFF, facts("x", "youth_offending_team", areas={"la-newport"}), False, None),
        (CARDIFF, facts("x", "national_crime_agency", all_wales=True, nation="uk"), False, None),
    ],
)
def test_s164_basis(council, body, partner, basis):
    assert rules.s164_basis(council, body, is_relevant_partner=partner) == basis


@pytest.mark.parametrize(
    ("council", "refusal"),
    [
        (SHROPSHIRE, "requester_outside_wales"),
        (facts("x", "local_health_board", nation="wales"), "requester_not_local_authority"),
        (facts("x", "local_authority", nation="scotland"), "requester_outside_wales"),
    ],
)
def test_only_a_welsh_council_makes_a_request(council, refusal):
    body = facts("lhb", "local_health_board", "rp-e", areas={"la-powys"})
    assert rules.s164_refusal(council, body, is_relevant_partner=False) == refusal


@pytest.mark.parametrize(
    ("council", "body", "category"),
    [
        (CARDIFF, facts("x", "chief_officer_of_police", "rp-a", areas={"la-cardiff"}), "rp-a"),
        (CARDIFF, facts("x", "welsh_ministers", "rp-g", all_wales=True), "rp-g"),
        (CARDIFF, facts("x", "other", "rp-ga", all_wales=True), "rp-ga"),
        (CARDIFF, facts("x", "youth_offending_team", areas={"la-cardiff"}), None),
        # only a Welsh council has relevant partners
        (SHROPSHIRE, facts("x", "welsh_ministers", "rp-g", all_wales=True), None),
        (SHROPSHIRE, facts("x", "nhs_trust", "rp-f", areas={"la-shropshire"}), None),
    ],
)
def test_relevant_partner_category(council, body, category):
    assert rules.relevant_partner_category(council, body) == category


@pytest.mark.parametrize(
    ("nations", "body", "is_trust"),
    [
        (("wales",), facts("x", "nhs_trust"), True),
        (("wales",), facts("x", "nhs_trust", nation="england"), False),
        (("wales", "england"), facts("x", "nhs_trust", nation="england"), True),
        (("wales", "england"), facts("x", "nhs_foundation_trust", nation="england"), False),
        (("wales",), facts("x", "local_health_board"), False),
    ],
)
def test_nhs_trust_follows_the_one_definition(monkeypatch, nations, body, is_trust):
    """Whether an English trust counts is one setting (marked verify); a foundation trust never."""
    monkeypatch.setitem(DEFINITIONS["def-nhs-trust"].extra, "nations", nations)
    assert rules.is_nhs_trust_under_the_act(body) is is_trust


def test_the_nhs_trust_definition_is_marked_verify_and_defaults_to_wales_only():
    entry = DEFINITIONS["def-nhs-trust"]
    assert entry.verify and entry.extra["nations"] == ("wales",)


# ------------------------------------------------------------------ limited relevant partners


@pytest.mark.parametrize(
    ("category", "locale", "limit"),
    [
        ("rp-c", "en", "Only when discharging functions under sections 2 and 3 of the Offender Management Act 2007"),
        ("rp-c", "cy", "Dim ond wrth gyflawni swyddogaethau o dan adrannau 2 a 3 o Ddeddf Rheoli Troseddwyr 2007"),
        ("rp-g", "en", "Only when discharging functions under Part 2 of the Learning and Skills Act 2000"),
        ("rp-g", "cy", "Dim ond wrth gyflawni swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000"),
        ("rp-a", "en", None),
        ("rp-e", "cy", None),
        (None, "en", None),
    ],
)  # fmt: skip
def test_relevant_partner_limit(category, locale, limit):
    assert rules.relevant_partner_limit(category, locale) == limit


def test_rp_ga_is_marked_verify_and_no_youth_offending_team_category():
    assert RELEVANT_PARTNER["rp-ga"].verify
    assert RELEVANT_PARTNER["rp-ga"].citation == "SSWBA 2014, s.162(4)(ga)"
    assert all("youth offending" not in p.en.lower() for p in RELEVANT_PARTNER)
    assert all(
        kinds is None or rules.YOUTH_OFFENDING_TEAM not in kinds
        for kinds in rules.RELEVANT_PARTNER_KINDS.values()
    )
