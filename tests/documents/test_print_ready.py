"""Print-ready pages: A4 and its margins on every document, the contents entries, file
properties, the marking in the document's language, the letter's closing kept with its
signature, and two languages side by side."""

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from isp_manager.documents import (
    add_heading,
    add_letter,
    add_side_by_side,
    add_text,
    add_toc,
    contents_entries,
    document_bytes,
    new_document,
)
from isp_manager.documents.layout import document_language, marking_for, page_label
from isp_manager.errors import InvalidInput


def _reopen(doc) -> Document:
    return Document(io.BytesIO(document_bytes(doc)))


def assert_a4(doc) -> None:
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.left_margin.cm, 2) == round(section.right_margin.cm, 2) == 2.2
        assert round(section.top_margin.cm, 2) == round(section.bottom_margin.cm, 2) == 2.5


def contents_texts(doc) -> list[str]:
    """The entries of the contents page as a reader sees them."""
    return [p.text.strip() for p in doc.paragraphs if re.fullmatch(r"toc \d", p.style.name)]


def test_every_document_is_a4_with_the_services_margins():
    assert_a4(_reopen(new_document(title="T")))


def test_a_letterheads_us_letter_pages_become_a4(tmp_path):
    letterhead = Document()
    letterhead.sections[0].page_width = Mm(216)
    letterhead.sections[0].page_height = Mm(279)
    letterhead.sections[0].left_margin = Cm(0.5)  # not sensible: the service's are used
    path = tmp_path / "letterhead.docx"
    letterhead.save(path)
    assert_a4(_reopen(new_document(title="T", base_template=path)))


def test_file_properties_name_the_organisation_not_the_library():
    doc = _reopen(
        new_document(title="Title", author="Cardiff Council", subject="ISP", language="cy")
    )
    properties = doc.core_properties
    assert (properties.title, properties.author, properties.subject) == (
        "Title",
        "Cardiff Council",
        "ISP",
    )
    assert properties.language == "cy-GB"
    assert properties.last_modified_by == "Cardiff Council"
    assert "python-docx" not in (properties.author, properties.last_modified_by)
    assert "python-docx" not in properties.comments
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "cy-GB"


def test_a_title_or_subject_longer_than_a_file_property_holds_is_shortened_at_a_word():
    # a 300-character agreement title, or a Welsh and English subject, is longer than the
    # 255 characters a .docx property holds: the document is still written
    title = ("Rhannu gwybodaeth am blant " * 12)[:300]
    doc = _reopen(new_document(title=title, subject="Subject / Pwnc " * 30, language="bilingual"))
    properties = doc.core_properties
    for value in (properties.title, properties.subject):
        assert len(value) <= 255 and value.endswith("\u2026")
        assert value[:-1] == value[:-1].rstrip() and " ".join(value[:-1].split()) == value[:-1]
    assert title.startswith(properties.title[:-1])
    assert properties.title[:-1].endswith(("Rhannu", "gwybodaeth", "am", "blant"))


@pytest.mark.parametrize(
    ("marking", "language", "shown"),
    [
        ("OFFICIAL", "en", "OFFICIAL"),
        ("OFFICIAL", "cy", "SWYDDOGOL"),
        ("OFFICIAL-SENSITIVE", "cy", "SWYDDOGOL-SENSITIF"),
        ("OFFICIAL-SENSITIVE", "bilingual", "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE"),
    ],
)
def test_the_marking_is_in_the_documents_language(marking, language, shown):
    assert marking_for(marking, language) == shown
    doc = _reopen(new_document(title="T", marking=marking, language=language))
    header = [p.text for p in doc.sections[0].header.paragraphs]
    footer = [p.text for p in doc.sections[0].footer.paragraphs]
    assert header[0] == shown and footer[-1] == shown


def test_contents_lists_each_heading_after_it_with_a_page_number_field():
    doc = new_document(title="T")
    add_heading(doc, "Before the contents", 1)
    add_toc(doc, "Contents")
    headings = [("Introduction", 1), ("Purpose", 2), ("Detail", 3), ("Appendix A", 1)]
    for text, level in headings:
        add_heading(doc, text, level)
        add_text(doc, "Body text.")
    assert contents_entries(doc) == [(1, "Introduction"), (2, "Purpose"), (1, "Appendix A")]
    reopened = _reopen(doc)
    assert contents_texts(reopened) == ["Introduction", "Purpose", "Appendix A"]
    assert [p.text for p in reopened.paragraphs if p.style.name == "TOC Heading"] == ["Contents"]
    body = reopened.element.body
    refs = [i.text.split()[1] for i in body.iter(qn("w:instrText")) if "PAGEREF" in i.text]
    marks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    assert refs == marks and len(refs) == 3
    text = "\n".join(p.text for p in reopened.paragraphs)
    assert "Word fills in" not in text and "when the document is opened" not in text


