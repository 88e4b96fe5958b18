"""Importing an existing ISP or DDA from a Word document (.docx).

Three steps, each a named operation:
  check_upload(data)            refuse what is not a safe Word document, before parsing it
  start_import(data, ..., by)   parse it against a template and keep the result as a
                                PendingImport owned by the IG lead (nothing else is created)
  confirm_import(pending, ...)  create the draft from it, with the partners the lead confirmed

Mapping is driven by the template data: a heading matches a section by its number and its
heading in English or Welsh (case, punctuation and numbering styles such as "3.", "Section 3",
"3 -" ignored); sub-headings match fields by their labels. Whatever cannot be placed (a heading
the template does not have, a table nobody reads) is kept in the result and shown, never
dropped. A bilingual document (Welsh and English side by side) is read from its English column.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from lxml import etree

from ..accounts.services import SERVICE_ORG_CODE
from ..audit.services import record_event
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import catalogue as law_catalogue
from ..parties.models import Organisation
from ..parties.search import fold
from .access import can_start_protocol
from .models import KIND_RULES, PendingImport, ProtocolDataItem, ProtocolFlow, ProtocolKind
from .templates_data import ProtocolTemplate, TemplateSection, registry

MAX_UPLOAD = 8 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_MEMBER_SIZE = 50 * 1024 * 1024
MAX_TOTAL_SIZE = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_TEXT = 20_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _refuse(message: str):
    raise InvalidInput(errors={"file": [message]})


# ---------------------------------------------------------------- checking the file


def check_upload(data: bytes) -> zipfile.ZipFile:
    """The file as an open zip, if it is a Word document that is safe to read; otherwise
    InvalidInput on the field `file` saying what is wrong and what to do."""
    if not data:
        _refuse(_("Choose a Word document (.docx) to import"))
    if len(data) > MAX_UPLOAD:
        _refuse(_("The file must be 8 MB or smaller"))
    if data.startswith(OLE_MAGIC):
        _refuse(
            _(
                "The file is password-protected (encrypted) or an old Word 97-2003 .doc file: "
                "remove the password, save it as a Word document (.docx) and upload it again"
            )
        )
    not_word = _("The file must be a Word document (.docx): save it from Word as .docx")
    if not data.startswith(b"PK\x03\x04"):
        _refuse(not_word)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(not_word)
    _check_sizes(members)
    names = {m.filename for m in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        _refuse(not_word)
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and _has_doctype(archive, member):
            _refuse(_("The file contains XML that cannot be read safely: save it again from Word"))
    return archive


def _check_sizes(members) -> None:
    bomb = _(
        "The file expands to far more than a Word document does and cannot be read safely: "
        "save it again from Word"
    )
    if len(members) > MAX_MEMBERS:
        _refuse(bomb)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_MEMBER_SIZE or total > MAX_TOTAL_SIZE:
            _refuse(bomb)
        if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            _refuse(bomb)


def _has_doctype(archive: zipfile.ZipFile, member) -> bool:
    """A DOCTYPE can declare entities (billion laughs, external files): Word never writes one."""
    try:
        with archive.open(member) as handle:
            head = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        _refuse(_("The file must be a Word document (.docx): save it from Word as .docx"))
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


# ---------------------------------------------------------------- reading the body


@dataclass
class Block:
    kind: str  # heading, para, list, table
    text: str = ""
    level: int = 0
    rows: list | None = None
    element: object = None


def _text(element) -> str:
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(
            node.text or "" if node.tag == f"{W}t" else (" " if node.tag == f"{W}tab" else "\n")
        )
    return "".join(parts).strip()


def _cell_text(cell) -> str:
    lines = (_text(p) for p in cell.iter(f"{W}p"))
    return "\n".join(line for line in lines if line)


def _style(paragraph) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return (style.get(f"{W}val") or "") if style is not None else ""


def _blocks(parent) -> list[Block]:
    blocks = []
    for child in parent:
        if child.tag == f"{W}p":
            text = _text(child)
            if not text:
                continue
            style = _style(child).replace(" ", "").lower()
            if style.startswith("toc"):  # a contents entry repeats a heading
                continue
            match = re.match(r"(?:heading|pennawd)(\d)", style)
            if match:
                blocks.append(Block("heading", text, int(match.group(1))))
            elif style == "title":
                blocks.append(Block("heading", text, 0))
            elif "list" in style or child.find(f"{W}pPr/{W}numPr") is not None:
                blocks.append(Block("list", text))
            else:
                blocks.append(Block("para", text))
        elif child.tag == f"{W}tbl":
            rows = [
                [_cell_text(cell) for cell in row.findall(f"{W}tc")]
                for row in child.findall(f"{W}tr")
            ]
            blocks.append(Block("table", rows=rows, element=child))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                blocks.extend(_blocks(content))
    return blocks


def _cell_blocks(table_element, column: int) -> list[Block]:
    """The blocks of one column of a side-by-side table, row after row."""
    found = []
    for row in table_element.findall(f"{W}tr"):
        cells = row.findall(f"{W}tc")
        if len(cells) > column:
            found += _blocks(cells[column])
    return found


def _is_wide(block: Block) -> bool:
    """A table of the export's own grid too wide for half a page: in a bilingual export it
    is written across the page, the Welsh one and then the English one."""
    from ..documents.word import WIDE_TABLE_COLUMNS

    element = block.element
    columns = element.findall(f"{W}tblGrid/{W}gridCol")
    wide = len(columns) >= WIDE_TABLE_COLUMNS
    return wide and element.find(f"{W}tblPr/{W}tblStyle") is not None


def _english_blocks(blocks: list[Block]) -> list[Block]:
    """A bilingual section read in English: the English column of each side-by-side table
    (a table first after the heading, or two columns without a grid), and of each pair of
    wide tables, the English one."""
    found: list[Block] = []
    welsh_table_seen = False
    for index, block in enumerate(blocks):
        is_table = block.kind == "table" and block.element is not None
        if is_table and _is_wide(block):
            if welsh_table_seen:
                found.append(block)
            welsh_table_seen = not welsh_table_seen
            continue
        welsh_table_seen = False
        gridless = is_table and block.element.find(f"{W}tblPr/{W}tblStyle") is None
        if is_table and (index == 0 or gridless):
            found += _cell_blocks(block.element, 1)
        else:
            found.append(block)
    return found


# ---------------------------------------------------------------- headings


_NUMBERED = re.compile(
    r"^\s*(?:(section|adran|appendix|atodiad|part|rhan)\s+)?"
    r"([0-9]{1,2}|[a-z])(?:\.[0-9]+)*"
    r"(?:\s*[.):\u2013\u2014-]\s*|\s+)(.+)$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    text = fold(text).replace("&", " and ").replace("\u2019", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def split_heading(text: str) -> tuple[str | None, bool, str]:
    """(number, is_appendix, heading) from '3. Heading', 'Section 3 - Heading',
    'Appendix B: Heading', 'Atodiad B Heading'; the number is None when there is none."""
    match = _NUMBERED.match(text)
    if not match:
        return None, False, normalise(text)
    keyword, number, rest = match.groups()
    is_appendix = (keyword or "").lower() in ("appendix", "atodiad")
    if number.isalpha() and not is_appendix and not re.match(r"^\s*[a-z]\s*[.):]", text, re.I):
        return None, False, normalise(text)
    return number.upper(), is_appendix or number.isalpha(), normalise(rest)


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / max(len(words_a | words_b), 1)
    # a shortened heading ("8. Review") holds only words of the template's
    contained = 0.7 if words_a <= words_b or words_b <= words_a else 0.0
    return max(difflib.SequenceMatcher(None, a, b).ratio(), overlap, contained)


def match_section(template: ProtocolTemplate, text: str) -> TemplateSection | None:
    """The template section a heading names, by number and heading (English or Welsh)."""
    best, best_score = None, 0.0
    for part in text.split(" / ") if " / " in text else [text]:
        number, is_appendix, heading = split_heading(part)
        for section in template.sections:
            score = max(
                _similarity(heading, normalise(section.heading.en)),
                _similarity(heading, normalise(section.heading.cy)),
            )
            if number is not None and number == section.number.upper():
                if is_appendix == section.is_appendix or number.isalpha():
                    score += 0.35
            elif number is not None:
                score -= 0.2
            if score > best_score:
                best, best_score = section, score
    return best if best_score >= 0.8 else None


def _match_field(section: TemplateSection, text: str):
    _number, _appendix, heading = split_heading(text)
    best, best_score = None, 0.0
    for field in section.fields:
        for label in (field.label.en, field.label.cy):
            label = re.sub(r"\((optional|dewisol)\)", "", label, flags=re.I)
            score = _similarity(heading, normalise(label))
            if score > best_score:
                best, best_score = field, score
    return best if best_score >= 0.75 else None


# ---------------------------------------------------------------- dates


_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            "january february march april may june july august september october november december".split(),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            "ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr".split(),
            1,
        )
    },
}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items()) if len(name) > 3})
_DATE_WORDS = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|af|ed|ydd|fed)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{4})\b", re.I
)
_DATE_NUMBERS = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def find_uk_date(text: str) -> date | None:
    """The first date in the text: 3 March 2027, 3rd March 2027, 3 Mawrth 2027, 03/03/2027,
    3.3.2027 (day first, as in the UK) or 2027-03-03."""
    candidates = []
    for match in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(fold(match.group(2)))
        if month:
            candidates.append((match.start(), int(match.group(3)), month, int(match.group(1))))
    for match in _DATE_NUMBERS.finditer(text):
        candidates.append(
            (match.start(), int(match.group(3)), int(match.group(2)), int(match.group(1)))
        )
    for match in _DATE_ISO.finditer(text):
        candidates.append(
            (match.start(), int(match.group(1)), int(match.group(2)), int(match.group(3)))
        )
    for _start, year, month, day in sorted(candidates):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- partners


_ABBREVIATIONS = {
    "uhb": "university health board",
    "lhb": "local health board",
    "cbc": "county borough council",
    "cc": "county council",
    "bc": "borough council",
    "frs": "fire and rescue service",
    "nhs": "nhs",
    "bwrdd iechyd prifysgol": "university health board",
}
_STOP = {"the", "y", "yr", "r", "of", "limited", "ltd"}


def name_key(name: str) -> str:
    words = normalise(name).split()
    words = [w for w in words if w not in _STOP]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def match_partners(names: list[str]) -> list[dict]:
    """Each name with the register's organisation it names (exact after normalising, else the
    closest above a threshold, marked as a suggestion), or none."""
    organisations = db.session.execute(
        sa.select(Organisation.code, Organisation.name, Organisation.name_cy).where(
            Organisation.is_active.is_(True), Organisation.code != SERVICE_ORG_CODE
        )
    ).all()
    keys: dict[str, str] = {}
    for code, name, name_cy in organisations:
        for value in (name, name_cy):
            if value:
                keys.setdefault(name_key(value), code)
    result = []
    for name in names:
        key = name_key(name)
        code, exact = keys.get(key), True
        if code is None:
            close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.85)
            code, exact = (keys[close[0]], False) if close else (None, False)
        result.append({"name": name, "code": code, "exact": bool(code) and exact})
    return result


# ---------------------------------------------------------------- parsing


def _placeholders() -> set[str]:
    found = set()
    for locale in ("en", "cy"):
        with force_locale(locale):
            found |= {
                _("Not completed."),
                _("Not set."),
                *(rules.words.say("none_yet") for rules in KIND_RULES.values()),
                _("No data items have been listed."),
                _("No terms have been defined."),
                _("No information flows have been listed."),
            }
    return found


def _in_both(text) -> list[str]:
    """A lazily translated string as English and Welsh write it."""
    found = []
    for locale in ("en", "cy"):
        with force_locale(locale):
            found.append(str(text))
    return found


def _role_names() -> dict[str, str]:
    """Each partner role's label (English or Welsh, normalised) -> the role."""
    from .models import PARTNER_ROLE_LABELS

    return {
        normalise(label): role.value
        for role, text in PARTNER_ROLE_LABELS.items()
        for label in _in_both(text)
    }


