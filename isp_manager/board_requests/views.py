"""HTML pages for s.137 board requests: the list, a new request, the request with the steps
open to this user (answer, answer on a body's behalf, follow-up, close), the letters, and
the board's annual figures (page, CSV, Word). Each handler loads the request through the
services (404 when it may not be seen), calls one service and renders. Clarification,
extensions and withdrawal are the lifecycle's shared step pages (lifecycle.views)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..calendar import wales_today
from ..csv_export import csv_response
from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..forms_base import refuse_unstorable_text
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import S137_RELATES
from ..lifecycle import lists, notices
from ..lifecycle import services as lifecycle
from ..lifecycle.forms import details_from_form
from ..lifecycle.items import apply_answer_errors, item_inputs
from ..lifecycle.list_forms import DATE_FIELDS, ListFilterForm, kept_arguments
from ..lifecycle.services import Operation
from ..lifecycle.views import StepWording, register_step_pages
from ..parties import contacts
from ..parties.models import Organisation
from ..parties.services import active_bodies
from ..text_input import is_storable
from ..text_values import whole_number
from . import figures as board_figures
from . import letters, services
from .forms import (
    AnswerForm,
    BoardRequestForm,
    ConfirmForm,
    FollowUpForm,
    OnBehalfForm,
    apply_errors,
)
from .kind import S137

bp = Blueprint("board_requests", __name__, url_prefix="/board-requests")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in users."""


def _user():
    return current_user._get_current_object()


FILTER_NAMES = (
    "box",
    "state",
    "deadline",
    "counterparty",
    "reference",
    "case_reference",
    *DATE_FIELDS,
)
BOX_TITLES = {
    services.Box.RECEIVED: _l("Requests to or for your body"),
    services.Box.SENT: _l("Requests your board made"),
    services.Box.ALL: _l("All requests"),
}


def _default_box(user) -> services.Box:
    if user.can_read_everything:
        return services.Box.ALL
    if user.organisation.is_safeguarding_board:
        return services.Box.SENT
    return services.Box.RECEIVED


@bp.get("")
def index():
    return _list_page(request.args.get("box"))


@bp.get("/<any(received,sent,all):box>.csv")
def export(box: str):
    return _list_page(box, as_csv=True)


def _list_page(box_name: str | None, *, as_csv: bool = False):
    """The list of a box (the user's usual one unless `box` names another), found by the
    lifecycle's filters; as a CSV with the same filters."""
    user = _user()
    box = services.Box(box_name) if box_name in set(services.Box) else _default_box(user)
    form = ListFilterForm(formdata=request.args).setup(
        active_bodies(), with_drafts=box is not services.Box.RECEIVED, locale=current_locale()
    )
    filters = form.read_filters()
    kept = kept_arguments(request.args, FILTER_NAMES)
    today = wales_today()
    if as_csv and not form.errors:
        return _csv(box, lists.all_requests(S137, user, box, filters, today), today)
    page = lists.page_of(S137, user, box, filters, today)
    kept_filters = {k: v for k, v in kept.items() if k != "box"}
    return render_template(
        "board_requests/list.html",
        page=page,
        box=box,
        boxes=services.Box,
        titles=BOX_TITLES,
        form=form,
        kept=kept_filters,
        can_make=services.can_make_requests(user),
        deadline_status=services.deadline_status,
        pagination=page.govuk_pagination("board_requests.index", **kept),
        csv_url=url_for(".export", box=box.value, **kept_filters),
    )


def _csv(box: services.Box, requests, today):
    """The list as CSV: the lifecycle's columns with s.137's purpose and review reference."""
    details = (
        lists.Column(_l("Purpose"), lambda r: r.purpose.label),
        lists.Column(_l("Purpose code"), lambda r: r.purpose.value),
        lists.Column(_l("Review reference"), lambda r: r.review_reference or ""),
    )
    return lists.csv_download(S137, box, requests, today, details=details)


