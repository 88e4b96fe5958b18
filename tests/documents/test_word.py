"""The Word building blocks: text exactly as entered, tables, fields, letters."""

import io

from docx import Document

from isp_manager.documents import (
    add_cover_page,
    add_heading,
    add_letter,
    add_table,
    add_text,
    add_toc,
    document_bytes,
    new_document,
)

TRICKY = 'Rhannu & <diogelu> "plant" – ŵ ŷ â ê\'s'


def _reopen(doc) -> Document:
    return Document(io.BytesIO(document_bytes(doc)))


def _all_text(doc: Document) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_text_comes_out_exactly_as_entered():
    doc = new_document(title=TRICKY, version_label="V2 Final")
    add_cover_page(doc, TRICKY, [("Status", "Final"), ("Lead", TRICKY)])
    add_heading(doc, TRICKY, 1, number="1.")
    add_text(doc, f"{TRICKY}\nsecond line\x0b with a control character")
    add_table(doc, ["What", "Why"], [[TRICKY, "because"]])
    reopened = _reopen(doc)
    text = _all_text(reopened)
    assert text.count(TRICKY) >= 4
    assert "second line with a control character" in text
    assert reopened.core_properties.title == TRICKY


def test_header_and_footer_carry_marking_title_and_page_fields():
    doc = new_document(
        title="Protocol title", version_label="V3 Final", marking="OFFICIAL-SENSITIVE"
    )
    reopened = _reopen(doc)
    section = reopened.sections[0]
    header_text = "\n".join(p.text for p in section.header.paragraphs)
    footer_xml = section.footer._element.xml
    assert "OFFICIAL-SENSITIVE" in header_text and "Protocol title" in header_text
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    assert "V3 Final" in footer_xml


def test_contents_field_is_refreshed_on_opening():
    doc = new_document(title="T")
    add_toc(doc)
    reopened = _reopen(doc)
    assert "TOC" in reopened.element.body.xml
    assert 'w:updateFields w:val="true"' in reopened.settings.element.xml


def test_table_header_repeats_and_empty_table_says_so():
    doc = new_document(title="T")
    add_table(doc, ["A", "B"], [], empty="None recorded")
    reopened = _reopen(doc)
    table = reopened.tables[0]
    assert "w:tblHeader" in table.rows[0]._tr.xml
    assert table.rows[1].cells[0].text == "None recorded"


def test_letter_layout():
    doc = new_document(title="Letter")
    add_letter(
        doc,
        sender_lines=["Cardiff and Vale University Health Board"],
        recipient_lines=["Cardiff Council"],
        date_text="25 November 2026",
        reference_lines=["Our reference: S164-2026-000001"],
        subject="Decision not to comply",
        salutation="Dear colleague,",
        paragraphs=["First paragraph.", "Second & final."],
        closing="Yours sincerely,",
        signer_lines=["A Person", "Information governance lead"],
    )
    text = _all_text(_reopen(doc))
    for expected in ("Cardiff Council", "S164-2026-000001", "Second & final.", "A Person"):
        assert expected in text