def _pattern(text: str) -> re.Pattern:
    """A translated sentence with %(name)s placeholders as a pattern with named groups."""
    parts = re.split(r"%\((\w+)\)s", text)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(pattern, re.DOTALL)


class _OwnWords:
    """What the service writes itself in an export, in both languages: the tables' headers,
    the sentences around them, the words of a data item's lawful-basis cell. Read once per
    import."""

    def __init__(self):
        from . import export

        self.headers: dict[tuple, tuple[str, tuple[str, ...]]] = {}
        for kind, columns in (
            ("partners", export.PARTNER_COLUMNS),
            ("partners", export.PARTY_COLUMNS),
            ("data_items", export.DATA_ITEM_COLUMNS),
            ("flows", export.FLOW_COLUMNS),
            ("signatures", export.SIGNATURE_COLUMNS),
        ):
            keys = tuple(key for key, _label in columns)
            for locale in ("en", "cy"):
                with force_locale(locale):
                    header = tuple(normalise(str(label)) for _key, label in columns)
                self.headers[header] = (kind, keys)
        self.sentences = [
            _pattern(text)
            for lazy in (
                export.INTRO_ISP,
                export.INTRO_DDA,
                export.INTRO_DPA,
                export.INTRO_JCA,
                *(rules.words.signatures_intro for rules in KIND_RULES.values()),
            )
            for text in _in_both(lazy)
        ]
        self.derived_headings = {normalise(t) for t in _in_both(export.BASES_USED_HEADING)}
        self.own_headings = {
            normalise(t) for t in _in_both(_l("Document control")) + _in_both(_l("Contents"))
        }
        self.roles = _role_names()
        self.yes = {normalise(t) for t in _in_both(_l("Yes"))} | {"yes", "ie", "ydy", "oes"}
        self.lines = {
            name: [_pattern(t) for t in _in_both(getattr(export, name))]
            for name in ("PARA18_LINE", "CRIMINAL_LINE", "POLICY_LINE", "OTHER_LINE")
        }
        self.security = [_pattern(t) for t in _in_both(export.SECURITY_LINE)]
        self.no_condition = set(_in_both(export.NO_CONDITION))
        self.citations: dict[str, tuple[str, str]] = {}
        from .models import BASIS_CATALOGUES

        for catalogue, entries in BASIS_CATALOGUES.items():
            for entry in entries:
                for locale in ("en", "cy"):
                    self.citations[normalise(entry.citation_for(locale))] = (
                        catalogue.value,
                        entry.code,
                    )
        self.para18 = {}
        from ..law import PARA18_REASONS

        for entry in PARA18_REASONS:
            for locale in ("en", "cy"):
                self.para18[normalise(entry.citation_for(locale))] = entry.code

    def is_own_sentence(self, text: str) -> bool:
        return any(p.fullmatch(text) for p in self.sentences)

    def is_own_heading(self, text: str) -> bool:
        parts = text.split(" / ") if " / " in text else [text]
        return all(normalise(part) in self.own_headings for part in parts)

    def table(self, header: list[str]):
        """(kind, column keys) when the header is one of the service's own tables."""
        return self.headers.get(tuple(normalise(c) for c in header))

    def match(self, name: str, text: str):
        return next((m for p in self.lines[name] if (m := p.fullmatch(text))), None)


