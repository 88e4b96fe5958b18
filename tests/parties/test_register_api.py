"""/api/v1/organisations: who may do what, and what comes back."""

from __future__ import annotations

import json

import pytest

from isp_manager.accounts.models import Role
from isp_manager.parties import services
from tests.conftest import org

ROLES = [Role.ADMIN, Role.IG_LEAD, Role.PRACTITIONER, Role.BOARD_OFFICER, Role.AUDITOR]
NEW_YOT = {
    "code": "yot-gwent",
    "name": "Gwent Youth Offending Service",
    "kind": "youth_offending_team",
    "nation": "wales",
    "s28_category": "s28-i",
    "areas": ["la-newport", "la-torfaen"],
    "ico_registration": "Z1234567",
}


@pytest.fixture
def caller(client, api_client, make_user, db_session):
    """caller(None) -> no token; caller(role, org_code) -> a client with that user's token."""

    def _caller(role=None, org_code="la-cardiff"):
        if role is None:
            return client
        c = api_client(make_user(org_code, role))
        db_session.commit()  # so that a refused request (rolled back) keeps the user
        return c

    return _caller


READ_ROUTES = [
    "/api/v1/organisations",
    "/api/v1/organisations/la-cardiff",
    "/api/v1/organisations/la-cardiff/relevant-partners",
    "/api/v1/organisations/police-south-wales/partner-of",
    "/api/v1/organisations/la-cardiff/agreements",
]


@pytest.mark.parametrize("path", READ_ROUTES)
@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_signed_in_role_reads_the_register(caller, role, path):
    response = caller(role).get(path)
    if role is None:
        assert response.status_code == 401
        assert "Bearer" in response.json["message"]
    else:
        assert response.status_code == 200
        assert isinstance(response.json, list | dict) and response.json != {}


def test_list_is_paginated_and_filtered(caller):
    api = caller(Role.PRACTITIONER)
    response = api.get("/api/v1/organisations?kind=local_health_board&page_size=5")
    assert json.loads(response.headers["X-Pagination"])["total"] == 7
    assert len(response.json) == 5
    assert response.json[0]["code"] == "lhb-aneurin-bevan"
    assert response.json[0]["areas"] == ["la-blaenau-gwent", "la-caerphilly", "la-monmouthshire",
                                         "la-newport", "la-torfaen"]  # fmt: skip
    second = api.get("/api/v1/organisations?kind=local_health_board&page_size=5&page=2")
    assert [o["code"] for o in second.json] == ["lhb-powys", "lhb-swansea-bay"]
    everything = api.get("/api/v1/organisations?page_size=100")
    assert json.loads(everything.headers["X-Pagination"])["total"] == 78


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("q=gar", ["la-carmarthenshire"]),
        ("q=heddlu%20de", ["police-south-wales"]),
        ("area=la-powys&kind=local_health_board", ["lhb-powys"]),
        ("s28_category=s28-j&area=la-monmouthshire", ["prison-prescoed", "prison-usk"]),
        ("q=%27%20OR%201%3D1--", []),
        ("q=%3Cscript%3E", []),
    ],
)
def test_list_filters(caller, query, codes):
    response = caller(Role.IG_LEAD).get(f"/api/v1/organisations?{query}")
    assert response.status_code == 200
    assert [o["code"] for o in response.json] == codes


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("kind=spaceship", "kind", "kind must be one of: local_authority"),
        ("area=la-atlantis", "area", "No council has the code la-atlantis"),
        ("area=police-gwent", "area", "No council has the code police-gwent"),
        ("s28_category=s28-zz", "s28_category", "must be one of"),
        ("status=sleeping", "status", "must be one of"),
        ("q=" + "x" * 101, "q", "100 characters or fewer"),
    ],
)
def test_list_bad_filters_are_422_naming_the_field(caller, query, field, words):
    response = caller(Role.IG_LEAD).get(f"/api/v1/organisations?{query}")
    assert response.status_code == 422
    assert words in " ".join(response.json["errors"]["json"][field])


