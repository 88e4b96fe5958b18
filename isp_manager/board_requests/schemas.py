"""API schemas for s.137 board requests. They list the fields and their types; every rule is
checked once, by the services. The step schemas (clarification, extension, reasons) are the
lifecycle's (lifecycle.schemas), and so are the timeline, extension and item shapes and the
fields every kind's request shows and every kind's list is filtered by."""

from __future__ import annotations

from flask import url_for
from marshmallow import fields

from ..api_schema import Schema
from ..i18n import lazy_gettext as _l
from ..lifecycle.models import ReceivedVia
from ..lifecycle.schemas import (
    AnswerBodySchema,
    ListQuerySchema,
    RequestDetailFields,
    RequestSummaryBaseSchema,
    code_field,
    required,
    required_string,
)
from .models import BoardOutcome, BoardPurpose


class BoardRequestSummarySchema(RequestSummaryBaseSchema):
    """A board request in a list."""

    case_reference = fields.String(dump_only=True, allow_none=True)
    board = code_field("requesting_org.code")
    qualifying_body = code_field("requested_org.code")
    provide_to = code_field("provide_to.code", allow_none=True)
    purpose = fields.Enum(BoardPurpose, by_value=True, dump_only=True)
    review_reference = fields.String(dump_only=True, allow_none=True)
    outcome = fields.Enum(BoardOutcome, by_value=True, dump_only=True, allow_none=True)


class BoardRequestSchema(BoardRequestSummarySchema, RequestDetailFields):
    """One board request with its answer, follow-up and timeline."""

    why_qualifying = fields.String(dump_only=True)
    information_specified = fields.String(dump_only=True)
    relates_to = fields.List(fields.String(), dump_only=True)
    purpose_detail = fields.String(dump_only=True, allow_none=True)
    protective_marking = fields.String(dump_only=True)
    urgent = fields.Boolean(attribute="is_urgent", dump_only=True)
    contact_phone = fields.String(dump_only=True, allow_none=True)
    reasons = fields.String(attribute="written_reasons", dump_only=True, allow_none=True)
    answered_on_behalf = fields.Boolean(dump_only=True)
    received_from = fields.String(dump_only=True, allow_none=True)
    received_how = fields.Enum(ReceivedVia, by_value=True, dump_only=True, allow_none=True)
    escalation_note = fields.String(dump_only=True, allow_none=True)
    escalated_on = fields.Date(dump_only=True, allow_none=True)
    letter_url = fields.Method("get_letter_url", dump_only=True, allow_none=True)

    def get_letter_url(self, req):
        """The request letter (.docx), once sent."""
        if req.sent_on is None:
            return None
        return url_for("board_requests_api.letter", request_id=req.id)


class BoardRequestCreateSchema(Schema):
    board = required_string(_l("Enter the board's code, like board-cardiff-and-vale"))
    qualifying_body = required_string(
        _l("Enter the code of the body asked, like lhb-cardiff-and-vale")
    )
    why_qualifying = required_string(_l("Say why the board considers the body a qualifying body"))
    information_specified = required_string(_l("Say what information the board asks for"))
    relates_to = fields.List(
        fields.String(),
        required=True,
        error_messages=required(_l("Say what the information relates to: s137-a, s137-b, s137-c")),
    )
    provide_to = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "a third body to receive the information; empty for the board"},
    )
    purpose = fields.String(
        load_default="other",
        metadata={"description": "the board function: " + ", ".join(p.value for p in BoardPurpose)},
    )
    purpose_detail = fields.String(load_default=None, allow_none=True)
    review_reference = fields.String(load_default=None, allow_none=True)
    case_reference = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "your own case or file reference, to find the request by"},
    )
    protective_marking = fields.String(load_default=None, allow_none=True)
    urgent = fields.Boolean(load_default=False)
    due_date = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "An earlier due date for an urgent request (with urgent_reason)"},
    )
    urgent_reason = fields.String(load_default=None, allow_none=True)
    contact_name = fields.String(load_default=None, allow_none=True)
    contact_email = fields.String(load_default=None, allow_none=True)
    contact_phone = fields.String(load_default=None, allow_none=True)
    draft = fields.Boolean(load_default=False)


class BoardRequestQuerySchema(ListQuerySchema):
    box = fields.String(
        load_default="all",
        metadata={"description": "sent (the board's), received (to or for your body), or all"},
    )


class BoardResponseSchema(AnswerBodySchema):
    outcome = required_string(_l("Enter the outcome: complied, partly_complied or not_complied"))
    reasons = fields.String(
        load_default=None, allow_none=True, metadata={"description": "required unless complied"}
    )


class OnBehalfResponseSchema(BoardResponseSchema):
    """An answer a body without users sent by e-mail or post, recorded by the board."""

    received_from = fields.String(load_default=None, allow_none=True)
    received_on = fields.Date(load_default=None, allow_none=True)
    received_how = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": ", ".join(h.value for h in ReceivedVia)},
    )


class FollowUpSchema(Schema):
    escalation_note = fields.String(load_default=None, allow_none=True)


class FiguresQuerySchema(Schema):
    board = fields.String(load_default=None, metadata={"description": "the board's code"})
    financial_year = fields.Integer(
        load_default=None,
        metadata={"description": "the year April starts: 2026 is April 2026 to March 2027"},
    )


class FiguresRequestSchema(Schema):
    reference = fields.String(dump_only=True)
    body = code_field("requested_org.code")
    body_kind = fields.String(attribute="requested_org.kind.value", dump_only=True)
    sent_on = fields.Date(dump_only=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    answered_on = fields.Date(dump_only=True, allow_none=True)
    outcome = fields.Method("get_outcome", dump_only=True)
    working_days_to_answer = fields.Integer(dump_only=True, allow_none=True)
    answered_on_behalf = fields.Boolean(dump_only=True)

    def get_outcome(self, req):
        from .figures import result_key

        return result_key(req)


class FiguresSchema(Schema):
    board = code_field("board.code")
    financial_year = fields.Integer(attribute="year", dump_only=True)
    requests = fields.List(fields.Nested(FiguresRequestSchema), dump_only=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    by_body_kind = fields.Method("get_by_kind", dump_only=True)

    def get_by_kind(self, figures):
        return {kind.value: totals for kind, totals in figures.by_body_kind.items()}
