"""Whole numbers and dates written in text that no form field types: query parameters read by
hand (?version=, ?year=, ?from=) and ids carried in hidden fields and button values.

One reading everywhere, so a value that is not one gives None (the caller ignores it or says
so) rather than an exception: only ASCII digits make a number (int() would also take "+1",
" 1", "1_0" and other scripts' digits, and str.isdigit() says yes to "²", which int() refuses),
and a number must fit the INTEGER columns of both databases (PostgreSQL refuses 2^31 and up).
"""

from __future__ import annotations

import re
from datetime import date

from .api_schema import DB_INT_MAX, DB_INT_MIN

_WHOLE = re.compile(r"-?[0-9]{1,10}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(raw, *, least: int = 0, most: int = DB_INT_MAX) -> int | None:
    """The number `raw` writes, if it is one from `least` to `most` (an INTEGER column's
    range at the widest); else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and _WHOLE.fullmatch(raw):
        number = int(raw)
    else:
        return None
    low, high = max(least, DB_INT_MIN), min(most, DB_INT_MAX)
    return number if low <= number <= high else None


def iso_date(raw) -> date | None:
    """The day `raw` writes as YYYY-MM-DD, if there is one (not 2026-02-30); else None."""
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