def _keyed(rows: list[list[str]]) -> list[dict]:
    """A table's body rows keyed by its header cells (normalised)."""
    if len(rows) < 2:
        return []
    header = [normalise(c) for c in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(c.strip() for c in row)]


def _column(row: dict, *words: str) -> str:
    for key, value in row.items():
        if any(w in key for w in words):
            return value
    return ""


def _first_column(row: dict) -> str:
    return next(iter(row.values()), "")


@dataclass
class _Section:
    template: TemplateSection
    heading: str
    blocks: list


def parse_document(data: bytes, template: ProtocolTemplate, archive=None) -> dict:
    """The document read against the template, as JSON-able data (see module docstring)."""
    archive = archive or check_upload(data)
    root = etree.fromstring(archive.read("word/document.xml"), _PARSER)
    body = root.find(f"{W}body")
    if body is None:
        _refuse(_("The file must be a Word document (.docx): save it from Word as .docx"))
    title = _core_title(archive)
    preamble: list[Block] = []
    sections: list[_Section] = []
    unmatched: list[dict] = []
    own = _OwnWords()
    current = None
    skipping = False  # the service's own document control: nothing of the agreement's
    for block in _blocks(body):
        section = None
        if _may_be_section_heading(block, current):
            section = match_section(template, block.text)
        if section is not None:
            current, skipping = _Section(section, block.text, []), False
            sections.append(current)
            continue
        if block.kind == "heading" and block.level == 0:
            preamble.append(block)
            continue
        if block.kind == "heading" and block.level <= 1:
            current = None
            skipping = own.is_own_heading(block.text)
            if not skipping:
                unmatched.append({"heading": block.text, "text": []})
            continue
        if skipping:
            continue
        if current is not None:
            current.blocks.append(block)
        elif unmatched:
            unmatched[-1]["text"].append(_block_text(block))
        else:
            preamble.append(block)
    if not title:
        title = next((b.text for b in preamble if b.kind == "heading"), "")
    bilingual = any(" / " in s.heading for s in sections)
    result = {
        "title": title[:300],
        "template_code": template.code,
        "bilingual": bilingual,
        "sections": {},
        "matched": [],
        "unmatched": unmatched,
        "partners": [],
        "data_items": [],
        "flows": [],
        "review_date": None,
    }
    placeholders = _placeholders()
    for found in sections:
        blocks = found.blocks
        if bilingual:
            blocks = _english_blocks(blocks)
        _read_section(found, blocks, result, placeholders, own)
    if result["review_date"] is None:
        result["review_date"] = _cover_review_date(preamble)
    named = result.pop("partner_rows", [])
    result["partners"] = [
        {**match, **row}
        for match, row in zip(match_partners([r["name"] for r in named]), named, strict=True)
    ]
    _link_partners(result)
    for item in result["unmatched"]:
        item["text"] = "\n".join(t for t in item["text"] if t)[:MAX_TEXT]
    return result


