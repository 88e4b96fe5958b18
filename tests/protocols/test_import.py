"""Importing an ISP or DDA from Word: every export of the service reads back to the same
content; another layout reports what it could not place; unsafe files are refused."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import docx
import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, PARTNERS, section_rv

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.protocols import export, importing, services
from isp_manager.protocols.models import PendingImport
from isp_manager.protocols.services import DataItemInput
from isp_manager.protocols.templates_data import template_for

LANGUAGES = ("en", "cy", "bilingual")


def _docx(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _dda(ig):
    author = ig(LEAD)
    protocol = services.create_protocol(
        kind="dda",
        title="Hospital discharge information for social care",
        lead_organisation=LEAD,
        partners=["la-cardiff", "la-vale-of-glamorgan"],
        by=author,
    )
    version = protocol.versions[0]
    services.save_section(
        version,
        "purpose",
        {"purpose": "Plan care after discharge", "purposes": ["Discharge planning", "Reablement"]},
        by=author,
        expected_row_version=section_rv(version, "purpose"),
    )
    services.save_section(
        version,
        "review",
        {"review_date": date(2027, 6, 30), "review_arrangements": "Yearly."},
        by=author,
        expected_row_version=section_rv(version, "review"),
    )
    services.add_data_item(
        version,
        DataItemInput(category="Discharge date", description="Expected and actual"),
        by=author,
        expected_row_version=section_rv(version, "data"),
    )
    return version, author


def _expected(version):
    template = template_for(version.protocol)
    sections = {}
    for section in template.sections:
        content = version.section(section.code).content or {}
        kept = {
            k: v for k, v in content.items() if v not in ("", [], None) and not k == "review_date"
        }
        if kept:
            sections[section.code] = kept
    return {
        "title": version.protocol.title,
        "sections": sections,
        "partners": [p.organisation.code for p in version.partners],
        "data_items": [
            (i.category, i.description or "", i.is_special_category) for i in version.data_items
        ],
        "review_date": version.review_date.isoformat() if version.review_date else None,
    }


def _read(result):
    return {
        "title": result["title"],
        "sections": {k: v for k, v in result["sections"].items() if v},
        "partners": [p["code"] for p in result["partners"]],
        "data_items": [
            (i["category"], i["description"], i["is_special_category"])
            for i in result["data_items"]
        ],
        "review_date": result["review_date"],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_exported_isp_imports_back_to_the_same_content(complete_isp, language):
    version, _author = complete_isp()
    data = export.export_version(version, language)
    result = importing.parse_document(data, template_for(version.protocol))
    assert _read(result) == _expected(version)
    assert all(p["exact"] for p in result["partners"])
    assert result["bilingual"] is (language == "bilingual")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_exported_dda_imports_back_to_the_same_content(ig, language):
    version, _author = _dda(ig)
    data = export.export_version(version, language)
    result = importing.parse_document(data, template_for(version.protocol))
    assert _read(result) == _expected(version)
    roles = {p["code"]: p["role"] for p in result["partners"]}
    assert roles[LEAD] == "discloser"


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirming_an_exported_isp_creates_a_draft_with_the_same_content(
    complete_isp, ig, language
):
    version, author = complete_isp()
    data = export.export_version(version, language)
    pending = importing.start_import(data, "isp.docx", "isp", by=author)
    codes = [p["code"] for p in pending.result["partners"]]
    protocol = importing.confirm_import(pending, title="Imported", partner_codes=codes, by=author)
    new = protocol.versions[0]
    assert protocol.title == "Imported"
    assert protocol.lead_organisation.code == LEAD
    assert [p.organisation.code for p in new.partners] == [LEAD, *PARTNERS]
    assert {**_expected(new), "title": version.protocol.title} == _expected(version)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "protocol.imported"))
    assert event.after["filename"] == "isp.docx" and event.after["partners"] == codes
    assert db.session.get(PendingImport, pending.id) is None


def _hand_made() -> bytes:
    doc = docx.Document()
    doc.core_properties.title = ""
    doc.add_paragraph("Sharing information about adults at risk in Gwent", style="Title")
    doc.add_paragraph(
        "SECTION 1 – INTRODUCTION TO THIS INFORMATION SHARING PROTOCOL", style="Heading 2"
    )
    doc.add_paragraph("Partners work together to protect adults at risk.")
    doc.add_paragraph("Adult protection enquiries", style="List Bullet")
    doc.add_paragraph("Multi-agency risk meetings", style="List Bullet")
    bold = doc.add_paragraph()
    bold.add_run("Section 2 - The Information-Sharing Partner Organisations").bold = True
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Organisation"
    table.rows[0].cells[1].text = "Contact"
    for name in ("The Cardiff and Vale UHB", "Vale of Glamorgan Council", "Gwent Widgets Ltd"):
        row = table.add_row()
        row.cells[0].text = name
        row.cells[1].text = "IG team"
    doc.add_paragraph("9) Funding arrangements", style="Heading 1")
    doc.add_paragraph("Each partner meets its own costs.")
    doc.add_paragraph("8 — Review of this ISP", style="Heading 1")
    doc.add_paragraph("This protocol will be reviewed by 1st April 2028.")
    doc.add_paragraph("Appendix B: Information Reference Table", style="Heading 1")
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("What is shared", "By whom", "Why"), strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ("Referral details", "Police", "Safety"), strict=True
    ):
        cell.text = text
    return _docx(doc)


def test_a_document_in_another_layout_imports_with_the_unmatched_parts_reported(app, complete_isp):
    version, _author = complete_isp()
    result = importing.parse_document(_hand_made(), template_for(version.protocol))
    assert result["title"] == "Sharing information about adults at risk in Gwent"
    intro = result["sections"]["introduction"]
    assert intro["purpose"] == "Partners work together to protect adults at risk."
    assert intro["purposes"] == ["Adult protection enquiries", "Multi-agency risk meetings"]
    partners = {p["name"]: p["code"] for p in result["partners"]}
    assert partners == {
        "The Cardiff and Vale UHB": LEAD,
        "Vale of Glamorgan Council": "la-vale-of-glamorgan",
        "Gwent Widgets Ltd": None,
    }
    assert result["review_date"] == "2028-04-01"
    assert [i["category"] for i in result["data_items"]] == ["Referral details"]
    assert [(f["what"], f["purpose"]) for f in result["flows"]] == [("Referral details", "Safety")]
    unmatched = {u["heading"]: u["text"] for u in result["unmatched"]}
    assert unmatched["9) Funding arrangements"] == "Each partner meets its own costs."


@pytest.mark.parametrize(
    "heading, code",
    [
        ("3. Specific organisational and practitioner obligations", "obligations"),
        ("Section 3 – specific organisational & practitioner obligations", "obligations"),
        ("3 - SPECIFIC ORGANISATIONAL AND PRACTITIONER OBLIGATIONS", "obligations"),
        ("Adran 3: Rhwymedigaethau penodol sefydliadau ac ymarferwyr", "obligations"),
        ("Appendix A – Glossary of Terms", "glossary"),
        ("Atodiad A. Geirfa", "glossary"),
        ("Atodiad D: Rhywbeth arall", None),
        ("9. Funding", None),
        ("8 — Review", "review"),
        ("Review", None),
        ("Information security", "security"),
    ],
)
def test_headings_match_the_template_by_number_and_heading(app, complete_isp, heading, code):
    version, _author = complete_isp()
    found = importing.match_section(template_for(version.protocol), heading)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    "text, expected",
    [
        ("reviewed by 3 March 2027.", date(2027, 3, 3)),
        ("by 3rd March 2027", date(2027, 3, 3)),
        ("erbyn 3 Mawrth 2027", date(2027, 3, 3)),
        ("Review: 03/04/2027", date(2027, 4, 3)),
        ("Review: 3.4.2027", date(2027, 4, 3)),
        ("2027-04-03", date(2027, 4, 3)),
        ("31/02/2027 or 1 May 2027", date(2027, 5, 1)),
        ("no date", None),
    ],
)
def test_review_dates_in_uk_formats(text, expected):
    assert importing.find_uk_date(text) == expected


# ---------------------------------------------------------------- refusals


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


WORD_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


def refused_files() -> dict[str, tuple[bytes, str]]:
    return {
        "pdf": (b"%PDF-1.7\n" + b"x" * 100, "must be a Word document"),
        "renamed text": (b"Not really a document", "must be a Word document"),
        "zip without Word": (_zip({"hello.txt": b"hi"}), "must be a Word document"),
        "encrypted": (importing.OLE_MAGIC + b"\x00" * 512, "password-protected"),
        "too big": (b"PK\x03\x04" + b"\x00" * (importing.MAX_UPLOAD + 1), "8 MB or smaller"),
        "zip bomb": (
            _zip({**WORD_PARTS, "word/media/bomb.bin": b"\x00" * (60 * 1024 * 1024)}),
            "expands to far more",
        ),
        "ratio bomb": (
            _zip({**WORD_PARTS, "word/media/a.bin": b"\x00" * (5 * 1024 * 1024)}),
            "expands to far more",
        ),
        "many members": (
            _zip({**WORD_PARTS, **{f"word/x{i}.xml": b"<a/>" for i in range(1001)}}),
            "expands to far more",
        ),
        "entities": (
            _zip(
                {
                    **WORD_PARTS,
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;">]><w:document>&b;</w:document>',
                }
            ),
            "cannot be read safely",
        ),
    }


@pytest.fixture(scope="module")
def refused():
    return refused_files()


@pytest.mark.parametrize("case", list(refused_files()))
def test_unsafe_or_non_word_files_are_refused_by_the_service(ig, refused, case):
    data, message = refused[case]
    with pytest.raises(InvalidInput) as error:
        importing.start_import(data, "x.docx", "isp", by=ig(LEAD))
    assert message in error.value.errors["file"][0]
    assert db.session.scalar(sa.select(sa.func.count(PendingImport.id))) == 0


def test_a_real_word_file_passes_the_checks(complete_isp):
    version, _author = complete_isp()
    archive = importing.check_upload(export.export_version(version, "en"))
    assert "word/document.xml" in archive.namelist()


@pytest.mark.parametrize("case", ["pdf", "encrypted", "too big", "zip bomb"])
def test_the_page_refuses_with_the_field_message(login, ig, refused, case):
    data, message = refused[case]
    client = login(ig(LEAD))
    response = client.post(
        "/agreements/import",
        data={"kind": "isp", "file": (io.BytesIO(data), "agreement.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and message in page.replace("&#39;", "'")


@pytest.mark.parametrize("case", ["pdf", "encrypted", "too big", "zip bomb"])
def test_the_api_refuses_with_422_and_the_field_message(api_client, ig, refused, case):
    data, message = refused[case]
    response = api_client(ig(LEAD)).post(
        "/api/v1/protocols/imports",
        data={"kind": "isp", "file": (io.BytesIO(data), "agreement.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in str(response.get_json())


# ---------------------------------------------------------------- access and the journey


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.AUDITOR])
def test_only_ig_leads_import(login, api_client, make_user, complete_isp, role):
    version, _author = complete_isp()
    data = export.export_version(version, "en")
    user = make_user(LEAD, role)
    with pytest.raises(PermissionDenied):
        importing.start_import(data, "x.docx", "isp", by=user)
    assert login(user).get("/agreements/import").status_code == 403
    response = api_client(user).post(
        "/api/v1/protocols/imports",
        data={"kind": "isp", "file": (io.BytesIO(data), "agreement.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_another_user_cannot_see_or_confirm_a_pending_import(login, api_client, ig, complete_isp):
    version, author = complete_isp()
    pending = importing.start_import(
        export.export_version(version, "en"), "x.docx", "isp", by=author
    )
    db.session.commit()
    other = ig(LEAD)
    with pytest.raises(NotFound):
        importing.get_pending(pending.id, other)
    with pytest.raises(NotFound):
        importing.confirm_import(pending, title="T", partner_codes=[], by=other)
    client = login(other)
    assert client.get(f"/agreements/import/{pending.id}").status_code == 404
    assert client.post(f"/agreements/import/{pending.id}", data={"title": "T"}).status_code == 404
    api = api_client(other)
    assert api.get(f"/api/v1/protocols/imports/{pending.id}").status_code == 404
    response = api.post(f"/api/v1/protocols/imports/{pending.id}/confirm", json={"title": "T"})
    assert response.status_code == 404


def test_upload_review_and_confirm_through_the_pages(login, ig):
    user = ig(LEAD)
    client = login(user)
    response = client.post(
        "/agreements/import",
        data={"kind": "isp", "file": (io.BytesIO(_hand_made()), "gwent.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    review_url = response.headers["Location"]
    page = client.get(review_url).get_data(as_text=True)
    assert "Gwent Widgets Ltd" in page and "Not on the register" in page
    assert "9) Funding arrangements" in page and "Each partner meets its own costs." in page
    assert "Information flows" in page and "Referral details" in page
    response = client.post(review_url, data={"title": ""})
    assert response.status_code == 422
    assert "govuk-error-summary" in response.get_data(as_text=True)
    response = client.post(
        review_url,
        data={
            "title": "Adults at risk in Gwent",
            "partner_0": LEAD,
            "partner_1": "la-cardiff",  # changed from the suggested match
            "partner_2": "",  # left out
        },
    )
    assert response.status_code == 302
    protocol = db.session.scalar(
        sa.select(services.Protocol).where(services.Protocol.title == "Adults at risk in Gwent")
    )
    assert [p.organisation.code for p in protocol.versions[0].partners] == [LEAD, "la-cardiff"]
    assert protocol.versions[0].review_date == date(2028, 4, 1)


def test_upload_review_and_confirm_through_the_api(api_client, ig, complete_isp):
    version, author = complete_isp()
    api = api_client(author)
    response = api.post(
        "/api/v1/protocols/imports",
        data={"kind": "isp", "file": (io.BytesIO(export.export_version(version, "cy")), "a.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["sections"]["introduction"]["purposes"] == ["Child protection enquiries"]
    assert [f["what"] for f in body["flows"]] == ["Referral"]
    assert body["flows"][0]["from"] == 0 and body["flows"][0]["security"] == "Encrypted"
    assert body["data_items"][0]["bases"][:2] == ["article6:art6-1-e", "article9:art9-2-g"]
    assert body["partners"][1]["contact_email"] == "ig@la-cardiff.example"
    codes = [p["code"] for p in body["partners"]]
    response = api.post(
        f"/api/v1/protocols/imports/{body['id']}/confirm",
        json={"title": "From the API", "partners": codes[:2] + [None, None]},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "From the API"


def test_a_30_page_isp_imports_in_under_2_seconds(complete_isp):
    import time

    version, author = complete_isp()
    doc = docx.Document(io.BytesIO(export.export_version(version, "en")))
    for number in range(1, 9):
        doc.add_paragraph(f"{number}. Extra heading {number}", style="Heading 1")
        for _ in range(60):
            doc.add_paragraph("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 4)
    table = doc.add_table(rows=1, cols=3)
    for _ in range(200):
        row = table.add_row()
        row.cells[0].text = "Item"
    data = _docx(doc)
    words = sum(len(p.text.split()) for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert words > 30 * 500  # 30 pages of A4 at 11 pt hold about 500 words each
    # CPU time of the import (checks, parsing, mapping): other work on the machine does not count
    started = time.process_time()
    pending = importing.start_import(data, "big.docx", "isp", by=author)
    elapsed = time.process_time() - started
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert len(pending.result["unmatched"]) >= 8
    assert any(re.search(r"Lorem", u["text"]) for u in pending.result["unmatched"])


def test_a_controller_processor_agreement_imports_with_its_controller_and_processors(ig):
    """A DPA whose controller is not the lead organisation keeps its roles when imported back."""
    author = ig(LEAD)
    protocol = services.create_protocol(
        kind="dpa",
        title="Hosting of the case management system",
        lead_organisation=LEAD,
        partners=[
            services.PartnerChoice(LEAD, "processor"),
            services.PartnerChoice("la-cardiff", "controller"),
        ],
        by=author,
    )
    version = protocol.versions[0]
    data = export.export_version(version, "en")
    pending = importing.start_import(data, "dpa.docx", "dpa", by=author)
    read = {p["code"]: p["role"] for p in pending.result["partners"]}
    assert read == {LEAD: "processor", "la-cardiff": "controller"}
    made = importing.confirm_import(
        pending, title="Imported DPA", partner_codes=list(read), by=author
    )
    roles = {p.organisation.code: p.role.value for p in made.versions[0].partners}
    assert roles == {LEAD: "processor", "la-cardiff": "controller"}
