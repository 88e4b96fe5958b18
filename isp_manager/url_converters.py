"""URL converters for every route: an address that no record can have matches no route (404).

`<int:...>` takes whole numbers from 0 to the largest the databases hold (2^63 - 1), so a
longer number is "not found" rather than an overflow; a text segment may not hold control
characters (a NUL cannot even be sent to PostgreSQL).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

INT64_MAX = 2**63 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=INT64_MAX, signed=False):
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