def _link_partners(result: dict) -> None:
    """Name each data item's and flow's partners by their place in the partners table (the
    table may come after them, as in a DDA's Appendix A); a name not in it is dropped."""
    places = {}
    for index, partner in enumerate(result["partners"]):
        places.setdefault(normalise(partner["name"]), index)

    def place(name):
        return places.get(normalise(name)) if name else None

    for item in result["data_items"]:
        item["source"] = place(item.pop("source_name", ""))
        found = [place(n) for n in item.pop("recipient_names", [])]
        item["recipients"] = [i for i in dict.fromkeys(found) if i is not None]
    for flow in result["flows"]:
        flow["from"] = place(flow.pop("from_name", ""))
        flow["to"] = place(flow.pop("to_name", ""))


def _may_be_section_heading(block: Block, current) -> bool:
    """Top-level headings; a lower heading or a short numbered paragraph (other layouts) when
    it is not a numbered sub-heading (3.1) nor a field of the section it is in."""
    if block.kind == "heading" and block.level <= 1:
        return True
    if block.kind not in ("heading", "para") or len(block.text) > 150:
        return False
    if re.match(r"^\s*\d+\.\d+", block.text):
        return False
    if block.kind == "para" and not split_heading(block.text)[0]:
        return False
    return current is None or _match_field(current.template, block.text) is None


