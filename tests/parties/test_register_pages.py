"""The register's pages: what each kind of visitor sees and may do, asserted on content."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.parties import services
from isp_manager.parties.models import Organisation, RelevantPartnerAgreement
from tests.conftest import org

ROLES = [Role.ADMIN, Role.IG_LEAD, Role.PRACTITIONER, Role.BOARD_OFFICER, Role.AUDITOR]


def text(response, start: str = "<main") -> str:
    """The visible text of the page's main content (from `start`), whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.find(start) : html.find("</main>")]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def results(response) -> str:
    """The register list's results: the count and the table, not the filter form."""
    return text(response, start='id="results-count"')


@pytest.fixture
def visitor(client, login, make_user, db_session):
    """visitor(None) -> anonymous client; visitor(role, org_code) -> signed-in client.

    The user is committed, so that a request that fails (and rolls back) keeps it."""

    def _visitor(role=None, org_code="la-cardiff"):
        if role is None:
            return client
        user = make_user(org_code, role)
        db_session.commit()
        return login(user)

    return _visitor


# ------------------------------------------------------------------ the list


@pytest.mark.parametrize("role", [None, *ROLES])
def test_everyone_can_browse_the_register(visitor, role):
    response = visitor(role).get("/organisations")
    assert response.status_code == 200
    page = text(response)
    assert "Showing 1 to 25 of 78 organisations" in page
    assert "Aneurin Bevan University Health Board" in page
    assert ("Add an organisation" in page) == (role == Role.ADMIN)


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("gar", "Carmarthenshire County Council", "Cardiff Council"),
        ("Gâr", "Carmarthenshire County Council", "Cardiff Council"),
        ("caerdydd", "Cardiff Council", "Swansea Council"),
        ("HEDDLU DE", "South Wales Police (Chief Constable)", "Gwent Police"),
        ("ynys mon", "Isle of Anglesey County Council", "Cardiff Council"),
        ("police-gwent", "Gwent Police (Chief Constable)", "Dyfed-Powys"),
    ],
)
def test_search_by_english_or_welsh_name_without_accents(client, query, found, not_found):
    page = results(client.get("/organisations", query_string={"q": query}))
    assert found in page and not_found not in page
    assert "match" in page


def test_search_full_of_sql_and_html_is_harmless_and_shown_escaped(client):
    nasty = "<script>alert(1)</script>' OR 1=1; DROP TABLE organisations; -- %_"
    response = client.get("/organisations", query_string={"q": nasty})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "No organisations match" in text(response)
    assert services.db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 78


def test_wildcards_are_taken_literally(client):
    assert "No organisations match" in text(client.get("/organisations?q=%25"))
    assert "No organisations match" in text(client.get("/organisations?q=_"))


def test_over_long_search_gets_a_message(client):
    response = client.get("/organisations", query_string={"q": "x" * 101})
    assert response.status_code == 422
    assert "Name must be 100 characters or fewer" in text(response)


@pytest.mark.parametrize(
    ("filters", "expected_total", "present", "absent"),
    [
        ({"kind": "local_health_board"}, 7, "Powys Teaching Health Board", "Cardiff Council"),
        (
            {"kind": "chief_officer_of_police"},
            4,
            "Gwent Police (Chief Constable)",
            "Gwent Police and Crime",
        ),
        ({"area": "la-cardiff"}, None, "HMP Cardiff", "HMP Berwyn"),
        (
            {"area": "la-cardiff", "kind": "local_health_board"},
            1,
            "Cardiff and Vale University",
            "Betsi",
        ),
        ({"s28_category": "s28-d"}, 8, "North Wales Police and Crime Commissioner", "Health Board"),
        ({"s28_category": "s28-j", "area": "la-monmouthshire"}, 2, "HMP Usk", "HMP Cardiff"),
    ],
)
def test_filters(client, filters, expected_total, present, absent):
    page = results(client.get("/organisations", query_string=filters))
    if expected_total is not None:
        assert (
            f"of {expected_total} organisations" in page or f"{expected_total} organisation" in page
        )
    assert present in page and absent not in page