def test_letter_closing_and_signature_stay_together_on_one_page():
    doc = new_document(title="Letter")
    add_letter(
        doc,
        sender_lines=["Body"],
        recipient_lines=["Council"],
        date_text="5 January 2027",
        reference_lines=["Ref"],
        subject="Subject",
        salutation="Dear colleague",
        paragraphs=["Long text. " * 200],
        closing="Yours sincerely",
        signer_lines=["Huw Health", "Head of Information Governance", "Health Board"],
    )
    paragraphs = _reopen(doc).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Yours sincerely")
    block = paragraphs[start:]
    assert [p.text for p in block][-3:] == [
        "Huw Health",
        "Head of Information Governance",
        "Health Board",
    ]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert all(p.paragraph_format.keep_together for p in block)


def test_side_by_side_puts_two_columns_on_half_the_page_each():
    doc = new_document(title="T")
    welsh, english = add_side_by_side(doc)
    welsh.add_paragraph("Cymraeg")
    english.add_paragraph("English")
    table = _reopen(doc).tables[0]
    assert [c.text.strip() for c in table.rows[0].cells] == ["Cymraeg", "English"]
    assert [round(c.width.cm, 2) for c in table.rows[0].cells] == [8.25, 8.25]


@pytest.mark.parametrize("value", ["fr", "EN", "both", "cy-GB", "<b>"])
def test_a_language_that_is_not_offered_is_refused_naming_the_field(app, value):
    with app.test_request_context(), pytest.raises(InvalidInput) as refused:
        document_language(value)
    assert list(refused.value.field_errors()) == ["language"]


def test_no_language_asked_for_is_the_readers(app):
    with app.test_request_context(headers={"Accept-Language": "cy"}):
        assert document_language(None) == "cy"
        assert document_language("bilingual") == "bilingual"


def test_bilingual_page_label_gives_both_welsh_first(app):
    with app.test_request_context():
        assert page_label("bilingual") == "Tudalen / Page {page} o / of {pages}"


# ----------------------------------------------------------------- pages and rows


def _break_only(paragraph) -> bool:
    runs = paragraph._p.findall(qn("w:r"))
    return (
        not paragraph.text.strip()
        and len(runs) == 1
        and runs[0].find(qn("w:br")) is not None
        and runs[0].find(qn("w:br")).get(qn("w:type")) == "page"
    )


def test_a_page_break_is_kept_on_the_paragraph_after_it_so_no_page_is_left_empty():
    """A paragraph holding only a page break that falls at the top of a page (the page
    before filled to its last line) would leave that page empty: the break is made "page
    break before" of the next paragraph instead."""
    from isp_manager.documents import add_page_break

    doc = new_document(title="Breaks", version_label="V1 Draft", marking="OFFICIAL")
    add_text(doc, "The contents, to the last line of the page.")
    add_page_break(doc)
    add_heading(doc, "1. Introduction")
    reopened = _reopen(doc)
    assert not any(_break_only(p) for p in reopened.paragraphs)
    heading = next(p for p in reopened.paragraphs if p.text == "1. Introduction")
    assert heading.paragraph_format.page_break_before is True
    before = next(p for p in reopened.paragraphs if p.text.startswith("The contents"))
    assert not before.paragraph_format.page_break_before


def test_a_page_break_before_a_table_stays_a_break():
    from isp_manager.documents import add_page_break, add_table

    doc = new_document(title="Breaks", version_label="V1 Draft", marking="OFFICIAL")
    add_text(doc, "Before")
    add_page_break(doc)
    add_table(doc, ["A", "B"], [("1", "2")])
    reopened = _reopen(doc)
    assert sum(_break_only(p) for p in reopened.paragraphs) == 1


def test_no_row_of_a_table_is_split_across_two_pages():
    """A signature block, a data item: each row of a table stays on one page."""
    from isp_manager.documents import add_long_table, add_table

    doc = new_document(title="Rows", version_label="V1 Draft", marking="OFFICIAL")
    add_table(doc, ["Organisation", "Signature"], [("Cardiff Council", "Signed\nby Ann")])
    add_long_table(doc, ["Organisation", "Signature"], [(f"Body {n}", "x\ny") for n in range(30)])
    reopened = _reopen(doc)
    for table in reopened.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        # the header row goes with the first row to the next page, never alone
        assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in table.rows[0].cells)


def test_the_empty_lines_before_a_page_break_are_dropped():
    """The line after a table, before a new page: were the page above full, it would spill
    onto a page of its own and leave it empty."""
    from isp_manager.documents import add_page_break, add_table

    doc = new_document(title="Breaks", version_label="V1 Draft", marking="OFFICIAL")
    add_table(doc, ["A", "B"], [("1", "2")])
    doc.add_paragraph()
    add_page_break(doc)
    add_heading(doc, "Appendix A: Parties")
    body = _reopen(doc).element.body
    table = body.find(qn("w:tbl"))
    heading = table.getnext()
    assert "".join(t.text for t in heading.iter(qn("w:t"))) == "Appendix A: Parties"
    assert heading.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
