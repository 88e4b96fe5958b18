"""Forms of the step pages every kind of request shares: clarification (asked and answered),
extensions (asked for, agreed or refused, granted) and withdrawal. They carry input only:
every rule is checked by the services, whose field messages are put back onto these fields."""

from __future__ import annotations

import dataclasses

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l
from ..parties.forms import DayMonthYearField
from ..widgets import UKCharacterCount


class QuestionForm(FlaskForm):
    """The body asked needs something made clear (the hint is the kind's: who answers)."""

    question = TextAreaField(
        _l("What do you need made clear?"),
        description=_l("The clock stops until the requesting authority answers."),
        widget=UKCharacterCount(),
    )
    submit = SubmitField(_l("Ask for clarification"), widget=GovSubmitInput())


class ClarificationForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), widget=UKCharacterCount())
    submit = SubmitField(_l("Send the clarification"), widget=GovSubmitInput())


class ExtensionForm(FlaskForm):
    """The body asked asks for more time (or the requester grants it): a new date and why."""

    new_due_date = DayMonthYearField(
        _l("New due date"), what=_l("The new due date"), description=_l("For example, 20 1 2027")
    )
    reason = TextAreaField(_l("Why is more time needed?"), widget=GovTextArea())
    submit = SubmitField(_l("Ask for the extension"), widget=GovSubmitInput())


class GrantExtensionForm(ExtensionForm):
    reason = TextAreaField(_l("Why are you giving more time?"), widget=GovTextArea())
    submit = SubmitField(_l("Grant the extension"), widget=GovSubmitInput())


EXTENSION_DECISIONS = {"agree": _l("Agree the new due date"), "refuse": _l("Refuse it")}


class ExtensionDecisionForm(FlaskForm):
    """The requester agrees or refuses the extension asked for (a refusal says why)."""

    decision = RadioField(
        _l("Do you agree the extension?"), widget=GovRadioInput(), validate_choice=False
    )
    reason = TextAreaField(_l("Why are you refusing it?"), widget=GovTextArea())
    submit = SubmitField(_l("Send the decision"), widget=GovSubmitInput())

    def setup(self) -> ExtensionDecisionForm:
        self.decision.choices = [(k, str(v)) for k, v in EXTENSION_DECISIONS.items()]
        return self


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why are you withdrawing the request?"), widget=GovTextArea())
    submit = SubmitField(_l("Withdraw the request"), widget=GovSubmitInput())


def details_from_form(details_class, form, **given):
    """A kind's request details (its dataclass) from its new-request form: each field from the
    form's field of the same name, where the form has one (else the dataclass's default), but
    for those `given` (the bodies, found from what was typed)."""
    values = {
        f.name: getattr(form, f.name).data
        for f in dataclasses.fields(details_class)
        if f.name not in given and hasattr(form, f.name)
    }
    return details_class(**values, **given)
