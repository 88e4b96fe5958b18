"""API input of the steps every kind of request shares (lifecycle.api): what each step
carries. They list the fields and their types; every rule is checked by the services."""

from __future__ import annotations

from marshmallow import fields

from ..api_schema import Schema
from .models import ExtensionState, InformationNature, RequestState, TimelineEventType


def required(message) -> dict:
    """The error messages of a required field: the same when it is missing or null."""
    return {"required": [message], "null": [message]}


def required_string(message):
    """A text field the body must carry: `message` when it is missing or null."""
    return fields.String(required=True, error_messages=required(message))


def code_field(attribute: str, **kwargs):
    """An organisation's code (or another code) read from `attribute`, for output."""
    return fields.String(attribute=attribute, dump_only=True, **kwargs)


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


class TimelineEventSchema(Schema):
    type = fields.Enum(TimelineEventType, by_value=True, attribute="event_type", dump_only=True)
    at = fields.DateTime(attribute="occurred_at", dump_only=True)
    actor = fields.String(attribute="actor.name", dump_only=True, allow_none=True)
    organisation = fields.String(attribute="organisation.code", dump_only=True, allow_none=True)
    text = fields.String(dump_only=True, allow_none=True)
    old_due_date = fields.Date(dump_only=True, allow_none=True)
    new_due_date = fields.Date(dump_only=True, allow_none=True)


class ExtensionOutSchema(Schema):
    """An extension: asked for by the body asked (`asked_by_side` requested) and agreed or
    refused by the requesting body, or granted by it (`asked_by_side` requester)."""

    id = fields.Integer(dump_only=True)
    state = fields.Enum(ExtensionState, by_value=True, dump_only=True)
    old_due_date = fields.Date(dump_only=True)
    new_due_date = fields.Date(dump_only=True)
    reason = fields.String(dump_only=True)
    asked_by_side = fields.String(dump_only=True)
    asked_by = fields.String(attribute="asked_by.name", dump_only=True, allow_none=True)
    asked_at = fields.DateTime(dump_only=True)
    decided_by_side = fields.String(dump_only=True, allow_none=True)
    decided_by = fields.String(attribute="decided_by.name", dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    refusal_reason = fields.String(dump_only=True, allow_none=True)


class ProvidedItemSchema(Schema):
    description = fields.String(load_default=None)
    nature = fields.String(
        load_default=None, metadata={"description": "fact, opinion or historical"}
    )
    provided_on = fields.Date(load_default=None)
    provided_how = fields.String(load_default=None)


class ProvidedItemOutSchema(Schema):
    description = fields.String(dump_only=True)
    nature = fields.Enum(InformationNature, by_value=True, dump_only=True)
    provided_on = fields.Date(dump_only=True)
    provided_how = fields.String(dump_only=True)


class RequestSummaryBaseSchema(Schema):
    """What a list shows of a request of any kind (the kind's summary adds its own)."""

    id = fields.Integer(dump_only=True)
    reference = fields.String(dump_only=True)
    state = fields.Enum(RequestState, by_value=True, dump_only=True)
    deadline = fields.Method(
        "get_deadline",
        dump_only=True,
        metadata={"description": "due_soon or overdue while the clock runs (derived, not stored)"},
    )
    sent_on = fields.Date(dump_only=True, allow_none=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    answered_on = fields.Date(dump_only=True, allow_none=True)

    def get_deadline(self, req):
        from .services import deadline_status

        status = deadline_status(req)
        return status.value if status else None


class RequestDetailFields(Schema):
    """What one request of any kind shows beyond its summary: its urgency and contact, its
    answer's timing and items, withdrawal, extensions and timeline."""

    urgent_reason = fields.String(dump_only=True, allow_none=True)
    contact_name = fields.String(dump_only=True, allow_none=True)
    contact_email = fields.String(dump_only=True, allow_none=True)
    not_provided = fields.String(dump_only=True, allow_none=True)
    answered_on_time = fields.Boolean(dump_only=True, allow_none=True)
    working_days_to_answer = fields.Integer(dump_only=True, allow_none=True)
    withdrawal_reason = fields.String(dump_only=True, allow_none=True)
    provided_items = fields.List(fields.Nested(ProvidedItemOutSchema), dump_only=True)
    extensions = fields.List(fields.Nested(ExtensionOutSchema), dump_only=True)
    timeline = fields.List(fields.Nested(TimelineEventSchema), attribute="events", dump_only=True)
    who_would_be_told = WhoWouldBeToldField()


class ListQuerySchema(Schema):
    """A list's query: the kind's box and the filters every kind has."""

    state = fields.String(
        load_default="all", metadata={"description": "open, all, or a state such as answered"}
    )
    deadline = fields.String(load_default=None, metadata={"description": "due_soon or overdue"})
    counterparty = fields.String(load_default=None, metadata={"description": "organisation code"})
    reference = fields.String(load_default="")
    case_reference = fields.String(
        load_default="",
        metadata={"description": "the requesting body's own case reference, or part of it"},
    )
    sent_from = fields.Date(load_default=None, metadata={"description": "sent on or after"})
    sent_to = fields.Date(load_default=None, metadata={"description": "sent on or before"})
    due_from = fields.Date(load_default=None, metadata={"description": "due on or after"})
    due_to = fields.Date(load_default=None, metadata={"description": "due on or before"})


class AnswerBodySchema(Schema):
    """What an answer of any kind carries beyond its outcome and reasons."""

    not_provided = fields.String(load_default=None, allow_none=True)
    items = fields.List(fields.Nested(ProvidedItemSchema), load_default=list)
