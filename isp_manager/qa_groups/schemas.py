"""API shapes for QA groups."""

from __future__ import annotations

from marshmallow import fields

from ..api_schema import Schema


class QaMemberSchema(Schema):
    id = fields.Function(lambda m: m.user_id, dump_only=True)
    name = fields.Function(lambda m: m.user.name, dump_only=True)
    email = fields.Function(lambda m: m.user.email, dump_only=True)
    organisation = fields.Function(lambda m: m.user.organisation.code, dump_only=True)


class QaGroupSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    name_cy = fields.String(dump_only=True, allow_none=True)
    is_active = fields.Boolean(dump_only=True)
    members = fields.List(fields.Nested(QaMemberSchema), dump_only=True)


class QaGroupInputSchema(Schema):
    name = fields.String(required=True, metadata={"description": "unique among QA groups"})
    name_cy = fields.String(allow_none=True, load_default=None)


class QaMemberAddSchema(Schema):
    email = fields.String(
        required=True, metadata={"description": "an information governance lead's e-mail address"}
    )
