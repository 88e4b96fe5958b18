"""API shapes for the audit log."""

from marshmallow import fields

from ..api_schema import Schema


class AuditEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    action = fields.String()
    record_type = fields.String()
    record_id = fields.String()
    actor = fields.Function(lambda e: e.actor.email if e.actor else None)
    organisation = fields.Function(lambda e: e.organisation.code if e.organisation else None)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
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
