"""s.162(4) relevant partners of every Welsh council, worked out from the register.

The expected police force and health board of each council are written out here by hand
(from the police and health board areas), not derived from the reference data, so that a
wrong row in the data fails a test.
"""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.parties import services
from isp_manager.parties.models import OrgKind
from tests.conftest import org

# council -> (police force suffix, health board)
COUNCILS = {
    "la-blaenau-gwent": ("gwent", "lhb-aneurin-bevan"),
    "la-bridgend": ("south-wales", "lhb-cwm-taf-morgannwg"),
    "la-caerphilly": ("gwent", "lhb-aneurin-bevan"),
    "la-cardiff": ("south-wales", "lhb-cardiff-and-vale"),
    "la-carmarthenshire": ("dyfed-powys", "lhb-hywel-dda"),
    "la-ceredigion": ("dyfed-powys", "lhb-hywel-dda"),
    "la-conwy": ("north-wales", "lhb-betsi-cadwaladr"),
    "la-denbighshire": ("north-wales", "lhb-betsi-cadwaladr"),
    "la-flintshire": ("north-wales", "lhb-betsi-cadwaladr"),
    "la-gwynedd": ("north-wales", "lhb-betsi-cadwaladr"),
    "la-isle-of-anglesey": ("north-wales", "lhb-betsi-cadwaladr"),
    "la-merthyr-tydfil": ("south-wales", "lhb-cwm-taf-morgannwg"),
    "la-monmouthshire": ("gwent", "lhb-aneurin-bevan"),
    "la-neath-port-talbot": ("south-wales", "lhb-swansea-bay"),
    "la-newport": ("gwent", "lhb-aneurin-bevan"),
    "la-pembrokeshire": ("dyfed-powys", "lhb-hywel-dda"),
    "la-powys": ("dyfed-powys", "lhb-powys"),
    "la-rhondda-cynon-taf": ("south-wales", "lhb-cwm-taf-morgannwg"),
    "la-swansea": ("south-wales", "lhb-swansea-bay"),
    "la-torfaen": ("gwent", "lhb-aneurin-bevan"),
    "la-vale-of-glamorgan": ("south-wales", "lhb-cardiff-and-vale"),
    "la-wrexham": ("north-wales", "lhb-betsi-cadwaladr"),
}
FORCES = ("dyfed-powys", "gwent", "north-wales", "south-wales")
HEALTH_BOARDS = sorted({lhb for _, lhb in COUNCILS.values()})
ALL_WALES_PARTNERS = {
    "nhs-velindre": "rp-f",
    "nhs-wast": "rp-f",
    "nhs-phw": "rp-f",
    "hmpps-wales": "rp-c",
    "welsh-ministers-lsa": "rp-g",
}
NEVER_PARTNERS = (
    "nca", "btpa",
    "prison-berwyn", "prison-cardiff", "prison-parc", "prison-prescoed", "prison-swansea", "prison-usk",
    "board-cardiff-and-vale", "board-cwm-taf-morgannwg", "board-gwent",
    "board-mid-and-west-wales", "board-north-wales", "board-west-glamorgan",
)  # fmt: skip


def test_the_table_covers_every_council_on_the_register():
    assert set(COUNCILS) == {c.code for c in services.councils()}
    assert len(COUNCILS) == 22 and len(HEALTH_BOARDS) == 7


@pytest.mark.parametrize("council_code", sorted(COUNCILS))
def test_relevant_partners_of_each_council(council_code):
    force, health_board = COUNCILS[council_code]
    partners = {
        p.organisation.code: p.category for p in services.relevant_partners_of(org(council_code))
    }

    expected = {
        f"police-{force}": "rp-a",
        f"pcc-{force}": "rp-a",
        health_board: "rp-e",
        **ALL_WALES_PARTNERS,
    }
    assert partners == expected
    # What must not appear, spelt out: other areas' forces and boards, and bodies that are
    # under a s.28 duty but are not relevant partners.
    for other_force in set(FORCES) - {force}:
        assert f"police-{other_force}" not in partners
        assert f"pcc-{other_force}" not in partners
    for other_board in set(HEALTH_BOARDS) - {health_board}:
        assert other_board not in partners
    for code in NEVER_PARTNERS:
        assert code not in partners
    assert council_code not in partners
    assert not any(code.startswith("la-") for code in partners)