def test_one_organisation(caller):
    body = caller(Role.AUDITOR).get("/api/v1/organisations/police-gwent").json
    assert body["name"] == "Gwent Police (Chief Constable)" and body["name_cy"] == "Heddlu Gwent"
    assert body["kind"] == "chief_officer_of_police"
    assert body["s28_category"] == "s28-d" and body["relevant_partner_category"] == "rp-a"
    assert body["covers_all_wales"] is False and "la-newport" in body["areas"]


def test_unknown_code_is_404(caller):
    api = caller(Role.ADMIN)
    for path in ("/api/v1/organisations/nope", "/api/v1/organisations/nope/relevant-partners"):
        response = api.get(path)
        assert response.status_code == 404
        assert "no organisation with the code nope" in response.json["message"]
    assert api.patch("/api/v1/organisations/nope", json={"notes": "x"}).status_code == 404


def test_relevant_partners_of_a_council(caller):
    items = (
        caller(Role.PRACTITIONER, "la-newport")
        .get("/api/v1/organisations/la-cardiff/relevant-partners")
        .json
    )
    by_code = {item["code"]: item for item in items}
    assert set(by_code) == {"police-south-wales", "pcc-south-wales", "lhb-cardiff-and-vale", "nhs-velindre",
                            "nhs-wast", "nhs-phw", "hmpps-wales", "welsh-ministers-lsa"}  # fmt: skip
    assert by_code["police-south-wales"] == {
        "code": "police-south-wales",
        "name": "South Wales Police (Chief Constable)",
        "category": "rp-a",
        "citation": "SSWBA 2014, s.162(4)(a)",
        "reason": "South Wales Police (Chief Constable): police area includes Cardiff (s.162(4)(a))",
        "limit": None,
    }
    assert by_code["hmpps-wales"]["limit"] == (
        "Only when discharging functions under sections 2 and 3 of the Offender Management Act 2007"
    )
    assert by_code["welsh-ministers-lsa"]["limit"] == (
        "Only when discharging functions under Part 2 of the Learning and Skills Act 2000"
    )
    assert by_code["hmpps-wales"]["category"] == "rp-c"
    assert by_code["welsh-ministers-lsa"]["category"] == "rp-g"


def test_relevant_partners_in_welsh(caller):
    items = (
        caller(Role.IG_LEAD)
        .get(
            "/api/v1/organisations/la-cardiff/relevant-partners", headers={"Accept-Language": "cy"}
        )
        .json
    )
    reasons = {item["code"]: item["reason"] for item in items}
    assert (
        reasons["police-south-wales"]
        == "Heddlu De Cymru: mae ardal yr heddlu yn cynnwys Caerdydd (a.162(4)(a))"
    )


def test_relevant_partners_of_a_body_that_is_not_a_council_is_422(caller):
    response = caller(Role.IG_LEAD).get("/api/v1/organisations/police-gwent/relevant-partners")
    assert response.status_code == 422
    message = " ".join(response.json["errors"]["json"]["code"])
    assert "is not a local authority" in message
    assert "/api/v1/organisations/police-gwent/partner-of" in message


def test_partner_of(caller):
    items = caller(Role.IG_LEAD).get("/api/v1/organisations/lhb-hywel-dda/partner-of").json
    assert [i["code"] for i in items] == ["la-carmarthenshire", "la-ceredigion", "la-pembrokeshire"]
    assert {i["category"] for i in items} == {"rp-e"}


# ------------------------------------------------------------------ changes


