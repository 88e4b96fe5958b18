"""Word documents built from a few blocks: an A4 document with header and footer (title,
version, page X of Y, protective marking in the document's language) and file properties, a
cover page, a contents page listing the headings (written out, with page numbers that Word and
LibreOffice fill in), headings, text, tables, two languages side by side and a letter
layout whose closing and signature stay together. Text comes out exactly as entered: python-docx
escapes XML, and clean_text() removes only the control characters XML cannot hold.
"""

from __future__ import annotations

import io
import re
import weakref
from collections.abc import Iterable, Sequence
from copy import deepcopy
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from .layout import (
    BILINGUAL,
    SIDE_BY_SIDE,
    current_language,
    marking_for,
    set_properties,
    set_up_pages,
    writing_in,
)

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
    base_template: Path | BinaryIO | None = None,
    page_label: str = "Page {page} of {pages}",
    language: str | None = None,
    author: str = "",
    subject: str = "",
) -> Document:
    """An A4 document with the service's styles, a header and footer on every page, and its
    file properties (title, author: the organisation it comes from, subject, language).

    `language` (en, cy or bilingual; the reader's when not given) sets the language of the
    protective marking and the one spelling is checked in. `base_template` is an
    organisation's letterhead .docx: its header, footer and styles are kept, and the content
    is appended to its body.
    """
    language = language or current_language()
    marking = marking_for(marking, language)
    if base_template is None:
        doc = Document()
    else:
        doc = Document(str(base_template) if isinstance(base_template, Path) else base_template)
    _set_base_styles(doc)
    set_up_pages(doc, keep_letterhead_margins=base_template is not None)
    section = doc.sections[0]
    if base_template is None:
        _write_header(section, title, marking)
        _write_footer(section, title, version_label, marking, page_label)
    else:
        _add_marking_line(section.header, marking)
    set_properties(
        doc,
        title=clean_text(title),
        author=clean_text(author),
        subject=clean_text(subject),
        language=language,
    )
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
    if "TOC Heading" in (s.name for s in doc.styles):
        contents = doc.styles["TOC Heading"]
        contents.font.name, contents.font.size, contents.font.bold = FONT, Pt(16), True
        contents.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)


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


_CONTENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
CONTENTS_TAB = Cm(16.5)  # the right edge of the text on A4 with the service's margins


def add_toc(doc: Document, heading: str = "Contents", levels: int = 2) -> None:
    """A contents page: its heading, then (when the document is saved) one entry for each
    heading of levels 1 to `levels` after it, written out so that every reader shows them,
    each with a PAGEREF field to its heading that Word and LibreOffice number as they lay the
    pages out. (Inside a TOC field LibreOffice would show the entries without numbers.)"""
    if "TOC Heading" in (s.name for s in doc.styles):
        _add_styled_paragraph(doc, clean_text(heading), "TOC Heading")
    else:
        _add_styled_paragraph(doc, clean_text(heading), "Heading 1")
    marker = doc.add_paragraph()
    _CONTENTS[doc.part] = (marker._p, levels)
    settings = doc.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.append(update)
    update.set(qn("w:val"), "true")


def contents_entries(doc: Document) -> list[tuple[int, str]]:
    """(level, text) of each heading the contents lists, in order."""
    pending = _CONTENTS.get(doc.part)
    if pending is None:
        return []
    return [(level, text) for level, text, _p in _headings_after(doc, *pending)]


def _headings_after(doc: Document, marker, levels: int):
    ids = {}
    for level in range(1, levels + 1):
        try:
            ids[doc.part.get_style_id(f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)] = level
        except KeyError:
            continue
    style_tag, val = qn("w:pStyle"), qn("w:val")
    found = False
    for element in doc.element.body.iterchildren(qn("w:p")):
        if element is marker:
            found = True
            continue
        if not found or element.pPr is None:
            continue
        style = element.pPr.find(style_tag)
        level = ids.get(style.get(val)) if style is not None else None
        if level is not None:
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if text.strip():
                yield level, text, element


def _finish_contents(doc: Document) -> None:
    """Write the contents entries in place of the marker add_toc left (once); Word updates
    the page numbers when the document opens."""
    pending = _CONTENTS.pop(doc.part, None)
    if pending is None:
        return
    marker, levels = pending
    styles = [_entry_style(doc, level) for level in range(1, levels + 1)]
    entries = []
    for index, (level, text, heading) in enumerate(_headings_after(doc, marker, levels), 1):
        bookmark = f"_Toc{index:06d}"
        _bookmark(heading, bookmark, index)
        entries.append(_contents_entry(styles[level - 1], text, bookmark))
    for entry in reversed(entries):
        marker.addnext(entry)
    marker.getparent().remove(marker)


