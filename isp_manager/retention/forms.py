"""Forms for the retention pages: input only; the services check every rule."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import IntegerField, SubmitField, TextAreaField

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l
from ..parties.forms import DayMonthYearField


class PeriodForm(FlaskForm):
    months = IntegerField(
        _l("Retention period, in months"),
        description=_l("For example, 72 for six years."),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save the period"), widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    new_review_on = DayMonthYearField(_l("New review date"), what=_l("The new review date"))
    reason = TextAreaField(_l("Why keep the record longer?"), widget=GovTextArea())
    submit = SubmitField(_l("Keep the record"), widget=GovSubmitInput())


class DisposeForm(FlaskForm):
    submit = SubmitField(_l("Dispose of the record"), widget=GovSubmitInput())
