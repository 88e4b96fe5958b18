"""API shapes for sign-in providers. The client secret is write-only: it is read on create
and update, and never returned. Rules (an https issuer, e-mail domains, a known organisation,
a display name nobody else has) are checked once, in the services."""

from __future__ import annotations

from flask import url_for
from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length

from ..api_schema import Schema
from ..i18n import lazy_gettext as _l


def _required(message) -> dict:
    return {"required": [message], "null": [message]}


class SsoDomainSchema(Schema):
    domain = fields.String(dump_only=True)
    creates_accounts = fields.Boolean(
        dump_only=True,
        metadata={"description": "A first sign-in with an address of it creates a practitioner"},
    )


class SsoProviderSchema(Schema):
    """A provider as the API shows it: never its client secret."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    issuer = fields.String(dump_only=True)
    client_id = fields.String(dump_only=True)
    organisation = fields.String(
        attribute="organisation.code",
        dump_only=True,
        metadata={"description": "Code of the organisation the provider serves"},
    )
    domains = fields.List(fields.Nested(SsoDomainSchema), dump_only=True)
    is_enabled = fields.Boolean(dump_only=True)
    callback_url = fields.Function(
        lambda p: url_for("sso.callback", provider_id=p.id, _external=True),
        dump_only=True,
        metadata={"description": "The redirect URI to register with the provider"},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


_DOMAINS_DOC = {"description": "The e-mail domains the provider vouches for, like cardiff.gov.uk"}
_WRITE_ONLY_DOC = "Write-only: never returned."


class SsoProviderCreateSchema(Schema):
    name = fields.String(
        required=True,
        validate=Length(max=1000),
        error_messages=_required(
            _l("Enter the name people see on the sign-in button, like Cardiff Council")
        ),
    )
    issuer = fields.String(
        required=True,
        validate=Length(max=2000),
        error_messages=_required(_l("Enter the issuer URL the provider gives")),
    )
    client_id = fields.String(
        required=True,
        validate=Length(max=1000),
        error_messages=_required(_l("Enter the client ID the provider gave this service")),
    )
    client_secret = fields.String(
        required=True,
        load_only=True,
        validate=Length(max=2000),
        error_messages=_required(_l("Enter the client secret the provider gave this service")),
        metadata={"description": _WRITE_ONLY_DOC},
    )
    organisation = fields.String(
        required=True,
        validate=Length(max=200),
        error_messages=_required(
            _l("Enter the code of the organisation the provider serves, like la-cardiff")
        ),
        metadata={"description": "Organisation code, like la-cardiff"},
    )
    domains = fields.List(
        fields.String(validate=Length(max=300)),
        required=True,
        validate=Length(max=200),
        error_messages=_required(
            _l("Enter the e-mail domains this provider vouches for, like cardiff.gov.uk")
        ),
        metadata=_DOMAINS_DOC,
    )


class SsoProviderUpdateSchema(Schema):
    """The fields that change; the others keep their values. A blank secret keeps the stored one."""

    name = fields.String(validate=Length(max=1000))
    issuer = fields.String(validate=Length(max=2000))
    client_id = fields.String(validate=Length(max=1000))
    client_secret = fields.String(
        load_only=True,
        validate=Length(max=2000),
        metadata={"description": _WRITE_ONLY_DOC + " Blank or left out: the stored one is kept."},
    )
    organisation = fields.String(
        validate=Length(max=200), metadata={"description": "Organisation code"}
    )
    domains = fields.List(
        fields.String(validate=Length(max=300)), validate=Length(max=200), metadata=_DOMAINS_DOC
    )
    is_enabled = fields.Boolean(
        error_messages={"invalid": [_l("Send is_enabled as true or false")]},
        metadata={
            "description": "false disables the provider (nobody signs in with it; accounts and "
            "passwords are untouched), true enables it again."
        },
    )

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError(str(_l("Send at least one field to change")), "_schema")


class AccountCreationSchema(Schema):
    creates_accounts = fields.List(
        fields.String(validate=Length(max=300)),
        required=True,
        validate=Length(max=200),
        error_messages=_required(
            _l("Send the provider's domains that create accounts, or an empty list for none")
        ),
        metadata={
            "description": "The provider's domains whose first sign-in creates a practitioner "
            "account; its other domains create none."
        },
    )
