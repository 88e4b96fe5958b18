"""Word documents built from a few blocks: a document with header and footer (title, version,
page X of Y, protective marking), a cover page, a contents field Word fills on opening,
headings, text, tables and a letter layout. Text comes out exactly as entered: python-docx
escapes XML, and clean_text() removes only the control characters XML cannot hold.
"""

from __future__ import annotations

import io
import re
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

FONT = "Arial"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value) -> str:
    """The text as entered, less the control characters that XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


def new_document(
    *,
    title: str,
    version_label: str = "",
    marking: str = "OFFICIAL",
    base_template: Path | None = None,
    page_label: str = "Page {page} of {pages}",
) -> Document:
    """A document with the service's styles and a header and footer on every page.

    `base_template` is an organisation's letterhead .docx: its header, footer and styles
    are kept, and the content is appended to its body.
    """
    doc = Document(str(base_template)) if base_template else Document()
    _set_base_styles(doc)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    if base_template is None:
        _write_header(section, title, marking)
        _write_footer(section, title, version_label, marking, page_label)
    else:
        _add_marking_line(section.header, marking)
    doc.core_properties.title = clean_text(title)
    return doc


def _set_base_styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for level, size in ((1, 16), (2, 13), (3, 12)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)


def _add_marking_line(part, marking: str) -> None:
    if not marking:
        return
    paragraph = part.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean_text(marking))
    run.bold = True


def _write_header(section, title: str, marking: str) -> None:
    header = section.header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean_text(marking))
    run.bold = True
    sub = header.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sub.add_run(clean_text(title)).font.size = Pt(9)


def _write_footer(section, title: str, version_label: str, marking: str, page_label: str) -> None:
    footer = section.footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = " – ".join(p for p in (clean_text(title), clean_text(version_label)) if p)
    paragraph.add_run(f"{lead}   ").font.size = Pt(9)
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    paragraph.add_run(before).font.size = Pt(9)
    _add_field(paragraph, "PAGE")
    paragraph.add_run(middle).font.size = Pt(9)
    _add_field(paragraph, "NUMPAGES")
    if after:
        paragraph.add_run(after).font.size = Pt(9)
    _add_marking_line(footer, marking)


def _add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, TOC ...) that Word computes when it lays out the page."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def add_toc(doc: Document, heading: str = "Contents", placeholder: str = "") -> None:
    """A table of contents field, refreshed by Word when the document is opened."""
    doc.add_paragraph(clean_text(heading), style="Heading 1")
    paragraph = doc.add_paragraph()
    _add_field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', placeholder or heading)
    settings = doc.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.append(update)
    update.set(qn("w:val"), "true")


def add_cover_page(
    doc: Document, title: str, details: Sequence[tuple[str, str]], subtitle: str = ""
) -> None:
    """Title, optional subtitle and a two-column details table, then a page break."""
    for _ in range(3):
        doc.add_paragraph()
    heading = doc.add_paragraph(style="Title")
    heading.add_run(clean_text(title))
    if subtitle:
        doc.add_paragraph(clean_text(subtitle), style="Subtitle")
    add_key_value_table(doc, details)
    add_page_break(doc)


def add_page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


_STYLE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _add_styled_paragraph(doc: Document, text: str, style: str | None):
    """doc.add_paragraph(text, style), with the style's id looked up once per document
    (python-docx searches every style on each lookup, which long documents feel)."""
    paragraph = doc.add_paragraph(text)
    if style is not None:
        ids = _STYLE_IDS.setdefault(doc.part, {})
        if style not in ids:
            ids[style] = doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = ids[style]
    return paragraph


def add_heading(doc: Document, text: str, level: int = 1, number: str | None = None) -> None:
    label = f"{number} {text}" if number else text
    _add_styled_paragraph(doc, clean_text(label), f"Heading {level}")


def add_text(doc: Document, text: str | None, *, style: str | None = None, empty: str = "") -> None:
    """One paragraph per line of the text, exactly as entered."""
    body = clean_text(text).strip("\n") or empty
    for line in body.split("\n"):
        _add_styled_paragraph(doc, line, style)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def add_table(
    doc: Document,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths_cm: Sequence[float] | None = None,
    empty: str = "",
) -> None:
    """A grid table with a bold, shaded header row repeated on every page."""
    rows = [list(r) for r in rows]
    table = doc.add_table(rows=1 + max(len(rows), 1 if empty else 0), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_as_header(head)
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean_text(text)).bold = True
        _shade(cell, "E8E8E8")
    if not rows and empty:
        merged = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        merged.text = clean_text(empty)
    for row, values in zip(table.rows[1:], rows, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = clean_text(value)
    if widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)
    doc.add_paragraph()


def add_long_table(
    doc: Document,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths_cm: Sequence[float] | None = None,
    empty: str = "",
) -> None:
    """A table like add_table whose body rows are written straight as XML, so that hundreds
    of rows take milliseconds. Each line of a value becomes a paragraph of its cell."""
    rows = [list(r) for r in rows]
    if not rows:
        add_table(doc, header, [], widths_cm=widths_cm, empty=empty)
        return
    add_table(doc, header, [], widths_cm=widths_cm)
    table = doc.tables[-1]
    tbl = table._tbl
    widths = [str(Cm(w).twips) for w in widths_cm] if widths_cm else None
    if widths:
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), width)
    tr_tag, tc_tag, p_tag, r_tag, t_tag = (qn(f"w:{t}") for t in ("tr", "tc", "p", "r", "t"))
    tcpr_tag, tcw_tag, w_attr, type_attr = (qn(f"w:{t}") for t in ("tcPr", "tcW", "w", "type"))
    space_attr = qn("xml:space")
    for values in rows:
        if len(values) != len(header):
            raise ValueError(f"a row has {len(values)} values for {len(header)} columns")
        tr = etree.SubElement(tbl, tr_tag)
        for index, value in enumerate(values):
            tc = etree.SubElement(tr, tc_tag)
            if widths:
                tc_width = etree.SubElement(etree.SubElement(tc, tcpr_tag), tcw_tag)
                tc_width.set(w_attr, widths[index])
                tc_width.set(type_attr, "dxa")
            text = clean_text(value).replace("\r\n", "\n").replace("\r", "\n")
            for line in text.split("\n"):
                paragraph = etree.SubElement(tc, p_tag)
                if line:
                    run_text = etree.SubElement(etree.SubElement(paragraph, r_tag), t_tag)
                    run_text.text = line
                    run_text.set(space_attr, "preserve")


def add_key_value_table(doc: Document, rows: Sequence[tuple[str, str]]) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (key, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = ""
        row.cells[0].paragraphs[0].add_run(clean_text(key)).bold = True
        _shade(row.cells[0], "E8E8E8")
        row.cells[1].text = clean_text(value)
        row.cells[0].width = Cm(5)
        row.cells[1].width = Cm(11)
    doc.add_paragraph()


def add_letter(
    doc: Document,
    *,
    sender_lines: Sequence[str],
    recipient_lines: Sequence[str],
    date_text: str,
    reference_lines: Sequence[str],
    subject: str,
    salutation: str,
    paragraphs: Sequence[str],
    closing: str,
    signer_lines: Sequence[str],
) -> None:
    """A business letter: sender block (right), recipient, date and references, subject,
    body, closing and signature block. The closing and the signature are kept together on
    one page (Word's "keep with next" on each of their lines but the last)."""
    for line in sender_lines:
        p = doc.add_paragraph(clean_text(line))
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    for line in recipient_lines:
        doc.add_paragraph(clean_text(line)).paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    doc.add_paragraph(clean_text(date_text))
    for line in reference_lines:
        doc.add_paragraph(clean_text(line)).paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    doc.add_paragraph(clean_text(salutation))
    subject_paragraph = doc.add_paragraph()
    subject_paragraph.add_run(clean_text(subject)).bold = True
    for text in paragraphs:
        add_text(doc, text)
    doc.add_paragraph()
    signature = [doc.add_paragraph(clean_text(closing)), doc.add_paragraph()]
    for line in signer_lines:
        signature.append(doc.add_paragraph(clean_text(line)))
        signature[-1].paragraph_format.space_after = Pt(0)
    for paragraph in signature:
        paragraph.paragraph_format.keep_together = True
    for paragraph in signature[:-1]:
        paragraph.paragraph_format.keep_with_next = True


def document_bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
