"""Each body's nation, and the bodies the reference file adds: youth offending teams (with the
councils they serve), fire and rescue authorities and special health authorities; the limited
relevant partners (rp-c, rp-g) wherever they are shown; the name rules of the organisation form."""

from __future__ import annotations

import csv
import io

import pytest

from isp_manager.accounts.models import Role
from isp_manager.errors import InvalidInput
from isp_manager.parties import services
from isp_manager.parties.models import Nation, OrgKind
from isp_manager.parties.reference import seed_reference
from tests.conftest import org
from tests.parties.test_register_pages import results, text

RP_C_LIMIT = (
    "Only when discharging functions under sections 2 and 3 of the Offender Management Act 2007"
)
RP_G_LIMIT = "Only when discharging functions under Part 2 of the Learning and Skills Act 2000"
ENGLISH_TRUST = {
    "code": "nhs-shrewsbury-telford",
    "name": "The Shrewsbury and Telford Hospital NHS Trust",
    "kind": "nhs_trust",
    "nation": "england",
    "areas": ["la-powys"],
}


@pytest.fixture
def admin(make_user, db_session):
    user = make_user("la-cardiff", Role.ADMIN)
    db_session.commit()
    return user


# ------------------------------------------------------------------ the reference register


@pytest.mark.parametrize(
    ("code", "kind", "nation", "areas"),
    [
        ("la-cardiff", OrgKind.LOCAL_AUTHORITY, Nation.WALES, ["la-cardiff"]),
        ("nca", OrgKind.NATIONAL_CRIME_AGENCY, Nation.UK, []),
        ("btpa", OrgKind.TRANSPORT_POLICE_AUTHORITY, Nation.UK, []),
        ("hmpps-wales", OrgKind.SECRETARY_OF_STATE_OFFENDER_MANAGEMENT, Nation.UK, []),
        ("yot-cardiff", OrgKind.YOUTH_OFFENDING_TEAM, Nation.WALES, ["la-cardiff"]),
        ("yot-cwm-taf", OrgKind.YOUTH_OFFENDING_TEAM, Nation.WALES, ["la-merthyr-tydfil", "la-rhondda-cynon-taf"]),
        ("fra-north-wales", OrgKind.FIRE_AND_RESCUE_AUTHORITY, Nation.WALES,
         ["la-conwy", "la-denbighshire", "la-flintshire", "la-gwynedd", "la-isle-of-anglesey", "la-wrexham"]),
        ("sha-heiw", OrgKind.SPECIAL_HEALTH_AUTHORITY, Nation.WALES, []),
    ],
)  # fmt: skip
def test_reference_bodies_have_their_kind_nation_and_areas(code, kind, nation, areas):
    body = org(code)
    assert (body.kind, body.nation) == (kind, nation)
    assert sorted(a.code for a in body.areas) == areas


def test_the_reference_adds_youth_offending_teams_fire_and_special_health_authorities():
    from collections import Counter

    import sqlalchemy as sa

    from isp_manager.extensions import db
    from isp_manager.parties.models import Organisation

    kinds = Counter(db.session.scalars(sa.select(Organisation.kind)))
    assert kinds[OrgKind.YOUTH_OFFENDING_TEAM] == 17
    assert kinds[OrgKind.FIRE_AND_RESCUE_AUTHORITY] == 3
    assert kinds[OrgKind.SPECIAL_HEALTH_AUTHORITY] == 2
    # every council is served by exactly one youth offending team
    served = Counter(
        a.code
        for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrgKind.YOUTH_OFFENDING_TEAM)
        )
        for a in o.areas
    )
    assert len(served) == 22 and set(served.values()) == {1}


def test_seeding_restores_a_changed_nation(db_session):
    org("nca").nation = Nation.WALES
    db_session.flush()
    result = seed_reference()
    assert (result.updated, org("nca").nation) == (1, Nation.UK)


def test_cardiff_may_ask_its_own_youth_offending_team_not_newports():
    assert services.eligibility_for_s164(org("la-cardiff"), org("yot-cardiff")).code == "s164-2-c"
    code, why = services.eligibility_for_s164(org("la-cardiff"), org("yot-newport"), locale="en")
    assert code is None and "its area does not include Cardiff" in why


