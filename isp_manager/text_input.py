"""What text the service accepts, for the API's schemas and the pages' forms alike.

No field may hold a control character (NUL and the like: PostgreSQL cannot store NUL, and the
others are invisible, break e-mail headers and Word documents) or half of a UTF-16 surrogate
pair (it is not text at all). A single-line field (a title, a name, a reference) also refuses
line breaks and tabs; a multi-line one allows a line break (\\n or \\r\\n) and a tab.
"""

from __future__ import annotations

import unicodedata

from .i18n import gettext as _

MULTILINE_ALLOWED = frozenset("\n\t")
# Line breaks that are not control characters but still end a line.
LINE_SEPARATORS = frozenset("\u2028\u2029")


def _refused(char: str, multiline: bool) -> bool:
    if multiline and char in MULTILINE_ALLOWED:
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or (not multiline and char in LINE_SEPARATORS)


def is_storable(value: str, *, multiline: bool = False) -> bool:
    """Whether a value read without a form (a code in a query string) can be looked up: one
    that cannot be kept matches no record, and PostgreSQL refuses a NUL even in a query."""
    return text_problem(value, "", multiline=multiline) is None


def text_problem(value: str, label: str, *, multiline: bool) -> str | None:
    """The message for a field whose text cannot be kept as it is, or None if it is fine."""
    text = value.replace("\r\n", "\n") if multiline else value
    bad = next((c for c in text if _refused(c, multiline)), None)
    if bad is None:
        return None
    if not multiline and (bad in "\r\n" or bad in LINE_SEPARATORS):
        return _("%(field)s must be on one line: remove the line breaks.", field=label)
    if not multiline and bad == "\t":
        return _("%(field)s must not contain a tab: use spaces instead.", field=label)
    return _(
        "%(field)s contains a hidden character (%(code)s) that cannot be kept: delete it, or "
        "type the text again rather than pasting it.",
        field=label,
        code=f"U+{ord(bad):04X}",
    )


def nested_text_problem(value, label: str) -> str | None:
    """text_problem for every string inside lists and mappings (keys too), as multi-line text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item, label, multiline=True)
            if problem:
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def too_long(maximum: int) -> str:
    """The message for text longer than a field keeps: one wording everywhere."""
    return _("Shorten this to %(max)s characters or fewer.", max=maximum)


def check_length(
    errors: dict, name: str, text: str, *, maximum: int, minimum: int = 0, too_short: str = ""
) -> str:
    """Add the field message for `text` shorter than `minimum` characters (`too_short`) or
    longer than `maximum` (too_long) to `errors` under `name`; the text, for the caller."""
    if len(text) < minimum:
        errors[name] = [too_short]
    elif len(text) > maximum:
        errors[name] = [too_long(maximum)]
    return text
