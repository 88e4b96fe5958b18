"""Forms of the team pages: input only; the services check the rules."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import EmailField, StringField, SubmitField

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"),
        description=_l("Like Youth offending team or Safeguarding hub."),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save team"), widget=GovSubmitInput())


class MemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the person to add"),
        description=_l("Someone with an account in your organisation."),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Add to the team"), widget=GovSubmitInput())
