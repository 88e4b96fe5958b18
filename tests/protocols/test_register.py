"""The public register of current agreements: what it lists, its filters, pages and CSV, what
signed-in users see besides, and a fixed number of queries per page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from export_helpers import quick_agreement, review_date_in
from protocol_helpers import LEAD
from test_export import counting

from isp_manager.accounts.models import Role
from isp_manager.extensions import db
from isp_manager.i18n import uk_date
from isp_manager.protocols.content import purpose_summary
from isp_manager.protocols.register import RegisterFilters, purposes, register_query


@pytest.fixture
def agreements(ig):
    """Three agreements in force (two ISPs, one DDA), plus ones that are not: a draft of the
    lead's, a draft of Swansea's, a withdrawn one and a superseded one."""
    author = ig(LEAD)
    made = {
        "mash": quick_agreement(
            author,
            "MASH information sharing",
            partners=["la-cardiff", "police-south-wales"],
            purpose="Share concerns about children through the MASH.",
            review_date=review_date_in(200),
        ),
        "youth": quick_agreement(
            author,
            "Youth justice sharing",
            partners=["la-vale-of-glamorgan"],
            purpose="Reduce reoffending by young people.",
            review_date=review_date_in(30),
        ),
        "dda": quick_agreement(
            author,
            "Disclosure of attendance data",
            kind="dda",
            partners=["la-cardiff"],
            purpose="Attendance for safeguarding reviews.",
        ),
        "draft": quick_agreement(author, "Perinatal mental health pathway", state="draft"),
        "withdrawn": quick_agreement(author, "Old withdrawn agreement", state="withdrawn"),
        "superseded": quick_agreement(author, "Superseded agreement text", state="superseded"),
    }
    swansea = ig("la-swansea")
    made["other_draft"] = quick_agreement(
        swansea,
        "Swansea early help hub",
        lead="la-swansea",
        partners=["lhb-swansea-bay"],
        state="draft",
    )
    db.session.commit()
    return made


def listed(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- what it lists


def test_anonymous_visitors_see_the_agreements_in_force(agreements, client):
    html = listed(client.get("/register-of-agreements"))
    assert "Register of current agreements" in html
    for title in (
        "MASH information sharing",
        "Youth justice sharing",
        "Disclosure of attendance data",
    ):
        assert title in html
    for title in (
        "Perinatal mental health pathway",
        "Old withdrawn agreement",
        "Superseded agreement text",
        "Swansea early help hub",
    ):
        assert title not in html
    assert "Showing 1 to 3 of 3 agreements" in html
    mash = agreements["mash"]
    assert "Share concerns about children through the MASH." in html
    assert mash.protocol.reference in html
    assert "Cardiff and Vale University Health Board" in html
    assert "South Wales Police (Chief Constable)" in html
    assert uk_date(mash.review_date) in html
    assert "Review due" in html  # the youth justice ISP's review is within three months
    assert "/agreements/" not in html  # nothing to open without signing in
    assert "in preparation" not in html


def test_rows_are_in_title_order(agreements):
    versions = db.session.scalars(register_query(RegisterFilters())).all()
    assert [v.protocol.title for v in versions] == [
        "Disclosure of attendance data",
        "MASH information sharing",
        "Youth justice sharing",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "dda"}, ["Disclosure of attendance data"]),
        ({"kind": "isp"}, ["MASH information sharing", "Youth justice sharing"]),
        ({"organisation": "police-south-wales"}, ["MASH information sharing"]),
        (
            {"organisation": "la-cardiff"},
            ["Disclosure of attendance data", "MASH information sharing"],
        ),
        ({"q": "youth"}, ["Youth justice sharing"]),
        ({"q": "  MASH   information "}, ["MASH information sharing"]),
        ({"q": "100%_"}, []),
        ({"kind": "isp", "organisation": "la-cardiff"}, ["MASH information sharing"]),
    ],
)
def test_filters(agreements, query, expected):
    filters = RegisterFilters(
        kind=query.get("kind"),
        organisation=query.get("organisation"),
        q=query.get("q", ""),
    )
    versions = db.session.scalars(register_query(filters)).all()
    assert [v.protocol.title for v in versions] == expected


def test_filter_page_keeps_choices_and_offers_only_organisations_involved(agreements, client):
    html = listed(client.get("/register-of-agreements?organisation=la-cardiff&kind=isp"))
    assert "Showing 1 to 1 of 1 agreements" in html
    assert '<option value="la-cardiff" selected>Cardiff Council</option>' in html
    assert 'value="la-vale-of-glamorgan"' in html
    assert 'value="la-swansea"' not in html  # party only to a draft
    assert "Clear filters" in html


@pytest.mark.parametrize("query", ["kind=treaty", "organisation=la-swansea", "q=" + "x" * 201])
def test_bad_filters_are_refused_with_a_message(agreements, client, query):
    response = client.get(f"/register-of-agreements?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Showing 1 to 3 of 3 agreements" in html  # the bad filter is left out


def test_pages_keep_the_filters(agreements, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    html = listed(client.get("/register-of-agreements?kind=isp"))
    assert "Showing 1 to 1 of 2 agreements" in html
    assert "/register-of-agreements?kind=isp&amp;page=2" in html
    second = listed(client.get("/register-of-agreements?kind=isp&page=2"))
    assert "Youth justice sharing" in second and "MASH information sharing" not in second


# ---------------------------------------------------------------- signed in


def test_a_party_can_open_and_download_from_the_register(agreements, login, make_user):
    user = make_user("police-south-wales", Role.PRACTITIONER)
    db.session.commit()
    html = listed(login(user).get("/register-of-agreements"))
    mash, youth = agreements["mash"], agreements["youth"]
    assert f'/agreements/{mash.protocol_id}/versions/1"' in html
    assert f"/agreements/{mash.protocol_id}/export.docx?version=1" in html
    assert f"/agreements/{youth.protocol_id}/" not in html  # not a party to it


def test_signed_in_users_are_told_of_their_organisations_agreements_in_preparation(
    agreements, login, ig
):
    html = listed(login(ig(LEAD)).get("/register-of-agreements"))
    assert "Your organisation has 1 agreement in preparation." in html
    html = listed(login(ig(LEAD)).get("/register-of-agreements?view=preparing"))
    assert "Agreements in preparation" in html
    assert "Perinatal mental health pathway" in html
    assert "Swansea early help hub" not in html
    assert "MASH information sharing" not in html
    assert "Draft" in html


def test_admins_see_every_agreement_in_preparation(agreements, login, make_user):
    admin = make_user("la-swansea", Role.ADMIN)
    db.session.commit()
    html = listed(login(admin).get("/register-of-agreements?view=preparing"))
    assert "Perinatal mental health pathway" in html and "Swansea early help hub" in html


def test_anonymous_visitors_cannot_list_drafts(agreements, client):
    response = client.get("/register-of-agreements?view=preparing")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Perinatal mental health pathway" not in html and "Swansea early help hub" not in html
    assert "MASH information sharing" in html
    csv_text = client.get("/register-of-agreements.csv?view=preparing").get_data(as_text=True)
    assert "Perinatal" not in csv_text and "MASH information sharing" in csv_text


def test_the_register_is_linked_from_every_page(client):
    html = listed(client.get("/"))
    assert 'href="/register-of-agreements"' in html


# ---------------------------------------------------------------- CSV


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_lists_the_agreements_in_force(agreements, client):
    response = client.get("/register-of-agreements.csv")
    assert re.match(
        r'attachment; filename="register-of-agreements-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Reference",
        "Title",
        "Kind",
        "Purpose",
        "Lead organisation",
        "Partner organisations",
        "Version",
        "State",
        "Review date",
        "Review status",
        "QA group",
    ]
    mash = agreements["mash"]
    assert [
        mash.protocol.reference,
        "MASH information sharing",
        "Information Sharing Protocol",
        "Share concerns about children through the MASH.",
        "Cardiff and Vale University Health Board",
        "Cardiff Council; South Wales Police (Chief Constable)",
        "V1",
        "Active",
        mash.review_date.isoformat(),
        "Review not due",
        "WASPI South QA Group",
    ] in rows
    assert len(rows) == 4


def test_csv_applies_the_filters(agreements, client):
    rows = read_csv(client.get("/register-of-agreements.csv?kind=dda"))
    assert [r[1] for r in rows[1:]] == ["Disclosure of attendance data"]


def test_csv_cells_cannot_run_as_formulas_and_keep_welsh_letters(ig, client):
    author = ig(LEAD)
    quick_agreement(author, '=HYPERLINK("http://evil.example","click")', purpose="+SUM(A1:A9)")
    quick_agreement(author, "@cmd Rhannu gwybodaeth â Gŵyl", purpose="-2+3 ŷ")
    db.session.commit()
    rows = read_csv(client.get("/register-of-agreements.csv"))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert "'+SUM(A1:A9)" in cells
    assert "'@cmd Rhannu gwybodaeth â Gŵyl" in cells
    assert "'-2+3 ŷ" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


def test_purposes_come_from_the_section_each_template_keeps_them_in(ig, client):
    author = ig(LEAD)
    isp = quick_agreement(author, "ISP", purpose="  Share  concerns\n about children. " + "x" * 400)
    dda = quick_agreement(author, "DDA", kind="dda", purpose="")
    dda.section("purpose").content = {"purpose": "Attendance figures for reviews.", "purposes": []}
    db.session.commit()
    found = purposes([isp.id, dda.id])
    assert found[isp.id] == purpose_summary(isp)
    assert found[isp.id].startswith("Share concerns about children. xxx")
    assert len(found[isp.id]) == 300 and found[isp.id].endswith("…")
    assert found[dda.id] == purpose_summary(dda) == "Attendance figures for reviews."
    rows = read_csv(client.get("/register-of-agreements.csv?kind=dda"))
    assert rows[1][1] == "DDA" and rows[1][3] == "Attendance figures for reviews."
    whole = read_csv(client.get("/register-of-agreements.csv?kind=isp"))[1][3]
    assert whole == "Share concerns about children. " + "x" * 400  # the CSV cuts at 1,000


def test_signed_in_csv_of_agreements_in_preparation(agreements, login, ig):
    rows = read_csv(login(ig(LEAD)).get("/register-of-agreements.csv?view=preparing"))
    assert [r[1] for r in rows[1:]] == ["Perinatal mental health pathway"]
    assert rows[1][7] == "Draft" and rows[1][8] == ""


# ---------------------------------------------------------------- queries


@pytest.mark.parametrize(
    "path",
    [
        "/register-of-agreements",
        "/register-of-agreements?kind=isp&organisation=la-cardiff&q=sharing",
        "/register-of-agreements.csv",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_agreements(app, ig, login, path, make_user):
    author = ig(LEAD)
    viewer = make_user("la-cardiff", Role.IG_LEAD)
    partners = [
        "la-cardiff",
        "la-vale-of-glamorgan",
        "police-south-wales",
        "nhs-wast",
        "la-newport",
    ]
    counts = []
    for batch in (2, 12):
        for n in range(batch):
            quick_agreement(author, f"Sharing agreement {batch}-{n}", partners=partners)
        db.session.commit()
        for client in (login(viewer), app.test_client()):
            with counting() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:], counts
    assert max(counts) <= 9, counts
