"""Filter forms of the register of agreements and the reviews dashboard (GET forms: no CSRF)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import Length

from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from .models import KIND_LABELS, ProtocolKind
from .register import MAX_SEARCH_LENGTH, VIEW_LABELS, RegisterView
from .reviews import ReviewStatus

KIND_CHOICES = [("", _l("Any kind of agreement"))] + [
    (k.value, KIND_LABELS[k]) for k in ProtocolKind
]


def _one_of_the_choices(message):
    def check(form, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(message)

    return check


class RegisterFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Title or reference"),
        widget=GovTextInput(),
        validators=[Length(max=MAX_SEARCH_LENGTH)],
    )
    kind = SelectField(
        _l("Kind of agreement"),
        choices=KIND_CHOICES,
        widget=GovSelect(),
        default="",
        validators=[_one_of_the_choices(_l("Choose a kind of agreement from the list"))],
    )
    organisation = SelectField(
        _l("Organisation involved"),
        widget=GovSelect(),
        default="",
        validate_choice=False,
    )
    view = SelectField(
        _l("Show"), widget=GovSelect(), default=RegisterView.CURRENT.value, validate_choice=False
    )

    def setup(self, organisations, locale: str, signed_in: bool) -> RegisterFilterForm:
        self.organisation.choices = [("", _("Any organisation"))] + [
            (o.code, o.name_cy if locale == "cy" and o.name_cy else o.name) for o in organisations
        ]
        self.organisation.validators = [
            _one_of_the_choices(_("Choose an organisation from the list"))
        ]
        views = list(RegisterView) if signed_in else [RegisterView.CURRENT]
        self.view.choices = [(v.value, VIEW_LABELS[v]) for v in views]
        self.view.validators = [_one_of_the_choices(_("Choose which agreements to show"))]
        return self


class ReviewFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Review"),
        choices=[
            ("", _l("Due or overdue")),
            (ReviewStatus.OVERDUE.value, _l("Overdue")),
            (ReviewStatus.DUE_SOON.value, _l("Due, not yet overdue")),
        ],
        widget=GovSelect(),
        default="",
        validators=[_one_of_the_choices(_l("Choose a review status from the list"))],
    )
    kind = SelectField(
        _l("Kind of agreement"),
        choices=KIND_CHOICES,
        widget=GovSelect(),
        default="",
        validators=[_one_of_the_choices(_l("Choose a kind of agreement from the list"))],
    )
