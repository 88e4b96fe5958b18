"""Forms for signing in, the user's own account and the administrators' user pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from ..forms_base import FlaskForm, required_text_field
from ..i18n import current_locale
from ..i18n import lazy_gettext as _l
from ..parties.search import sort_key
from .models import ROLE_LABELS, Role


def _choices(pairs, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice(value, label) for value, label in pairs]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def role_choices(blank=None) -> list[SelectChoice]:
    return _choices(((role.value, ROLE_LABELS[role]) for role in Role), blank)


def organisation_choices(organisations, blank) -> list[SelectChoice]:
    """(code, name, name_cy) rows as options, by the name shown in the current language."""
    welsh = current_locale() == "cy"
    named = [(o.code, (o.name_cy if welsh and o.name_cy else o.name)) for o in organisations]
    locale = "cy" if welsh else "en"
    return _choices(sorted(named, key=lambda pair: sort_key(pair[1], locale)), blank)


def apply_errors(
    form: FlaskForm, error, field_map: dict[str, str] | None = None, default: str | None = None
) -> None:
    """Put a service's field messages onto the form's fields (unknown fields onto `default`)."""
    field_map = field_map or {}
    for key, messages in error.errors.items():
        name = field_map.get(key or "", key)
        field = getattr(form, name, None) if name else None
        if field is None or not hasattr(field, "errors"):
            field = getattr(form, default) if default else None
        if field is None:
            form.form_errors.extend(messages)
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages)


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[DataRequired(message=_l("Enter your email address")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter your password")), Length(max=1024)],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


PASSWORD_ADVICE = _l(
    "At least 12 characters. A good way is 3 or 4 random words together, "
    "or a password from a password manager."
)


def chosen_password_fields(name: str, *, changing: bool) -> tuple[PasswordField, PasswordField]:
    """A password being chosen (a new one for an account, or the first), with the advice on
    choosing one, and the same again to confirm it: they must match."""
    if changing:
        label, missing = _l("New password"), _l("Enter a new password")
        confirm_label, confirm_missing = _l("Confirm new password"), _l("Confirm your new password")
        mismatch = _l("The passwords do not match. Enter the same new password twice")
    else:
        label, missing = _l("Create a password"), _l("Enter a password")
        confirm_label, confirm_missing = _l("Confirm your password"), _l("Confirm your password")
        mismatch = _l("The passwords do not match. Enter the same password twice")
    chosen = PasswordField(
        label,
        description=PASSWORD_ADVICE,
        widget=GovPasswordInput(),
        validators=[InputRequired(message=missing)],
    )
    confirmation = PasswordField(
        confirm_label,
        widget=GovPasswordInput(),
        validators=[InputRequired(message=confirm_missing), EqualTo(name, message=mismatch)],
    )
    return chosen, confirmation


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter your current password"))],
    )
    new_password, confirm_password = chosen_password_fields("new_password", changing=True)
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class JobTitleForm(FlaskForm):
    job_title = StringField(
        _l("Job title (optional)"),
        description=_l(
            "Shown on letters you sign, such as the written reasons for not complying with a "
            "request. Without one, your role is shown."
        ),
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Save job title"), widget=GovSubmitInput())


class TokenForm(FlaskForm):
    label = StringField(
        _l("Token name"),
        description=_l(
            "What the token is for, so you can recognise it later. For example, 'Case system'."
        ),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter a name for the token")),
            Length(max=100, message=_l("Token name must be 100 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Create API token"), widget=GovSubmitInput())


class CreateUserForm(FlaskForm):
    name = required_text_field(
        _l("Full name"),
        missing=_l("Enter the person's full name"),
        max_length=200,
    )
    email = required_text_field(
        _l("Email address"),
        description=_l("Their work email address. They sign in with it."),
        missing=_l("Enter an email address"),
        max_length=254,
        too_long=_l("Email address must be 254 characters or fewer"),
    )
    organisation = SelectField(
        _l("Organisation"),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose the person's organisation"))],
        validate_choice=False,
    )
    role = SelectField(
        _l("Role"),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose a role"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Create user"), widget=GovSubmitInput())

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisation_choices(
            organisations, _l("Choose an organisation")
        )
        self.role.choices = role_choices(blank=_l("Choose a role"))


class ChangeRoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose a role"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Change role"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class UserFilterForm(FlaskForm):
    """The filters on the users list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or email address"), widget=GovTextInput(), validators=[Length(max=200)]
    )
    organisation = SelectField(_l("Organisation"), widget=GovSelect(), validate_choice=False)
    role = SelectField(_l("Role"), widget=GovSelect(), validate_choice=False)
    status = SelectField(_l("Status"), widget=GovSelect(), validate_choice=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisation_choices(organisations, _l("All organisations"))
        self.role.choices = role_choices(blank=_l("All roles"))
        self.status.choices = _choices(
            [("active", _l("Active")), ("deactivated", _l("Deactivated"))],
            _l("Active and deactivated"),
        )


def _code_field(label, hint=None):
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the 6-digit code from your authenticator app")),
            Length(max=20, message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


APP_CODE_HINT = _l("The 6-digit code your authenticator app shows now, for example 123456.")


class SignInCodeForm(FlaskForm):
    code = _code_field(_l("Code from your authenticator app"), APP_CODE_HINT)
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        description=_l("One of the recovery codes you saved, for example abcde-23456."),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter one of your recovery codes")),
            Length(max=40, message=_l("Enter one of your recovery codes, like abcde-23456")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SetUpTwoFactorForm(FlaskForm):
    code = _code_field(_l("Code from your authenticator app"), APP_CODE_HINT)
    submit = SubmitField(_l("Turn on two-factor authentication"), widget=GovSubmitInput())


class NewRecoveryCodesForm(FlaskForm):
    code = _code_field(_l("Code from your authenticator app"), APP_CODE_HINT)
    submit = SubmitField(_l("Get new recovery codes"), widget=GovSubmitInput())


class TurnOffTwoFactorForm(FlaskForm):
    code = _code_field(_l("Code from your authenticator app"), APP_CODE_HINT)
    submit = SubmitField(_l("Turn off two-factor authentication"), widget=GovSubmitInput())


def assignable_role_choices(roles, blank=None) -> list[SelectChoice]:
    return _choices(((role.value, ROLE_LABELS[role]) for role in roles), blank)


class InviteUserForm(FlaskForm):
    """An IG lead (or an administrator) invites a person to the organisation."""

    name = required_text_field(
        _l("Full name"),
        missing=_l("Enter the person's full name"),
        max_length=200,
    )
    email = required_text_field(
        _l("Email address"),
        description=_l(
            "Their work email address. The invitation goes to it and they sign in with it."
        ),
        missing=_l("Enter an email address"),
        max_length=254,
        too_long=_l("Email address must be 254 characters or fewer"),
    )
    role = SelectField(
        _l("Role"),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose a role"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = assignable_role_choices(roles, blank=_l("Choose a role"))


class OrganisationRoleForm(ChangeRoleForm):
    """Change role, offering only the roles the person changing it may give."""

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = assignable_role_choices(roles)


class AcceptInvitationForm(FlaskForm):
    password, confirm_password = chosen_password_fields("password", changing=False)
    submit = SubmitField(_l("Create my account"), widget=GovSubmitInput())


class OrganisationUserFilterForm(FlaskForm):
    """The filters on an organisation's people (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or email address"), widget=GovTextInput(), validators=[Length(max=200)]
    )
    role = SelectField(_l("Role"), widget=GovSelect(), validate_choice=False)
    status = SelectField(_l("Status"), widget=GovSelect(), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(blank=_l("All roles"))
        self.status.choices = _choices(
            [("active", _l("Active")), ("deactivated", _l("Deactivated"))],
            _l("Active and deactivated"),
        )
