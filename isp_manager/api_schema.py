"""The base marshmallow Schema of every API schema: text is checked before it is read.

A String field is single-line unless its name is one of MULTILINE_FIELDS (or its metadata says
`multiline: True`); strings inside other fields (lists, mappings, custom fields) are checked as
multi-line text. Integers are kept to what an INTEGER column holds in both databases. See text_input.py.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma

from .i18n import gettext as _
from .text_input import nested_text_problem, text_problem

# The API fields that are paragraphs of text (their forms use text areas).
MULTILINE_FIELDS = frozenset(
    {
        "answer",
        "change_summary",
        "comments",
        "definition",
        "departments",
        "description",
        "details",
        "method",
        "not_provided",
        "notes",
        "other_basis",
        "purpose",
        "question",
        "reason",
        "secure_reply",
        "security",
        "what",
        "written_reasons",
    }
)
# PostgreSQL's INTEGER (SQLite's is 64-bit): every id, version number and year fits.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1


def _is_multiline(name: str, field: ma.fields.Field) -> bool:
    return field.metadata.get("multiline", name in MULTILINE_FIELDS)


def _field_problem(key: str, field: ma.fields.Field, value) -> str | None:
    if isinstance(field, ma.fields.String) and isinstance(value, str):
        return text_problem(value, key, multiline=_is_multiline(key, field))
    if isinstance(field, ma.fields.Nested):
        return None  # its own schema checks it, field by field
    if isinstance(field, ma.fields.Integer) and not isinstance(field, ma.fields.Boolean):
        return _integer_problem(key, value)
    return nested_text_problem(value, key)


def _integer_problem(key: str, value) -> str | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None  # the field's own message says what a whole number looks like
    if DB_INT_MIN <= number <= DB_INT_MAX:
        return None
    return _("%(field)s is too large: give a smaller whole number.", field=key)


class Schema(ma.Schema):
    """A marshmallow Schema that refuses text no record may hold, naming the field."""

    @ma.pre_load(pass_collection=True)
    def _refuse_unstorable_text(self, data, **_kwargs):
        items = data if isinstance(data, list) else [data]
        errors = {}
        for item in items:
            if not isinstance(item, Mapping):
                continue
            for name, field in self.load_fields.items():
                key = field.data_key or name
                if key not in item:
                    continue
                problem = _field_problem(key, field, item[key])
                if problem:
                    errors[key] = [problem]
        if errors:
            raise ma.ValidationError(errors)
        return data
