"""s.164(2): whom a council may ask for co-operation or information, and why not."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.law import rules
from isp_manager.parties import services
from isp_manager.parties.models import OrgKind
from tests.conftest import org


@pytest.fixture
def yots(make_org):
    make_org(
        "yot-cardiff",
        name="Cardiff Youth Justice Service",
        kind=OrgKind.YOUTH_OFFENDING_TEAM,
        s28_category="s28-i",
        areas=["la-cardiff"],
    )
    make_org("yot-gwent", name="Gwent Youth Offending Service", kind=OrgKind.YOUTH_OFFENDING_TEAM,
             s28_category="s28-i", areas=["la-newport", "la-torfaen"])  # fmt: skip


@pytest.mark.parametrize(
    ("council", "body", "code", "words"),
    [
        ("la-cardiff", "lhb-cardiff-and-vale", "s164-2-a", "relevant partner of Cardiff Council"),
        ("la-cardiff", "police-south-wales", "s164-2-a", "police area includes Cardiff"),
        ("la-cardiff", "pcc-south-wales", "s164-2-a", "s.164(2)(a)"),
        ("la-cardiff", "nhs-wast", "s164-2-a", "provides services in Cardiff"),
        ("la-cardiff", "hmpps-wales", "s164-2-a", "s.164(2)(a)"),
        ("la-cardiff", "welsh-ministers-lsa", "s164-2-a", "s.164(2)(a)"),
        ("la-cardiff", "lhb-betsi-cadwaladr", "s164-2-b", "Local Health Board that is not a relevant partner"),
        ("la-wrexham", "lhb-cardiff-and-vale", "s164-2-b", "s.164(2)(b)"),
        ("la-cardiff", "la-newport", "s164-2-b", "local authority that is not a relevant partner"),
        ("la-cardiff", "yot-cardiff", "s164-2-c", "youth offending team whose area includes Cardiff"),
        ("la-torfaen", "yot-gwent", "s164-2-c", "area includes Torfaen"),
        ("la-cardiff", "police-north-wales", None, "its area does not include Cardiff"),
        ("la-cardiff", "pcc-dyfed-powys", None, "not a relevant partner of Cardiff Council"),
        ("la-cardiff", "yot-gwent", None, "youth offending team, but its area does not include Cardiff"),
        ("la-cardiff", "nca", None, "s.164(2) covers no one else"),
        ("la-cardiff", "btpa", None, "cannot be asked under s.164"),
        ("la-cardiff", "prison-cardiff", None, "cannot be asked under s.164"),
        ("la-cardiff", "board-cardiff-and-vale", None, "cannot be asked under s.164"),
        ("la-cardiff", "la-cardiff", None, "cannot make a s.164 request to itself"),
        ("police-south-wales", "la-cardiff", None, "Only a local authority can make a request"),
        ("lhb-cardiff-and-vale", "lhb-powys", None, "Only a local authority can make a request"),
    ],
)  # fmt: skip
def test_eligibility_table(yots, council, body, code, words):
    result = services.eligibility_for_s164(org(council), org(body), locale="en")
    assert result.code == code
    assert words in result.explanation
    found_code, explanation = result  # a plain (code, explanation) pair
    assert (found_code, explanation) == (result.code, result.explanation)


def test_refusal_lists_who_can_be_asked_instead():
    code, explanation = services.eligibility_for_s164(
        org("la-cardiff"), org("police-north-wales"), locale="en"
    )
    assert code is None
    assert "Who Cardiff Council can ask instead" in explanation
    for citation in ("s.164(2)(a)", "s.164(2)(b)", "s.164(2)(c)"):
        assert citation in explanation
    # The police force that does cover Cardiff is named.
    assert "South Wales Police (Chief Constable)" in explanation


def test_agreement_turns_b_into_a(make_user):
    admin = make_user("la-cardiff", Role.ADMIN)
    assert services.eligibility_for_s164(org("la-cardiff"), org("la-swansea")).code == "s164-2-b"
    services.record_agreement(org("la-cardiff"), org("la-swansea"), date(2025, 6, 2), by=admin)
    code, explanation = services.eligibility_for_s164(
        org("la-swansea"), org("la-cardiff"), locale="en"
    )
    assert code == "s164-2-a"
    assert "co-operation agreed on 2 June 2025 (s.162(4)(b))" in explanation


def test_inactive_body_cannot_be_asked(db_session):
    org("lhb-powys").is_active = False
    db_session.flush()
    code, explanation = services.eligibility_for_s164(
        org("la-powys"), org("lhb-powys"), locale="en"
    )
    assert code is None
    assert "no longer active" in explanation


# ------------------------------------------------------------------ the pure rules


def facts(code, kind, category=None, *, areas=(), all_wales=False):
    return rules.BodyFacts(code, kind, category, all_wales, frozenset(areas))


CARDIFF = facts("la-cardiff", "local_authority", areas={"la-cardiff"})


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