def test_area_filter_includes_all_wales_bodies(client):
    page = text(client.get("/organisations?area=la-wrexham&kind=nhs_trust"))
    assert "Showing 1 to 3 of 3 organisations" in page


@pytest.mark.parametrize("bad", ["kind=spaceship", "area=la-atlantis", "s28_category=s28-zz"])
def test_bad_filter_values_get_a_message_and_are_ignored(client, bad):
    response = client.get(f"/organisations?{bad}")
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page and "from the list" in page
    assert "of 78 organisations" in page


def test_pagination_keeps_the_filters(client):
    response = client.get("/organisations?status=all&kind=local_authority")
    html = response.get_data(as_text=True)
    assert "Showing 1 to 22 of 22" in text(response)
    response = client.get("/organisations?q=council")
    html = response.get_data(as_text=True)
    assert "22 organisations match “council”" in text(response)
    assert "showing 1 to 22" not in text(response)
    html = client.get("/organisations?s28_category=s28-a&page=1").get_data(as_text=True)
    assert 'href="/organisations?s28_category=s28-a&amp;page=2"' not in html  # 22 fit on one page
    html = client.get("/organisations?area=la-cardiff&status=all").get_data(as_text=True)
    assert "page=2" not in html
    page2 = client.get("/organisations?page=2&status=all")
    assert "Showing 26 to 50 of 78" in text(page2)
    html = client.get("/organisations?page=1&q=o").get_data(as_text=True)
    assert "q=o&amp;page=2" in html


def test_inactive_organisations_are_filtered(client, db_session):
    org("prison-usk").is_active = False
    db_session.flush()
    assert "HMP Usk" not in results(client.get("/organisations?kind=prison"))
    page = results(client.get("/organisations?kind=prison&status=inactive"))
    assert "HMP Usk" in page and "Inactive" in page and "HMP Cardiff" not in page


# ------------------------------------------------------------------ the detail page


def test_council_page_shows_its_relevant_partners_and_why(client):
    response = client.get("/organisations/la-cardiff")
    assert response.status_code == 200
    page = text(response)
    assert "Cardiff Council" in page and "Cyngor Caerdydd" in page
    assert "Children Act 2004, s.28(1)(a): The local authority" in page
    assert (
        "South Wales Police (Chief Constable): police area includes Cardiff (s.162(4)(a))" in page
    )
    assert (
        "Cardiff and Vale University Health Board: health board area includes Cardiff (s.162(4)(e))"
        in page
    )
    assert (
        "Welsh Ambulance Services University NHS Trust: provides services in Cardiff (s.162(4)(f))"
        in page
    )
    assert "North Wales Police" not in page and "National Crime Agency" not in page
    assert "No agreements are recorded" in page
    assert "Record an agreement" not in page  # anonymous


def test_police_page_shows_the_councils_it_is_a_partner_of(client):
    page = text(client.get("/organisations/police-south-wales"))
    assert "Councils it is a relevant partner of" in page
    assert "SSWBA 2014, s.162(4)(a)" in page or "s.162(4)(a)" in page
    for area in ("Bridgend", "Cardiff", "Merthyr Tydfil", "Neath Port Talbot", "Rhondda Cynon Taf",
                 "Swansea", "Vale of Glamorgan"):  # fmt: skip
        assert (
            f"South Wales Police (Chief Constable): police area includes {area} (s.162(4)(a))"
            in page
        )
    assert "Wrexham" not in page


def test_nca_page_says_it_is_nobodys_partner(client):
    page = text(client.get("/organisations/nca"))
    assert "National Crime Agency is not a relevant partner of any council" in page
    assert "s.28(1)(e)" in page


def test_detail_page_in_welsh(client):
    response = client.get("/organisations/la-carmarthenshire?lang=cy")
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert "Heddlu Dyfed-Powys: mae ardal yr heddlu yn cynnwys Sir Gâr (a.162(4)(a))" in text(
        response
    )


