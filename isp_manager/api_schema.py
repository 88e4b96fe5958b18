"""The base marshmallow Schema of every API schema: text is checked before it is read.

A String field is single-line unless its name is one of MULTILINE_FIELDS (or its metadata says
`multiline: True`); strings inside other fields (lists, mappings, custom fields) are checked as
multi-line text. Integers are kept to what an INTEGER column holds in both databases. See text_input.py.

Every field message names the field and says what to send instead, in the request's language:
marshmallow's own messages (and a validator's, written once at import in English) are replaced,
when a load fails, by ones built from the field, its validators and the value sent (see
`field_messages`). A message that already names the field (a hook's, a text problem's) stays.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma

from .i18n import gettext as _
from .i18n import ngettext
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

    def handle_error(self, error: ma.ValidationError, data, *, many: bool, **kwargs):
        """Name the field in each of its messages, in the request's language."""
        errors = error.messages
        if not isinstance(errors, dict):
            return
        if many and isinstance(data, list):
            for index, item_errors in errors.items():
                if isinstance(index, int) and index < len(data) and isinstance(item_errors, dict):
                    _name_fields(self, item_errors, data[index])
        else:
            _name_fields(self, errors, data)


# ---------------------------------------------------------------- field messages


def _type_message(field: str, schema_field: ma.fields.Field, value) -> str:
    """What a value of the wrong kind for this field should have been."""
    f = ma.fields
    if isinstance(schema_field, f.Boolean):
        return _("%(field)s must be true or false.", field=field)
    if isinstance(schema_field, f.Integer):
        return _("%(field)s must be a whole number, like 12.", field=field)
    if isinstance(schema_field, f.Number):
        return _("%(field)s must be a number, like 12.5.", field=field)
    if isinstance(schema_field, f.DateTime):
        return _("%(field)s must be a real date and time, like 2026-03-27T14:30:00Z.", field=field)
    if isinstance(schema_field, f.Date):
        return _("%(field)s must be a real date written YYYY-MM-DD, like 2026-03-27.", field=field)
    if isinstance(schema_field, f.Email):
        return _("%(field)s must be an email address, like name@example.com.", field=field)
    if isinstance(schema_field, f.Url):
        return _("%(field)s must be a web address, like https://example.org.", field=field)
    if isinstance(schema_field, f.Enum):
        return _(
            "%(field)s must be one of: %(choices)s.", field=field, choices=schema_field.choices_text
        )
    if (
        isinstance(schema_field, f.Nested)
        and schema_field.many
        or isinstance(schema_field, f.List | f.Tuple)
    ):
        return _("%(field)s must be a list.", field=field)
    if isinstance(schema_field, f.Nested | f.Mapping):
        return _('%(field)s must be an object, like {"name": "value"}.', field=field)
    if isinstance(schema_field, f.String):
        return _("%(field)s must be text, in quotes.", field=field)
    return _(
        "%(field)s is not in the form this field takes: see the API documentation.", field=field
    )


def _characters(field: str, n: int, kind: str) -> str:
    if kind == "max":
        return ngettext(
            "%(field)s must be %(num)d character or fewer.",
            "%(field)s must be %(num)d characters or fewer.",
            n,
            field=field,
        )
    if kind == "min":
        return ngettext(
            "%(field)s must be at least %(num)d character.",
            "%(field)s must be at least %(num)d characters.",
            n,
            field=field,
        )
    return ngettext(
        "%(field)s must be exactly %(num)d character.",
        "%(field)s must be exactly %(num)d characters.",
        n,
        field=field,
    )


def _items(field: str, n: int, kind: str) -> str:
    if kind == "max":
        return ngettext(
            "%(field)s must have %(num)d item or fewer.",
            "%(field)s must have %(num)d items or fewer.",
            n,
            field=field,
        )
    if kind == "min":
        return ngettext(
            "%(field)s must have at least %(num)d item.",
            "%(field)s must have at least %(num)d items.",
            n,
            field=field,
        )
    return ngettext(
        "%(field)s must have exactly %(num)d item.",
        "%(field)s must have exactly %(num)d items.",
        n,
        field=field,
    )


def _length_message(field: str, validator: ma.validate.Length, value) -> str:
    count = _characters if isinstance(value, str) else _items
    size = len(value)
    if validator.equal is not None:
        return count(field, validator.equal, "equal")
    if validator.min is not None and size < validator.min:
        if size == 0:
            return _("%(field)s cannot be empty: give a value.", field=field)
        return count(field, validator.min, "min")
    return count(field, validator.max, "max")


def _range_message(field: str, validator: ma.validate.Range) -> str:
    low, high = validator.min, validator.max
    if low is not None and high is not None:
        return _("%(field)s must be from %(min)s to %(max)s.", field=field, min=low, max=high)
    if low is not None:
        if validator.min_inclusive:
            return _("%(field)s must be %(min)s or more.", field=field, min=low)
        return _("%(field)s must be more than %(min)s.", field=field, min=low)
    if validator.max_inclusive:
        return _("%(field)s must be %(max)s or less.", field=field, max=high)
    return _("%(field)s must be less than %(max)s.", field=field, max=high)


