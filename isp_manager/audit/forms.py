"""Filter form for the audit log page (and its CSV export)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Email, Length, Optional, ValidationError

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l
from ..widgets import UKDateInput
from .describe import action_choices, record_type_choices


def _listed(form, field):
    """A value from the list (a hand-made address with anything else is refused)."""
    if field.data and field.data not in {value for value, _label in field.choices}:
        raise ValidationError(_l("Choose from the list"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    record_type = SelectField(
        _l("Kind of record"),
        widget=GovSelect(),
        validators=[Optional(), _listed],
        validate_choice=False,
    )
    record_id = StringField(
        _l("Record number (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=80)],
        description=_l("The number in the record's address, to see one record's history"),
    )
    action = SelectField(
        _l("What was done"),
        widget=GovSelect(),
        validators=[Optional(), _listed],
        validate_choice=False,
    )
    actor_email = StringField(
        _l("Done by (e-mail address)"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=254),
            Email(
                message=_l("Enter an e-mail address in the correct format, like name@example.org")
            ),
        ],
    )
    since = DateField(
        _l("From"),
        widget=UKDateInput(),
        validators=[Optional()],
        format="%d %m %Y",
        description=_l("For example, 27 3 2026"),
    )
    until = DateField(
        _l("To"),
        widget=UKDateInput(),
        validators=[Optional()],
        format="%d %m %Y",
        description=_l("For example, 27 3 2026"),
    )
    submit = SubmitField(_l("Apply filters"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_type.choices = [("", _l("Any kind of record")), *record_type_choices()]
        self.action.choices = [("", _l("Anything")), *action_choices()]
