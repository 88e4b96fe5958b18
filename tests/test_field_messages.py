"""Every message a page form or an API schema gives for a field names that field, in English and
in Welsh: each form is filled in empty, too long and wrong, each schema loads bad values, and a
message that does not contain its field's label (or, in the API, its name) fails."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import marshmallow as ma
import pytest
from flask_babel import refresh
from flask_wtf import FlaskForm as FlaskWTFForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    EmailField,
    FieldList,
    FileField,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectFieldBase,
    StringField,
    SubmitField,
)

import isp_manager
from isp_manager.api_schema import Schema
from isp_manager.forms_base import FlaskForm, field_label

LANGUAGES = ("en", "cy")
TOO_LONG = "x" * 100_001
# Forms that cannot be built without what their page passes in, and what stands in for it.
CONSTRUCTOR_ARGUMENTS = {
    # Its choices are the identity provider's domains: none, so the choice is refused.
    "isp_manager.sso.forms.AccountCreationForm": {"provider": SimpleNamespace(domains=[])},
}
# Forms not walked, each with the reason: none so far.
NOT_WALKED: dict[str, str] = {}


def _import_everything() -> None:
    for module in pkgutil.walk_packages(isp_manager.__path__, "isp_manager."):
        importlib.import_module(module.name)


def _subclasses(cls) -> list[type]:
    found, stack = [], [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


def page_forms() -> list[type]:
    _import_everything()
    return sorted(
        (f for f in _subclasses(FlaskForm) if f.__module__.startswith("isp_manager.")),
        key=lambda f: f"{f.__module__}.{f.__qualname__}",
    )


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_page_form_inherits_the_base_form():
    _import_everything()
    bypassing = [
        _name(f)
        for f in _subclasses(FlaskWTFForm)
        if f.__module__.startswith("isp_manager.") and not issubclass(f, FlaskForm)
    ]
    assert bypassing == []


# ---------------------------------------------------------------- page forms


def _leaves(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def _walked(field) -> bool:
    return not isinstance(field, SubmitField | HiddenField) and field.short_name != "csrf_token"


def _value(field, how: str) -> list[str]:
    """What a browser would send for the field: nothing, too much, or the wrong kind."""
    if how == "empty":
        return ["", "", ""] if isinstance(field, DateField | DateTimeField) else [""]
    if isinstance(field, DateField | DateTimeField):
        return ["31", "2", "2026"] if how == "wrong" else ["1", "1", TOO_LONG]
    if isinstance(field, IntegerField | DecimalField | FloatField):
        return ["twelve"] if how == "wrong" else ["9" * 400]
    if isinstance(field, SelectFieldBase):
        return ["not-one-of-the-choices"] if how == "wrong" else [TOO_LONG]
    if isinstance(field, EmailField) or "mail" in field.short_name:
        return ["not an address"] if how == "wrong" else [TOO_LONG + "@example.com"]
    if isinstance(field, BooleanField | FileField):
        return ["y"]
    if isinstance(field, StringField | PasswordField):
        return ["\x01"] if how == "wrong" else [TOO_LONG]
    return [""]


def _make(form_class, **kwargs):
    return form_class(**kwargs, **CONSTRUCTOR_ARGUMENTS.get(_name(form_class), {}))


def _give_choices(form) -> None:
    for field in _leaves(form):
        if isinstance(field, SelectFieldBase) and getattr(field, "choices", None) is None:
            field.choices = [("one", "One")]


def _form_data(form_class, app, how: str) -> MultiDict:
    """The form's field names (built once, without data) mapped to the values to send."""
    with app.test_request_context("/", method="GET"):
        form = _make(form_class, formdata=None)
        data = MultiDict()
        for field in _leaves(form):
            if _walked(field):
                for value in _value(field, how):
                    data.add(field.name, value)
        return data


# Welsh mutates a label's first letter after some words ("i gyfrinach y cleient").
_MUTATIONS = {
    "c": ("g", "ngh", "ch"),
    "p": ("b", "mh", "ph"),
    "t": ("d", "nh", "th"),
    "g": ("", "ng"),
    "b": ("f", "m"),
    "d": ("dd", "n"),
    "ll": ("l",),
    "m": ("f",),
    "rh": ("r",),
}


