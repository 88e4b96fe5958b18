"""API shapes for the audit log."""

from marshmallow import fields

from ..api_schema import Schema
from .queries import content_withheld, shown_values


class AuditEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    action = fields.String()
    record_type = fields.String()
    record_id = fields.String()
    actor = fields.Function(lambda e: e.actor.email if e.actor else None)
    organisation = fields.Function(lambda e: e.organisation.code if e.organisation else None)
    before = fields.Function(lambda e: shown_values(e, "before"), allow_none=True)
    after = fields.Function(lambda e: shown_values(e, "after"), allow_none=True)
    content_withheld = fields.Function(
        content_withheld,
        metadata={"description": "true: the values are the record's content, shown as null"},
    )
    request_id = fields.String(allow_none=True)


class AuditQuerySchema(Schema):
    record_type = fields.String(load_default=None, metadata={"description": "e.g. organisations"})
    record_id = fields.String(load_default=None)
    action = fields.String(
        load_default=None, metadata={"description": "prefix, e.g. organisation."}
    )
    actor = fields.Email(
        load_default=None,
        error_messages={"invalid": "Enter the actor's e-mail address, like name@example.org."},
    )
    since = fields.Date(
        load_default=None, error_messages={"invalid": "Enter the date as YYYY-MM-DD."}
    )
    until = fields.Date(
        load_default=None, error_messages={"invalid": "Enter the date as YYYY-MM-DD."}
    )