@pytest.mark.parametrize("council_code", sorted(COUNCILS))
def test_each_force_and_health_board_lists_the_council(council_code):
    force, health_board = COUNCILS[council_code]
    for body in (f"police-{force}", f"pcc-{force}", health_board, *ALL_WALES_PARTNERS):
        councils = {p.organisation.code for p in services.councils_partnered_by(org(body))}
        assert council_code in councils, body
    for other_force in set(FORCES) - {force}:
        councils = {
            p.organisation.code
            for p in services.councils_partnered_by(org(f"police-{other_force}"))
        }
        assert council_code not in councils


@pytest.mark.parametrize(
    ("force", "councils"),
    [
        ("dyfed-powys", {"la-carmarthenshire", "la-ceredigion", "la-pembrokeshire", "la-powys"}),
        ("gwent", {"la-blaenau-gwent", "la-caerphilly", "la-monmouthshire", "la-newport", "la-torfaen"}),
        ("north-wales", {"la-isle-of-anglesey", "la-conwy", "la-denbighshire", "la-flintshire",
                         "la-gwynedd", "la-wrexham"}),
        ("south-wales", {"la-bridgend", "la-cardiff", "la-merthyr-tydfil", "la-neath-port-talbot",
                         "la-rhondda-cynon-taf", "la-swansea", "la-vale-of-glamorgan"}),
    ],
)  # fmt: skip
def test_councils_partnered_by_each_force(force, councils):
    for body in (f"police-{force}", f"pcc-{force}"):
        found = services.councils_partnered_by(org(body))
        assert {p.organisation.code for p in found} == councils
        assert {p.category for p in found} == {"rp-a"}


@pytest.mark.parametrize("code", NEVER_PARTNERS)
def test_bodies_that_are_nobodys_relevant_partner(code):
    assert services.councils_partnered_by(org(code)) == []


def test_all_wales_bodies_are_partners_of_all_22_councils():
    for code, category in ALL_WALES_PARTNERS.items():
        found = services.councils_partnered_by(org(code))
        assert {p.organisation.code for p in found} == set(COUNCILS)
        assert {p.category for p in found} == {category}


@pytest.mark.parametrize(
    ("council", "partner", "reason"),
    [
        ("la-cardiff", "police-south-wales",
         "South Wales Police (Chief Constable): police area includes Cardiff (s.162(4)(a))"),
        ("la-cardiff", "lhb-cardiff-and-vale",
         "Cardiff and Vale University Health Board: health board area includes Cardiff (s.162(4)(e))"),
        ("la-cardiff", "nhs-wast",
         "Welsh Ambulance Services University NHS Trust: provides services in Cardiff (s.162(4)(f))"),
        ("la-vale-of-glamorgan", "pcc-south-wales",
         "South Wales Police and Crime Commissioner: police area includes Vale of Glamorgan (s.162(4)(a))"),
        ("la-wrexham", "hmpps-wales",
         "HM Prison and Probation Service in Wales (Secretary of State): offender management "
         "functions in relation to Wales, including Wrexham (s.162(4)(c))"),
        ("la-powys", "lhb-powys",
         "Powys Teaching Health Board: health board area includes Powys (s.162(4)(e))"),
    ],
)  # fmt: skip
def test_reasons_name_the_body_the_area_and_the_provision(council, partner, reason):
    found = {
        p.organisation.code: p for p in services.relevant_partners_of(org(council), locale="en")
    }
    assert found[partner].reason == reason
    seen_from_partner = {
        p.organisation.code: p.reason
        for p in services.councils_partnered_by(org(partner), locale="en")
    }
    assert seen_from_partner[council] == reason


