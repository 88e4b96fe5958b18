"""The base FlaskForm of every page form: text is checked as the API's is (see text_input.py),
and WTForms' generic messages name the field and say how to fix it.

A text area (a TextAreaField, or any field drawn with a text area widget) may hold line breaks
and tabs; every other text field is single-line. The message goes on the field, so it shows
beside it and in the GOV.UK error summary.

A validator given its own message keeps it. The ones left to WTForms' defaults (required,
length, number range, choice, e-mail, date and number parsing) ask the field for the text
through `field.gettext`; each field of these forms answers with a message built from its label
("Enter the job title", "Job title must be 100 characters or fewer", "Select the role"),
in the request's language (see FieldMessages).
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm as _FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FileField,
    FormField,
    SelectFieldBase,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextArea

from .i18n import current_locale, translations
from .i18n import gettext as _
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
        label = field_label(field)
        problem = text_problem(field.data, label, multiline=_is_multiline(field))
        if problem:
            field.errors = [*field.errors, problem]
            ok = False
    return ok


def field_label(field: Field) -> str:
    """The field's label as a message names it: "Notes (optional)" is "Notes"."""
    return _OPTIONAL.sub("", str(field.label.text)).strip() or field.name


def N_(string: str) -> str:  # noqa: N802 - marks a message for the catalogue; translated later
    return string


def ngettext(singular: str, plural: str, n: int) -> str:
    """The catalogue's plural form, left unformatted for WTForms to fill in."""
    return translations().ungettext(singular, plural, n)


# Mid-sentence, an English label reads after "the" unless it starts with its own determiner
# or is a clause ("Enter what was done", "Enter your case reference").
_OWN_DETERMINER = frozenset(
    "the a an your their its his her our this these those who what when where why how which "
    "whether".split()
)
_CHOICE_FIELDS = (SelectFieldBase, FileField)
# WTForms' default messages (its msgids) -> the kind of message each becomes.
_WTFORMS_KINDS = {
    "This field is required.": "required",
    "Not a valid choice.": "choice",
    "Invalid Choice: could not coerce.": "choice",
    "Invalid choice(s): one or more data inputs could not be coerced.": "choice",
    "Invalid value, must be one of: %(values)s.": "choice",
    "Invalid value, can't be any of: %(values)s.": "none_of",
    "Field must be between %(min)d and %(max)d characters long.": "length_between",
    "Number must be at least %(min)s.": "number_min",
    "Number must be at most %(max)s.": "number_max",
    "Number must be between %(min)s and %(max)s.": "number_between",
    "Date must be at least %(min)s.": "date_min",
    "Date must be at most %(max)s.": "date_max",
    "Date must be between %(min)s and %(max)s.": "number_between",
    "Not a valid date value.": "date",
    "Not a valid datetime value.": "date",
    "Not a valid integer value.": "integer",
    "Not a valid decimal value.": "number",
    "Not a valid float value.": "number",
    "Invalid email address.": "email",
    "Invalid input.": "format",
    "Invalid URL.": "format",
    "Invalid UUID.": "format",
    "Invalid IP address.": "format",
    "Invalid Mac address.": "format",
    "Field must be equal to %(other_name)s.": "equal_to",
    "This field cannot be edited.": "read_only",
    "This field is disabled and cannot have a value.": "read_only",
}
_WTFORMS_PLURAL_KINDS = {
    "Field must be at least %(min)d character long.": "length_min",
    "Field cannot be longer than %(max)d character.": "length_max",
    "Field must be exactly %(max)d character long.": "length_exact",
    "'%(value)s' is not a valid choice for this field.": "choice",
}
_MESSAGES = {
    "required": N_("Enter %(label)s"),
    "required_question": N_("Answer the question %(label)s"),
    "required_choice": N_("Select %(label)s"),
    "required_choice_question": N_("Choose an answer to %(label)s"),
    "required_box": N_("Tick %(label)s to continue"),
    "choice": N_("Choose %(label)s from the list"),
    "choice_question": N_("Choose an answer to %(label)s from the list"),
    "none_of": N_("%(label)s cannot be %(values)s: enter something else"),
    "length_between": N_("%(label)s must be between %(min)d and %(max)d characters"),
    "number_min": N_("%(label)s must be %(min)s or more"),
    "number_max": N_("%(label)s must be %(max)s or less"),
    "number_between": N_("%(label)s must be between %(min)s and %(max)s"),
    "date_min": N_("%(label)s must be on or after %(min)s"),
    "date_max": N_("%(label)s must be on or before %(max)s"),
    "date": N_("%(label)s must be a real date, like 27 3 2026"),
    "integer": N_("%(label)s must be a whole number, like 12"),
    "number": N_("%(label)s must be a number, like 12.5"),
    "email": N_("Enter %(label)s in the correct format, like name@example.com"),
    "format": N_("Enter %(label)s in the correct format"),
    "equal_to": N_("%(label)s must be the same as %(other_label)s"),
    "read_only": N_("%(label)s cannot be changed"),
}


