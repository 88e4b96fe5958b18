"""Forms for the decision pages: one per question page, built from one definition per answer.
They carry input only; the services check every rule and their field messages are put back
onto these fields."""

from __future__ import annotations

from dataclasses import dataclass

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField

from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from ..parties.forms import DayMonthYearField, apply_errors  # noqa: F401  (re-exported)
from .models import CONSENT_LABELS, OUTCOME_LABELS, PRINCIPLE_LABELS

YES_NO = "yes_no"
# The recipients page shows at least three organisation boxes, and one empty box more than
# those already chosen, up to the most a decision may name ("Add another organisation").
RECIPIENT_SLOTS = 3
MAX_RECIPIENT_SLOTS = 10


def recipient_slots(data: dict | None, formdata=None) -> int:
    chosen = len((data or {}).get("recipients") or [])
    posted = sum(1 for key in (formdata or {}) if str(key).startswith("recipient_"))
    return min(MAX_RECIPIENT_SLOTS, max(RECIPIENT_SLOTS, chosen + 1, posted))


def _yes_no(label, description=None):
    return RadioField(label, description=description, widget=GovRadioInput(), validate_choice=False)


def _text(label, description=None):
    return TextAreaField(label, description=description, widget=GovTextArea())


def _select(label, description=None):
    return SelectField(label, description=description, widget=GovSelect(), validate_choice=False)


# Each answer's field on the pages (the names are the services' FIELDS).
def _field(name: str):
    principles = {
        p: _text(label, _l("A short justification.")) for p, label in PRINCIPLE_LABELS.items()
    }
    fields = {
        "immediate_risk": _yes_no(_l("Is a child at immediate risk of harm?")),
        "subject_reference": StringField(
            _l("Case number or reference (optional)"),
            description=_l("Like CS-2026-00417. Never enter a name."),
            widget=GovTextInput(),
        ),
        "purpose": _text(_l("What would the information be shared for?")),
        "information_description": _text(_l("Describe the information concerned")),
        "includes_fact": BooleanField(_l("Fact"), widget=GovCheckboxInput()),
        "includes_opinion": BooleanField(_l("Opinion"), widget=GovCheckboxInput()),
        "includes_historical": BooleanField(
            _l("Historical (explain this in the description)"), widget=GovCheckboxInput()
        ),
        "recipient_roles": _text(_l("The roles of the people who receive it (optional)")),
        "consent_outcome": RadioField(
            _l("Was consent sought?"), widget=GovRadioInput(), validate_choice=False
        ),
        "consent_not_sought_reason": _text(_l("If consent was not sought, why not?")),
        "article6": _select(_l("Article 6 lawful basis")),
        "is_special_category": _yes_no(_l("Is any of it special category data?")),
        "article9": _select(_l("Article 9 condition (special category data only)")),
        "schedule1": _select(
            _l("DPA 2018 Schedule 1 condition, if the Article 9 condition needs one")
        ),
        "is_criminal_offence": _yes_no(_l("Is any of it criminal offence data?")),
        "criminal_offence_condition": _select(_l("Schedule 1 condition for criminal offence data")),
        "para18_reason": RadioField(
            _l("If relying on Schedule 1 paragraph 18, why is consent not the basis?"),
            widget=GovRadioInput(),
            validate_choice=False,
        ),
        "policy_document_ref": StringField(
            _l("Appropriate policy document reference, if the condition needs one"),
            widget=GovTextInput(),
        ),
        **principles,
        "advice_sought": _yes_no(_l("Did you seek advice?")),
        "advice_from": _text(_l("If so, from whom?")),
        "advice_identified_individual": _yes_no(_l("Did you tell them who the individual is?")),
        "individual_told": _yes_no(_l("Was the individual told about the decision?")),
        "individual_not_told_reason": _text(_l("If not, why not?")),
        "decision": RadioField(
            _l("What did you decide?"), widget=GovRadioInput(), validate_choice=False
        ),
        "decision_reasons": _text(_l("Your reasons"), _l("Give them whether you share or not.")),
        "shared_what": _text(_l("What was shared?")),
        "shared_on": DayMonthYearField(
            _l("When was it shared?"),
            what=_l("The date shared"),
            description=_l("For example, 20 11 2026"),
        ),
        "shared_how": _text(_l("How was it shared, and how securely?")),
        "protocol": StringField(
            _l("Agreement it was shared under (optional)"),
            description=_l("The agreement's reference."),
            widget=GovTextInput(),
        ),
        "cooperation_request": StringField(
            _l("Section 164 request it answers (optional)"),
            description=_l("The request's reference, like S164-2026-000123."),
            widget=GovTextInput(),
        ),
    }
    return fields[name]


def field_label(name: str) -> str:
    """The question an answer is asked by, in the reader's language (no form is built)."""
    if name == "recipients":
        return _("Organisations that receive it")
    return str(_field(name).args[0])


@dataclass(frozen=True)
class Step:
    slug: str
    title: object
    fields: tuple[str, ...]
    only_if_share: bool = False