def _org(code: str | None):
    if not code or not is_storable(code):  # a code the database cannot hold names no body
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code[:64]))


@bp.route("/new", methods=["GET", "POST"])
def new():
    user = _user()
    if not services.can_make_requests(user):
        abort(403)
    locale = current_locale()
    form = BoardRequestForm().setup(locale)
    if request.method == "GET" and request.args.get("body"):
        form.qualifying_body.data = request.args["body"][:200]  # chosen before coming here
    try:
        body, provide_to = services.bodies_named(form.qualifying_body.data, form.provide_to.data)
    except InvalidInput as error:
        body = provide_to = None
        named = error  # shown once the form is sent: a body typed but not yet sent is not wrong
    else:
        named = None
    if request.method == "GET" and body is not None:
        form.qualifying_body.data = body.display_name(locale)
    told = contacts.who_would_be_told(body) if body is not None else None
    checking = False
    if request.method == "POST" and form.validate() and refuse_unstorable_text(form):
        details = _details(form, body, provide_to)
        sending = not form.save_draft.data
        try:
            if named is not None:  # the bodies' names first, with whatever else is wrong
                try:
                    services.check_request(details, by=user)
                except InvalidInput as other:
                    named.errors = {**other.errors, **named.errors}
                raise named
            if sending and told is not None and told.needs_check:
                checking = form.told_checked.data != body.code
            if checking:
                services.check_request(details, by=user)
                form.told_checked.data = body.code
            else:
                req = services.create_request(details, by=user, send=sending)
        except InvalidInput as error:
            checking = False
            apply_errors(form, error)
        else:
            if not checking:
                flash(_("Request %(ref)s saved.", ref=req.reference))
                return redirect(url_for(".show", request_id=req.id))
    return render_template(
        "board_requests/new.html",
        form=form,
        body=body,
        told=told,
        checking=checking,
        due=services.preview_due_date(),
        practice=services.local_practice_note(),
    )


def _details(form: BoardRequestForm, body, provide_to) -> services.BoardRequestDetails:
    return details_from_form(
        services.BoardRequestDetails,
        form,
        qualifying_body=body,
        provide_to=provide_to,
        relates_to=list(form.relates_to.data or []),
    )


def _load(request_id: int):
    return services.get_request_for(_user(), request_id)


@bp.get("/<int:request_id>")
def show(request_id: int):
    req = _load(request_id)
    user = _user()
    operations = lifecycle.allowed_operations(req, user)
    on_behalf = Operation.RECORD_ON_BEHALF in operations
    return render_template(
        "board_requests/show.html",
        req=req,
        operations=operations,
        Operation=Operation,
        on_behalf=on_behalf,
        has_users=notices.body_has_users(req.requested_org),
        told=contacts.who_would_be_told(req.requested_org)
        if Operation.SEND in operations
        else None,
        relates=[S137_RELATES[c] for c in req.relates_to],
        status=services.deadline_status(req),
        due=lifecycle.explain_due_date(req),
        answer_form=AnswerForm(formdata=None).setup(),
        on_behalf_form=OnBehalfForm(formdata=None).setup(),
        follow_up_form=FollowUpForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        can_follow_up=req.can_act_as_requester(user)
        and req.state.value in ("sent", "acknowledged", "awaiting_clarification", "answered"),
    )


def _step_page(req, template: str, form, action):
    if request.method == "POST" and form.validate() and refuse_unstorable_text(form):
        try:
            action()
        except InvalidInput as error:
            if hasattr(form, "items"):
                apply_answer_errors(form, error)  # a row's message beside that row
            else:
                apply_errors(form, error)
        else:
            return redirect(url_for(".show", request_id=req.id))
    return render_template(template, req=req, form=form)


@bp.route("/<int:request_id>/answer", methods=["GET", "POST"])
def answer(request_id: int):
    req = _load(request_id)
    lifecycle.check_allowed(req, Operation.RESPOND, _user())  # 403 or 409 before the form
    form = AnswerForm().setup()

    def action():
        services.respond_to_request(req, _answer(form), by=_user())

    return _step_page(req, "board_requests/answer.html", form, action)


