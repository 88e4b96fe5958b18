"""API input of the steps every kind of request shares (lifecycle.api): what each step
carries. They list the fields and their types; every rule is checked by the services."""

from __future__ import annotations

from marshmallow import fields

from ..api_schema import Schema


class QuestionSchema(Schema):
    question = fields.String(load_default=None)


class AnswerSchema(Schema):
    answer = fields.String(load_default=None)


class ExtensionSchema(Schema):
    new_due_date = fields.Date(load_default=None)
    reason = fields.String(load_default=None)


class RefusalReasonSchema(Schema):
    reason = fields.String(
        load_default=None, metadata={"description": "why the extension asked for is refused"}
    )


class ReasonSchema(Schema):
    reason = fields.String(load_default=None)


class WhoWouldBeToldSchema(Schema):
    """Who at the body asked a draft would tell on sending: what the pages show before sending."""

    users = fields.List(
        fields.String(),
        attribute="user_names",
        metadata={"description": "the body's users who answer requests, by name"},
    )
    register_address = fields.String(
        allow_none=True, metadata={"description": "the register's contact address, if any"}
    )
    no_users = fields.Boolean(
        metadata={
            "description": "nobody at the body uses the service: the request goes by e-mail to "
            "the register's address, with the letter to download, and the answer is recorded "
            "on the body's behalf"
        }
    )
    nobody = fields.Boolean(metadata={"description": "nobody at all would be told on sending"})
    needs_check = fields.Boolean(
        metadata={"description": "the sender should check before sending (no users, or nobody)"}
    )


class WhoWouldBeToldField(fields.Nested):
    """A request's `who_would_be_told`: the API's warning before sending, as the pages give it."""

    DESCRIPTION = (
        "for a draft the caller may send: who at the body asked would be told on sending "
        "(create with `draft: true` to check before sending); null otherwise"
    )

    def __init__(self, **kwargs):
        super().__init__(
            WhoWouldBeToldSchema,
            dump_only=True,
            allow_none=True,
            metadata={"description": self.DESCRIPTION},
            **kwargs,
        )

    def get_value(self, obj, attr, accessor=None, default=None):
        from flask_login import current_user

        from ..parties import contacts
        from .services import Operation, allowed_operations

        if Operation.SEND not in allowed_operations(obj, current_user):
            return None
        return contacts.who_would_be_told(obj.requested_org)
