"""Is a text a reason? The law asks for written reasons for not complying: blank or token
text ("n/a", "refused", "see above"), placeholder text and a bare restatement of the
ground are not reasons, and the service does not record them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _

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


class Wording:
    """A kind's messages for the substance test: `messages[kind]` for each of "empty",
    "token", "placeholder", "restated" and "too_short" (callables, so they are translated when
    shown; "token" is given the text)."""

    def __init__(self, **messages):
        self.messages = messages

    def message(self, kind: str, raw: str) -> str:
        make = self.messages.get(kind) or self.messages["too_short"]
        return make(raw[:40]) if kind == "token" else make()


def _problem_kind(raw: str, key: str, restated: Iterable[str]) -> str | None:
    """Which substance test `raw` fails, or None."""
    if not key:
        return "empty"
    if key in TOKEN_ANSWERS:
        return "token"
    words = _words(raw)
    if (
        re.search(r"([^\W\d_])\1{3,}", raw.lower())
        or any(run in key for run in KEYBOARD_RUNS)
        or (words and sum(1 for w in words if not VOWELS & set(w)) * 2 > len(words))
    ):
        return "placeholder"
    if any(key == _key(str(label)) or key in _key(str(label)) for label in restated):
        return "restated"
    if len(set(words)) < MIN_WORDS or sum(c.isalpha() for c in raw) < MIN_LETTERS:
        return "too_short"
    return None


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿŵŷ]+", " ", text.lower()).strip()


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) >= 2]


def reasons_problem(
    text: str | None, *, restated: Iterable[str] = (), wording: Wording | None = None
) -> str | None:
    """Why `text` is not written reasons of substance, or None when it is.

    `restated`: labels (such as the ground's) that on their own do not explain a decision.
    `wording`: a request kind's own messages for the same checks (s.164's by default), so the
    one test serves every text that must say something specific.
    """
    raw = (text or "").strip()
    kind = _problem_kind(raw, _key(raw), restated)
    if kind is None:
        return None
    return (wording or S164_WORDING).message(kind, raw)


S164_WORDING = Wording(
    empty=lambda: _(
        "Enter the written reasons for the decision. The law requires them: say why "
        "complying would be incompatible with your duties or would harm the exercise of "
        "your functions."
    ),
    token=lambda text: _(
        "“%(text)s” is not a reason. Write the reasons for the decision in full sentences, "
        "so that the requesting body can understand it.",
        text=text,
    ),
    placeholder=lambda: _(
        "The written reasons look like placeholder text. Write the reasons for the "
        "decision in full sentences."
    ),
    restated=lambda: _(
        "The written reasons only repeat the ground. Explain why the ground applies to "
        "this request."
    ),
    too_short=lambda: _(
        "The written reasons are too short to explain a decision. Write at least "
        "%(count)s different words saying why the ground applies to this request.",
        count=MIN_WORDS,
    ),
)