def test_a_youth_offending_team_is_no_councils_relevant_partner(client):
    assert services.councils_partnered_by(org("yot-cardiff")) == []
    codes = {p.organisation.code for p in services.relevant_partners_of(org("la-cardiff"))}
    assert not any(code.startswith("yot-") for code in codes)
    page = text(client.get("/organisations/yot-cardiff"))
    assert "a youth offending team is not one under s.162(4)" in page
    assert "confirm locally" in page  # the reference notes say what is to be confirmed


# ------------------------------------------------------------------ adding bodies: nation required


def test_a_body_added_by_hand_must_say_its_nation(admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.create_organisation(
            {k: v for k, v in ENGLISH_TRUST.items() if k != "nation"}, by=admin
        )
    assert excinfo.value.errors == {"nation": ["Select the nation the organisation is in"]}
    with pytest.raises(InvalidInput) as excinfo:
        services.create_organisation({**ENGLISH_TRUST, "nation": "atlantis"}, by=admin)
    assert "from the list" in excinfo.value.errors["nation"][0]
    trust = services.create_organisation(ENGLISH_TRUST, by=admin)
    assert trust.nation == Nation.ENGLAND


def test_an_english_council_is_not_an_area_nor_a_council_with_partners(admin, api_client):
    council = services.create_organisation(
        {"code": "la-shropshire", "name": "Shropshire Council", "kind": "local_authority",
         "nation": "england"}, by=admin)  # fmt: skip
    assert council not in services.councils()
    assert services.relevant_partners_of(council) == []
    with pytest.raises(InvalidInput) as excinfo:
        services.create_organisation({**ENGLISH_TRUST, "areas": ["la-shropshire"]}, by=admin)
    assert "not a council's code" in excinfo.value.errors["areas"][0]
    api = api_client(admin)
    response = api.get("/api/v1/organisations/la-shropshire/relevant-partners")
    assert response.status_code == 422
    assert "not a local authority in Wales" in str(response.json)


# ------------------------------------------------------------------ the API


def test_api_lists_and_filters_by_nation(api_client, make_user):
    api = api_client(make_user("la-cardiff", Role.PRACTITIONER))
    items = api.get("/api/v1/organisations?nation=uk&page_size=100").json
    assert sorted(i["code"] for i in items) == ["btpa", "hmpps-wales", "nca"]
    assert {i["nation"] for i in items} == {"uk"}
    assert api.get("/api/v1/organisations/la-cardiff").json["nation"] == "wales"
    bad = api.get("/api/v1/organisations?nation=mars")
    assert bad.status_code == 422 and "nation" in str(bad.json["errors"])


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({k: v for k, v in ENGLISH_TRUST.items() if k != "nation"}, 422, "nation"),
        ({**ENGLISH_TRUST, "nation": "mars"}, 422, "nation"),
        ({**ENGLISH_TRUST, "name": ""}, 422, "name"),
        (ENGLISH_TRUST, 201, None),
    ],
)
def test_api_post_requires_nation_and_name(api_client, admin, body, status, field):
    response = api_client(admin).post("/api/v1/organisations", json=body)
    assert response.status_code == status
    if field:
        assert field in response.json["errors"]["json"]
    else:
        assert response.json["nation"] == "england"


@pytest.mark.parametrize(
    ("patch", "status", "field", "words"),
    [
        ({"nation": "uk"}, 200, None, None),
        ({"nation": "mars"}, 422, "nation", "nation must be one of"),
        ({"name": ""}, 422, "name", "Enter the organisation's name"),
        ({"name": "   "}, 422, "name", "Enter the organisation's name"),
        ({"name_cy": ""}, 422, "name_cy", "can be corrected but not removed"),
        ({"name_cy": None}, 422, "name_cy", "can be corrected but not removed"),
        ({"name_cy": "Heddlu Gwent (newydd)"}, 200, None, None),
    ],
)
def test_api_patch_name_rules(api_client, admin, patch, status, field, words):
    response = api_client(admin).patch("/api/v1/organisations/police-gwent", json=patch)
    assert response.status_code == status, response.json
    if field:
        assert words in " ".join(response.json["errors"]["json"][field])
        assert org("police-gwent").name == "Gwent Police (Chief Constable)"
        assert org("police-gwent").name_cy == "Heddlu Gwent"


def test_a_body_without_a_welsh_name_may_stay_without_one(admin):
    trust = services.create_organisation(ENGLISH_TRUST, by=admin)
    services.update_organisation(trust, {"name_cy": "", "notes": "border services"}, by=admin)
    assert trust.name_cy is None and trust.notes == "border services"