@bp.route("/<int:request_id>/answer-on-behalf", methods=["GET", "POST"])
def answer_on_behalf(request_id: int):
    req = _load(request_id)
    lifecycle.check_allowed(req, Operation.RECORD_ON_BEHALF, _user())
    form = OnBehalfForm().setup()

    def action():
        received = services.ReceivedInput(
            form.received_from.data, form.received_on.data, form.received_how.data
        )
        services.record_answer_on_behalf(req, _answer(form), received, by=_user())

    return _step_page(req, "board_requests/answer.html", form, action)


def _answer(form) -> services.AnswerInput:
    return services.AnswerInput(
        outcome=form.outcome.data,
        reasons=form.reasons.data,
        not_provided=form.not_provided.data,
        items=item_inputs(form),
    )


@bp.route("/<int:request_id>/follow-up", methods=["GET", "POST"])
def follow_up(request_id: int):
    req = _load(request_id)
    if not req.can_act_as_requester(_user()):
        abort(403)  # the board's own note: the body asked sees the request, not this page
    form = FollowUpForm()
    return _step_page(
        req,
        "board_requests/step.html",
        form,
        lambda: services.record_follow_up(req, form.escalation_note.data, by=_user()),
    )


register_step_pages(
    bp,
    S137,
    services=services,
    wording=StepWording(
        asked=lambda req: req.information_specified,
        question_hint=_l("The clock stops until the board answers."),
    ),
)


def _simple(request_id: int, action):
    req = _load(request_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        action(req)
    except DomainError as error:
        if error.status_code == 422:
            flash(str(error), "error")
        else:
            raise
    return redirect(url_for(".show", request_id=req.id))


@bp.post("/<int:request_id>/send")
def send(request_id: int):
    return _simple(request_id, lambda req: services.send_request(req, by=_user()))


@bp.post("/<int:request_id>/acknowledge")
def acknowledge(request_id: int):
    return _simple(request_id, lambda req: services.acknowledge_request(req, by=_user()))


@bp.post("/<int:request_id>/close")
def close(request_id: int):
    return _simple(request_id, lambda req: services.close_request(req, by=_user()))


def _docx(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype=letters.DOCX, as_attachment=True, download_name=name
    )


@bp.get("/<int:request_id>/letter.docx")
def letter(request_id: int):
    req = _load(request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(letters.request_letter(req, language), letters.request_letter_filename(req))


@bp.get("/<int:request_id>/acknowledgement.docx")
def acknowledgement(request_id: int):
    req = _load(request_id)
    language = services.letter_language(request.args.get("language"))
    return _docx(
        letters.acknowledgement_letter(req, language), letters.acknowledgement_filename(req)
    )


# ----------------------------------------------------------------- figures


def _figures():
    user = _user()
    board = _org(request.args.get("board")) or user.organisation
    current = board_figures.current_financial_year()
    year = whole_number(request.args.get("financial_year"))
    if year is None or not board_figures.FIRST_YEAR <= year <= current + 1:
        year = current
    services.check_can_read_figures(user, board)
    return board_figures.figures_for(board, year)


@bp.get("/figures")
def figures():
    data = _figures()
    return render_template(
        "board_requests/figures.html",
        figures=data,
        years=range(board_figures.current_financial_year(), board_figures.FIRST_YEAR - 1, -1),
        year_label=board_figures.year_label,
        total_label=board_figures.total_label,
        result_key=board_figures.result_key,
    )


@bp.get("/figures.csv")
def figures_csv():
    data = _figures()
    return csv_response(
        f"{data.board.code}-s137-requests-{data.year}.csv",
        board_figures.csv_header(),
        board_figures.csv_rows(data),
    )


@bp.get("/figures.docx")
def figures_docx():
    data = _figures()
    return _docx(letters.figures_document(data), letters.figures_filename(data))