def names(message: str, label: str, language: str) -> bool:
    """Whether the message names the label (in Welsh, perhaps mutated)."""
    text, label = message.lower(), label.lower()
    forms = {label}
    if language == "cy":
        for radical in sorted(_MUTATIONS, key=len, reverse=True):
            if label.startswith(radical):
                forms |= {m + label[len(radical) :] for m in _MUTATIONS[radical]}
                break
        if label[:1] in "aeiouwy":
            forms.add("h" + label)
    return any(form in text for form in forms)


def _problems(form_class, app, language: str, how: str) -> list[str]:
    data = _form_data(form_class, app, how)
    with app.test_request_context(f"/?lang={language}", method="POST", data=data):
        refresh()
        form = _make(form_class)
        _give_choices(form)
        form.validate()
        problems = []
        for field in _leaves(form):
            if not _walked(field):
                continue
            label = field_label(field)
            for message in field.errors:
                if isinstance(message, str) and not names(message, label, language):
                    problems.append(f"{field.short_name} ({label!r}): {message!r}")
        return problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("how", ["empty", "too long", "wrong"])
def test_every_page_form_message_names_its_field(app, language, how):
    failures = {}
    for form_class in page_forms():
        if _name(form_class) in NOT_WALKED:
            continue
        problems = _problems(form_class, app, language, how)
        if problems:
            failures[_name(form_class)] = problems
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_the_generic_messages_read_as_govuk_ones(app):
    from wtforms import SelectField, TextAreaField
    from wtforms.validators import DataRequired, Length

    class Sample(FlaskForm):
        title = StringField("Title", validators=[DataRequired(), Length(max=300)])
        notes = TextAreaField("Notes (optional)", validators=[Length(max=5)])
        role = SelectField("Role", choices=[("a", "A")], validators=[DataRequired()])
        why = StringField("Why do you need it?", validators=[DataRequired()])
        signed_on = DateField("Date signed", format="%d %m %Y")

    data = MultiDict([("notes", "too long"), ("signed_on", "31 2 2026"), ("role", "b")])
    with app.test_request_context("/", method="POST", data=data):
        form = Sample()
        form.validate()
        assert form.title.errors == ["Enter the title"]
        assert form.notes.errors == ["Notes must be 5 characters or fewer"]
        assert form.role.errors == ["Choose the role from the list"]
        assert form.why.errors == ["Answer the question “Why do you need it?”"]
        assert form.signed_on.errors == ["Date signed must be a real date, like 27 3 2026"]
    data = MultiDict([("title", TOO_LONG)])
    with app.test_request_context("/?lang=cy", method="POST", data=data):
        refresh()
        form = Sample()
        form.validate()
        assert form.title.errors == ["Rhaid i “Title” fod yn 300 nod neu lai"]


# ---------------------------------------------------------------- API schemas


def api_schemas() -> list[type]:
    _import_everything()
    return sorted(
        (s for s in _subclasses(Schema) if s.__module__.startswith("isp_manager.")),
        key=_name,
    )


def _bad_values(field: ma.fields.Field) -> list:
    if isinstance(field, ma.fields.Nested | ma.fields.Pluck):
        return ["not an object"]
    if isinstance(field, ma.fields.List):
        return ["not a list", [None], [TOO_LONG]]
    if isinstance(field, ma.fields.Boolean):
        return ["perhaps", None]
    if isinstance(field, ma.fields.Number):
        return ["twelve", None, -(2**40)]
    if isinstance(field, ma.fields.Date | ma.fields.DateTime):
        return ["31/02/2026", None]
    return [TOO_LONG, None, 12, "", "not-a-choice"]


def _schema_problems(schema_class, app, language: str) -> list[str]:
    problems = []
    with app.test_request_context(f"/api/?lang={language}"):
        refresh()
        try:
            schema = schema_class()
        except TypeError:
            return ["cannot be made without arguments"]
        for name, field in schema.load_fields.items():
            key = field.data_key or name
            for value in [*_bad_values(field), ma.missing]:
                data = {} if value is ma.missing else {key: value}
                try:
                    schema.load(data, partial=value is not ma.missing)
                except ma.ValidationError as error:
                    messages = error.normalized_messages()
                    problems += _unnamed(key, messages.get(key))
        problems += _unknown_field_problems(schema)
    return problems