def _core_title(archive) -> str:
    try:
        core = etree.fromstring(archive.read("docProps/core.xml"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return ""
    node = core.find("{http://purl.org/dc/elements/1.1/}title")
    return (node.text or "").strip() if node is not None else ""


def _cover_review_date(blocks: list[Block]) -> str | None:
    for block in blocks:
        for row in block.rows or []:
            if len(row) >= 2 and normalise(row[0]).split()[-2:] in (
                ["review", "date"],
                ["adolygu"],
            ):
                found = find_uk_date(row[1])
                if found:
                    return found.isoformat()
    return None


def _block_text(block: Block) -> str:
    if block.kind == "table":
        return "\n".join(" | ".join(c for c in row) for row in block.rows or [])
    return block.text


def _read_section(found: _Section, blocks, result: dict, placeholders: set[str], own) -> None:
    section = found.template
    values: dict[str, list] = {}
    leftover: list[str] = []
    field = None
    under_unknown = False  # text under a sub-heading the template does not have stays unplaced
    derived = False  # under a part the service derives (the lawful bases relied on): skipped
    tables = {f.type: f for f in section.fields if f.is_table}
    text_fields = [f for f in section.fields if f.type in ("text", "textarea")]
    list_fields = [f for f in section.fields if f.type == "list"]
    for block in blocks:
        if block.kind == "heading" or (
            block.kind == "para" and re.match(r"^\d+\.\d+\s", block.text)
        ):
            matched = _match_field(section, block.text)
            if matched is not None:
                field, under_unknown, derived = matched, False, False
                continue
            if block.kind == "heading" and normalise(block.text) in own.derived_headings:
                field, under_unknown, derived = None, False, True
                continue
            if block.kind == "heading":
                field, under_unknown, derived = None, True, False
                leftover.append(block.text)
                continue
        if derived:
            continue
        if under_unknown:
            leftover.append(_block_text(block))
            continue
        if block.kind != "table" and (
            block.text in placeholders or own.is_own_sentence(block.text)
        ):
            continue
        target = field
        if block.kind == "table":
            if _read_table(section, target, block, values, result, tables, own):
                continue
            leftover.append(_block_text(block))
            continue
        if target is None or target.is_table:
            if "review_date" in tables and find_uk_date(block.text):
                result["review_date"] = find_uk_date(block.text).isoformat()
                continue
            if target is not None and target.is_table:
                leftover.append(block.text)
                continue
            target = (
                (list_fields or text_fields)[0]
                if block.kind == "list" and (list_fields or text_fields)
                else (text_fields or list_fields or [None])[0]
            )
        if target is None or target.type not in ("text", "textarea", "list"):
            leftover.append(block.text)
            continue
        values.setdefault(target.code, []).append(block.text)
    content = {}
    for code, lines in values.items():
        field = section.field(code)
        if field.type == "list":
            content[code] = [line[:500] for line in lines][:200]
        elif field.type == "text":
            content[code] = " ".join(lines)[:500]
        elif field.type in ("catalogue", "glossary"):
            content[code] = lines
        else:
            content[code] = "\n".join(lines)[:MAX_TEXT]
    stored = result["sections"].setdefault(section.code, {})
    for code, value in content.items():
        if isinstance(value, list) and isinstance(stored.get(code), list):
            stored[code] = stored[code] + value
        else:
            stored[code] = value
    result["matched"].append({"heading": found.heading, "section": section.code})
    if leftover:
        result["unmatched"].append(
            {"heading": found.heading, "text": leftover, "section": section.code}
        )


def _read_table(section, target, block: Block, values, result, tables, own) -> bool:
    """Read a table into the field it belongs to; False when it belongs to none."""
    ours = own.table(block.rows[0]) if block.rows else None
    if ours is not None:
        kind, keys = ours
        rows = [dict(zip(keys, row, strict=False)) for row in block.rows[1:] if any(row)]
        if kind == "signatures":  # who signed the exported version: not part of a new draft
            return True
        _READERS[kind](rows, result, own)
        return True
    rows = _keyed(block.rows or [])
    kind = target.type if target is not None else None
    if kind is None:
        for candidate in ("partners", "data_items", "flows"):
            if candidate in tables:
                kind = candidate
                break
        else:
            catalogue = [f for f in section.fields if f.type in ("catalogue", "glossary")]
            if len(catalogue) == 1:
                target, kind = catalogue[0], catalogue[0].type
    if kind == "partners":
        _read_partners(
            [
                {
                    "name": _first_column(row),
                    "role": _column(row, "role", "rol"),
                    "contact": _column(row, "contact", "cyswllt"),
                }
                for row in rows
            ],
            result,
            own,
        )
        return True
    if kind in ("data_items", "flows"):
        if kind == "flows":
            _read_flows(
                [
                    {
                        "what": _first_column(row),
                        "purpose": _column(row, "why", "purpose", "pam", "diben"),
                    }
                    for row in rows
                ],
                result,
                own,
            )
            if result["data_items"]:
                return True
        for row in rows:
            text = _first_column(row).strip()
            if not text:
                continue
            category, _sep, description = text.partition("\n")
            special = normalise(_column(row, "special", "arbennig"))
            result["data_items"].append(
                {
                    "category": category[:300],
                    "description": description.strip()[:MAX_TEXT],
                    "is_special_category": special in own.yes,
                }
            )
        return True
    if kind == "catalogue":
        catalogue = getattr(law_catalogue, target.catalogue)
        citations = {}
        for entry in catalogue:
            for locale in ("en", "cy"):
                citations[normalise(entry.citation_for(locale))] = entry.code
        codes = [citations.get(normalise(_first_column(r))) for r in rows]
        values.setdefault(target.code, []).extend(c for c in codes if c)
        return all(codes)
    if kind == "glossary":
        entries = [
            {"term": list(r.values())[0][:300], "definition": (list(r.values()) + [""])[1][:2000]}
            for r in rows
        ]
        values.setdefault(target.code, []).extend(entries)
        return True
    return False


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]


def _looks_like_email(text: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text.strip())) and len(text) <= 254


