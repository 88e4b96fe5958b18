"""The base FlaskForm of every page form: text is checked as the API's is (see text_input.py).

A text area (a TextAreaField, or any field drawn with a text area widget) may hold line breaks
and tabs; every other text field is single-line. The message goes on the field, so it shows
beside it and in the GOV.UK error summary.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm as _FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextArea

from .text_input import text_problem

# "Notes (optional)" is named "Notes" in a message.
_OPTIONAL = re.compile(r"\s*\([^)]*\)\s*$")


def _is_multiline(field: Field) -> bool:
    return isinstance(field, TextAreaField) or isinstance(field.widget, TextArea)


def _text_fields(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _text_fields(field.entries)
        elif isinstance(field, StringField):
            yield field


def refuse_unstorable_text(form) -> bool:
    """Add a message to each text field holding what no record may hold; False if any did."""
    ok = True
    for field in _text_fields(form):
        if not isinstance(field.data, str):
            continue
        label = _OPTIONAL.sub("", str(field.label.text)) or field.name
        problem = text_problem(field.data, label, multiline=_is_multiline(field))
        if problem:
            field.errors = [*field.errors, problem]
            ok = False
    return ok


class FlaskForm(_FlaskForm):
    """Flask-WTF's form, refusing control characters and, outside text areas, line breaks."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        return refuse_unstorable_text(self) and valid


def required_text_field(label, *, missing, max_length: int, too_long, description=""):
    """A one-line text field that must be filled in, and at most `max_length` characters
    long; `missing` and `too_long` are its two messages."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=too_long),
        ],
    )
