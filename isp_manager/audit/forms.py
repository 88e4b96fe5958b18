"""Filter form for the audit log page."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Email, Length, Optional

from ..forms_base import FlaskForm
from ..widgets import UKDateInput


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    record_type = StringField(
        _l("Record type"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=60)],
        description=_l("For example organisations, users, protocols"),
    )
    record_id = StringField(
        _l("Record id"), widget=GovTextInput(), validators=[Optional(), Length(max=80)]
    )
    action = StringField(
        _l("Action"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "For example organisation.updated, or organisation. for every organisation action"
        ),
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
