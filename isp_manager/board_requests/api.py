"""API for s.137 board requests: create (and send, unless a draft), list, read one, answer
(by the body, or on its behalf by the board), follow up, the other lifecycle steps, the
letters and the board's annual figures (JSON, CSV, Word). A request the caller may not see is
a 404; a step the state does not allow, a 409."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import jsonify, request, send_file
from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..csv_export import csv_response
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import gettext as _
from ..lifecycle import lists
from ..lifecycle.api import register_step_routes
from ..lifecycle.models import DeadlineStatus
from ..parties.models import Organisation
from . import figures as board_figures
from . import letters, services
from .kind import S137
from .schemas import (
    BoardRequestCreateSchema,
    BoardRequestQuerySchema,
    BoardRequestSchema,
    BoardRequestSummarySchema,
    BoardResponseSchema,
    FiguresQuerySchema,
    FiguresSchema,
    FollowUpSchema,
    OnBehalfResponseSchema,
)

blp = Blueprint(
    "board_requests_api",
    __name__,
    url_prefix="/board-requests",
    description="Section 137 requests for information by Safeguarding Boards.",
)


def _user():
    return current_user._get_current_object()


def _organisation(code: str | None, field: str) -> Organisation:
    org = db.session.scalar(
        sa.select(Organisation).where(Organisation.code == (code or "").strip()[:64])
    )
    if org is None:
        raise InvalidInput(
            _(
                "There is no organisation with the code “%(code)s” on the register.",
                code=(code or "")[:64],
            ),
            field=field,
        )
    return org


def _choice(enum_cls, value, field):
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise InvalidInput(_("Use one of: %(allowed)s.", allowed=allowed), field=field) from None


@blp.route("")
class BoardRequests(MethodView):
    @blp.arguments(BoardRequestQuerySchema, location="query")
    @blp.response(200, BoardRequestSummarySchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        """The board requests the caller may see: `box` sent, received or all; filter by state,
        deadline, counterparty (an organisation code) and reference. Sorted by due date."""
        box = _choice(services.Box, args["box"], "box")
        deadline = args.get("deadline")
        counterparty = args.get("counterparty")
        filters = services.ListFilters(
            state=args["state"],
            deadline=_choice(DeadlineStatus, deadline, "deadline") if deadline else None,
            counterparty=_organisation(counterparty, "counterparty") if counterparty else None,
            reference=args.get("reference") or "",
            case_reference=args.get("case_reference") or "",
            sent_from=args.get("sent_from"),
            sent_to=args.get("sent_to"),
            due_from=args.get("due_from"),
            due_to=args.get("due_to"),
        )
        return lists.api_page(S137, _user(), box, filters, pagination_parameters)

    @blp.arguments(BoardRequestCreateSchema)
    @blp.response(201, BoardRequestSchema)
    def post(self, data):
        """Make a s.137 request and send it (unless `draft` is true). Only a Safeguarding
        Board's officers make them; `relates_to` holds s137-a, s137-b and/or s137-c."""
        board = _organisation(data["board"], "board")
        body = _organisation(data["qualifying_body"], "qualifying_body")
        provide_to = _organisation(data["provide_to"], "provide_to") if data["provide_to"] else None
        details = services.BoardRequestDetails(
            qualifying_body=body,
            why_qualifying=data["why_qualifying"],
            information_specified=data["information_specified"],
            relates_to=data["relates_to"],
            provide_to=provide_to,
            purpose=data["purpose"],
            purpose_detail=data["purpose_detail"],
            review_reference=data["review_reference"],
            case_reference=data["case_reference"],
            urgent=data["urgent"],
            requested_due_date=data["due_date"],
            urgent_reason=data["urgent_reason"],
            protective_marking=data["protective_marking"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
        )
        req = services.create_request(details, by=_user(), board=board, send=not data["draft"])
        return services.get_request_for(_user(), req.id)


def _figures(args):
    user = _user()
    code = args.get("board")
    board = _organisation(code, "board") if code else user.organisation
    year = args.get("financial_year") or board_figures.current_financial_year()
    if not board_figures.FIRST_YEAR <= year <= board_figures.current_financial_year() + 1:
        raise InvalidInput(
            _(
                "Enter a financial year from %(first)s to %(last)s.",
                first=board_figures.FIRST_YEAR,
                last=board_figures.current_financial_year() + 1,
            ),
            field="financial_year",
        )
    services.check_can_read_figures(user, board)
    return board_figures.figures_for(board, year)


@blp.route("/figures")
@blp.arguments(FiguresQuerySchema, location="query")
@blp.response(200, FiguresSchema)
def figures(args):
    """A board's requests in a financial year (April to March): each request, the body, the
    dates, the outcome and the working days to answer; totals by outcome and kind of body."""
    return jsonify(board_figures.figures_json(_figures(args)))


@blp.route("/figures.csv")
@blp.arguments(FiguresQuerySchema, location="query")
@blp.response(200, content_type="text/csv")
def figures_csv(args):
    """The same, as CSV (labels in the reader's language, codes in their own columns)."""
    data = _figures(args)
    return csv_response(
        f"{data.board.code}-s137-requests-{data.year}.csv",
        board_figures.csv_header(),
        board_figures.csv_rows(data),
    )


@blp.route("/figures.docx")
@blp.arguments(FiguresQuerySchema, location="query")
@blp.response(200, content_type=letters.DOCX)
def figures_docx(args):
    """The same, as a Word table for the annual report."""
    data = _figures(args)
    return send_file(
        io.BytesIO(letters.figures_document(data)),
        mimetype=letters.DOCX,
        as_attachment=True,
        download_name=letters.figures_filename(data),
    )


@blp.route("/<int:request_id>")
class BoardRequestResource(MethodView):
    @blp.response(200, BoardRequestSchema)
    def get(self, request_id):
        """One board request with its answer, follow-up and timeline."""
        return services.get_request_for(_user(), request_id)


def _step(request_id, action):
    req = services.get_request_for(_user(), request_id)
    action(req)
    db.session.flush()
    return req


def _answer(data) -> services.AnswerInput:
    return services.AnswerInput(
        outcome=data["outcome"],
        reasons=data["reasons"],
        not_provided=data["not_provided"],
        items=[
            services.ItemInput(i["description"], i["nature"], i["provided_on"], i["provided_how"])
            for i in data["items"]
        ],
    )


@blp.route("/<int:request_id>/response", methods=["POST"])
@blp.arguments(BoardResponseSchema)
@blp.response(200, BoardRequestSchema)
def respond(data, request_id):
    """The body asked answers: complied, partly_complied or not_complied; `reasons` required
    unless complied."""
    return _step(
        request_id, lambda req: services.respond_to_request(req, _answer(data), by=_user())
    )


@blp.route("/<int:request_id>/response-on-behalf", methods=["POST"])
@blp.arguments(OnBehalfResponseSchema)
@blp.response(200, BoardRequestSchema)
def respond_on_behalf(data, request_id):
    """The board records an answer received by e-mail or post: as /response, with
    `received_from`, `received_on` and `received_how`."""
    received = services.ReceivedInput(
        data["received_from"], data["received_on"], data["received_how"]
    )
    return _step(
        request_id,
        lambda req: services.record_answer_on_behalf(req, _answer(data), received, by=_user()),
    )


@blp.route("/<int:request_id>/follow-up", methods=["POST"])
@blp.arguments(FollowUpSchema)
@blp.response(200, BoardRequestSchema)
def follow_up(data, request_id):
    """The board's follow-up (an escalation note, dated today)."""
    return _step(
        request_id,
        lambda req: services.record_follow_up(req, data["escalation_note"], by=_user()),
    )


@blp.route("/<int:request_id>/send", methods=["POST"])
@blp.response(200, BoardRequestSchema)
def send(request_id):
    """Send a draft."""
    return _step(request_id, lambda req: services.send_request(req, by=_user()))


@blp.route("/<int:request_id>/acknowledge", methods=["POST"])
@blp.response(200, BoardRequestSchema)
def acknowledge(request_id):
    """The body asked acknowledges the request."""
    return _step(request_id, lambda req: services.acknowledge_request(req, by=_user()))


# The shared step routes (lifecycle.api), described in s.137's words (the OpenAPI summaries).
STEP_DOCS = {
    "ask_clarification": (
        "The body asked needs something made clear (`question`); the clock stops."
    ),
    "answer_clarification": "The board answers (`answer`); the clock restarts.",
    "ask_extension": "The body asked asks for more time (`new_due_date`, `reason`).",
    "agree_extension": "The board agrees the extension asked for.",
    "refuse_extension": "The board refuses the extension asked for, with a `reason`.",
    "extension": "The board gives more time of its own accord.",
    "withdraw": "The board withdraws the request, with a `reason`.",
}
register_step_routes(blp, services=services, response=BoardRequestSchema, docs=STEP_DOCS)


@blp.route("/<int:request_id>/close", methods=["POST"])
@blp.response(200, BoardRequestSchema)
def close(request_id):
    """The board closes an answered request."""
    return _step(request_id, lambda req: services.close_request(req, by=_user()))


def _docx(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype=letters.DOCX, as_attachment=True, download_name=name
    )


@blp.route("/<int:request_id>/letter.docx")
@blp.response(200, content_type=letters.DOCX)
def letter(request_id):
    """The request letter, citing s.137 (`?language=en|cy|bilingual`)."""
    req = services.get_request_for(_user(), request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(letters.request_letter(req, language), letters.request_letter_filename(req))


@blp.route("/<int:request_id>/acknowledgement.docx")
@blp.response(200, content_type=letters.DOCX)
def acknowledgement(request_id):
    """The board's acknowledgement of the answer (`?language=en|cy|bilingual`)."""
    req = services.get_request_for(_user(), request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(
        letters.acknowledgement_letter(req, language), letters.acknowledgement_filename(req)
    )