def _read_partners(rows: list[dict], result: dict, own) -> None:
    """Partners: the organisation's name, its role, its teams and its point of contact (a
    name and an e-mail address, each on its own line)."""
    found = result.setdefault("partner_rows", [])
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name or name[:300] in [r["name"] for r in found]:
            continue
        contact = _lines(row.get("contact"))
        emails = [line.strip() for line in contact if _looks_like_email(line)]
        names = [line.strip() for line in contact if not _looks_like_email(line)]
        found.append(
            {
                "name": name[:300],
                "role": own.roles.get(normalise(row.get("role") or "")),
                "departments": "\n".join(_lines(row.get("departments")))[:2000] or None,
                "contact_name": " ".join(names)[:200] or None,
                "contact_email": emails[0] if emails else None,
            }
        )


def _read_data_items(rows: list[dict], result: dict, own) -> None:
    for row in rows:
        category, _sep, description = (row.get("information") or "").strip().partition("\n")
        if not category.strip():
            continue
        item = {
            "category": category.strip()[:300],
            "description": description.strip()[:MAX_TEXT],
            "is_special_category": normalise(row.get("special") or "") in own.yes,
            "source_name": (row.get("source") or "").strip(),
            "recipient_names": _lines(row.get("recipients")),
        }
        item.update(_read_bases(row.get("bases") or "", own))
        result["data_items"].append(item)