@pytest.mark.parametrize("role", [None, *ROLES])
def test_only_admins_create(caller, role):
    response = caller(role).post("/api/v1/organisations", json=NEW_YOT)
    expected = {None: 401, Role.ADMIN: 201}.get(role, 403)
    assert response.status_code == expected
    assert (services.get_organisation_or_none("yot-gwent") is not None) == (role == Role.ADMIN)
    if role == Role.ADMIN:
        assert response.json["code"] == "yot-gwent" and response.json["areas"] == [
            "la-newport",
            "la-torfaen",
        ]
    elif role is not None:
        assert "Only an administrator" in response.json["message"]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_only_admins_patch(caller, role):
    response = caller(role).patch(
        "/api/v1/organisations/prison-usk", json={"ico_registration": "ZB910034"}
    )
    expected = {None: 401, Role.ADMIN: 200}.get(role, 403)
    assert response.status_code == expected
    assert (org("prison-usk").ico_registration == "ZB910034") == (role == Role.ADMIN)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({**NEW_YOT, "code": "Not A Slug"}, "code", "lower-case letters"),
        ({**NEW_YOT, "code": "la-cardiff"}, "code", "already exists"),
        ({k: v for k, v in NEW_YOT.items() if k != "name"}, "name", "name is required"),
        ({**NEW_YOT, "kind": "dragon"}, "kind", "kind must be one of"),
        (
            {**NEW_YOT, "relevant_partner_category": "rp-b"},
            "relevant_partner_category",
            "must be one of",
        ),
        (
            {**NEW_YOT, "relevant_partner_category": "rp-e"},
            "relevant_partner_category",
            "does not apply",
        ),
        ({**NEW_YOT, "areas": ["la-atlantis"]}, "areas", "not a council's code"),
        ({**NEW_YOT, "ico_registration": "12"}, "ico_registration", "like Z1234567 or ZA123456"),
        ({**NEW_YOT, "dpo_email": "nobody"}, "dpo_email", "correct format"),
        ({**NEW_YOT, "waspi_signed_on": "2999-01-01"}, "waspi_signed_on", "today or in the past"),
        (
            {**NEW_YOT, "waspi_signed_on": "yesterday"},
            "waspi_signed_on",
            "waspi_signed_on must be a real date",
        ),
        ({**NEW_YOT, "notes": "n" * 501}, "notes", "500 characters or fewer"),
        ({**NEW_YOT, "secret": 1}, "secret", "secret is not a field of this request"),
    ],
)
def test_create_bad_input_is_422_with_field_messages(caller, body, field, words):
    response = caller(Role.ADMIN).post("/api/v1/organisations", json=body)
    assert response.status_code == 422
    assert words in " ".join(response.json["errors"]["json"][field])
    assert services.get_organisation_or_none("yot-gwent") is None


def test_patch_changes_only_listed_fields_and_refuses_a_new_code(caller):
    api = caller(Role.ADMIN)
    response = api.patch(
        "/api/v1/organisations/police-gwent", json={"dpo_name": "Dee Pio", "dpo_email": None}
    )
    assert response.status_code == 200 and response.json["dpo_name"] == "Dee Pio"
    assert response.json["name"] == "Gwent Police (Chief Constable)"
    conflict = api.patch("/api/v1/organisations/police-gwent", json={"code": "police-gwent-2"})
    assert conflict.status_code == 409 and "cannot be changed" in conflict.json["message"]
    bad = api.patch("/api/v1/organisations/police-gwent", json={"kind": "charity"})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"s28_category", "relevant_partner_category"}
    assert org("police-gwent").kind.value == "chief_officer_of_police"


# ------------------------------------------------------------------ agreements


