"""The agreement in Word as a QA group would publish it: A4, a contents page listing the
headings, document control with the version history, file properties, status words that
match the workflow, the marking in the document's language, and English, Welsh or both side
by side (Welsh first); a language not offered is refused, and a large agreement stays fast."""

from __future__ import annotations

import re
import time

import flask_babel
import pytest
from export_helpers import big_isp, cover_details, make_active, read_docx, tricky_isp
from filled_agreements import KINDS, filled
from flask_babel import force_locale
from protocol_helpers import LEAD

from isp_manager.extensions import db
from isp_manager.i18n import uk_date
from isp_manager.protocols import workflow
from isp_manager.protocols.templates_data import template_for

ISP_SECTIONS_CY = "1. Cyflwyniad i'r Protocol Rhannu Gwybodaeth hwn"


@pytest.fixture
def active(ig):
    version, author = tricky_isp(ig)
    make_active(version, author, ig)
    db.session.commit()
    return version, author


def export(client, version, **params):
    flask_babel.refresh()  # the tests share one app context: forget the last language used
    response = client.get(f"/agreements/{version.protocol_id}/export.docx", query_string=params)
    assert response.status_code == 200, response.data[:300]
    return read_docx(response.data)


def body_headings(doc) -> list[str]:
    """Level 1 and 2 headings after the contents page, in order."""
    names = [p.style.name for p in doc.paragraphs]
    start = names.index("TOC Heading")
    return [
        p.text
        for p in doc.paragraphs[start:]
        if p.style.name in ("Heading 1", "Heading 2") and p.text.strip()
    ]


def contents(doc) -> list[str]:
    return [p.text.strip() for p in doc.paragraphs if re.fullmatch(r"toc \d", p.style.name)]


def control_table(doc):
    """The document control details (key -> value) and the version history rows."""
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[1].rows}
    history = [[c.text for c in r.cells] for r in doc.tables[2].rows]
    return details, history


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
def test_every_page_is_a4_with_sensible_margins(active, login, language):
    version, author = active
    doc = export(login(author), version, language=language)
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert 1.9 <= section.left_margin.cm <= 2.6 and 1.9 <= section.top_margin.cm <= 2.6


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
def test_contents_page_lists_the_headings_with_no_instruction(active, login, language):
    version, author = active
    doc = export(login(author), version, language=language)
    assert contents(doc) == body_headings(doc)
    assert len(contents(doc)) >= 11
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Word fills in" not in text and "Word yn llenwi" not in text


def test_document_control_gives_qa_group_dates_review_and_version_history(active, login):
    version, author = active
    doc = export(login(author), version, language="en")
    details, history = control_table(doc)
    assert details["Status"] == "Active"
    assert details["QA group"] == "WASPI South QA Group"
    assert details["Quality assured on"] == uk_date(version.approved_at)
    assert details["Review date"] == uk_date(version.review_date)
    assert history[0] == ["Version", "Date", "Change", "By"]
    changes = [row[2] for row in history[1:]]
    assert changes == [
        "First draft",
        "Submitted for QA",
        "Quality assured by WASPI South QA Group: approved for signature",
        "Signed by every partner: active",
    ]
    assert all(row[0] == "V1" and row[1] == uk_date(version.approved_at) for row in history[1:])
    assert history[1][3].startswith(author.name) and "Cardiff and Vale" in history[1][3]
    assert history[3][3].startswith(version.approved_by.name)


def test_returned_versions_and_their_reviewer_show_in_the_history(ig, login):
    version, author = tricky_isp(ig)
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group="waspi-south")
    reviewer = ig("la-cardiff")
    workflow.return_with_comments(
        version, expected_etag=version.etag, by=reviewer, comments="Say who the DPO is."
    )
    db.session.commit()
    details, history = control_table(export(login(author), version, language="en"))
    assert details["Status"] == "Returned"
    assert details["QA group"] == "WASPI South QA Group"  # the group it went to
    assert [r[2] for r in history[1:]] == [
        "First draft",
        "Submitted for QA",
        "Returned with comments by QA",
    ]
    assert history[3][3].startswith(reviewer.name)


