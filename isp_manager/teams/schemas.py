"""API shapes for teams."""

from __future__ import annotations

from marshmallow import fields

from ..api_schema import Schema


class MemberSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)


class TeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    organisation = fields.Function(lambda t: t.organisation.code, dump_only=True)
    members = fields.List(fields.Nested(MemberSchema), dump_only=True)


class TeamCreateSchema(Schema):
    name = fields.String(required=True, metadata={"description": "unique in the organisation"})


class MemberAddSchema(Schema):
    email = fields.String(
        required=True, metadata={"description": "a user of the team's organisation"}
    )