@pytest.mark.parametrize(
    ("role", "org_code", "status"),
    [
        (None, None, 401),
        (Role.ADMIN, "police-gwent", 201),
        (Role.IG_LEAD, "la-cardiff", 201),
        (Role.IG_LEAD, "la-newport", 201),  # the other council's IG lead
        (Role.IG_LEAD, "la-swansea", 403),
        (Role.PRACTITIONER, "la-cardiff", 403),
        (Role.BOARD_OFFICER, "la-cardiff", 403),
        (Role.AUDITOR, "la-cardiff", 403),
    ],
)
def test_record_agreement_access(caller, role, org_code, status):
    response = caller(role, org_code).post(
        "/api/v1/organisations/la-cardiff/agreements",
        json={"other_council": "la-newport", "agreed_on": "2025-01-02", "notes": "Joint team"},
    )
    assert response.status_code == status
    newport = {
        p.organisation.code: p.category for p in services.relevant_partners_of(org("la-newport"))
    }
    assert ("la-cardiff" in newport) == (status == 201)
    if status == 201:
        assert (
            response.json["other_council"] == "la-newport" and response.json["is_current"] is True
        )


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (
            "la-cardiff",
            {"other_council": "police-gwent", "agreed_on": "2025-01-02"},
            422,
            "other_council",
        ),
        (
            "la-cardiff",
            {"other_council": "la-cardiff", "agreed_on": "2025-01-02"},
            422,
            "other_council",
        ),
        (
            "la-cardiff",
            {"other_council": "la-nowhere", "agreed_on": "2025-01-02"},
            422,
            "other_council",
        ),
        (
            "la-cardiff",
            {"other_council": "la-newport", "agreed_on": "2999-01-02"},
            422,
            "agreed_on",
        ),
        ("la-cardiff", {"other_council": "la-newport"}, 422, "agreed_on"),
        ("police-gwent", {"other_council": "la-newport", "agreed_on": "2025-01-02"}, 404, None),
        ("nope", {"other_council": "la-newport", "agreed_on": "2025-01-02"}, 404, None),
    ],
)
def test_record_agreement_refusals(caller, path, body, status, field):
    response = caller(Role.ADMIN).post(f"/api/v1/organisations/{path}/agreements", json=body)
    assert response.status_code == status
    if field:
        assert response.json["errors"]["json"][field]


def test_duplicate_agreement_and_ending_it(caller):
    api = caller(Role.ADMIN)
    body = {"other_council": "la-newport", "agreed_on": "2025-01-02"}
    first = api.post("/api/v1/organisations/la-cardiff/agreements", json=body)
    assert first.status_code == 201
    again = api.post(
        "/api/v1/organisations/la-newport/agreements", json={**body, "other_council": "la-cardiff"}
    )
    assert (
        again.status_code == 422
        and "already have an agreement" in again.json["errors"]["json"]["other_council"][0]
    )
    ended = api.post(
        f"/api/v1/organisations/la-newport/agreements/{first.json['id']}/end",
        json={"ended_on": "2025-06-01"},
    )
    assert (
        ended.status_code == 200
        and ended.json["ended_on"] == "2025-06-01"
        and ended.json["other_council"] == "la-cardiff"
    )
    twice = api.post(
        f"/api/v1/organisations/la-newport/agreements/{first.json['id']}/end",
        json={"ended_on": "2025-06-01"},
    )
    assert twice.status_code == 409
    elsewhere = api.post(
        f"/api/v1/organisations/la-swansea/agreements/{first.json['id']}/end",
        json={"ended_on": "2025-06-01"},
    )
    assert elsewhere.status_code == 404


def test_openapi_documents_the_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/organisations", "/api/v1/organisations/{code}",
                 "/api/v1/organisations/{code}/relevant-partners", "/api/v1/organisations/{code}/agreements"):  # fmt: skip
        assert path in paths
    assert "patch" in paths["/api/v1/organisations/{code}"]


# ------------------------------------------------------------------ public authorities


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("youth_offending_team", {}, True),
        ("charity", {}, False),
        ("other", {}, False),
        ("charity", {"is_public_authority": True}, True),
        ("other", {"is_public_authority": None}, False),
        ("youth_offending_team", {"is_public_authority": False}, False),
    ],
)
def test_public_authority_follows_the_kind_unless_given(caller, kind, given, expected):
    body = {**NEW_YOT, "kind": kind, **given}
    if kind != "youth_offending_team":
        body = {k: v for k, v in body.items() if k not in ("s28_category", "areas")}
    response = caller(Role.ADMIN).post("/api/v1/organisations", json=body)
    assert response.status_code == 201, response.json
    assert response.json["is_public_authority"] is expected
    assert org("yot-gwent").is_public_authority is expected