def _read_bases(text: str, own) -> dict:
    """A data item's lawful-basis cell: the citations, then the lines the export writes
    for para 18, criminal offence data, the policy document and any other basis (last, and
    it may run over several lines)."""
    found = {
        "bases": [],
        "para18_reason": None,
        "is_criminal_offence": False,
        "criminal_offence_condition": None,
        "policy_document_ref": None,
        "other_basis": None,
    }
    lines = _lines(text)
    for index, line in enumerate(lines):
        other = own.match("OTHER_LINE", "\n".join(lines[index:]))
        if other:
            found["other_basis"] = other.group("text").strip()[:MAX_TEXT]
            break
        if match := own.match("PARA18_LINE", line):
            found["para18_reason"] = own.para18.get(normalise(match.group("citation")))
        elif match := own.match("CRIMINAL_LINE", line):
            found["is_criminal_offence"] = True
            condition = match.group("condition")
            if condition not in own.no_condition:
                code = own.citations.get(normalise(condition))
                found["criminal_offence_condition"] = code[1] if code else None
        elif match := own.match("POLICY_LINE", line):
            found["policy_document_ref"] = match.group("ref").strip()[:300]
        elif normalise(line) in own.citations:
            catalogue, code = own.citations[normalise(line)]
            found["bases"].append(f"{catalogue}:{code}")
    return found


def _read_flows(rows: list[dict], result: dict, own) -> None:
    """Appendix B: what, from whom, to whom, how (then, marked, how securely), how often, why."""
    for row in rows:
        what = (row.get("what") or "").strip()
        if not what:
            continue
        method, security = [], []
        for line in _lines(row.get("how")):
            marked = next((m for p in own.security if (m := p.fullmatch(line))), None)
            if marked or security:
                security.append(marked.group("text") if marked else line)
            else:
                method.append(line)
        result["flows"].append(
            {
                "what": what[:MAX_TEXT],
                "from_name": (row.get("from") or "").strip(),
                "to_name": (row.get("to") or "").strip(),
                "method": "\n".join(method)[:MAX_TEXT] or None,
                "security": "\n".join(security)[:MAX_TEXT] or None,
                "frequency": (row.get("frequency") or "").strip()[:200] or None,
                "purpose": "\n".join(_lines(row.get("purpose")))[:MAX_TEXT] or None,
            }
        )


_READERS = {"partners": _read_partners, "data_items": _read_data_items, "flows": _read_flows}


# ---------------------------------------------------------------- the operations


def _kind(value) -> ProtocolKind:
    try:
        return ProtocolKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in ProtocolKind)
        raise InvalidInput(
            errors={"kind": [_("Choose the kind of agreement: %(kinds)s", kinds=kinds)]}
        ) from None