def _plural_message(kind: str, n: int) -> str:
    if kind == "length_min":
        return ngettext(
            "%(label)s must be %(min)d character or more",
            "%(label)s must be %(min)d characters or more",
            n,
        )
    if kind == "length_max":
        return ngettext(
            "%(label)s must be %(max)d character or fewer",
            "%(label)s must be %(max)d characters or fewer",
            n,
        )
    if kind == "length_exact":
        return ngettext(
            "%(label)s must be exactly %(max)d character",
            "%(label)s must be exactly %(max)d characters",
            n,
        )
    return translations().ugettext(_MESSAGES[kind])


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text  # an acronym: "DPO e-mail address"
    return text[:1].lower() + text[1:]


def _is_question(label: str) -> bool:
    return label.endswith("?")


def _named(label: str, *, mid_sentence: bool, quoted: bool = False) -> str:
    """The label as this message's sentence names it. Welsh messages quote the label in their
    own words; English ones read it into the sentence."""
    if current_locale() != "en":
        return label
    if _is_question(label) or quoted:
        return f"“{label}”"
    if not mid_sentence:
        return label
    first = label.split(" ", 1)[0].lower()
    text = _lower_first(label)
    return text if first in _OWN_DETERMINER else f"the {text}"


_MID_SENTENCE = frozenset({"required", "required_choice", "choice", "email", "format"})


def _kind_for(field: Field, kind: str) -> str:
    if kind == "required":
        if isinstance(field, BooleanField):
            return "required_box"
        if isinstance(field, _CHOICE_FIELDS):
            kind = "required_choice"
    if kind in ("required", "required_choice", "choice") and _is_question(field_label(field)):
        return f"{kind}_question"
    return kind


class FieldMessages:
    """The translations WTForms asks a field for: its generic messages become ones naming the
    field; every other text (a label's default, a CSRF message) comes from `fallback`."""

    def __init__(self, field: Field, fallback):
        self.field = field
        self.fallback = fallback

    def _message(self, kind: str, n: int | None = None) -> str:
        kind = _kind_for(self.field, kind)
        template = _plural_message(kind, n if n is not None else 2)
        base = kind.removesuffix("_question")
        label = _named(
            field_label(self.field),
            mid_sentence=base in _MID_SENTENCE,
            quoted=base == "required_box",
        )
        # WTForms fills in the rest (%(max)d and so on); a % in the label stays a %.
        return template.replace("%(label)s", label.replace("%", "%%"))

    def gettext(self, string: str) -> str:
        kind = _WTFORMS_KINDS.get(string)
        return self._message(kind) if kind else self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        kind = _WTFORMS_PLURAL_KINDS.get(singular)
        if kind is None:
            return self.fallback.ngettext(singular, plural, n)
        return self._message(kind, n)


def _names_label(message: str, label: str) -> bool:
    text, label = message.lower(), label.lower()
    if label in text:
        return True
    # Welsh mutates a word's first letters ("i gyfrinach y cleient"): the rest names it.
    return current_locale() != "en" and len(label) > 3 and label[1:] in text


def _summary_message(field: Field, message):
    label = field_label(field)
    if _names_label(str(message), label):
        return message
    return _("%(label)s: %(message)s", label=label, message=message)


def _leaf_fields(fields):
    for field in fields:
        yield field
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)


def name_fields_in_messages(form) -> None:
    """Give each field (those of sub-forms and lists too) messages that name it."""
    for field in _leaf_fields(form):
        if not isinstance(field._translations, FieldMessages):
            field._translations = FieldMessages(field, field._translations)


class FlaskForm(_FlaskForm):
    """Flask-WTF's form, refusing control characters and, outside text areas, line breaks;
    WTForms' generic messages name the field (see FieldMessages)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Before the field reads its data: a date's parse error is raised there.
            field = super().bind_field(form, unbound_field, options)
            field._translations = FieldMessages(field, field._translations)
            return field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_fields_in_messages(self)  # the fields of sub-forms and lists

    @property
    def errors(self):
        """WTForms' errors, as the GOV.UK error summary lists them: a message put on a field
        that does not name it (a service's "Shorten this to 5000 characters or fewer") is
        listed after the field's label. Beside the field, under its label, it reads as written."""
        errors = super().errors
        for name, messages in errors.items():
            field = self._fields.get(name) if name else None
            if field is not None and isinstance(messages, list):
                errors[name] = [_summary_message(field, m) for m in messages]
        return errors

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        return refuse_unstorable_text(self) and valid


def required_text_field(label, *, missing, max_length: int, too_long=None, description=""):
    """A one-line text field that must be filled in, and at most `max_length` characters
    long; `missing` and `too_long` are its two messages (without `too_long`, the generic one
    naming the field)."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=too_long),
        ],
    )