@pytest.mark.parametrize("role", [None, *ROLES])
def test_contact_emails_only_for_signed_in_users(visitor, db_session, role):
    police = org("police-gwent")
    police.dpo_name, police.dpo_email = "Dee Pio", "dpo@gwent.police.example"
    police.ig_lead_email = "ig@gwent.police.example"
    db_session.flush()
    page = text(visitor(role).get("/organisations/police-gwent"))
    assert "Dee Pio" in page
    assert ("dpo@gwent.police.example" in page) == (role is not None)
    assert ("ig@gwent.police.example" in page) == (role is not None)
    assert ("Sign in to see contact e-mail addresses" in page) == (role is None)
    assert ("Change details" in page) == (role == Role.ADMIN)


def test_unknown_code_is_a_404_page(client):
    response = client.get("/organisations/no-such-body")
    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize(
    ("role", "org_code", "sees_form"),
    [
        (None, None, False),
        (Role.ADMIN, "police-gwent", True),
        (Role.IG_LEAD, "la-cardiff", True),
        (Role.IG_LEAD, "la-newport", False),
        (Role.PRACTITIONER, "la-cardiff", False),
        (Role.BOARD_OFFICER, "la-cardiff", False),
        (Role.AUDITOR, "la-cardiff", False),
    ],
)
def test_agreement_form_shown_to_admins_and_the_councils_ig_lead(
    visitor, role, org_code, sees_form
):
    page = text(visitor(role, org_code).get("/organisations/la-cardiff"))
    assert ("Record an agreement" in page) == sees_form


# ------------------------------------------------------------------ add and edit

NEW_YOT = {
    "code": "yot-cardiff-west",
    "name": "Cardiff West Youth Justice Service",
    "name_cy": "Gwasanaeth Cyfiawnder Ieuenctid Gorllewin Caerdydd",
    "kind": "youth_offending_team",
    "nation": "wales",
    "s28_category": "s28-i",
    "relevant_partner_category": "",
    "areas": ["la-cardiff"],
    "ico_registration": "ZA123456",
    "waspi_signed_on": ["1", "4", "2024"],
    "waspi_designated_person": "A. Person",
    "notes": "",
    "is_active": "y",
}


@pytest.mark.parametrize("role", [None, *ROLES])
def test_add_page_access(visitor, role):
    client = visitor(role)
    get = client.get("/organisations/new")
    post = client.post("/organisations/new", data=NEW_YOT)
    if role is None:
        assert get.status_code == post.status_code == 302
        assert "/sign-in" in get.headers["Location"]
    elif role != Role.ADMIN:
        assert get.status_code == post.status_code == 403
    else:
        assert get.status_code == 200 and "Add an organisation" in text(get)
        assert post.status_code == 303 and post.headers["Location"].endswith(
            "/organisations/yot-cardiff-west"
        )
    created = services.get_organisation_or_none("yot-cardiff-west")
    assert (created is not None) == (role == Role.ADMIN)


def test_admin_adds_a_youth_offending_team_and_sees_it(visitor):
    client = visitor(Role.ADMIN)
    response = client.post("/organisations/new", data=NEW_YOT, follow_redirects=True)
    page = text(response)
    assert "Cardiff West Youth Justice Service has been added to the register" in page
    assert "Children Act 2004, s.28(1)(g): A youth offending team for an area in Wales" in page
    assert "1 April 2024" in page and "A. Person" in page and "ZA123456" in page
    assert "can be asked for co-operation or information under s.164(2)(c)" in page
    yot = org("yot-cardiff-west")
    assert [a.code for a in yot.areas] == ["la-cardiff"] and yot.waspi_signed_on == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"code": "Bad Code", "name": ""}, ["lower-case letters", "Enter the organisation's name"]),
        ({"areas": []}, ["Choose the councils' areas this organisation covers"]),
        ({"areas": ["la-cardiff", "wales"]}, ["either All of Wales or particular councils"]),
        ({"waspi_signed_on": ["31", "2", "2024"]}, ["must be a real date"]),
        ({"waspi_signed_on": ["", "2", "2024"]}, ["must include a day"]),
        ({"dpo_email": "nope"}, ["data protection officer's e-mail address in the correct format"]),
        ({"code": "la-cardiff"}, ["already exists"]),
    ],
)
def test_add_form_errors_are_shown_with_422(visitor, changes, messages):
    response = visitor(Role.ADMIN).post("/organisations/new", data={**NEW_YOT, **changes})
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page
    for message in messages:
        assert message in page
    assert services.get_organisation_or_none("yot-cardiff-west") is None