def _validator_message(field: str, validator, value) -> str | None:
    """The message for a validator this value fails; None if it is not one of marshmallow's."""
    v = ma.validate
    if isinstance(validator, v.Length):
        return _length_message(field, validator, value)
    if isinstance(validator, v.Range):
        return _range_message(field, validator)
    if isinstance(validator, v.ContainsOnly):
        return _(
            "%(field)s may only hold: %(choices)s.", field=field, choices=validator.choices_text
        )
    if isinstance(validator, v.OneOf):
        return _(
            "%(field)s must be one of: %(choices)s.", field=field, choices=validator.choices_text
        )
    if isinstance(validator, v.NoneOf):
        return _(
            "%(field)s cannot be %(values)s: send another value.",
            field=field,
            values=validator.values_text,
        )
    if isinstance(validator, v.Email):
        return _("%(field)s must be an email address, like name@example.com.", field=field)
    if isinstance(validator, v.URL):
        return _("%(field)s must be a web address, like https://example.org.", field=field)
    if isinstance(validator, v.Regexp):
        return _(
            "%(field)s is not in the form this field takes: see the API documentation.", field=field
        )
    return None


def _is_marshmallows(schema_field: ma.fields.Field) -> bool:
    return type(schema_field).__module__.startswith("marshmallow.")


def _own_messages(field: str, error: ma.ValidationError) -> list[str]:
    messages = error.messages if isinstance(error.messages, list) else [error.messages]
    return [
        str(m) if _names(field, m) else _("%(field)s: %(message)s", field=field, message=m)
        for m in messages
        if not isinstance(m, dict)
    ]


def _failures(validator, value) -> list[str] | None:
    try:
        validator(value)
    except ma.ValidationError as error:
        messages = error.messages
        return list(messages) if isinstance(messages, list) else [str(messages)]
    return None


def _value_messages(field: str, schema_field: ma.fields.Field, value) -> list[str]:
    """The messages for a value this field refuses, rebuilt from why it refuses it."""
    if value is None:
        return [_("%(field)s cannot be null: give a value or leave it out.", field=field)]
    try:
        loaded = schema_field._deserialize(value, field, None)
    except ma.ValidationError as error:
        if _is_marshmallows(schema_field):
            return [_type_message(field, schema_field, value)]
        return _own_messages(field, error)  # the service's own field says what it takes
    except Exception:  # a custom field failing oddly: the value is not one it takes
        return [_type_message(field, schema_field, value)]
    messages = []
    for validator in schema_field.validators:
        failed = _failures(validator, loaded)
        if failed is None:
            continue
        own = _validator_message(field, validator, loaded)
        messages += [own] if own else failed
    return messages


def _names(field: str, message) -> bool:
    return not isinstance(message, dict) and field.lower() in str(message).lower()


def field_messages(field: str, schema_field, messages, *, sent: bool, value):
    """`messages` for one field, each naming `field` in the request's language."""
    if isinstance(messages, dict):
        inner = getattr(schema_field, "inner", None)
        if isinstance(schema_field, ma.fields.List) and isinstance(value, list) and inner:
            return {
                index: field_messages(
                    f"{field}[{index}]", inner, item, sent=True, value=value[index]
                )
                for index, item in messages.items()
                if isinstance(index, int) and index < len(value)
            } or messages
        if set(messages) == {"_schema"} and isinstance(schema_field, ma.fields.Nested):
            return [_type_message(field, schema_field, value)]  # not an object (or list) at all
        return messages  # a nested schema's fields: named by that schema
    messages = list(messages) if isinstance(messages, list | tuple) else [messages]
    if all(_names(field, m) for m in messages):
        return messages
    if not sent:
        return [_("%(field)s is required: give a value.", field=field)]
    rebuilt = _value_messages(field, schema_field, value)
    kept = [m for m in messages if _names(field, m)]
    # What is left unnamed (a hook's message) is said as the field's.
    found = [*kept, *rebuilt] or messages
    return list(dict.fromkeys(_own_messages(field, ma.ValidationError(found))))


def _name_fields(schema: ma.Schema, errors: dict, data) -> None:
    fields = {(f.data_key or name): f for name, f in schema.load_fields.items()}
    for key, messages in list(errors.items()):
        if key == "_schema":  # the whole object's messages: each says what it is about
            continue
        schema_field = fields.get(key)
        if schema_field is None:
            errors[key] = [_("%(field)s is not a field of this request: leave it out.", field=key)]
            continue
        sent = isinstance(data, Mapping) and key in data
        value = data.get(key) if sent else None
        errors[key] = field_messages(key, schema_field, messages, sent=sent, value=value)
