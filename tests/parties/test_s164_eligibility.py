"""s.164(2): whom a council may ask for co-operation or information, and why not."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.parties import services
from isp_manager.parties.models import Nation, OrgKind
from tests.conftest import org


@pytest.fixture
def outside_wales(make_org):
    """Bodies beyond Wales, as an administrator would add them (the reference is Welsh)."""
    make_org("la-shropshire", name="Shropshire Council", kind=OrgKind.LOCAL_AUTHORITY,
             nation=Nation.ENGLAND)  # fmt: skip
    make_org("nhs-highland", name="NHS Highland", kind=OrgKind.LOCAL_HEALTH_BOARD,
             nation=Nation.SCOTLAND)  # fmt: skip
    make_org("nhs-shrewsbury-telford", name="The Shrewsbury and Telford Hospital NHS Trust",
             kind=OrgKind.NHS_TRUST, nation=Nation.ENGLAND, areas=["la-powys"])  # fmt: skip
    make_org("nhs-countess-of-chester", name="Countess of Chester Hospital NHS Foundation Trust",
             kind=OrgKind.NHS_FOUNDATION_TRUST, nation=Nation.ENGLAND,
             areas=["la-flintshire"])  # fmt: skip


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
        ("la-torfaen", "yot-monmouthshire-torfaen", "s164-2-c", "area includes Torfaen"),
        ("la-newport", "yot-newport", "s164-2-c", "area includes Newport"),
        ("la-cardiff", "police-north-wales", None, "its area does not include Cardiff"),
        ("la-cardiff", "pcc-dyfed-powys", None, "not a relevant partner of Cardiff Council"),
        ("la-cardiff", "yot-newport", None, "youth offending team, but its area does not include Cardiff"),
        ("la-cardiff", "fra-south-wales", None, "s.164(2) covers no one else"),
        ("la-cardiff", "sha-heiw", None, "s.164(2) covers no one else"),
        ("la-shropshire", "lhb-powys", None, "A council outside Wales cannot make a request under the Social Services and Well-being (Wales) Act 2014"),
        ("la-shropshire", "police-dyfed-powys", None, "is a council in England"),
        ("la-powys", "la-shropshire", None, "a local authority in s.164(2)(b) is a council in Wales"),
        ("la-powys", "nhs-highland", None, "a Local Health Board in s.164(2)(b) is a Welsh health board"),
        ("la-powys", "nhs-shrewsbury-telford", None, "a trust established in England"),
        ("la-flintshire", "nhs-countess-of-chester", None, "An NHS foundation trust is not an NHS trust under s.164(2)(b)"),
        ("la-cardiff", "nca", None, "s.164(2) covers no one else"),
        ("la-cardiff", "btpa", None, "cannot be asked under s.164"),
        ("la-cardiff", "prison-cardiff", None, "cannot be asked under s.164"),
        ("la-cardiff", "board-cardiff-and-vale", None, "cannot be asked under s.164"),
        ("la-cardiff", "la-cardiff", None, "cannot make a s.164 request to itself"),
        ("police-south-wales", "la-cardiff", None, "Only a local authority can make a request"),
        ("lhb-cardiff-and-vale", "lhb-powys", None, "Only a local authority can make a request"),
    ],
)  # fmt: skip
def test_eligibility_table(outside_wales, council, body, code, words):
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