@pytest.mark.parametrize("role", [None, *ROLES])
def test_edit_page_access(visitor, role):
    client = visitor(role)
    get = client.get("/organisations/police-gwent/edit")
    post = client.post(
        "/organisations/police-gwent/edit",
        data={"name": "Gwent Police (Chief Constable)", "name_cy": "Heddlu Gwent",
              "kind": "chief_officer_of_police", "nation": "wales",
              "s28_category": "s28-d", "relevant_partner_category": "rp-a",
              "areas": [a.code for a in org("police-gwent").areas], "ico_registration": "Z9999999",
              "is_active": "y"},
    )  # fmt: skip
    if role is None:
        assert get.status_code == post.status_code == 302
    elif role != Role.ADMIN:
        assert get.status_code == post.status_code == 403
    else:
        assert get.status_code == 200
        assert 'value="Gwent Police (Chief Constable)"' in get.get_data(as_text=True)
        assert post.status_code == 303
    assert (org("police-gwent").ico_registration == "Z9999999") == (role == Role.ADMIN)


def test_edit_all_wales_body_keeps_its_areas(visitor):
    client = visitor(Role.ADMIN)
    html = client.get("/organisations/nhs-wast/edit").get_data(as_text=True)
    assert re.search(r'value="wales"[^>]*checked', html)
    response = client.post(
        "/organisations/nhs-wast/edit",
        data={"name": "Welsh Ambulance Services University NHS Trust", "kind": "nhs_trust",
              "name_cy": "Ymddiriedolaeth GIG Prifysgol Gwasanaethau Ambiwlans Cymru",
              "nation": "wales",
              "s28_category": "s28-c", "relevant_partner_category": "rp-f", "areas": ["wales"],
              "notes": "all-Wales services"},
    )  # fmt: skip
    assert response.status_code == 303
    assert org("nhs-wast").covers_all_wales and org("nhs-wast").is_active is False


def test_edit_unknown_code_is_404(visitor):
    assert visitor(Role.ADMIN).get("/organisations/no-such-body/edit").status_code == 404


# ------------------------------------------------------------------ agreements


@pytest.mark.parametrize(
    ("role", "org_code", "status"),
    [
        (None, None, 302),
        (Role.ADMIN, "police-gwent", 303),
        (Role.IG_LEAD, "la-cardiff", 303),
        (Role.IG_LEAD, "la-newport", 403),  # records it from Newport's own page instead
        (Role.IG_LEAD, "la-swansea", 403),
        (Role.PRACTITIONER, "la-cardiff", 403),
        (Role.BOARD_OFFICER, "la-cardiff", 403),
        (Role.AUDITOR, "la-cardiff", 403),
    ],
)
def test_record_agreement_page_access(visitor, db_session, role, org_code, status):
    response = visitor(role, org_code).post(
        "/organisations/la-cardiff/agreements",
        data={
            "other_council": "la-newport",
            "agreed_on": ["2", "1", "2025"],
            "notes": "Joint team",
        },
    )
    assert response.status_code == status
    recorded = db_session.scalar(sa.select(sa.func.count()).select_from(RelevantPartnerAgreement))
    assert recorded == (1 if status == 303 else 0)


