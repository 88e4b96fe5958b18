"""API for s.137 board requests: create (and send, unless a draft), list, read one, answer
(by the body, or on its behalf by the board), follow up, the other lifecycle steps, the
letters and the board's annual figures (JSON, CSV, Word). A request the caller may not see is
a 404; a step the state does not allow, a 409."""

from __future__ import annotations

import io

from flask import jsonify, request, send_file

from ..api_blueprint import Blueprint
from ..csv_export import csv_response
from ..errors import InvalidInput
from ..i18n import gettext as _
from ..lifecycle import api as lifecycle_api
from ..lifecycle.api import (
    RequestSchemas,
    acting_user,
    organisation_by_code,
    register_request_routes,
    register_step_routes,
)
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


def _make_request(data):
    board = organisation_by_code(data["board"], "board")
    body = organisation_by_code(data["qualifying_body"], "qualifying_body")
    to = data["provide_to"]
    provide_to = organisation_by_code(to, "provide_to") if to else None
    details = lifecycle_api.details_from(
        services.BoardRequestDetails, data, qualifying_body=body, provide_to=provide_to
    )
    return services.create_request(details, by=acting_user(), board=board, send=not data["draft"])


def _figures(args):
    user = acting_user()
    code = args.get("board")
    board = organisation_by_code(code, "board") if code else user.organisation
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


def _answer(data) -> services.AnswerInput:
    return services.AnswerInput(
        outcome=data["outcome"],
        reasons=data["reasons"],
        not_provided=data["not_provided"],
        items=lifecycle_api.item_inputs(data),
    )


@blp.route("/<int:request_id>/response", methods=["POST"])
@blp.arguments(BoardResponseSchema)
@blp.response(200, BoardRequestSchema)
def respond(data, request_id):
    """The body asked answers: complied, partly_complied or not_complied; `reasons` required
    unless complied."""
    return lifecycle_api.step(
        services,
        request_id,
        lambda req: services.respond_to_request(req, _answer(data), by=acting_user()),
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
    return lifecycle_api.step(
        services,
        request_id,
        lambda req: services.record_answer_on_behalf(
            req, _answer(data), received, by=acting_user()
        ),
    )


@blp.route("/<int:request_id>/follow-up", methods=["POST"])
@blp.arguments(FollowUpSchema)
@blp.response(200, BoardRequestSchema)
def follow_up(data, request_id):
    """The board's follow-up (an escalation note, dated today)."""
    return lifecycle_api.step(
        services,
        request_id,
        lambda req: services.record_follow_up(req, data["escalation_note"], by=acting_user()),
    )


# The shared routes (lifecycle.api), described in s.137's words (the OpenAPI summaries).
STEP_DOCS = {
    "list": (
        "The board requests the caller may see: `box` sent, received or all; filter by state,\n"
        "deadline, counterparty (an organisation code) and reference. Sorted by due date."
    ),
    "create": (
        "Make a s.137 request and send it (unless `draft` is true). Only a Safeguarding\n"
        "Board's officers make them; `relates_to` holds s137-a, s137-b and/or s137-c."
    ),
    "show": "One board request with its answer, follow-up and timeline.",
    "send": "Send a draft.",
    "acknowledge": "The body asked acknowledges the request.",
    "ask_clarification": (
        "The body asked needs something made clear (`question`); the clock stops."
    ),
    "answer_clarification": "The board answers (`answer`); the clock restarts.",
    "ask_extension": "The body asked asks for more time (`new_due_date`, `reason`).",
    "agree_extension": "The board agrees the extension asked for.",
    "refuse_extension": "The board refuses the extension asked for, with a `reason`.",
    "extension": "The board gives more time of its own accord.",
    "withdraw": "The board withdraws the request, with a `reason`.",
    "close": "The board closes an answered request.",
}
register_request_routes(
    blp,
    S137,
    services=services,
    schemas=RequestSchemas(
        BoardRequestQuerySchema,
        BoardRequestSummarySchema,
        BoardRequestSchema,
        BoardRequestCreateSchema,
    ),
    make=_make_request,
    docs=STEP_DOCS,
)
register_step_routes(blp, services=services, response=BoardRequestSchema, docs=STEP_DOCS)


def _docx(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype=letters.DOCX, as_attachment=True, download_name=name
    )


@blp.route("/<int:request_id>/letter.docx")
@blp.response(200, content_type=letters.DOCX)
def letter(request_id):
    """The request letter, citing s.137 (`?language=en|cy|bilingual`)."""
    req = services.get_request_for(acting_user(), request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(letters.request_letter(req, language), letters.request_letter_filename(req))


@blp.route("/<int:request_id>/acknowledgement.docx")
@blp.response(200, content_type=letters.DOCX)
def acknowledgement(request_id):
    """The board's acknowledgement of the answer (`?language=en|cy|bilingual`)."""
    req = services.get_request_for(acting_user(), request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(
        letters.acknowledgement_letter(req, language), letters.acknowledgement_filename(req)
    )