def start_import(data: bytes, filename: str, kind, *, by) -> PendingImport:
    """Check and parse an uploaded agreement; keep the result for the lead to confirm."""
    if not can_start_protocol(by):
        raise PermissionDenied(_("Only an information governance lead can import an agreement."))
    kind = _kind(kind)
    archive = check_upload(data)
    template = registry().default_for(kind)
    parsed = parse_document(data, template, archive)
    pending = PendingImport(
        owner_id=by.id,
        kind=kind,
        template_code=template.code,
        template_version=template.version,
        filename=(filename or "document.docx")[:200],
        result=parsed,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def get_pending(import_id: int, user) -> PendingImport:
    """The user's own pending import; another user's, or none, is NotFound."""
    pending = db.session.get(PendingImport, import_id)
    if pending is None or pending.owner_id != getattr(user, "id", None):
        raise NotFound(_("There is no such import."))
    return pending


def confirm_import(
    pending: PendingImport, *, title: str, partner_codes: list[str | None], by
) -> object:
    """Create the draft: the lead is the IG lead's own organisation; partners as confirmed
    (None drops one) with the roles, teams and contacts read; fields, data items (with who
    provides and receives them and their lawful bases), information flows and review date
    as read. One audit event."""
    from . import services

    if pending.owner_id != by.id:
        raise NotFound(_("There is no such import."))
    result = pending.result
    found = result.get("partners") or []
    kind = ProtocolKind(pending.kind)
    choices: dict[str, services.PartnerChoice] = {}
    for index, code in enumerate(partner_codes):
        if not code or code in choices:
            continue
        role = found[index].get("role") if index < len(found) else None
        allowed = KIND_RULES[kind].roles if not KIND_RULES[kind].fixed_lead else ()
        choices[code] = services.PartnerChoice(code, role if role in allowed else None)
    codes = list(choices)
    protocol = services.create_protocol(
        kind=pending.kind,
        title=title,
        lead_organisation=by.organisation,
        partners=list(choices.values()),
        by=by,
        template_code=pending.template_code,
    )
    version = protocol.versions[0]
    _fill_sections(version, protocol, result)
    if result.get("review_date"):
        version.review_date = date.fromisoformat(result["review_date"])
    partners = _place_partners(version, found, partner_codes)
    _add_data_items(version, result.get("data_items") or [], partners)
    _add_flows(version, result.get("flows") or [], partners)
    db.session.flush()
    record_event(
        "protocol.imported",
        protocol,
        by=by,
        after={
            "filename": pending.filename,
            "matched_sections": sorted(result.get("sections") or {}),
            "unmatched_headings": [u["heading"] for u in result.get("unmatched") or []],
            "partners": codes,
            "data_items": len(result.get("data_items") or []),
            "flows": len(result.get("flows") or []),
            "review_date": result.get("review_date"),
        },
    )
    db.session.delete(pending)
    db.session.flush()
    return protocol


def _fill_sections(version, protocol, result: dict) -> None:
    from . import services

    template = registry().get(protocol.template_code, protocol.template_version)
    errors: dict[str, list[str]] = {}
    for section in template.sections:
        content = (result.get("sections") or {}).get(section.code) or {}
        cleaned = {}
        for field in section.fields:
            if field.code in content and not field.is_table:
                cleaned[field.code] = services._clean_value(field, content[field.code], errors)
        version.section(section.code).content = cleaned
    if errors:
        raise InvalidInput(errors=errors)


def _place_partners(version, found: list[dict], partner_codes: list[str | None]) -> dict:
    """{place in the document's partners table: the draft's partner}, for the confirmed
    ones; each gets the teams and contact the document gave it."""
    by_code = {p.organisation.code: p for p in version.partners}
    places = {}
    for index, code in enumerate(partner_codes):
        partner = by_code.get(code) if code else None
        if partner is None or index >= len(found):
            continue
        places[index] = partner
        row = found[index]
        for name in ("departments", "contact_name", "contact_email"):
            if row.get(name) and not getattr(partner, name):
                setattr(partner, name, row[name])
    return places


def _add_data_items(version, items: list[dict], partners: dict) -> None:
    from .models import BASIS_CATALOGUES, BasisCatalogue, ProtocolLawfulBasis

    for position, item in enumerate(items):
        source = partners.get(item.get("source"))
        recipients = [partners[i] for i in item.get("recipients") or [] if i in partners]
        recipients = [r for r in dict.fromkeys(recipients) if r is not source]
        bases = []
        for value in dict.fromkeys(item.get("bases") or []):
            catalogue, _sep, code = value.partition(":")
            if catalogue in BasisCatalogue._value2member_map_:
                if code in BASIS_CATALOGUES[BasisCatalogue(catalogue)]:
                    bases.append(
                        ProtocolLawfulBasis(catalogue=BasisCatalogue(catalogue), code=code)
                    )
        version.data_items.append(
            ProtocolDataItem(
                position=position,
                category=item["category"] or _("(no name)"),
                description=item.get("description") or None,
                is_special_category=bool(item.get("is_special_category")),
                source_partner=source,
                recipients=recipients,
                bases=bases,
                para18_reason=item.get("para18_reason"),
                is_criminal_offence=bool(item.get("is_criminal_offence")),
                criminal_offence_condition=item.get("criminal_offence_condition"),
                policy_document_ref=item.get("policy_document_ref"),
                other_basis=item.get("other_basis"),
            )
        )


def _add_flows(version, flows: list[dict], partners: dict) -> None:
    for position, flow in enumerate(flows):
        source, target = partners.get(flow.get("from")), partners.get(flow.get("to"))
        version.flows.append(
            ProtocolFlow(
                position=position,
                what=flow["what"],
                from_partner=source,
                to_partner=target if target is not source else None,
                method=flow.get("method"),
                security=flow.get("security"),
                frequency=flow.get("frequency"),
                purpose=flow.get("purpose"),
            )
        )