def _unnamed(key: str, messages) -> list[str]:
    if messages is None:
        return []
    if isinstance(messages, dict):
        return [p for inner in messages.values() for p in _unnamed(key, inner)]
    if isinstance(messages, str):
        messages = [messages]
    found = []
    for message in messages:
        if isinstance(message, dict):
            continue  # a nested schema's own fields, walked as that schema
        if key.lower() not in str(message).lower():
            found.append(f"{key}: {message!r}")
    return found


def _unknown_field_problems(schema) -> list[str]:
    if schema.unknown != ma.RAISE:
        return []
    try:
        schema.load({"no_such_field": 1}, partial=True)
    except ma.ValidationError as error:
        return _unnamed("no_such_field", error.normalized_messages().get("no_such_field"))
    return []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_api_field_message_names_its_field(app, language):
    failures = {}
    for schema_class in api_schemas():
        problems = _schema_problems(schema_class, app, language)
        if problems:
            failures[_name(schema_class)] = sorted(set(problems))
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_api_field_messages_follow_accept_language(app, api_client):
    from isp_manager.protocols.schemas import __name__ as _  # noqa: F401 - the schemas load

    class Sample(Schema):
        title = ma.fields.String(
            required=True, validate=ma.validate.Length(max=3, error="Must be 3 or fewer.")
        )

    with app.test_request_context("/api/", headers={"Accept-Language": "cy"}):
        refresh()
        with pytest.raises(ma.ValidationError) as error:
            Sample().load({"title": "four"})
        assert error.value.messages == {"title": ["Rhaid i title fod yn 3 nod neu lai."]}
    with app.test_request_context("/api/"):
        refresh()
        with pytest.raises(ma.ValidationError) as error:
            Sample().load({})
        assert error.value.messages == {"title": ["title is required: give a value."]}


def test_a_422_names_the_field_in_the_callers_language(app, api_client, make_user):
    from isp_manager.accounts.models import Role

    api = api_client(make_user(role=Role.ADMIN))
    body = {"email": 42, "name": "A B", "organisation": "la-cardiff", "role": "ig_lead"}
    # One request only: the tests' application context (and the locale it keeps) outlives it.
    welsh = api.post("/api/v1/users", json=body, headers={"Accept-Language": "cy"})
    assert welsh.status_code == 422
    assert welsh.json["message"] == "Nid yw rhywfaint o'r wybodaeth a anfonwyd yn ddilys."
    assert welsh.json["errors"]["json"]["email"] == ["Rhaid i email fod yn destun, mewn dyfynodau."]


def test_a_service_refusal_in_the_api_names_its_field(app):
    from isp_manager.errors_views import _named_field_errors

    with app.test_request_context("/api/"):
        errors = _named_field_errors(
            {"purpose": ["Shorten this to 5000 characters or fewer."], "title": ["title is taken"]}
        )
    assert errors == {
        "purpose": ["purpose: Shorten this to 5000 characters or fewer."],
        "title": ["title is taken"],
    }


def test_a_message_of_the_services_own_making_is_kept_and_named(app):
    def no_sevens(value):
        if value == "7":
            raise ma.ValidationError("Give an organisation code, like la-cardiff.")

    class Sample(Schema):
        partner = ma.fields.String(validate=no_sevens)

    with app.test_request_context("/api/"):
        with pytest.raises(ma.ValidationError) as error:
            Sample().load({"partner": "7"})
    assert error.value.messages == {
        "partner": ["partner: Give an organisation code, like la-cardiff."]
    }


def test_the_error_summary_names_the_field_of_a_service_refusal(app):
    from wtforms import TextAreaField

    class Sample(FlaskForm):
        purpose = TextAreaField("Why do you need it?")
        title = StringField("Title")

    with app.test_request_context("/", method="POST"):
        form = Sample()
        form.purpose.errors = ["Shorten this to 5000 characters or fewer."]
        form.title.errors = ["Enter the title"]
        assert form.errors == {
            "purpose": ["Why do you need it?: Shorten this to 5000 characters or fewer."],
            "title": ["Enter the title"],
        }
        assert form.purpose.errors == ["Shorten this to 5000 characters or fewer."]
