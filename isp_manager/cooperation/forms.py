"""Forms for s.164 requests. They carry input only: every rule is checked by the services,
whose field messages are put back onto these fields."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import S164_GROUNDS, SOCIAL_SERVICES_FUNCTIONS
from ..lifecycle.items import items_field, setup_items
from ..lifecycle.list_forms import ListFilterForm as RequestListFilterForm
from ..lifecycle.models import OUTCOME_LABELS
from ..parties.forms import DayMonthYearField, apply_errors  # noqa: F401  (re-exported for views)
from ..widgets import UKCharacterCount
from .models import REQUEST_TYPE_LABELS


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, str(label)) for key, label in labels.items()]


class ChooseBodyForm(FlaskForm):
    """Step one: the body to ask (a GET form)."""

    class Meta:
        csrf = False

    body = StringField(
        _l("Which body are you asking?"),
        description=_l("Its name or code, or part of its name"),
        widget=GovTextInput(),
    )


class RequestForm(FlaskForm):
    """Step two: what is asked, why and how to reply."""

    request_type = RadioField(
        _l("What are you asking for?"), widget=GovRadioInput(), validate_choice=False
    )
    function = RadioField(
        _l("Which social services function is the request made for?"),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    function_description = StringField(
        _l("Which social services function?"),
        description=_l("For example, support for carers."),
        widget=GovTextInput(),
    )
    partner_function = StringField(
        _l("Which of those functions does the request concern?"), widget=GovTextInput()
    )
    details = TextAreaField(
        _l("What are you asking for?"),
        description=_l("Say exactly what you need: the records, dates or help, and nothing more."),
        widget=UKCharacterCount(),
    )
    purpose = TextAreaField(
        _l("Why do you need it?"),
        description=_l("How it will help you exercise the function."),
        widget=UKCharacterCount(),
    )
    subject_reference = StringField(
        _l("Your case reference (optional)"),
        description=_l(
            "A case number, like CS-2026-00417. Do not enter a name: the body asked can look up "
            "the person from the reference when it needs to."
        ),
        widget=GovTextInput(),
    )
    secure_reply = TextAreaField(
        _l("How should the body reply securely? (optional)"),
        description=_l("For example, a secure mailbox or a portal."),
        widget=GovTextArea(),
    )
    urgent = BooleanField(_l("This request is urgent"), widget=GovCheckboxInput())
    requested_due_date = DayMonthYearField(
        _l("Earlier due date (optional, urgent requests only)"),
        what=_l("The earlier due date"),
        description=_l("For example, 24 12 2026. Leave blank to use the usual period."),
    )
    urgent_reason = StringField(
        _l("Why is it urgent? (urgent requests only)"), widget=GovTextInput()
    )
    contact_name = StringField(_l("Contact name"), widget=GovTextInput())
    contact_email = StringField(_l("Contact e-mail address"), widget=GovTextInput())
    contact_phone = StringField(_l("Contact telephone (optional)"), widget=GovTextInput())
    send = SubmitField(_l("Send request"), widget=GovSubmitInput())
    save_draft = SubmitField(_l("Save as draft"), widget=GovSubmitInput())

    def setup(self, locale: str) -> RequestForm:
        self.request_type.choices = _choices(REQUEST_TYPE_LABELS)
        self.function.choices = [(e.code, e.label(locale)) for e in SOCIAL_SERVICES_FUNCTIONS]
        return self


class ConfirmForm(FlaskForm):
    """A button that changes state (acknowledge, send, close): only the CSRF token."""

    submit = SubmitField(widget=GovSubmitInput())


class ResponseForm(FlaskForm):
    outcome = RadioField(
        _l("What have you decided?"), widget=GovRadioInput(), validate_choice=False
    )
    ground = RadioField(
        _l("Ground for not complying (s.164)"),
        description=_l("Needed if you decline or comply only in part."),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    written_reasons = TextAreaField(
        _l("Written reasons"),
        description=_l(
            "The law requires written reasons for not complying. Explain why the ground applies "
            "to this request: the requesting authority receives them in a letter."
        ),
        widget=UKCharacterCount(),
    )
    not_provided = TextAreaField(
        _l("What was not provided (partly complied only)"), widget=GovTextArea()
    )
    items = items_field()
    submit = SubmitField(_l("Record the answer"), widget=GovSubmitInput())

    def setup(self, locale: str, kind: str) -> ResponseForm:
        """`kind`: the request's type, which decides the subsection each ground is cited by."""
        self.outcome.choices = _choices(OUTCOME_LABELS)
        self.ground.choices = [
            (e.code, f"{e.citation_for(locale, kind)}: {e.label(locale)}") for e in S164_GROUNDS
        ]
        setup_items(self)
        return self


class ListFilterForm(RequestListFilterForm):
    """The inbox and outbox filters (a GET form): the lifecycle's, and the request type."""

    request_type = SelectField(_l("Type"), widget=GovSelect(), validate_choice=False)

    def setup(self, bodies, *, with_drafts: bool, locale: str) -> ListFilterForm:
        super().setup(bodies, with_drafts=with_drafts, locale=locale)
        self.request_type.choices = [("", _("Any"))] + _choices(REQUEST_TYPE_LABELS)
        return self


class FiguresForm(FlaskForm):
    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), widget=GovSelect(), validate_choice=False)
    year = SelectField(_l("Year"), widget=GovSelect(), validate_choice=False)


class LetterheadForm(FlaskForm):
    letterhead = FileField(
        _l("Letterhead template (.docx)"),
        description=_l(
            "A Word document with your organisation's header, footer and styles. Letters are "
            "written below anything already in it. Up to 2 MB, without macros."
        ),
        widget=GovFileInput(),
    )
    submit = SubmitField(_l("Upload"), widget=GovSubmitInput())