# ------------------------------------------------------------------ pages


def edit_form(**changes) -> dict:
    data = {"name": "Gwent Police (Chief Constable)", "name_cy": "Heddlu Gwent",
            "kind": "chief_officer_of_police", "nation": "wales", "s28_category": "s28-d",
            "relevant_partner_category": "rp-a",
            "areas": ["la-blaenau-gwent", "la-caerphilly", "la-monmouthshire", "la-newport",
                      "la-torfaen"], "is_active": "y"}  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"name": ""}, 422, "Enter the organisation&#39;s name"),
        ({"name_cy": ""}, 422, "can be corrected but not removed"),
        ({"nation": ""}, 422, "Select the nation the organisation is in"),
        ({"name_cy": "Heddlu Gwent"}, 303, None),
    ],
)
def test_edit_page_name_rules_are_field_messages_in_the_summary(
    login, admin, changes, status, message
):
    response = login(admin).post("/organisations/police-gwent/edit", data=edit_form(**changes))
    assert response.status_code == status
    if message:
        html = response.get_data(as_text=True)
        assert "govuk-error-summary" in html
        assert html.count(message) >= 2  # in the error summary and by the field
        assert org("police-gwent").name_cy == "Heddlu Gwent"


def test_add_page_requires_a_nation(login, admin):
    data = {"code": "school-test", "name": "Ysgol Test", "kind": "school", "areas": ["la-cardiff"]}
    response = login(admin).post("/organisations/new", data=data)
    assert response.status_code == 422
    assert "Select the nation the organisation is in" in response.get_data(as_text=True)
    response = login(admin).post("/organisations/new", data={**data, "nation": "wales"})
    assert response.status_code == 303


def test_register_filters_by_nation_and_pages_show_it(client):
    page = results(client.get("/organisations?nation=uk"))
    assert "Showing 1 to 3 of 3 organisations" in page
    assert "National Crime Agency" in page and "Cardiff Council" not in page
    assert "Nation UK-wide" in text(client.get("/organisations/nca"))
    assert "Nation Wales" in text(client.get("/organisations/la-cardiff"))
    bad = client.get("/organisations?nation=mars")
    assert bad.status_code == 422 and "Select a nation from the list" in text(bad)


def test_register_csv_export_has_the_reference_layout_with_nation(client):
    response = client.get("/organisations.csv?nation=uk")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    # The reference layout, then the WASPI Accord columns (which the import also reads), with
    # a label beside each column of codes (which the import ignores).
    assert list(rows[0]) == list(services.EXPORT_CSV_COLUMNS)
    assert [c for c in rows[0] if not c.endswith("_label")] == [
        *services.REGISTER_CSV_COLUMNS,
        *services.WASPI_CSV_COLUMNS,
    ]
    nca = next(r for r in rows if r["code"] == "nca")
    assert (nca["s28_category"], nca["s28_category_label"]) == (
        "s28-e",
        "The National Crime Agency",
    )
    assert nca["nation_label"] == "UK-wide"
    assert {r["code"]: r["nation"] for r in rows} == {
        "btpa": "uk",
        "hmpps-wales": "uk",
        "nca": "uk",
    }
    assert {r["areas"] for r in rows} == {"wales"}


# ------------------------------------------------------------------ limited relevant partners


def test_council_page_shows_the_limits_of_limited_partners(client):
    html = client.get("/organisations/la-cardiff").get_data(as_text=True)
    table = html[
        html.find('id="relevant-partners-table"') : html.find(
            "</table>", html.find('id="relevant-partners-table"')
        )
    ]
    assert RP_C_LIMIT in table and RP_G_LIMIT in table
    assert table.count("Limited:") == 2


@pytest.mark.parametrize(
    ("code", "limit"), [("hmpps-wales", RP_C_LIMIT), ("welsh-ministers-lsa", RP_G_LIMIT)]
)
def test_the_limited_bodys_own_page_shows_its_limit(client, code, limit):
    page = text(client.get(f"/organisations/{code}"))
    assert page.count(limit) >= 2  # its category, and each council in the table
    assert RP_C_LIMIT not in text(client.get("/organisations/police-gwent"))


def test_limits_in_welsh(client):
    page = text(client.get("/organisations/la-cardiff?lang=cy"))
    assert "Dim ond wrth gyflawni swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000" in page
