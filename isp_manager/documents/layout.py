"""Print-ready pages for every document the service writes: A4 with sensible margins, file
properties (title, author, subject, language), the document's language for spelling and the
protective marking in that language; and the language a reader asks for (English, Welsh, or
both side by side, Welsh first, as Welsh public bodies publish).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm
from flask_babel import force_locale, get_locale

from ..errors import InvalidInput
from ..i18n import gettext as _

A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)
SIDE_MARGIN = Cm(2.2)  # leaves 16.6 cm of text: the tables are drawn for that width
TOP_MARGIN = BOTTOM_MARGIN = Cm(2.5)
HEADER_DISTANCE = FOOTER_DISTANCE = Cm(1.25)
# A letterhead's own margins are kept when they are within these (its logo may need room).
LETTERHEAD_MARGINS = (Cm(1.27), Cm(5))

WELSH, ENGLISH, BILINGUAL = "cy", "en", "bilingual"
LANGUAGES = (ENGLISH, WELSH, BILINGUAL)
LANGUAGE_TAGS = {ENGLISH: "en-GB", WELSH: "cy-GB", BILINGUAL: "cy-GB"}
SIDE_BY_SIDE = (WELSH, ENGLISH)  # the order Welsh bodies publish in: Welsh first

# The Government Security Classifications markings, as Welsh public bodies write them.
MARKINGS_CY = {
    "OFFICIAL": "SWYDDOGOL",
    "OFFICIAL-SENSITIVE": "SWYDDOGOL-SENSITIF",
    "OFFICIAL - SENSITIVE": "SWYDDOGOL-SENSITIF",
}


def document_language(value: str | None, default: str | None = None) -> str:
    """?language=en|cy|bilingual: the one asked for; when absent, the reader's language.
    Anything else is refused, naming the field."""
    if value is None or value == "":
        return default or current_language()
    if value in LANGUAGES:
        return value
    raise InvalidInput(
        _("Choose the document's language: en (English), cy (Welsh) or bilingual (both)."),
        field="language",
    )


def current_language() -> str:
    locale = str(get_locale() or ENGLISH)
    return WELSH if locale.startswith(WELSH) else ENGLISH


@contextmanager
def writing_in(language: str):
    """Translated text in `language` (bilingual documents say each part in both)."""
    with force_locale(WELSH if language == WELSH else ENGLISH):
        yield


def in_both(make: Callable[[], str], joiner: str = "\n") -> str:
    """The text `make` gives in Welsh, then in English."""
    texts = []
    for language in SIDE_BY_SIDE:
        with writing_in(language):
            texts.append(str(make()))
    if texts[0] == texts[1]:
        return texts[0]
    return joiner.join(texts)


def say(make: Callable[[], str], language: str, joiner: str = "\n") -> str:
    """The text in the document's language: both, Welsh first, for a bilingual one."""
    if language == BILINGUAL:
        return in_both(make, joiner)
    with writing_in(language):
        return str(make())


def page_label(language: str) -> str:
    """ "Page {page} of {pages}" in the document's language; in both, Welsh first, for a
    bilingual one ("Tudalen / Page {page} o / of {pages}")."""
    if language != BILINGUAL:
        return say(lambda: _("Page {page} of {pages}"), language)
    parts = []
    for lang in SIDE_BY_SIDE:
        with writing_in(lang):
            label = _("Page {page} of {pages}")
        before, _sep, rest = label.partition("{page}")
        middle, _sep, after = rest.partition("{pages}")
        parts.append((before.strip(), middle.strip(), after.strip()))
    joined = [" / ".join(dict.fromkeys(p for p in pair if p)) for pair in zip(*parts, strict=True)]
    return f"{joined[0]} {{page}} {joined[1]} {{pages}} {joined[2]}".strip()


def marking_for(marking: str, language: str) -> str:
    """The protective marking in the document's language (both for a bilingual one)."""
    marking = (marking or "").strip()
    welsh = MARKINGS_CY.get(marking.upper(), marking)
    if language == WELSH:
        return welsh
    if language == BILINGUAL and welsh != marking:
        return f"{welsh} / {marking}"
    return marking


def set_up_pages(doc, *, keep_letterhead_margins: bool = False) -> None:
    """Every section on portrait A4 with the service's margins (a letterhead's own margins
    are kept when they are sensible)."""
    low, high = LETTERHEAD_MARGINS
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        margins = (section.left_margin, section.right_margin)
        margins += (section.top_margin, section.bottom_margin)
        if keep_letterhead_margins and all(m is not None and low <= m <= high for m in margins):
            continue
        section.left_margin = section.right_margin = SIDE_MARGIN
        section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN
        section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE


PROPERTY_LIMIT = 255  # characters: what a .docx file property holds


def fit_property(value: str) -> str:
    """The value, shortened at a word to fit a file property (a 300-character title, or
    a subject in Welsh and English, can be longer), ending with an ellipsis."""
    value = " ".join((value or "").split())
    if len(value) <= PROPERTY_LIMIT:
        return value
    cut = value[: PROPERTY_LIMIT - 1]
    if " " in cut[PROPERTY_LIMIT // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" /,;:") + "\u2026"


def set_properties(doc, *, title: str, author: str, subject: str, language: str) -> None:
    """The file's properties, as Word and document registers show them."""
    properties = doc.core_properties
    properties.title = fit_property(title)
    properties.author = fit_property(author)
    properties.last_modified_by = fit_property(author)
    properties.subject = fit_property(subject)
    properties.language = LANGUAGE_TAGS.get(language, LANGUAGE_TAGS[ENGLISH])
    properties.comments = ""
    properties.keywords = ""
    set_spelling_language(doc, LANGUAGE_TAGS.get(language, LANGUAGE_TAGS[ENGLISH]))


def set_spelling_language(doc, tag: str) -> None:
    """The language Word and LibreOffice check the text's spelling in."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), "ar-SA")
