"""API for s.164 requests: create (and send, unless a draft), list, read one, answer, and the
other steps of the lifecycle. The same services as the pages decide every rule; a request the
caller may not see is a 404, a step the state does not allow a 409."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import send_file
from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import letter_language
from ..lifecycle import lists
from ..lifecycle.api import register_step_routes
from ..lifecycle.models import DeadlineStatus
from ..parties.models import Organisation
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


def _user():
    return current_user._get_current_object()


def _organisation(code: str | None, field: str) -> Organisation:
    org = db.session.scalar(
        sa.select(Organisation).where(Organisation.code == (code or "").strip())
    )
    if org is None:
        raise InvalidInput(
            _("There is no organisation with the code “%(code)s” on the register.", code=code),
            field=field,
        )
    return org


@blp.route("")
class Requests(MethodView):
    @blp.arguments(RequestQuerySchema, location="query")
    @blp.response(200, RequestSummarySchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        """The requests the caller may see: `box` received, sent or all; filter by state
        (open, all or one state), deadline (due_soon, overdue), request_type, counterparty
        (an organisation code) and reference. Sorted by due date."""
        box = _choice(services.Box, args["box"], "box")
        deadline = DeadlineStatus.OVERDUE if args.get("overdue") else args.get("deadline")
        counterparty = args.get("counterparty")
        filters = services.ListFilters(
            state=args["state"],
            deadline=_choice(DeadlineStatus, deadline, "deadline") if deadline else None,
            extra=services.request_type_filter(
                _choice(RequestType, args["request_type"], "request_type")
                if args.get("request_type")
                else None
            ),
            counterparty=_organisation(counterparty, "counterparty") if counterparty else None,
            reference=args.get("reference") or "",
            case_reference=args.get("case_reference") or "",
            sent_from=args.get("sent_from"),
            sent_to=args.get("sent_to"),
            due_from=args.get("due_from"),
            due_to=args.get("due_to"),
        )
        return lists.api_page(S164, _user(), box, filters, pagination_parameters)

    @blp.arguments(RequestCreateSchema)
    @blp.response(201, RequestSchema)
    def post(self, data):
        """Make a request and send it to the body asked (unless `draft` is true). The body must be
        one the requesting local authority may ask under s.164(2); the basis is recorded."""
        requesting = _organisation(data["requesting_organisation"], "requesting_organisation")
        requested = _organisation(data["requested_organisation"], "requested_organisation")
        details = services.RequestDetails(
            requested_organisation=requested,
            request_type=data["request_type"],
            function=data["function"],
            function_description=data["function_description"],
            partner_function=data["partner_function"],
            details=data["details"],
            purpose=data["purpose"],
            secure_reply=data["secure_reply"],
            subject_reference=data["subject_reference"],
            urgent=data["urgent"],
            requested_due_date=data["due_date"],
            urgent_reason=data["urgent_reason"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
        )
        req = services.create_request(
            details, by=_user(), requesting=requesting, send=not data["draft"]
        )
        return services.get_request_for(_user(), req.id)


def _choice(enum_cls, value, field):
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise InvalidInput(_("Use one of: %(allowed)s.", allowed=allowed), field=field) from None


@blp.route("/<int:request_id>")
class RequestResource(MethodView):
    @blp.response(200, RequestSchema)
    def get(self, request_id):
        """One request with its answer and the timeline both bodies see."""
        return services.get_request_for(_user(), request_id)


def _step(request_id, action):
    req = services.get_request_for(_user(), request_id)
    action(req)
    db.session.flush()
    return req


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
        items=[
            services.ItemInput(i["description"], i["nature"], i["provided_on"], i["provided_how"])
            for i in data["items"]
        ],
    )
    return _step(request_id, lambda req: services.respond_to_request(req, answer, by=_user()))


@blp.route("/<int:request_id>/send", methods=["POST"])
@blp.response(200, RequestSchema)
def send(request_id):
    """Send a draft; the due date is worked out from today."""
    return _step(request_id, lambda req: services.send_request(req, by=_user()))


@blp.route("/<int:request_id>/acknowledge", methods=["POST"])
@blp.response(200, RequestSchema)
def acknowledge(request_id):
    """The body asked acknowledges the request."""
    return _step(request_id, lambda req: services.acknowledge_request(req, by=_user()))


# The shared step routes (lifecycle.api), described in s.164's words (the OpenAPI summaries).
STEP_DOCS = {
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
}
register_step_routes(blp, services=services, response=RequestSchema, docs=STEP_DOCS)


@blp.route("/<int:request_id>/close", methods=["POST"])
@blp.response(200, RequestSchema)
def close(request_id):
    """The requester closes an answered request."""
    return _step(request_id, lambda req: services.close_request(req, by=_user()))


@blp.route("/<int:request_id>/letter.docx")
@blp.arguments(LetterQuerySchema, location="query")
@blp.response(
    200, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
def letter(args, request_id):
    """The written-reasons letter of a request declined wholly or in part: `language` en, cy
    or bilingual (else the caller's language)."""
    req = services.get_request_for(_user(), request_id)
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
    req = services.get_request_for(_user(), request_id)
    return send_file(
        io.BytesIO(letters.request_letter(req, letter_language(args.get("language")))),
        mimetype=letters.DOCX,
        as_attachment=True,
        download_name=letters.request_letter_filename(req),
    )