def test_reasons_in_welsh_use_welsh_names():
    found = {
        p.organisation.code: p
        for p in services.relevant_partners_of(org("la-carmarthenshire"), locale="cy")
    }
    assert found["police-dyfed-powys"].reason == (
        "Heddlu Dyfed-Powys: mae ardal yr heddlu yn cynnwys Sir Gâr (a.162(4)(a))"
    )
    assert found["nhs-phw"].reason.endswith(
        "mae'n darparu gwasanaethau yn ardal Sir Gâr (a.162(4)(f))"
    )


def test_partners_are_listed_by_category_then_name():
    categories = [p.category for p in services.relevant_partners_of(org("la-cardiff"))]
    assert categories == sorted(categories)
    assert services.relevant_partners_of(org("police-south-wales")) == []


def test_inactive_body_is_no_longer_a_partner(db_session):
    org("police-gwent").is_active = False
    db_session.flush()
    partners = {p.organisation.code for p in services.relevant_partners_of(org("la-newport"))}
    assert "police-gwent" not in partners and "pcc-gwent" in partners
    assert services.councils_partnered_by(org("police-gwent")) == []


def test_a_new_area_based_body_follows_its_areas(make_org):
    yot = make_org("probation-cardiff", kind=OrgKind.PROBATION_PROVIDER,
                   relevant_partner_category="rp-d", areas=["la-cardiff", "la-newport"])  # fmt: skip
    assert {p.organisation.code for p in services.councils_partnered_by(yot)} == {
        "la-cardiff",
        "la-newport",
    }
    cardiff = {p.organisation.code: p for p in services.relevant_partners_of(org("la-cardiff"))}
    assert cardiff["probation-cardiff"].category == "rp-d"
    swansea = {p.organisation.code for p in services.relevant_partners_of(org("la-swansea"))}
    assert "probation-cardiff" not in swansea


# ------------------------------------------------------------------ rp-b, both sides


def test_agreement_makes_each_council_a_partner_of_the_other(make_user):
    admin = make_user("la-cardiff", Role.ADMIN)
    services.record_agreement(
        org("la-newport"), org("la-cardiff"), date(2025, 3, 1), "Joint team", by=admin
    )

    cardiff = {
        p.organisation.code: p
        for p in services.relevant_partners_of(org("la-cardiff"), locale="en")
    }
    newport = {
        p.organisation.code: p
        for p in services.relevant_partners_of(org("la-newport"), locale="en")
    }
    assert cardiff["la-newport"].category == "rp-b"
    assert cardiff["la-newport"].reason == (
        "Newport City Council: co-operation agreed on 1 March 2025 (s.162(4)(b))"
    )
    assert newport["la-cardiff"].category == "rp-b"
    assert (
        newport["la-cardiff"].reason
        == "Cardiff Council: co-operation agreed on 1 March 2025 (s.162(4)(b))"
    )
    assert [p.organisation.code for p in services.councils_partnered_by(org("la-cardiff"))] == [
        "la-newport"
    ]
    swansea = {p.organisation.code for p in services.relevant_partners_of(org("la-swansea"))}
    assert "la-cardiff" not in swansea and "la-newport" not in swansea


def test_ended_agreement_no_longer_counts(make_user):
    admin = make_user("la-cardiff", Role.ADMIN)
    agreement = services.record_agreement(
        org("la-cardiff"), org("la-newport"), date(2024, 1, 5), by=admin
    )
    services.end_agreement(agreement, date(2025, 1, 5), by=admin)
    assert "la-newport" not in {
        p.organisation.code for p in services.relevant_partners_of(org("la-cardiff"))
    }
    assert services.councils_partnered_by(org("la-newport")) == []