def _entry_style(doc: Document, level: int) -> str:
    name = f"toc {level}"
    if name not in (s.name for s in doc.styles):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.tab_stops.add_tab_stop(
            CONTENTS_TAB, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
    return doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)


def _contents_entry(style_id: str, text: str, bookmark: str):
    paragraph = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    properties.append(style)
    paragraph.append(properties)
    paragraph.append(_text_run(text))
    tab_run = OxmlElement("w:r")
    tab_run.append(OxmlElement("w:tab"))
    paragraph.append(tab_run)
    for element in _field_chars("begin", f" PAGEREF {bookmark} \\h ", "separate"):
        paragraph.append(element)
    end = OxmlElement("w:r")
    end_char = OxmlElement("w:fldChar")
    end_char.set(qn("w:fldCharType"), "end")
    end.append(end_char)
    paragraph.append(end)
    return paragraph


def _text_run(text: str):
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


def _field_chars(begin: str, instruction: str, separate: str) -> list:
    """Runs opening a field: its begin, its instruction and its separator."""
    runs = []
    for kind, text in ((begin, None), (None, instruction), (separate, None)):
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run.append(instr)
        runs.append(run)
    return runs


def _bookmark(paragraph, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    properties = paragraph.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


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
    """What follows starts a new page. (When the document is saved, the break becomes "page
    break before" on the next paragraph: a paragraph holding only a break that falls at the
    top of a page, after a page filled to its last line, would leave that page empty.)"""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _breaks_before_next(doc: Document) -> None:
    """Turn each paragraph that holds only a page break into "page break before" on the
    paragraph after it (see add_page_break); one followed by a table stays as it is."""
    p_tag, r_tag, br_tag, type_attr = qn("w:p"), qn("w:r"), qn("w:br"), qn("w:type")
    for paragraph in list(doc.element.body.iterchildren(p_tag)):
        runs = paragraph.findall(r_tag)
        breaks = paragraph.findall(f"{r_tag}/{br_tag}")
        if len(runs) != 1 or len(breaks) != 1 or breaks[0].get(type_attr) != "page":
            continue
        if len(runs[0]) != 1 or "".join(paragraph.itertext()).strip():
            continue
        following = paragraph.getnext()
        if following is None or following.tag != p_tag:
            continue
        Paragraph(following, doc._body).paragraph_format.page_break_before = True
        # The empty lines before the break (the space after a table) would spill onto a page
        # of their own when the page above is full.
        previous = paragraph.getprevious()
        while previous is not None and _is_blank_line(previous):
            blank, previous = previous, previous.getprevious()
            blank.getparent().remove(blank)
        paragraph.getparent().remove(paragraph)


def _is_blank_line(element) -> bool:
    """An empty paragraph with nothing in it but its properties."""
    if element.tag != qn("w:p") or "".join(element.itertext()).strip():
        return False
    return all(child.tag == qn("w:pPr") for child in element) and (
        element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None
    )


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


def _keep_row_whole(tr) -> None:
    """A row is never split across two pages (a signature block, a data item's row)."""
    properties = tr.get_or_add_trPr()
    if properties.find(qn("w:cantSplit")) is None:
        properties.insert(0, OxmlElement("w:cantSplit"))


def add_table(
    doc: Document,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths_cm: Sequence[float] | None = None,
    empty: str = "",
) -> None:
    """A grid table with a bold, shaded header row repeated on every page; no row is split
    across two pages."""
    rows = [list(r) for r in rows]
    widths_cm = _fit_widths(doc, widths_cm)
    table = doc.add_table(rows=1 + max(len(rows), 1 if empty else 0), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_as_header(head)
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean_text(text)).bold = True
        # the header goes to the next page with the first row, never alone at a page's foot
        cell.paragraphs[0].paragraph_format.keep_with_next = True
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
    for row in table.rows:
        _keep_row_whole(row._tr)
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
    widths_cm = _fit_widths(doc, widths_cm)
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
    tr_pr_tag, cant_split_tag = qn("w:trPr"), qn("w:cantSplit")
    for values in rows:
        if len(values) != len(header):
            raise ValueError(f"a row has {len(values)} values for {len(header)} columns")
        tr = etree.SubElement(tbl, tr_tag)
        etree.SubElement(etree.SubElement(tr, tr_pr_tag), cant_split_tag)
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
    key_width, value_width = _fit_widths(doc, (5, 11))
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (key, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = ""
        row.cells[0].paragraphs[0].add_run(clean_text(key)).bold = True
        _shade(row.cells[0], "E8E8E8")
        row.cells[1].text = clean_text(value)
        row.cells[0].width = Cm(key_width)
        row.cells[1].width = Cm(value_width)
    doc.add_paragraph()


SIDE_BY_SIDE_WIDTH = 8.25  # cm: half the text width of A4 with the service's margins


def _fit_widths(container, widths_cm):
    """Column widths drawn for the full page, narrowed to fit when the table is written
    inside one column of a side-by-side table."""
    if not widths_cm or not isinstance(container, _Cell):
        return widths_cm
    room = SIDE_BY_SIDE_WIDTH - 0.4
    total = sum(widths_cm)
    return tuple(w * room / total for w in widths_cm) if total > room else tuple(widths_cm)


def add_side_by_side(doc: Document, count: int = 2) -> list[_Cell]:
    """A borderless table of `count` columns, one per language, to write each in (the
    blocks above take a cell where they take a document)."""
    table = doc.add_table(rows=1, cols=count)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Cm(SIDE_BY_SIDE_WIDTH * 2 / count)
    for col in table._tbl.tblGrid.findall(qn("w:gridCol")):
        col.set(qn("w:w"), str(width.twips))
    cells = list(table.rows[0].cells)
    for cell in cells:
        cell.width = width
    doc.add_paragraph()
    return cells


def add_in_language(doc: Document, language: str, write) -> None:
    """write(where, locale) once for a one-language document; for a bilingual one, in Welsh
    and in English side by side, Welsh first, as Welsh public bodies publish.

    Side by side, the text is laid out one row per sub-heading (so that a page break falls
    between rows, never leaving a heading alone on a page), and a table of WIDE_TABLE_COLUMNS
    columns or more, too wide for half a page, is written across the page: the Welsh table, then the
    English one."""
    if language != BILINGUAL:
        with writing_in(language):
            write(doc, language)
        return
    cells = add_side_by_side(doc)
    for cell, locale in zip(cells, SIDE_BY_SIDE, strict=True):
        with writing_in(locale):
            write(cell, locale)
        tidy_cell(cell)
        _release_headings(cell)
    if isinstance(doc, _Cell):
        return
    _lay_out_side_by_side(cells)


WIDE_TABLE_COLUMNS = 3  # a table this wide is written across the page in a bilingual document
FULL_WIDTH = Cm(16.5)
_SUBHEADING_STYLES = ("Heading2", "Heading3")


def _is_wide_table(element) -> bool:
    return (
        element.tag == qn("w:tbl")
        and len(element.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")) >= WIDE_TABLE_COLUMNS
    )


def _is_subheading(element) -> bool:
    if element.tag != qn("w:p"):
        return False
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style is not None and style.get(qn("w:val")) in _SUBHEADING_STYLES


def _segments(tc) -> list[tuple[str, list]]:
    """A cell's content as ("text", elements) runs, split before each sub-heading, and
    ("wide", [table]) for each wide table."""
    segments: list[tuple[str, list]] = []
    for child in tc:
        if child.tag == qn("w:tcPr"):
            continue
        if _is_wide_table(child):
            segments.append(("wide", [child]))
        elif not segments or segments[-1][0] == "wide" or _is_subheading(child):
            segments.append(("text", [child]))
        else:
            segments[-1][1].append(child)
    return segments


def _release_headings(cell: _Cell) -> None:
    """A heading in a side-by-side cell is not "kept with next": its text is beside it in the
    same row, and LibreOffice moves a row holding such paragraphs whole to the next page,
    leaving the section's heading alone at the foot of the last."""
    for paragraph in cell.paragraphs:
        if paragraph.paragraph_format.keep_with_next is None and paragraph.style.name.startswith(
            "Heading"
        ):
            paragraph.paragraph_format.keep_with_next = False


def _has_content(element) -> bool:
    return element.tag != qn("w:p") or bool("".join(element.itertext()).strip())


def _widen(tbl) -> None:
    """A table fitted to half the page, widened back to the whole width."""
    grid = tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
    total = sum(int(col.get(qn("w:w"), "0")) for col in grid)
    if not total:
        return
    scale = FULL_WIDTH.twips / total
    for col in grid:
        col.set(qn("w:w"), str(round(int(col.get(qn("w:w"))) * scale)))
    for width in tbl.iter(qn("w:tcW")):
        if width.get(qn("w:type")) == "dxa":
            width.set(qn("w:w"), str(round(int(width.get(qn("w:w"))) * scale)))


def _lay_out_side_by_side(cells: list[_Cell]) -> None:
    """Rebuild the one-row side-by-side table as rows of text and wide tables between them
    (see add_in_language). Left as it is if the two languages do not have the same shape."""
    welsh, english = (_segments(cell._tc) for cell in cells)
    if [k for k, _ in welsh] != [k for k, _ in english] or len(welsh) < 2:
        return
    row = cells[0]._tc.getparent()
    layout = row.getparent()
    cell_properties = [deepcopy(cell._tc.tcPr) for cell in cells]
    empty_layout = deepcopy(layout)
    for tr in empty_layout.findall(qn("w:tr")):
        empty_layout.remove(tr)
    layout.remove(row)
    current, anchor = layout, layout
    for (kind, cy_elements), (_kind, en_elements) in zip(welsh, english, strict=True):
        if kind == "wide":
            for element in (*cy_elements, *en_elements):
                _widen(element)
                anchor.addnext(element)
                spacer = OxmlElement("w:p")
                element.addnext(spacer)
                anchor = spacer
            current = None
            continue
        if not any(_has_content(e) for e in (*cy_elements, *en_elements)):
            continue
        if current is None:
            current = deepcopy(empty_layout)
            anchor.addnext(current)
            anchor = current
        tr = OxmlElement("w:tr")
        for properties, elements in zip(cell_properties, (cy_elements, en_elements), strict=True):
            tc = OxmlElement("w:tc")
            if properties is not None:
                tc.append(deepcopy(properties))
            for element in elements:
                tc.append(element)
            if tc[-1].tag != qn("w:p"):
                tc.append(OxmlElement("w:p"))
            tr.append(tc)
        current.append(tr)
    if not layout.findall(qn("w:tr")):
        layout.getparent().remove(layout)


def tidy_cell(cell: _Cell) -> None:
    """Drop the empty paragraph a new cell starts with, once something else is in it."""
    first = cell._tc.find(qn("w:p"))
    if first is not None and len(cell._tc) > 2 and not "".join(first.itertext()).strip():
        cell._tc.remove(first)


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
    add_letter_body(
        doc,
        sender_lines=sender_lines,
        recipient_lines=recipient_lines,
        date_text=date_text,
        reference_lines=reference_lines,
        subject=subject,
        salutation=salutation,
        paragraphs=paragraphs,
    )
    doc.add_paragraph()
    add_letter_closing(doc, closing, signer_lines)


def add_letter_body(
    doc: Document,
    *,
    sender_lines: Sequence[str],
    recipient_lines: Sequence[str],
    date_text: str,
    reference_lines: Sequence[str],
    subject: str,
    salutation: str,
    paragraphs: Sequence[str],
) -> None:
    """A letter up to its closing: sender (right), recipient, date, references, salutation,
    subject and the paragraphs."""
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


def add_letter_closing(doc: Document, closing: str, signer_lines: Sequence[str]) -> None:
    """The closing and the signature block, one unit that is never split across a page."""
    block = [doc.add_paragraph(clean_text(closing)), doc.add_paragraph()]
    for line in signer_lines:
        block.append(doc.add_paragraph(clean_text(line)))
        block[-1].paragraph_format.space_after = Pt(0)
    for paragraph in block:
        paragraph.paragraph_format.keep_together = True
        paragraph.paragraph_format.keep_with_next = paragraph is not block[-1]


def add_letter_in(doc: Document, language: str, compose) -> None:
    """A letter in the document's language: compose(locale) gives add_letter's parts in that
    language. A bilingual letter is the Welsh and the English letter side by side, Welsh
    first; the closings and signatures of both sit in a last row that Word and LibreOffice
    never break across a page, kept with the end of the letter above it."""
    if language != BILINGUAL:
        with writing_in(language):
            add_letter(doc, **compose(language))
        return
    parts = {}
    for locale in SIDE_BY_SIDE:
        with writing_in(locale):
            parts[locale] = compose(locale)
    body_cells = add_side_by_side(doc)
    for cell, locale in zip(body_cells, SIDE_BY_SIDE, strict=True):
        letter = dict(parts[locale])
        parts[locale] = (letter.pop("closing"), letter.pop("signer_lines"))
        add_letter_body(cell, **letter)
        tidy_cell(cell)
        cell.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    closing_cells = add_side_by_side(doc)
    row = closing_cells[0]._tc.getparent()
    row.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, locale in zip(closing_cells, SIDE_BY_SIDE, strict=True):
        add_letter_closing(cell, *parts[locale])
        tidy_cell(cell)


def document_bytes(doc: Document) -> bytes:
    _finish_contents(doc)
    _breaks_before_next(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
