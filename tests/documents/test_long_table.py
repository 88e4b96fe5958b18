"""add_long_table (body rows written straight as XML) and the cached paragraph styles: the same
document as the python-docx calls would make, only faster."""

import io
import time

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from isp_manager.documents import (
    add_heading,
    add_long_table,
    add_table,
    add_text,
    document_bytes,
    new_document,
)

TRICKY = 'Rhannu & <diogelu> "plant" – ŵ ŷ â ê\'s  '


def _reopen(doc) -> Document:
    return Document(io.BytesIO(document_bytes(doc)))


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_rows_read_back_as_entered_with_lines_as_paragraphs():
    doc = new_document(title="T")
    add_long_table(
        doc,
        ["What", "How"],
        [[TRICKY, "Secure e-mail\nEncrypted"], ["Bell\x07", "a\r\nb\rc"]],
        widths_cm=(5, 11),
    )
    table = _reopen(doc).tables[0]
    assert _rows(table) == [
        ["What", "How"],
        [TRICKY, "Secure e-mail\nEncrypted"],
        ["Bell", "a\nb\nc"],
    ]
    assert [p.text for p in table.rows[1].cells[1].paragraphs] == ["Secure e-mail", "Encrypted"]
    assert table.style.name == "Table Grid"


def test_header_row_matches_add_table_and_repeats_on_each_page():
    doc = new_document(title="T")
    add_table(doc, ["A", "B"], [["1", "2"]])
    add_long_table(doc, ["A", "B"], [["1", "2"]])
    short, long = _reopen(doc).tables
    assert _rows(short) == _rows(long)
    for table in (short, long):
        header = table.rows[0]._tr
        assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert any(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)


def test_widths_are_set_on_the_grid_and_every_cell():
    doc = new_document(title="T")
    add_long_table(doc, ["A", "B"], [["1", "2"]], widths_cm=(4, 12))
    table = _reopen(doc).tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid == [Cm(4).twips, Cm(12).twips]
    assert [c.width.cm for c in table.rows[1].cells] == pytest.approx([4, 12], abs=0.01)


def test_no_rows_gives_the_empty_message_across_the_table():
    doc = new_document(title="T")
    add_long_table(doc, ["A", "B", "C"], [], empty="None recorded.")
    assert _rows(_reopen(doc).tables[0])[1] == ["None recorded."] * 3


def test_a_row_of_the_wrong_length_is_refused():
    doc = new_document(title="T")
    with pytest.raises(ValueError, match="2 values for 3 columns"):
        add_long_table(doc, ["A", "B", "C"], [["1", "2"]])


def test_five_hundred_rows_take_a_fraction_of_a_second():
    doc = new_document(title="T")
    rows = [[f"Item {n}", "Secure e-mail\nEncrypted", "Weekly", "Safeguarding"] for n in range(500)]
    started = time.process_time()
    add_long_table(doc, ["What", "How", "How often", "Why"], rows)
    assert time.process_time() - started < 0.5
    assert len(_reopen(doc).tables[0].rows) == 501


def test_headings_and_styled_text_keep_their_styles_in_every_document():
    for _ in range(2):  # style ids are looked up once per document, not shared between them
        doc = new_document(title="T")
        add_heading(doc, "Purpose", 1, number="1.")
        add_heading(doc, "Detail", 2)
        add_text(doc, "one\ntwo", style="List Bullet")
        add_text(doc, "plain")
        reopened = _reopen(doc)
        styles = [(p.text, p.style.name) for p in reopened.paragraphs]
        assert styles == [
            ("1. Purpose", "Heading 1"),
            ("Detail", "Heading 2"),
            ("one", "List Bullet"),
            ("two", "List Bullet"),
            ("plain", "Normal"),
        ]
