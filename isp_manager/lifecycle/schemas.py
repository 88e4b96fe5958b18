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