STEPS = (
    Step("immediate-risk", _l("Immediate risk"), ("immediate_risk",)),
    Step("subject", _l("Who it is about"), ("subject_reference",)),
    Step("purpose", _l("Purpose"), ("purpose",)),
    Step(
        "information",
        _l("The information"),
        ("information_description", "includes_fact", "includes_opinion", "includes_historical"),
    ),
    Step("recipients", _l("Who would receive it"), ("recipients", "recipient_roles")),
    Step("consent", _l("Consent"), ("consent_outcome", "consent_not_sought_reason")),
    Step("lawful-basis", _l("Lawful basis"), ("article6",)),
    Step(
        "special-category",
        _l("Special category and criminal offence data"),
        (
            "is_special_category",
            "article9",
            "schedule1",
            "is_criminal_offence",
            "criminal_offence_condition",
        ),
    ),
    Step(
        "safeguarding-condition",
        _l("Safeguarding condition"),
        ("para18_reason", "policy_document_ref"),
    ),
    Step("principles", _l("The principles"), tuple(PRINCIPLE_LABELS)),
    Step("advice", _l("Advice"), ("advice_sought", "advice_from", "advice_identified_individual")),
    Step("told", _l("Telling the individual"), ("individual_told", "individual_not_told_reason")),
    Step("decision", _l("Decision"), ("decision", "decision_reasons")),
    Step(
        "shared",
        _l("What was shared"),
        ("shared_what", "shared_on", "shared_how"),
        only_if_share=True,
    ),
    Step("links", _l("Agreement and request"), ("protocol", "cooperation_request")),
)
STEP_BY_SLUG = {s.slug: s for s in STEPS}
FIELD_STEP = {f: s for s in STEPS for f in s.fields}


def step_form(step: Step, locale: str, recipients_choices, formdata=None, data=None) -> FlaskForm:
    """The form of one question page, with its choices, filled from the draft or the post."""
    attrs = {}
    slots = recipient_slots(data, formdata)
    for name in step.fields:
        if name == "recipients":
            for i in range(slots):
                label = _l("Organisation") if i == 0 else _l("Another organisation (optional)")
                attrs[f"recipient_{i}"] = _select(label)
        else:
            attrs[name] = _field(name)
    attrs["submit"] = SubmitField(_l("Continue"), widget=GovSubmitInput())
    if "recipients" in step.fields and slots < MAX_RECIPIENT_SLOTS:
        attrs["add_recipient"] = SubmitField(
            _l("Add another organisation"), widget=GovSubmitInput()
        )
    form_class = type(f"{step.slug.title().replace('-', '')}Form", (FlaskForm,), attrs)
    form = form_class(formdata=formdata, data=_to_form(data or {}))
    _choices(form, locale, recipients_choices, slots)
    return form


def _choices(form, locale: str, recipients_choices, slots: int = RECIPIENT_SLOTS) -> None:
    yes_no = [("yes", _("Yes")), ("no", _("No"))]
    for field in form:
        if isinstance(field, RadioField) and field.name not in (
            "consent_outcome",
            "decision",
            "para18_reason",
        ):
            field.choices = yes_no
    catalogues = {
        "article6": ARTICLE6,
        "article9": ARTICLE9,
        "schedule1": SCHEDULE1,
        "criminal_offence_condition": SCHEDULE1,
    }
    for name, catalogue in catalogues.items():
        if name in form:
            form[name].choices = [("", _("None chosen"))] + [
                (e.code, f"{e.citation_for(locale)}: {e.label(locale)}") for e in catalogue
            ]
    if "consent_outcome" in form:
        form["consent_outcome"].choices = [(k.value, str(v)) for k, v in CONSENT_LABELS.items()]
    if "decision" in form:
        form["decision"].choices = [(k.value, str(v)) for k, v in OUTCOME_LABELS.items()]
    if "para18_reason" in form:
        form["para18_reason"].choices = [(e.code, e.label(locale)) for e in PARA18_REASONS]
    for i in range(slots):
        if f"recipient_{i}" in form:
            form[f"recipient_{i}"].choices = [
                ("", _("Choose an organisation"))
            ] + recipients_choices


def _to_form(values: dict) -> dict:
    data = {}
    for name, value in values.items():
        if name == "recipients":
            for i, code in enumerate((value or [])[:MAX_RECIPIENT_SLOTS]):
                data[f"recipient_{i}"] = code
        elif isinstance(value, bool) and name not in (
            "includes_fact",
            "includes_opinion",
            "includes_historical",
        ):
            data[name] = "yes" if value else "no"
        else:
            data[name] = value
    return data


def answers_from(form, step: Step) -> dict:
    """The page's answers in the services' terms."""
    raw = {}
    for name in step.fields:
        if name == "recipients":
            raw[name] = [
                form[f"recipient_{i}"].data
                for i in range(MAX_RECIPIENT_SLOTS)
                if f"recipient_{i}" in form and form[f"recipient_{i}"].data
            ]
        elif name in ("includes_fact", "includes_opinion", "includes_historical"):
            raw[name] = bool(form[name].data)
        elif (
            isinstance(form[name], RadioField)
            and form[name].choices
            and form[name].choices[0][0] == "yes"
        ):
            raw[name] = {"yes": True, "no": False}.get(form[name].data)
        else:
            raw[name] = form[name].data
    return raw


def field_for_error(name: str) -> str:
    """The form field a service message about `name` goes on."""
    return "recipient_0" if name == "recipients" else name


class AmendmentReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you amending the record?"),
        description=_l(
            "The original stays as it was recorded; your reason is kept with the change."
        ),
        widget=GovTextArea(),
    )


class AdviceQuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Your question"),
        description=_l(
            "Do not name the child or anyone else, and do not give the case number: write "
            "“the child”, “the parent” or their role. Your IG lead sees which decision it is about."
        ),
        widget=GovTextArea(),
    )


class AdviceAnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), widget=GovTextArea())