def test_admins_patch_whether_a_body_is_a_public_authority(caller):
    assert caller(Role.ADMIN).get("/api/v1/organisations/board-gwent").json["is_public_authority"]
    refused = caller(Role.IG_LEAD).patch(
        "/api/v1/organisations/board-gwent", json={"is_public_authority": False}
    )
    assert refused.status_code == 403 and org("board-gwent").is_public_authority
    response = caller(Role.ADMIN).patch(
        "/api/v1/organisations/board-gwent", json={"is_public_authority": False}
    )
    assert response.status_code == 200 and response.json["is_public_authority"] is False
    assert org("board-gwent").is_public_authority is False
    bad = caller(Role.ADMIN).patch(
        "/api/v1/organisations/board-gwent", json={"is_public_authority": "maybe"}
    )
    assert bad.status_code == 422 and "is_public_authority" in bad.json["errors"]["json"]


def test_the_waspi_accord_is_filtered_shown_and_changed_by_administrators_only(caller):
    admin = caller(Role.ADMIN)
    signatory = {
        "waspi_signed_on": "2019-04-01",
        "waspi_declaration_signed_by": "Ann Jones",
        "waspi_declaration_signatory_role": "Chief Executive",
    }
    refused = caller(Role.IG_LEAD, "la-cardiff").patch(
        "/api/v1/organisations/la-cardiff", json=signatory
    )
    assert refused.status_code == 403
    missing = admin.patch("/api/v1/organisations/la-atlantis", json=signatory)
    assert missing.status_code == 404
    no_date = admin.patch(
        "/api/v1/organisations/la-cardiff", json={**signatory, "waspi_signed_on": None}
    )
    assert no_date.status_code == 422
    assert "remove who signed" in no_date.json["errors"]["json"]["waspi_signed_on"][0]
    changed = admin.patch("/api/v1/organisations/la-cardiff", json=signatory)
    assert changed.status_code == 200
    assert changed.json["waspi_accord_signed"] is True
    assert changed.json["waspi_declaration_signed_by"] == "Ann Jones"
    assert changed.json["waspi_declaration_signatory_role"] == "Chief Executive"
    signed = admin.get("/api/v1/organisations?waspi_accord=signed&kind=local_authority")
    assert [o["code"] for o in signed.json] == ["la-cardiff"]
    assert json.loads(signed.headers["X-Pagination"])["total"] == 1
    unsigned = admin.get("/api/v1/organisations?waspi_accord=not_signed&page_size=100")
    assert "la-cardiff" not in {o["code"] for o in unsigned.json}
    assert json.loads(unsigned.headers["X-Pagination"])["total"] == 77
    bad = admin.get("/api/v1/organisations?waspi_accord=maybe")
    assert bad.status_code == 422 and "waspi_accord" in json.dumps(bad.json)


def test_the_register_page_and_csv_show_and_filter_the_waspi_accord(client, caller):
    caller(Role.ADMIN).patch(
        "/api/v1/organisations/la-cardiff",
        json={"waspi_signed_on": "2019-04-01", "waspi_declaration_signed_by": "Ann Jones",
              "waspi_declaration_signatory_role": "Chief Executive"},
    )  # fmt: skip
    page = client.get("/organisations?waspi_accord=signed").get_data(as_text=True)
    assert (
        "Cardiff Council" in page and "Signed 01/04/2019" in page and "Showing 1 to 1 of 1" in page
    )
    page = client.get("/organisations?waspi_accord=not_signed&kind=local_authority")
    assert "Not signed" in page.get_data(as_text=True)
    assert 'href="/organisations/la-cardiff"' not in page.get_data(as_text=True)
    detail = client.get("/organisations/la-cardiff").get_data(as_text=True)
    assert "Ann Jones, Chief Executive" in detail and "1 April 2019" in detail
    csv_text = client.get("/organisations.csv?waspi_accord=signed").get_data(as_text=True)
    assert "2019-04-01" in csv_text and "Ann Jones" in csv_text and "la-newport" not in csv_text
