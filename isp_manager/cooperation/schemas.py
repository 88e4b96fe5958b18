"""API schemas for s.164 requests. They list the fields and their types; every rule (who may
be asked, a ground the law recognises, reasons of substance, dates) is checked once, by the
services, which name the field in their messages."""

from __future__ import annotations

from flask import url_for
from marshmallow import fields

from ..api_schema import Schema
from ..i18n import lazy_gettext as _l
from ..lifecycle.models import Outcome
from ..lifecycle.schemas import (  # noqa: F401  # noqa: F401
    AnswerBodySchema,
    ListQuerySchema,
    RequestDetailFields,
    RequestSummaryBaseSchema,
    code_field,
    required_string,
)


class OrganisationRefSchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)


class RequestSummarySchema(RequestSummaryBaseSchema):
    """A request in a list."""

    subject_reference = fields.String(dump_only=True, allow_none=True)
    requesting_organisation = code_field("requesting_org.code")
    requested_organisation = code_field("requested_org.code")
    request_type = fields.String(attribute="request_type.value", dump_only=True)
    function = code_field("function_code")
    s164_basis = fields.String(dump_only=True)
    urgent = fields.Boolean(attribute="is_urgent", dump_only=True)
    outcome = fields.Enum(Outcome, by_value=True, dump_only=True, allow_none=True)
    ground = fields.String(dump_only=True, allow_none=True)


class RequestSchema(RequestSummarySchema, RequestDetailFields):
    """One request, with its answer and the timeline both bodies see."""

    basis_reason = fields.Method(
        "get_basis_reason",
        dump_only=True,
        metadata={"description": "why the body could be asked, in the language asked for"},
    )
    function_description = fields.String(dump_only=True, allow_none=True)
    partner_function = fields.String(dump_only=True, allow_none=True)
    details = fields.String(dump_only=True)
    purpose = fields.String(dump_only=True)
    secure_reply = fields.String(dump_only=True, allow_none=True)
    subject_reference = fields.String(dump_only=True, allow_none=True)
    due_explanation = fields.Method(
        "get_due_explanation",
        dump_only=True,
        allow_none=True,
        metadata={"description": "how the due date was worked out, in the language asked for"},
    )
    ground_citation = fields.Method(
        "get_ground_citation",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "the ground's subsection for this type of request: s.164(1)(a)/(b) "
            "for co-operation, s.164(3)(a)/(b) for information"
        },
    )
    decided_by = fields.Method(
        "get_decided_by",
        dump_only=True,
        allow_none=True,
        metadata={"description": "who decided the answer: name and job title (or role)"},
    )
    written_reasons = fields.String(dump_only=True, allow_none=True)
    letter_url = fields.Method("get_letter_url", dump_only=True)
    request_letter_url = fields.Method("get_request_letter_url", dump_only=True)

    def get_basis_reason(self, req):
        from .services import basis_explanation

        return basis_explanation(req)

    def get_ground_citation(self, req):
        from .services import ground_citation

        return ground_citation(req)

    def get_decided_by(self, req):
        from .services import decider

        who = decider(req)
        return {"name": who[0], "title": who[1]} if who else None

    def get_due_explanation(self, req):
        from .services import due_explanation

        return due_explanation(req)

    def get_letter_url(self, req):
        """The written-reasons letter (.docx), for a request declined wholly or in part."""
        if not req.has_reasons_letter:
            return None
        return url_for("cooperation_api.letter", request_id=req.id)

    def get_request_letter_url(self, req):
        """The request letter (.docx) from the requesting council to the body asked."""
        return url_for("cooperation_api.request_letter", request_id=req.id)


class RequestCreateSchema(Schema):
    requesting_organisation = required_string(
        _l("Enter the code of the requesting local authority, like la-cardiff")
    )
    requested_organisation = required_string(
        _l("Enter the code of the body asked, like lhb-cardiff-and-vale")
    )
    request_type = required_string(_l("Enter the request type: co-operation or information"))
    function = required_string(_l("Enter the social services function, like ssf-assessment"))
    details = required_string(_l("Say what you are asking for"))
    purpose = required_string(_l("Say why you need it"))
    function_description = fields.String(
        load_default=None,
        metadata={"description": "which function, required when function is ssf-other"},
    )
    partner_function = fields.String(
        load_default=None,
        metadata={
            "description": "which of its functions the request concerns: required when the "
            "body asked is a relevant partner only in discharging some (rp-c, rp-g)"
        },
    )
    subject_reference = fields.String(
        load_default=None,
        metadata={"description": "your own case reference, like CS-2026-00417, to find it by"},
    )
    urgent = fields.Boolean(load_default=False)
    due_date = fields.Date(
        load_default=None,
        metadata={"description": "An earlier due date for an urgent request (with urgent_reason)"},
    )
    urgent_reason = fields.String(load_default=None)
    secure_reply = fields.String(load_default=None)
    contact_name = fields.String(load_default=None)
    contact_email = fields.String(load_default=None)
    contact_phone = fields.String(load_default=None)
    draft = fields.Boolean(load_default=False)


class RequestQuerySchema(ListQuerySchema):
    box = fields.String(
        load_default="all",
        metadata={"description": "received, sent, or all (every request the caller may see)"},
    )
    state = fields.String(
        load_default="all",
        metadata={"description": "open (awaiting an answer), all, or a state such as answered"},
    )
    overdue = fields.Boolean(
        load_default=None, metadata={"description": "same as deadline=overdue"}
    )
    request_type = fields.String(load_default=None)


class LetterQuerySchema(Schema):
    language = fields.String(
        load_default=None,
        metadata={
            "description": "en, cy or bilingual (Welsh and English side by side, Welsh "
            "first): the letter's language (else the caller's)"
        },
    )


class ResponseCreateSchema(AnswerBodySchema):
    outcome = required_string(_l("Enter the outcome: complied, partly_complied or declined"))
    ground = fields.String(load_default=None, allow_none=True)
    written_reasons = fields.String(load_default=None, allow_none=True)
