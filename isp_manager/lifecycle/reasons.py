"""Is a text a reason? The law asks for written reasons for not complying: blank or token
text ("n/a", "refused", "see above"), placeholder text and a bare restatement of the
ground are not reasons, and the service does not record them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_WORDS = 6  # different words of two letters or more
MIN_LETTERS = 30

# Compared after lower-casing and turning every run of other characters into one space.
TOKEN_ANSWERS = frozenset(
    {
        "n a",
        "na",
        "none",
        "nil",
        "no",
        "nothing",
        "null",
        "x",
        "xx",
        "xxx",
        "tbc",
        "tba",
        "refused",
        "refuse",
        "declined",
        "decline",
        "denied",
        "rejected",
        "not applicable",
        "not complying",
        "no reason",
        "no reasons",
        "no comment",
        "see above",
        "as above",
        "see attached",
        "see email",
        "see letter",
        "as discussed",
        "as per policy",
        "policy",
        "our policy",
        "confidential",
        "data protection",
        "gdpr",
        "dpa",
        "cannot share",
        "can t share",
        "unable to share",
        "unable to comply",
        "not possible",
        "not allowed",
        "test",
        "testing",
        "reasons",
        "ground a",
        "ground b",
        "other",
    }
)
KEYBOARD_RUNS = ("asdf", "qwert", "zxcv", "hjkl", "lorem ipsum", "blah")
VOWELS = set("aeiouwyàáâäèéêëìíîïòóôöùúûüŵŷ")


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿŵŷ]+", " ", text.lower()).strip()


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) >= 2]


def reasons_problem(text: str | None, *, wording, restated: Iterable[str] = ()) -> str | None:
    """Why `text` is not written reasons of substance, or None when it is.

    `wording`: the kind's lifecycle.kinds.ReasonsWording (what each message says).
    `restated`: labels (such as the ground's) that on their own do not explain a decision.
    """
    raw = (text or "").strip()
    key = _key(raw)
    if not key:
        return str(wording.empty)
    if key in TOKEN_ANSWERS:
        return str(wording.token) % {"text": raw[:40]}
    words = _words(raw)
    placeholder = (
        re.search(r"([^\W\d_])\1{3,}", raw.lower())
        or any(run in key for run in KEYBOARD_RUNS)
        or (words and sum(1 for w in words if not VOWELS & set(w)) * 2 > len(words))
    )
    if placeholder:
        return str(wording.placeholder)
    if any(key == _key(str(label)) or key in _key(str(label)) for label in restated):
        return str(wording.restated)
    letters = sum(c.isalpha() for c in raw)
    if len(set(words)) < MIN_WORDS or letters < MIN_LETTERS:
        return str(wording.too_short) % {"count": MIN_WORDS}
    return None
