"""Search text and sort keys for organisations' names.

Search text is lower case with accents folded, so "gwyr" finds "Gŵyr" and "Gar" finds "Gâr",
in either language. Sort keys order names in the page's language: in English letter by letter;
in Welsh by the Welsh alphabet, where ch, dd, ff, ng, ll, ph, rh and th are letters of their own
(a b c ch d dd e f ff g ng h i j l ll m n o p ph r rh s t th u w y). Accents are ignored for
order in both. The keys are stored (`name_sort_en`, `name_sort_cy`), so lists sort in the
database, by an index, the same way on SQLite and PostgreSQL (byte order: a "C" collation).
"""

from __future__ import annotations

import re
import unicodedata

SEARCH_TEXT_LENGTH = 420
SORT_KEY_LENGTH = 240

# A Welsh digraph is written as its first letter and "~", which sorts after every letter and
# digit: "ch" comes after all of c ("cz" < "c~"), "ll" after all of l. "ng" follows g, not n.
_WELSH_DIGRAPHS = {
    "ch": "c~",
    "dd": "d~",
    "ff": "f~",
    "ng": "g~",
    "ll": "l~",
    "ph": "p~",
    "rh": "r~",
    "th": "t~",
}
_DIGRAPH = re.compile("|".join(_WELSH_DIGRAPHS))
# "ng" is ambiguous: in most words it is one letter ("Cyngor" is cy-ng-or), but where a word part
# ends in n and the next begins with g it is two ("Bangor" is ban-gor, "Llangollen" llan-gollen).
# A word beginning with one of these parts followed by g keeps n and g apart; any other ng is
# the letter ng. The list is of the common place-name parts; a dictionary is beyond a register.
_NG_SPLIT_PARTS = ("llan", "glan", "bryn", "pen", "ban")
_WORD = re.compile(r"[^\W_]+|\(")  # letters and digits; anything else separates words
# A qualifier in brackets keeps the name with the bare one: "South Wales Police (Chief
# Constable)" before "South Wales Police and Crime Commissioner". The bracket is written as a
# character below the space between words.
_QUALIFIER = "\x1f"


def fold(text: str) -> str:
    """Lower-case and strip accents (ŵ -> w, â -> a)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def search_text_for(name: str, name_cy: str | None) -> str:
    return f"{fold(name)} | {fold(name_cy or '')}"[:SEARCH_TEXT_LENGTH]


def _words(text: str) -> list[str]:
    # Apostrophes join ("Ty'r" is one word); other punctuation and spaces separate.
    return _WORD.findall(fold(text).replace("'", "").replace("\u2019", ""))


def _welsh_word(word: str) -> str:
    for part in _NG_SPLIT_PARTS:
        if word.startswith(part + "g"):
            return _digraphs(part) + _digraphs(word[len(part) :])
    return _digraphs(word)


def _digraphs(word: str) -> str:
    return _DIGRAPH.sub(lambda m: _WELSH_DIGRAPHS[m.group(0)], word)


def sort_key(name: str | None, locale: str = "en") -> str:
    """The key that orders `name` in `locale` ("en" or "cy"), compared byte by byte.

    Words are separated by one space, which sorts before any letter, so "Cyngor Sir" comes
    before "Cyngor Sirol"."""
    key, between = "", ""
    for word in _words(name or ""):
        if word == "(":
            between = _QUALIFIER if key else ""
            continue
        key += between + (_welsh_word(word) if locale == "cy" else word)
        between = " "
    return key[:SORT_KEY_LENGTH]


def name_keys(name: str | None, name_cy: str | None) -> dict[str, str]:
    """The stored search and sort columns of an organisation with these names (the Welsh list
    sorts by the English name of a body that has no Welsh one, as the Welsh page shows it)."""
    return {
        "search_text": search_text_for(name or "", name_cy),
        "name_sort_en": sort_key(name, "en"),
        "name_sort_cy": sort_key(name_cy or name, "cy"),
    }
