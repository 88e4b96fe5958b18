"""Joint Controller Agreements (Article 26 UK GDPR) and controller-processor agreements
(Article 28(3)) go through the same template mechanism as ISPs and DDAs: made through the API
with their parties' roles, checked by QA term by term, and exported to Word in both languages."""

from __future__ import annotations

import io

import pytest
from docx import Document
from protocol_helpers import LEAD, PARTNERS

from isp_manager.extensions import db

BASE = "/api/v1/protocols"


@pytest.fixture
def lead_api(ig, api_client):
    user = ig(LEAD)
    client = api_client(user)
    db.session.commit()
    return client


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_joint_controller_agreement_makes_every_other_party_a_joint_controller(lead_api):
    made = lead_api.post(
        BASE,
        json={
            "kind": "jca",
            "title": "Joint MASH",
            "lead_organisation": LEAD,
            "partners": PARTNERS,
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["kind"] == "jca" and made.json["template_code"] == "waspi-jca"
    version = lead_api.get(f"{BASE}/{made.json['id']}/versions/1").json
    assert [p["role"] for p in version["partners"]] == ["lead"] + ["joint_controller"] * len(
        PARTNERS
    )
    # Article 26: the responsibilities and the contact point are QA checks until written.
    failed = [c["message"] for c in version["qa_checklist"] if not c["passed"]]
    assert any("Article 26" in m for m in failed), failed


def test_a_controller_processor_agreement_has_one_controller_and_its_article_28_terms(lead_api):
    partners = [
        {"organisation": LEAD, "role": "controller"},
        {"organisation": PARTNERS[0], "role": "processor"},
    ]
    made = lead_api.post(
        BASE,
        json={
            "kind": "dpa",
            "title": "Case system hosting",
            "lead_organisation": LEAD,
            "partners": partners,
        },
    )
    assert made.status_code == 201, made.json
    version = lead_api.get(f"{BASE}/{made.json['id']}/versions/1").json
    assert sorted(p["role"] for p in version["partners"]) == ["controller", "processor"]
    failed = [c["message"] for c in version["qa_checklist"] if not c["passed"]]
    for term in ("subject matter of the processing", "duration of the processing"):
        assert any(f"Article 28(3) UK GDPR: {term}" in m for m in failed), failed

    two = lead_api.post(
        BASE,
        json={
            "kind": "dpa",
            "title": "Two controllers",
            "lead_organisation": LEAD,
            "partners": [
                {"organisation": LEAD, "role": "controller"},
                {"organisation": PARTNERS[0], "role": "controller"},
            ],
        },
    )
    assert two.status_code == 422 and "partners" in two.json["errors"]["json"], two.json


def test_an_unknown_kind_is_refused_naming_the_four(lead_api):
    bad = lead_api.post(
        BASE, json={"kind": "mou", "title": "X", "lead_organisation": LEAD, "partners": PARTNERS}
    )
    assert bad.status_code == 422
    assert "isp, dda, jca, dpa" in str(bad.json["errors"]["json"]["kind"])


@pytest.mark.parametrize(
    "kind, partners, english, welsh",
    [
        ("jca", None, "Joint Controller Agreement", "Cytundeb Cyd-reolyddion"),
        ("dpa", "dpa", "Article 28", "Erthygl 28"),
    ],
)
def test_each_kind_exports_to_word_in_english_and_welsh(lead_api, kind, partners, english, welsh):
    body = {"kind": kind, "title": "Exported", "lead_organisation": LEAD, "partners": PARTNERS}
    if partners == "dpa":
        body["partners"] = [
            {"organisation": LEAD, "role": "controller"},
            {"organisation": PARTNERS[0], "role": "processor"},
        ]
    made = lead_api.post(BASE, json=body)
    assert made.status_code == 201, made.json
    texts = {}
    for language in ("en", "cy"):
        got = lead_api.get(f"{BASE}/{made.json['id']}/export.docx?language={language}")
        assert got.status_code == 200, got.data[:300]
        texts[language] = _text(got.data)
    assert english in texts["en"], texts["en"][:800]
    assert welsh in texts["cy"], texts["cy"][:800]


# ---------------------------------------------------------------- register, CSV and API


@pytest.fixture
def four_kinds(ig):
    """One agreement in force of each kind; the DPA's purpose is the nature and purpose of
    the processing (Article 28(3)), as its template keeps it."""
    from export_helpers import quick_agreement

    author = ig(LEAD)
    made = {
        kind: quick_agreement(author, f"{kind.upper()} in force", kind=kind, purpose=f"{kind} why")
        for kind in ("isp", "dda", "jca", "dpa")
    }
    jca, dpa = made["jca"], made["dpa"]
    jca.sections[0].content = dpa.sections[0].content = {}
    jca.section("purpose").content = {"purpose": "jca why"}
    dpa.section("processing").content = {"nature_purpose": "Hosting the case records."}
    db.session.commit()
    return made


def _csv_rows(response) -> list[list[str]]:
    import csv

    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))


@pytest.mark.parametrize(
    "kind, label, purpose",
    [
        ("jca", "Joint Controller Agreement", "jca why"),
        ("dpa", "Controller-processor agreement", "Hosting the case records."),
    ],
)
def test_the_register_page_and_csv_filter_by_the_new_kinds(
    four_kinds, client, kind, label, purpose
):
    html = client.get(f"/register-of-agreements?kind={kind}").get_data(as_text=True)
    assert f"{kind.upper()} in force" in html and label in html and purpose in html
    others = [k for k in four_kinds if k != kind]
    assert not any(f"{k.upper()} in force" in html for k in others)
    assert "Showing 1 to 1 of 1 agreements" in html or "1 agreement" in html
    rows = _csv_rows(client.get(f"/register-of-agreements.csv?kind={kind}"))
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [(f"{kind.upper()} in force", label, purpose)]


def test_the_kind_filter_offers_every_kind_in_english_and_welsh(four_kinds, client):
    html = client.get("/register-of-agreements").get_data(as_text=True)
    assert "Any kind of agreement" in html and "ISPs and DDAs" not in html
    for label in ("Joint Controller Agreement", "Controller-processor agreement"):
        assert f">{label}</option>" in html


def test_the_kind_filter_in_welsh(four_kinds, client):
    welsh = client.get("/register-of-agreements?lang=cy&kind=dpa").get_data(as_text=True)
    assert ">Unrhyw fath o gytundeb</option>" in welsh
    assert ">Cytundeb Cyd-reolyddion</option>" in welsh
    assert "DPA in force" in welsh and "JCA in force" not in welsh


def test_the_agreements_list_filters_by_the_new_kinds(four_kinds, login, ig):
    client = login(ig(LEAD))
    for kind in ("jca", "dpa"):
        html = client.get(f"/agreements?kind={kind}").get_data(as_text=True)
        assert f"{kind.upper()} in force" in html
        assert not any(f"{k.upper()} in force" in html for k in four_kinds if k != kind)
    assert "Any kind of agreement" in client.get("/agreements").get_data(as_text=True)


def test_the_api_lists_by_the_new_kinds_and_refuses_an_unknown_one(four_kinds, lead_api):
    for kind in ("jca", "dpa"):
        got = lead_api.get(f"{BASE}?kind={kind}")
        assert got.status_code == 200
        assert [p["title"] for p in got.json] == [f"{kind.upper()} in force"]
        assert {p["kind"] for p in got.json} == {kind}
    bad = lead_api.get(f"{BASE}?kind=mou")
    assert bad.status_code == 422 and "isp, dda, jca, dpa" in str(bad.json["errors"]), bad.json
