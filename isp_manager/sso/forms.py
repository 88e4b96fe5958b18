"""Forms for the sign-in providers' pages and the sign-in buttons."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..accounts.forms import organisation_choices
from ..forms_base import FlaskForm, required_text_field
from ..i18n import lazy_gettext as _l


class ProviderForm(FlaskForm):
    """Adding a provider needs every field; editing one keeps the stored secret when blank."""

    name = required_text_field(
        _l("Display name"),
        description=_l("Shown on the sign-in button: 'Sign in with Cardiff Council'."),
        missing=_l("Enter the display name"),
        max_length=100,
        too_long=_l("Display name must be 100 characters or fewer"),
    )
    issuer = required_text_field(
        _l("Issuer URL"),
        description=_l(
            "From the provider's OpenID Connect settings. For Microsoft Entra ID it is "
            "https://login.microsoftonline.com/ then your tenant ID, then /v2.0"
        ),
        missing=_l("Enter the issuer URL"),
        max_length=500,
        too_long=_l("Issuer URL must be 500 characters or fewer"),
    )
    client_id = required_text_field(
        _l("Client ID"),
        description=_l("The application (client) ID the provider gave this service."),
        missing=_l("Enter the client ID"),
        max_length=255,
        too_long=_l("Client ID must be 255 characters or fewer"),
    )
    client_secret = PasswordField(
        _l("Client secret"),
        widget=GovPasswordInput(),
        validators=[Length(max=500, message=_l("Client secret must be 500 characters or fewer"))],
    )
    organisation = SelectField(
        _l("Organisation it serves"),
        description=_l("New accounts made at first sign-in belong to this organisation."),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose the organisation the provider serves"))],
        validate_choice=False,
    )
    domains = StringField(
        _l("E-mail domains it vouches for"),
        description=_l(
            "One a line, like cardiff.gov.uk. Only people with addresses of these domains can "
            "sign in with this provider."
        ),
        widget=GovTextArea(),
        validators=[DataRequired(message=_l("Enter the e-mail domains"))],
    )
    submit = SubmitField(_l("Save provider"), widget=GovSubmitInput())

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisation_choices(
            organisations, _l("Choose an organisation")
        )


class AccountCreationForm(FlaskForm):
    creates_accounts = SelectMultipleField(
        _l("Create practitioner accounts on first sign-in"),
        description=_l(
            "For the domains ticked, a person the provider has verified who has no account yet "
            "gets a practitioner account of this organisation when they first sign in. For the "
            "others, an administrator must create the account first."
        ),
        widget=GovCheckboxesInput(),
        coerce=int,
        validate_choice=False,
    )
    submit = SubmitField(_l("Save account creation"), widget=GovSubmitInput())

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creates_accounts.choices = [SelectChoice(d.id, d.domain) for d in provider.domains]
