"""Forms for s.137 board requests. They carry input only: every rule is checked by the
services, whose field messages are put back onto these fields."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l
from ..law import S137_RELATES
from ..lifecycle.items import items_field, setup_items
from ..lifecycle.models import RECEIVED_VIA_LABELS
from ..parties.forms import DayMonthYearField, apply_errors  # noqa: F401  (for the views)
from .models import BOARD_OUTCOME_LABELS, PROTECTIVE_MARKINGS, PURPOSE_LABELS


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, str(label)) for key, label in labels.items()]


class BoardRequestForm(FlaskForm):
    qualifying_body = StringField(
        _l("Which body are you asking?"),
        description=_l("Its name or code, or part of its name"),
        widget=GovTextInput(),
    )
    why_qualifying = TextAreaField(
        _l("Why the board considers it a qualifying body"), widget=GovTextArea()
    )
    information_specified = TextAreaField(_l("The information asked for"), widget=GovTextArea())
    relates_to = SelectMultipleField(
        _l("What the information relates to"), widget=GovCheckboxesInput(), validate_choice=False
    )
    provide_to = StringField(
        _l("Who the information goes to (optional)"),
        description=_l(
            "Leave this empty for the information to come to the board, or name the body it goes to"
        ),
        widget=GovTextInput(),
    )
    purpose = RadioField(
        _l("Which of the board's functions it is for"),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    purpose_detail = StringField(_l("Which function (optional)"), widget=GovTextInput())
    review_reference = StringField(_l("Review reference (optional)"), widget=GovTextInput())
    case_reference = StringField(
        _l("Your own case reference (optional)"),
        description=_l(
            "Your organisation's case or file number for this request, like SW/2026/0417, to "
            "find it again in the list. Do not enter a name."
        ),
        widget=GovTextInput(),
    )
    protective_marking = RadioField(
        _l("Protective marking"), widget=GovRadioInput(), validate_choice=False
    )
    contact_name = StringField(_l("Contact name (optional)"), widget=GovTextInput())
    contact_email = StringField(_l("Contact e-mail (optional)"), widget=GovTextInput())
    submit = SubmitField(_l("Send the request"), widget=GovSubmitInput())
    save_draft = SubmitField(_l("Save as a draft"), widget=GovSubmitInput())
    # The code of the body whose contacts the board was shown on the check step: sending to a
    # body without users, or where nobody would be told, waits for that check.
    told_checked = HiddenField()

    def setup(self, locale: str) -> BoardRequestForm:
        self.relates_to.choices = [(e.code, e.label(locale)) for e in S137_RELATES]
        self.purpose.choices = _choices(PURPOSE_LABELS)
        self.protective_marking.choices = [(m, m) for m in PROTECTIVE_MARKINGS]
        if not self.protective_marking.data:
            self.protective_marking.data = PROTECTIVE_MARKINGS[0]
        return self


class AnswerForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), widget=GovRadioInput(), validate_choice=False)
    reasons = TextAreaField(_l("Reasons for anything not provided"), widget=GovTextArea())
    not_provided = TextAreaField(_l("What was not provided (optional)"), widget=GovTextArea())
    items = items_field()
    submit = SubmitField(_l("Record the answer"), widget=GovSubmitInput())

    def setup(self) -> AnswerForm:
        self.outcome.choices = _choices(BOARD_OUTCOME_LABELS)
        setup_items(self)
        return self


class OnBehalfForm(AnswerForm):
    received_from = StringField(_l("Who sent the answer"), widget=GovTextInput())
    received_on = DayMonthYearField(_l("When it arrived"), what=_l("the date it arrived"))
    received_how = RadioField(_l("How it arrived"), widget=GovRadioInput(), validate_choice=False)

    def setup(self) -> OnBehalfForm:
        super().setup()
        self.received_how.choices = _choices(RECEIVED_VIA_LABELS)
        return self


class FollowUpForm(FlaskForm):
    escalation_note = TextAreaField(_l("How the board followed it up"), widget=GovTextArea())
    submit = SubmitField(_l("Record the follow-up"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())
