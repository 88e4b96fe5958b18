"""API schemas for users. Rules (valid e-mail, known organisation, role, password policy) are
checked once, in the services; the schemas only say which fields exist and their types."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length

from ..api_schema import Schema
from ..i18n import lazy_gettext as _l
from .models import InvitationState, Role


def _required(message) -> dict:
    # A list, so that marshmallow keeps the (lazily translated) message as one list item.
    return {"required": [message], "null": [message]}


class UserSchema(Schema):
    """A user as the API shows it: never the password hash or tokens."""

    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    organisation = fields.String(
        attribute="organisation.code", dump_only=True, metadata={"description": "Organisation code"}
    )
    organisation_name = fields.String(attribute="organisation.name", dump_only=True)
    role = fields.Enum(Role, by_value=True, dump_only=True)
    is_active = fields.Boolean(attribute="is_active_user", dump_only=True)
    must_change_password = fields.Boolean(dump_only=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)
    has_two_factor = fields.Boolean(
        dump_only=True, metadata={"description": "Whether two-factor authentication is set up"}
    )
    created_at = fields.DateTime(dump_only=True)


class UserCreatedSchema(UserSchema):
    one_time_password = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The generated password, shown this once (null when one was sent)."
        },
    )


class UserCreateSchema(Schema):
    email = fields.String(required=True, error_messages=_required(_l("Enter an email address")))
    name = fields.String(
        required=True, error_messages=_required(_l("Enter the person's full name"))
    )
    organisation = fields.String(
        required=True,
        error_messages=_required(
            _l("Enter the code of the person's organisation, like la-cardiff")
        ),
        metadata={"description": "Organisation code, like la-cardiff"},
    )
    role = fields.String(
        required=True,
        error_messages=_required(
            _l("Enter a role: admin, ig_lead, practitioner, board_officer or auditor")
        ),
        metadata={"enum": [role.value for role in Role]},
    )
    password = fields.String(
        load_only=True,
        validate=Length(max=1024),
        metadata={
            "description": "Optional. Without it a one-time password is generated and returned."
        },
    )


class UserUpdateSchema(Schema):
    role = fields.String(metadata={"enum": [role.value for role in Role]})
    active = fields.Boolean(
        error_messages={"invalid": [_l("Send active as true or false")]},
        metadata={
            "description": "false deactivates the user (their sessions and tokens stop working)."
        },
    )

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError(str(_l("Send role, active or both")), "_schema")


class UserQuerySchema(Schema):
    organisation = fields.String(
        validate=Length(max=64), metadata={"description": "Organisation code"}
    )
    role = fields.String(validate=Length(max=40), metadata={"enum": [role.value for role in Role]})
    q = fields.String(
        validate=Length(max=200), metadata={"description": "Part of a name or email address"}
    )
    active = fields.Boolean()


class InvitationSchema(Schema):
    """An invitation as the API shows it: never its link's token (only the e-mail has it)."""

    id = fields.Integer(dump_only=True)
    organisation = fields.String(
        attribute="organisation.code", dump_only=True, metadata={"description": "Organisation code"}
    )
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.Enum(Role, by_value=True, dump_only=True)
    state = fields.Enum(InvitationState, by_value=True, dump_only=True)
    invited_by = fields.String(attribute="invited_by.name", dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    accepted_at = fields.DateTime(dump_only=True, allow_none=True)
    cancelled_at = fields.DateTime(dump_only=True, allow_none=True)


class InvitationCreateSchema(Schema):
    email = fields.String(required=True, error_messages=_required(_l("Enter an email address")))
    name = fields.String(
        required=True, error_messages=_required(_l("Enter the person's full name"))
    )
    role = fields.String(
        required=True,
        error_messages=_required(_l("Enter a role: practitioner, board_officer or ig_lead")),
        metadata={"enum": [role.value for role in Role]},
    )


class InvitationQuerySchema(Schema):
    state = fields.String(
        load_default=InvitationState.PENDING.value,
        validate=Length(max=20),
        metadata={
            "enum": [*(s.value for s in InvitationState), "all"],
            "description": "pending (the default: links that still work), accepted, expired, "
            "cancelled or all",
        },
    )