def test_ig_lead_records_an_agreement_and_both_pages_show_it(visitor, client):
    lead = visitor(Role.IG_LEAD, "la-cardiff")
    response = lead.post(
        "/organisations/la-cardiff/agreements",
        data={
            "other_council": "la-newport",
            "agreed_on": ["2", "1", "2025"],
            "notes": "Joint team",
        },
        follow_redirects=True,
    )
    page = text(response)
    assert "The agreement with Newport City Council has been recorded" in page
    assert "Newport City Council: co-operation agreed on 2 January 2025 (s.162(4)(b))" in page
    newport = text(client.get("/organisations/la-newport"))
    assert "Cardiff Council: co-operation agreed on 2 January 2025 (s.162(4)(b))" in newport
    assert "Joint team" in newport


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"other_council": "", "agreed_on": ["2", "1", "2025"]}, "Select the other council"),
        (
            {"other_council": "la-cardiff", "agreed_on": ["2", "1", "2025"]},
            "Choose a council other than",
        ),
        (
            {"other_council": "police-gwent", "agreed_on": ["2", "1", "2025"]},
            "Select the other council",
        ),
        ({"other_council": "la-newport", "agreed_on": ["2", "1", "2999"]}, "today or in the past"),
        ({"other_council": "la-newport", "agreed_on": ["", "", ""]}, "Enter the date"),
    ],
)
def test_record_agreement_errors(visitor, data, message):
    response = visitor(Role.ADMIN).post("/organisations/la-cardiff/agreements", data=data)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page and message in page
    assert (
        "South Wales Police (Chief Constable): police area includes Cardiff" in page
    )  # still the page


def test_agreements_only_for_councils(visitor):
    response = visitor(Role.ADMIN).post("/organisations/police-gwent/agreements", data={})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "org_code", "allowed"),
    [
        (None, None, None),
        (Role.ADMIN, "police-gwent", True),
        (Role.IG_LEAD, "la-cardiff", True),
        (Role.IG_LEAD, "la-newport", True),
        (Role.IG_LEAD, "la-swansea", False),
        (Role.PRACTITIONER, "la-cardiff", False),
        (Role.AUDITOR, "la-newport", False),
    ],
)
def test_end_agreement_page_access(visitor, make_user, db_session, role, org_code, allowed):
    agreement = services.record_agreement(
        org("la-cardiff"),
        org("la-newport"),
        date(2024, 5, 1),
        by=make_user("la-cardiff", Role.ADMIN),
    )
    db_session.commit()
    url = f"/organisations/la-cardiff/agreements/{agreement.id}/end"
    client = visitor(role, org_code)
    get = client.get(url)
    post = client.post(url, data={"ended_on": ["1", "5", "2025"]})
    if allowed is None:
        assert get.status_code == post.status_code == 302
    elif allowed:
        assert get.status_code == 200 and "End the agreement with Newport City Council" in text(get)
        assert post.status_code == 303
    else:
        assert get.status_code == post.status_code == 403
    db_session.refresh(agreement)
    assert (agreement.ended_on == date(2025, 5, 1)) == bool(allowed)


def test_agreement_of_another_council_is_404(visitor, make_user):
    agreement = services.record_agreement(
        org("la-cardiff"),
        org("la-newport"),
        date(2024, 5, 1),
        by=make_user("la-cardiff", Role.ADMIN),
    )
    response = visitor(Role.ADMIN).get(f"/organisations/la-swansea/agreements/{agreement.id}/end")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("kind", "choice", "expected"),
    [
        ("charity", "", False),
        ("charity", "yes", True),
        ("youth_offending_team", "", True),
        ("youth_offending_team", "no", False),
    ],
)
def test_admin_form_sets_whether_a_body_is_a_public_authority(visitor, kind, choice, expected):
    data = {**NEW_YOT, "kind": kind, "is_public_authority": choice}
    if kind == "charity":
        data = {k: v for k, v in data.items() if k not in ("s28_category", "areas")}
    client = visitor(Role.ADMIN)
    response = client.post("/organisations/new", data=data, follow_redirects=True)
    assert response.status_code == 200, text(response)
    assert org(NEW_YOT["code"]).is_public_authority is expected
    page = text(response)
    assert ("Public authority Yes: it cannot rely on legitimate interests" in page) == expected
    edit = client.get(f"/organisations/{NEW_YOT['code']}/edit").get_data(as_text=True)
    assert re.search(rf'value="{"yes" if expected else "no"}"[^>]*checked', edit)
