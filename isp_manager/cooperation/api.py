"""API for s.164 requests: create (and send, unless a draft), list, read one, answer, and the
other steps of the lifecycle. The same services as the pages decide every rule; a request the
caller may not see is a 404, a step the state does not allow a 409."""

from __future__ import annotations

import io

from flask import send_file

from ..api_blueprint import Blueprint
from ..i18n import letter_language
from ..lifecycle import api as lifecycle_api
from ..lifecycle.api import (
    RequestSchemas,
    acting_user,
    organisation_by_code,
    register_request_routes,
    register_step_routes,
)
from . import letters, services
from .kind import S164
from .models import RequestType
from .schemas import (
    LetterQuerySchema,
    RequestCreateSchema,
    RequestQuerySchema,
    RequestSchema,
    RequestSummarySchema,
    ResponseCreateSchema,
)

blp = Blueprint(
    "cooperation_api",
    __name__,
    url_prefix="/cooperation-requests",
    description="Section 164 requests for co-operation and information.",
)


def _request_type_filter(args) -> tuple:
    request_type = args.get("request_type")
    if request_type:
        request_type = lifecycle_api.choice(RequestType, request_type, "request_type")
    return services.request_type_filter(request_type or None)


def _make_request(data):
    requesting = organisation_by_code(data["requesting_organisation"], "requesting_organisation")
    requested = organisation_by_code(data["requested_organisation"], "requested_organisation")
    details = lifecycle_api.details_from(
        services.RequestDetails, data, requested_organisation=requested
    )
    return services.create_request(
        details, by=acting_user(), requesting=requesting, send=not data["draft"]
    )


@blp.route("/<int:request_id>/response", methods=["POST"])
@blp.arguments(ResponseCreateSchema)
@blp.response(200, RequestSchema)
def respond(data, request_id):
    """Answer: complied, partly_complied or declined. A refusal, whole or in part, needs
    `ground` (s164-ground-a or s164-ground-b) and `written_reasons` of substance. A sent
    request can be answered straight away."""
    answer = services.AnswerInput(
        outcome=data["outcome"],
        ground=data["ground"],
        written_reasons=data["written_reasons"],
        not_provided=data["not_provided"],
        items=lifecycle_api.item_inputs(data),
    )
    return lifecycle_api.step(
        services, request_id, lambda req: services.respond_to_request(req, answer, by=acting_user())
    )


# The shared routes (lifecycle.api), described in s.164's words (the OpenAPI summaries).
STEP_DOCS = {
    "list": (
        "The requests the caller may see: `box` received, sent or all; filter by state\n"
        "(open, all or one state), deadline (due_soon, overdue), request_type, counterparty\n"
        "(an organisation code) and reference. Sorted by due date."
    ),
    "create": (
        "Make a request and send it to the body asked (unless `draft` is true). The body must be\n"
        "one the requesting local authority may ask under s.164(2); the basis is recorded."
    ),
    "show": "One request with its answer and the timeline both bodies see.",
    "send": "Send a draft; the due date is worked out from today.",
    "acknowledge": "The body asked acknowledges the request.",
    "ask_clarification": (
        "The body asked needs something made clear (`question`); the clock stops."
    ),
    "answer_clarification": (
        "The requester answers (`answer`); the clock restarts and the due date moves on."
    ),
    "ask_extension": (
        "The body asked asks for more time: `new_due_date` (after the current due date, within\n"
        "the limit from the request date) and `reason`. The due date moves only once the requesting\n"
        "council agrees. 409 while another extension waits for a decision."
    ),
    "agree_extension": (
        "The requesting council agrees the extension asked for: the due date moves. The side\n"
        "that asked for it cannot agree it (403); 409 when none is waiting."
    ),
    "refuse_extension": "The requesting council refuses the extension asked for, with a `reason`.",
    "extension": (
        "The requesting council gives more time of its own accord: `new_due_date` and `reason`."
    ),
    "withdraw": "The requester withdraws the request, with a `reason`.",
    "close": "The requester closes an answered request.",
}
register_request_routes(
    blp,
    S164,
    services=services,
    schemas=RequestSchemas(
        RequestQuerySchema, RequestSummarySchema, RequestSchema, RequestCreateSchema
    ),
    make=_make_request,
    docs=STEP_DOCS,
    extra=_request_type_filter,
)
register_step_routes(blp, services=services, response=RequestSchema, docs=STEP_DOCS)


@blp.route("/<int:request_id>/letter.docx")
@blp.arguments(LetterQuerySchema, location="query")
@blp.response(
    200, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
def letter(args, request_id):
    """The written-reasons letter of a request declined wholly or in part: `language` en, cy
    or bilingual (else the caller's language)."""
    req = services.get_request_for(acting_user(), request_id)
    return send_file(
        io.BytesIO(letters.reasons_letter(req, letter_language(args.get("language")))),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=letters.letter_filename(req),
    )


@blp.route("/<int:request_id>/request-letter.docx")
@blp.arguments(LetterQuerySchema, location="query")
@blp.response(200, content_type=letters.DOCX)
def request_letter(args, request_id):
    """The request letter from the requesting council to the body asked, citing s.164:
    `language` en, cy or bilingual (else the caller's language). A draft's letter (its requester's only)
    is dated today, with the due date it would get if sent today."""
    req = services.get_request_for(acting_user(), request_id)
    return send_file(
        io.BytesIO(letters.request_letter(req, letter_language(args.get("language")))),
        mimetype=letters.DOCX,
        as_attachment=True,
        download_name=letters.request_letter_filename(req),
    )