def test_status_words_match_the_workflow_and_no_final_before_signing(ig, login):
    version, author = tricky_isp(ig)
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group="waspi-south")
    db.session.commit()
    client = login(author)
    doc = export(client, version, language="en")
    assert cover_details(doc)["Status"] == "Submitted for QA"
    footer = doc.sections[0].footer.paragraphs[0].text
    assert "V1 Submitted for QA" in footer and "Final" not in footer
    workflow.approve_qa(version, expected_etag=version.etag, by=ig("la-cardiff"))
    db.session.commit()
    doc = export(client, version, language="en")
    assert cover_details(doc)["Status"] == "Approved for signature"
    assert "Final" not in "\n".join(p.text for p in doc.paragraphs)
    flask_babel.refresh()
    page = client.get(f"/agreements/{version.protocol_id}/versions/1", query_string={"lang": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "V1 · Approved for signature" in html and "V1 · Draft" not in html


def test_file_properties_name_the_lead_organisation(active, login):
    version, author = active
    properties = export(login(author), version, language="en").core_properties
    assert properties.title == version.protocol.title
    assert properties.author == "Cardiff and Vale University Health Board"
    assert properties.subject == "Information Sharing Protocol"
    assert properties.language == "en-GB"
    cy = export(login(author), version, language="cy").core_properties
    assert cy.author == "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro"
    assert cy.language == "cy-GB"


def test_welsh_document_is_marked_swyddogol_and_written_in_welsh(active, login):
    version, author = active
    doc = export(login(author), version, language="cy")
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header[0] == "SWYDDOGOL"
    assert doc.sections[0].footer.paragraphs[-1].text == "SWYDDOGOL"
    assert "Tudalen" in doc.sections[0].footer.paragraphs[0].text
    assert ISP_SECTIONS_CY in body_headings(doc)
    assert cover_details(doc)["Statws"] == "Gweithredol"
    assert [p.text for p in doc.paragraphs if p.style.name == "TOC Heading"] == ["Cynnwys"]


def test_the_language_asked_for_wins_over_the_readers(active, login):
    version, author = active
    client = login(author)
    flask_babel.refresh()
    client.get("/?lang=cy")  # the reader reads in Welsh
    english = export(client, version, language="en")
    assert "1. Introduction to this Information Sharing Protocol" in body_headings(english)
    assert ISP_SECTIONS_CY in body_headings(export(client, version))  # default: the reader's


def test_bilingual_puts_welsh_and_english_side_by_side_welsh_first(active, login):
    version, author = active
    doc = export(login(author), version, language="bilingual")
    headings = body_headings(doc)
    assert headings[0] == (
        "1. Cyflwyniad i'r Protocol Rhannu Gwybodaeth hwn / "
        "1. Introduction to this Information Sharing Protocol"
    )
    details = cover_details(doc)
    assert details["Statws\nStatus"] == "Gweithredol\nActive"
    assert doc.sections[0].header.paragraphs[0].text == "SWYDDOGOL / OFFICIAL"
    # each section: two columns, the Welsh on the left, a row for each sub-heading
    columns = [t for t in doc.tables if len(t.columns) == 2 and not _has_grid(t)]
    assert len(columns) >= 12
    introduction = columns[1]  # after the document control
    firsts = [tuple(c.paragraphs[0].text for c in row.cells) for row in introduction.rows]
    assert firsts[:2] == [
        ("1.1 Diben y protocol hwn", "1.1 The purpose of this protocol"),
        ("1.2 Dibenion penodol ar gyfer rhannu", "1.2 Specific purposes for sharing"),
    ]
    assert all(round(c.width.cm, 2) == 8.25 for t in columns for r in t.rows for c in r.cells)
    assert doc.core_properties.language == "cy-GB"


def _has_grid(table) -> bool:
    from docx.oxml.ns import qn

    return table._tbl.tblPr.find(qn("w:tblStyle")) is not None


def test_bilingual_writes_wide_tables_across_the_page_welsh_then_english(active, login):
    """Half a page is too narrow for a table of three or more columns: it is written across
    the page, not in a column, the Welsh table first, each at the full width."""
    from docx.oxml.ns import qn

    version, author = active
    doc = export(login(author), version, language="bilingual")
    wide = [t for t in doc.tables if len(t.columns) >= 3]
    assert len(wide) >= 10  # version history, partners, data items, flows, signatures: twice
    for table in wide:
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(widths) / 567 - 16.5) < 0.1  # cm, the width of the text
    nested = [t for outer in doc.tables for r in outer.rows for c in r.cells for t in c.tables]
    assert nested and all(len(t.columns) < 3 for t in nested)
    headers = [[c.text for c in t.rows[0].cells] for t in wide]
    data_items = headers.index(
        ["Gwybodaeth", "Categori arbennig", "Darparwyd gan", "Derbyniwyd gan", "Sail gyfreithlon"]
    )
    assert headers[data_items + 1] == [
        "Information",
        "Special category",
        "Provided by",
        "Received by",
        "Lawful basis",
    ]


@pytest.mark.parametrize("value", ["fr", "welsh", "EN", "x" * 300])
def test_a_language_not_offered_is_refused_with_a_message(active, login, api_client, value):
    version, author = active
    page = login(author).get(
        f"/agreements/{version.protocol_id}/export.docx", query_string={"language": value}
    )
    assert page.status_code == 422
    assert "bilingual" in page.get_data(as_text=True)
    api = api_client(author).get(
        f"/api/v1/protocols/{version.protocol_id}/export.docx", query_string={"language": value}
    )
    assert api.status_code == 422
    fields = {k for location in api.json["errors"].values() for k in location}
    assert fields == {"language"}


def test_api_export_in_each_language(active, api_client):
    version, author = active
    api = api_client(author)
    path = f"/api/v1/protocols/{version.protocol_id}/export.docx"
    for language, marking in (("en", "OFFICIAL"), ("cy", "SWYDDOGOL")):
        flask_babel.refresh()
        doc = read_docx(api.get(path, query_string={"language": language}).data)
        assert doc.sections[0].header.paragraphs[0].text == marking
    flask_babel.refresh()
    doc = read_docx(api.get(path, query_string={"language": "bilingual"}).data)
    assert doc.sections[0].header.paragraphs[0].text == "SWYDDOGOL / OFFICIAL"


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
def test_twenty_partners_and_two_hundred_items_export_under_a_second(ig, login, language):
    version, author = big_isp(ig)
    client = login(author)
    export(client, version, language=language)  # warm up
    db.session.expire_all()
    # CPU time of the export (query, build, save): other work on the machine does not count
    started = time.process_time()
    doc = export(client, version, language=language)
    elapsed = time.process_time() - started
    assert contents(doc) == body_headings(doc)
    assert elapsed < 1.0, f"{language} export took {elapsed:.3f} s"


# ---------------------------------------------------------------- every kind, every language

STATUS = {"en": ("Status", "Draft"), "cy": ("Statws", "Drafft")}
MARKING = {"en": "OFFICIAL", "cy": "SWYDDOGOL", "bilingual": "SWYDDOGOL / OFFICIAL"}
CONTROL = {"en": "Document control", "cy": "Rheoli'r ddogfen"}


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_print_ready_in_every_language(ig, login, kind, language):
    from isp_manager.protocols.models import KIND_LABELS

    author = ig(LEAD)
    version = filled(kind, author)
    protocol = version.protocol
    db.session.commit()
    doc = export(login(author), version, language=language)
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.2
        assert round(section.top_margin.cm, 1) == round(section.bottom_margin.cm, 1) == 2.5
    # the contents page lists every heading of the body, and says nothing to the reader
    assert contents(doc) == body_headings(doc)
    assert len(contents(doc)) >= len(template_for(protocol).sections)
    styles = [p.style.name for p in doc.paragraphs]
    assert styles.count("TOC Heading") == 1
    assert re.fullmatch(r"toc \d", styles[styles.index("TOC Heading") + 1])
    # file properties: title, the lead organisation as author, the kind, the language
    properties = doc.core_properties
    lead = protocol.lead_organisation
    names = {"en": lead.display_name("en"), "cy": lead.display_name("cy")}
    kinds = {}
    for locale in ("en", "cy"):
        with force_locale(locale):
            kinds[locale] = str(KIND_LABELS[protocol.kind])
    both = {
        "author": f"{names['cy']} / {names['en']}",
        "subject": f"{kinds['cy']} / {kinds['en']}",
    }
    assert properties.title == protocol.title
    assert properties.author == (both["author"] if language == "bilingual" else names[language])
    assert properties.subject == (both["subject"] if language == "bilingual" else kinds[language])
    assert properties.language == ("en-GB" if language == "en" else "cy-GB")
    # the protective marking in the document's language, in the header and the footer
    assert doc.sections[0].header.paragraphs[0].text == MARKING[language]
    assert doc.sections[0].footer.paragraphs[-1].text == MARKING[language]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    if language == "bilingual":
        assert f"{CONTROL['cy']} / {CONTROL['en']}" in headings
        assert cover_details(doc)["Statws\nStatus"] == "Drafft\nDraft"
        return
    assert CONTROL[language] in headings
    key, draft = STATUS[language]
    assert cover_details(doc)[key] == draft
    details, history = control_table(doc)
    assert details[key] == draft and len(history) == 2  # header, then the first draft


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_page_is_left_empty_and_no_signature_block_is_split(ig, login, kind, language):
    """Each new page (the document control, the contents, the body, each appendix) starts with
    "page break before" on its first paragraph, never a paragraph holding only a break (which
    left a page empty after a full contents page); the sentence above the signatures is kept
    with their table and no row of it is split across pages; side by side, no heading is
    kept with next (LibreOffice moved such rows whole, leaving a heading alone on a page)."""
    from docx.oxml.ns import qn

    author = ig(LEAD)
    version = filled(kind, author)
    db.session.commit()
    doc = export(login(author), version, language=language)
    body = doc.element.body
    for paragraph in body.iterchildren(qn("w:p")):
        breaks = paragraph.findall(f"{qn('w:r')}/{qn('w:br')}")
        assert not (breaks and not "".join(paragraph.itertext()).strip()), "a break-only line"
    starts = [p for p in doc.paragraphs if p.paragraph_format.page_break_before]
    assert len(starts) >= 3 + sum(s.is_appendix for s in template_for(version.protocol).sections)
    signatures = [
        t for t in doc.tables if t.rows and t.rows[0].cells[-1].text in ("Signature", "Llofnod")
    ]
    signatures += [
        t
        for outer in doc.tables
        for row in outer.rows
        for cell in row.cells
        for t in cell.tables
        if t.rows[0].cells[-1].text in ("Signature", "Llofnod")
    ]
    assert signatures
    for table in signatures:
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
        if language != "bilingual":  # side by side, the sentences stand above both tables
            intro = table._tbl.getprevious()
            assert intro.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    if language == "bilingual":
        for outer in doc.tables:
            if outer._tbl.tblPr.find(qn("w:tblStyle")) is None:
                for row in outer.rows:
                    for cell in row.cells:
                        for p in cell.paragraphs:
                            if p.style.name.startswith("Heading"):
                                assert p.paragraph_format.keep_with_next is False
