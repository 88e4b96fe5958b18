"""Forms of the QA group pages: input only; the services check the rules."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import EmailField, StringField, SubmitField

from ..forms_base import FlaskForm
from ..i18n import lazy_gettext as _l


class QaGroupForm(FlaskForm):
    name = StringField(
        _l("Name"), description=_l("Like WASPI South QA Group."), widget=GovTextInput()
    )
    name_cy = StringField(
        _l("Welsh name (optional)"),
        description=_l("Like Grŵp SA WASPI y De."),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save QA group"), widget=GovSubmitInput())


class QaMemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the person to add"),
        description=_l("An information governance lead of a body on the register."),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Add to the group"), widget=GovSubmitInput())
