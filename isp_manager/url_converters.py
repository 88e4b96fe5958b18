"""URL converters for every route: an address that no record can have matches no route (404).

`<int:...>` takes whole numbers from 0 to the largest an id column holds in both databases
(2^31 - 1, PostgreSQL's INTEGER; SQLite's go to 2^63 - 1), so a larger one is "not found"
rather than an overflow; a text segment may not hold control characters (a NUL cannot even
be sent to PostgreSQL).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from .api_schema import DB_INT_MAX


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]", 1)


def register_url_converters(app: Flask) -> None:
    """Call before any blueprint is registered: rules take their converters when added."""
    converters = app.url_map.converters
    converters["int"] = BoundedIntegerConverter
    converters["default"] = converters["string"] = TextConverter
