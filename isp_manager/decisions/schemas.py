"""API schemas for decisions. They list the fields and their types; every rule is checked once,
by the services, which name the field in their messages. Only `decision` is required."""

from __future__ import annotations

from marshmallow import fields, validate

from ..api_schema import Schema
from ..i18n import lazy_gettext as _l
from .services import BOOL_FIELDS, CODE_FIELDS, TEXT_FIELDS


def _answer_fields(*, required_decision: bool) -> dict:
    # Every answer in words is a paragraph (a text area on the pages) but the policy document's
    # reference, which is one line.
    answers = {
        name: fields.String(
            load_default=None,
            allow_none=True,
            metadata={"multiline": name != "policy_document_ref"},
        )
        for name in TEXT_FIELDS
    }
    answers |= {name: fields.Boolean(load_default=None, allow_none=True) for name in BOOL_FIELDS}
    answers |= {name: fields.String(load_default=None, allow_none=True) for name in CODE_FIELDS}
    answers |= {
        "subject_reference": fields.String(load_default=None, allow_none=True),
        "consent_outcome": fields.String(
            load_default=None,
            allow_none=True,
            metadata={"description": "given_explicitly, refused, not_sought or cannot_be_given"},
        ),
        "recipients": fields.List(
            fields.String(), load_default=None, metadata={"description": "organisation codes"}
        ),
        "shared_on": fields.Date(load_default=None, allow_none=True),
        "protocol": fields.String(load_default=None, allow_none=True),
        "cooperation_request": fields.String(load_default=None, allow_none=True),
        "decision": fields.String(
            metadata={"description": "share or not_share"},
            error_messages={"required": _l("Choose share or not_share.")},
            **({"required": True} if required_decision else {"load_default": None}),
        ),
    }
    return answers


DecisionCreateSchema = Schema.from_dict(
    {**_answer_fields(required_decision=True), "draft": fields.Boolean(load_default=False)},
    name="DecisionCreateSchema",
)
AmendmentCreateSchema = Schema.from_dict(
    {**_answer_fields(required_decision=False), "reason": fields.String(load_default=None)},
    name="AmendmentCreateSchema",
)


class AmendmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True)
    changes = fields.Dict(dump_only=True)
    amended_by = fields.String(attribute="amended_by_name", dump_only=True)
    amended_at = fields.DateTime(dump_only=True)


class DecisionSummarySchema(Schema):
    id = fields.Integer(dump_only=True)
    reference = fields.String(dump_only=True, allow_none=True)
    state = fields.String(attribute="state.value", dump_only=True)
    organisation = fields.String(attribute="organisation.code", dump_only=True)
    decision = fields.Method("get_decision", dump_only=True)
    decided_on = fields.Date(dump_only=True, allow_none=True)
    decided_by = fields.Method("get_decided_by", dump_only=True)
    amendments_count = fields.Method("get_amendments_count", dump_only=True)

    def get_decision(self, d):
        return (
            d.current_decision.value
            if d.current_decision
            else (d.decision.value if d.decision else None)
        )

    def get_decided_by(self, d):
        return {"name": d.decided_by_name, "role": d.decided_by_role} if d.decided_by_name else None

    def get_amendments_count(self, d):
        return len(d.amendments)


class DecisionSchema(DecisionSummarySchema):
    """One decision: `current` is the original with its amendments applied; `original` as first
    recorded; `amendments` the history."""

    current = fields.Method("get_current", dump_only=True)
    original = fields.Method("get_original", dump_only=True)
    amendments = fields.List(fields.Nested(AmendmentSchema), dump_only=True)

    def get_current(self, d):
        from .services import as_json, current_values

        return as_json(current_values(d))

    def get_original(self, d):
        from .services import as_json, record_values

        return as_json(record_values(d))


class DecisionQuerySchema(Schema):
    decision = fields.String(load_default=None)
    consent_outcome = fields.String(load_default=None)
    article6 = fields.String(load_default=None)
    decided_from = fields.Date(load_default=None)
    decided_to = fields.Date(load_default=None)
    team = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "a team's id (GET /teams)"},
    )
