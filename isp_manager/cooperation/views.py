"""HTML pages for s.164 requests: inbox and outbox, a new request, the request with its
timeline and the actions open to this user, the written-reasons letter, figures, and the
letterhead upload. Each handler loads, checks access through the services, calls one
service and renders.
"""

from __future__ import annotations

import io
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..calendar import long_date, wales_today
from ..csv_export import csv_response
from ..documents.letterheads import (
    can_manage_letterhead,
    current_letterhead,
    save_letterhead,
)
from ..errors import DomainError, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale, letter_language
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import S164_GROUNDS, S164_REASONS_DUTY, S164_WHO, SOCIAL_SERVICES_FUNCTIONS
from ..law import label as law_label
from ..lifecycle import lists, notices
from ..lifecycle import services as lifecycle
from ..lifecycle.forms import details_from_form
from ..lifecycle.items import apply_answer_errors, filled_items, item_inputs
from ..lifecycle.list_forms import DATE_FIELDS, kept_arguments
from ..lifecycle.models import Outcome
from ..lifecycle.services import Operation
from ..lifecycle.views import StepWording, register_step_pages
from ..parties import contacts
from ..parties.models import Organisation
from ..text_values import whole_number
from . import figures as figures_module
from . import letters, services
from .forms import (
    ChooseBodyForm,
    ConfirmForm,
    FiguresForm,
    LetterheadForm,
    ListFilterForm,
    RequestForm,
    ResponseForm,
    apply_errors,
)
from .kind import S164
from .models import RequestType

bp = Blueprint("cooperation", __name__, url_prefix="/requests")

FILTER_NAMES = (
    "state",
    "deadline",
    "request_type",
    "counterparty",
    "reference",
    "case_reference",
    *DATE_FIELDS,
)
BOX_ENDPOINTS = {
    services.Box.RECEIVED: "cooperation.inbox",
    services.Box.SENT: "cooperation.outbox",
    services.Box.ALL: "cooperation.all_requests",
}


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in users."""


# ----------------------------------------------------------------- inbox and outbox


@bp.get("/")
def index():
    box = services.Box.SENT if services.can_make_requests(current_user) else services.Box.RECEIVED
    return redirect(url_for(BOX_ENDPOINTS[box]))


@bp.get("/received")
def inbox():
    return _list_page(services.Box.RECEIVED)


@bp.get("/sent")
def outbox():
    return _list_page(services.Box.SENT)


@bp.get("/all")
def all_requests():
    return _list_page(services.Box.ALL)


@bp.get("/<any(received,sent,all):box>.csv")
def export(box: str):
    return _list_page(services.Box(box), as_csv=True)


def _list_page(box: services.Box, *, as_csv: bool = False):
    locale = current_locale()
    form = ListFilterForm(formdata=request.args).setup(
        services.parties_select(councils_only=box is services.Box.RECEIVED),
        with_drafts=box is not services.Box.RECEIVED,
        locale=locale,
    )
    request_type = form.offered(form.request_type)
    filters = form.read_filters(
        extra=services.request_type_filter(RequestType(request_type) if request_type else None),
    )
    kept = kept_arguments(request.args, FILTER_NAMES)
    today = wales_today()
    if as_csv and not form.errors:
        return _csv(box, lists.all_requests(S164, current_user, box, filters, today), today)
    page = lists.page_of(S164, current_user, box, filters, today)
    return render_template(
        "cooperation/list.html",
        box=box,
        form=form,
        page=page,
        kept=kept,
        today=today,
        soon_until=services.due_soon_until(today),
        pagination=page.govuk_pagination(BOX_ENDPOINTS[box], **kept),
        csv_url=url_for(".export", box=box.value, **kept),
        list_url=url_for(BOX_ENDPOINTS[box]),
        can_make_requests=services.can_make_requests(current_user),
    )


def _csv(box: services.Box, requests, today):
    """The list as CSV: the lifecycle's columns with s.164's type, function, basis and ground,
    each label in the reader's language and its code beside it."""
    locale = current_locale()
    details = (
        lists.Column(_l("Type"), lambda r: r.request_type.label),
        lists.Column(_l("Type code"), lambda r: r.request_type.value),
        lists.Column(
            _l("Function"), lambda r: law_label(SOCIAL_SERVICES_FUNCTIONS, r.function_code, locale)
        ),
        lists.Column(_l("Function code"), lambda r: r.function_code),
        lists.Column(_l("Function described"), lambda r: r.function_description or ""),
        lists.Column(_l("Basis (s.164(2))"), lambda r: law_label(S164_WHO, r.s164_basis, locale)),
        lists.Column(_l("Basis code"), lambda r: r.s164_basis),
    )
    answer = (
        lists.Column(
            _l("Ground"), lambda r: law_label(S164_GROUNDS, r.ground, locale) if r.ground else ""
        ),
        lists.Column(_l("Ground code"), lambda r: r.ground or ""),
    )
    return lists.csv_download(S164, box, requests, today, details=details, answer=answer)


# ----------------------------------------------------------------- a new request


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not services.can_make_requests(current_user):
        raise PermissionDenied(_("Only a local authority's staff can make a request under s.164."))
    locale = current_locale()
    council = current_user.organisation
    choose = ChooseBodyForm(formdata=request.args)
    if "body" not in request.args:
        return render_template("cooperation/choose_body.html", form=choose)
    text = request.args["body"]
    try:
        body = services.body_to_ask(text)
    except InvalidInput as error:
        choose.body.errors = error.errors["body"]
        return render_template("cooperation/choose_body.html", form=choose), 422
    if request.method == "GET" and text != body.code:
        return redirect(url_for(".new", body=body.code))  # the request's address names the body
    eligibility = services.who_can_be_asked(council, body)
    if eligibility.code is None:
        choose.body.errors = [eligibility.explanation]
        return render_template("cooperation/choose_body.html", form=choose), 422
    form = RequestForm().setup(locale)
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
    elif form.validate_on_submit():
        try:
            req = services.create_request(
                _request_details(form, body), by=current_user, send=not form.save_draft.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            message = (
                _("Request %(ref)s saved as a draft.", ref=req.reference)
                if form.save_draft.data
                else _(
                    "Request %(ref)s sent to %(body)s.",
                    ref=req.reference,
                    body=body.display_name(current_locale()),
                )
            )
            flash(message, "success")
            return redirect(url_for(".show", request_id=req.id), 303)
    return render_template(
        "cooperation/new.html",
        form=form,
        body=body,
        eligibility=eligibility,
        basis=S164_WHO[eligibility.code],
        previews={t: services.preview_due_date(t) for t in RequestType},
        local_practice={t: services.local_practice_note(t) for t in RequestType},
        limit=services.limited_partner(eligibility.code, body),
        told=contacts.who_would_be_told(body),
    ), (422 if form.errors else 200)


def _request_details(form: RequestForm, body: Organisation) -> services.RequestDetails:
    return details_from_form(services.RequestDetails, form, requested_organisation=body)


# ----------------------------------------------------------------- one request


def _load(request_id: int):
    return services.get_request_for(current_user, request_id)


@bp.get("/<int:request_id>")
def show(request_id: int):
    req = _load(request_id)
    today = wales_today()
    operations = lifecycle.allowed_operations(req, current_user)
    services.note_answer_read(req, current_user)
    return render_template(
        "cooperation/show.html",
        req=req,
        told=contacts.who_would_be_told(req.requested_org)
        if Operation.SEND in operations
        else None,
        has_users=notices.body_has_users(req.requested_org),
        status=req.deadline_status(today, services.due_soon_until(today)),
        operations=operations,
        confirm=ConfirmForm(),
        Operation=Operation,
        ground=S164_GROUNDS.get(req.ground),
        basis_reason=services.basis_explanation(req),
        due=lifecycle.explain_due_date(req),
        function_label=law_label(SOCIAL_SERVICES_FUNCTIONS, req.function_code, current_locale()),
        function_text=services.function_text(req),
        local_practice=services.local_practice_note(req.request_type),
        limit=services.limited_partner(req.s164_basis, req.requested_org),
    )


def _step(operation: Operation):
    """A page for one step: 404 if unseen, 403 or 409 if not open to this user now."""

    def decorator(view):
        @wraps(view)
        def wrapped(request_id: int):
            req = _load(request_id)
            lifecycle.check_allowed(req, operation, current_user)
            return view(req)

        return wrapped

    return decorator


def _done(req, message: str):
    flash(message, "success")
    return redirect(url_for(".show", request_id=req.id), 303)


@bp.post("/<int:request_id>/send")
@_step(Operation.SEND)
def send(req):
    if ConfirmForm().validate_on_submit():
        services.send_request(req, by=current_user)
        return _done(
            req,
            _(
                "Request %(ref)s sent to %(body)s.",
                ref=req.reference,
                body=req.requested_org.display_name(current_locale()),
            ),
        )
    abort(400)


@bp.post("/<int:request_id>/acknowledge")
@_step(Operation.ACKNOWLEDGE)
def acknowledge(req):
    if ConfirmForm().validate_on_submit():
        services.acknowledge_request(req, by=current_user)
        return _done(req, _("You have acknowledged request %(ref)s.", ref=req.reference))
    abort(400)


@bp.post("/<int:request_id>/close")
@_step(Operation.CLOSE)
def close(req):
    if ConfirmForm().validate_on_submit():
        services.close_request(req, by=current_user)
        return _done(req, _("Request %(ref)s is closed.", ref=req.reference))
    abort(400)


register_step_pages(
    bp,
    S164,
    services=services,
    wording=StepWording(asked=lambda req: req.details),
)


@bp.route("/<int:request_id>/respond", methods=["GET", "POST"])
@_step(Operation.RESPOND)
def respond(req):
    """The answer. A refusal, whole or in part, is a decision of the body: it goes through a
    check page (the answer carried in hidden fields, with Change buttons back to this form)
    and is recorded only when the person deciding sends it."""
    form = ResponseForm().setup(current_locale(), req.request_type.value)
    if form.validate_on_submit() and not request.form.get("change"):
        answer = _answer(form)
        try:
            if services.needs_check(answer) and not request.form.get("confirm"):
                services.check_response(req, answer, by=current_user)
                return _check_page(req, form, answer)
            services.respond_to_request(req, answer, by=current_user)
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_answer_errors(form, error)
        else:
            return _done(req, _("Your answer to %(ref)s has been recorded.", ref=req.reference))
    return render_template(
        "cooperation/respond.html", req=req, form=form, focus=request.form.get("change")
    ), (422 if form.errors else 200)


def _check_page(req, form: ResponseForm, answer: services.AnswerInput):
    ground = S164_GROUNDS.get(answer.ground)
    carried = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirm", "change", "submit")
    ]
    return render_template(
        "cooperation/respond_check.html",
        req=req,
        form=form,
        answer=answer,
        carried=carried,
        ground=ground,
        citation=ground.citation_for(current_locale(), req.request_type.value) if ground else "",
        decider=(current_user.name, lifecycle.decider_title(current_user)),
        reasons_duty_citation=S164_REASONS_DUTY.citation_for(current_locale()),
        items=filled_items(form),
    )


def _answer(form: ResponseForm) -> services.AnswerInput:
    return services.AnswerInput(
        outcome=form.outcome.data,
        ground=form.ground.data or None,
        written_reasons=form.written_reasons.data,
        not_provided=form.not_provided.data,
        items=item_inputs(form),
    )


@bp.get("/<int:request_id>/letter.docx")
def letter(request_id: int):
    req = _load(request_id)
    data = letters.reasons_letter(req, letter_language(request.args.get("language")))
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=letters.letter_filename(req),
    )


@bp.get("/<int:request_id>/request-letter.docx")
def request_letter(request_id: int):
    """The request letter, in the language asked for (`?language=en|cy|bilingual`), else
    the reader's."""
    req = _load(request_id)
    data = letters.request_letter(req, letter_language(request.args.get("language")))
    return send_file(
        io.BytesIO(data),
        mimetype=letters.DOCX,
        as_attachment=True,
        download_name=letters.request_letter_filename(req),
    )


# ----------------------------------------------------------------- figures


@bp.get("/figures")
def figures():
    return _figures_page(as_csv=False)


@bp.get("/figures.csv")
def figures_csv():
    return _figures_page(as_csv=True)


def _figures_page(*, as_csv: bool):
    locale = current_locale()
    this_year = wales_today().year
    years = list(range(this_year, figures_module.FIRST_YEAR - 1, -1))
    form = FiguresForm(formdata=request.args)
    everyone = current_user.can_read_everything
    organisations = services.party_choices() if everyone else [current_user.organisation]
    form.organisation.choices = [(o.code, o.display_name(locale)) for o in organisations]
    form.year.choices = [(str(y), str(y)) for y in years]
    org = next(
        (o for o in organisations if o.code == form.organisation.data), current_user.organisation
    )
    year = whole_number(form.year.data)
    year = year if year in years else this_year
    if form.organisation.data and form.organisation.data != org.code:
        raise NotFound(_("There are no figures you can see for that organisation."))
    form.organisation.data, form.year.data = org.code, str(year)
    result = figures_module.figures_for(org, year)
    if as_csv:
        header = [_("Year"), _("Requests"), _("Measure"), _("Value")]
        return csv_response(
            f"s164-figures-{org.code}-{year}.csv", header, figures_module.csv_rows(result)
        )
    return render_template(
        "cooperation/figures.html",
        form=form,
        figures=result,
        choose_organisation=everyone,
        csv_url=url_for(".figures_csv", organisation=org.code, year=year),
        Outcome=Outcome,
    )


# ----------------------------------------------------------------- letterhead


def _letterhead_org() -> Organisation:
    """The user's organisation, or (for an admin) the one named by ?organisation=."""
    org = current_user.organisation
    code = request.values.get("organisation")
    if code and current_user.is_admin:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
        if org is None:
            abort(404)
    if not can_manage_letterhead(current_user, org):
        raise PermissionDenied(
            _("Only the organisation's IG lead or an administrator can change its letterhead.")
        )
    return org


@bp.get("/letterhead/letterhead.docx")
def letterhead_file():
    """The letterhead as uploaded, for those who may change it."""
    stored = current_letterhead(_letterhead_org())
    if stored is None:
        abort(404)
    return send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=stored.sha256,
    )


@bp.route("/letterhead", methods=["GET", "POST"])
def letterhead():
    org = _letterhead_org()
    code = request.values.get("organisation")
    form = LetterheadForm()
    if form.validate_on_submit():
        upload = form.letterhead.data
        try:
            save_letterhead(
                org,
                getattr(upload, "filename", "") or "",
                upload.read() if upload else b"",
                by=current_user,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(
                _(
                    "The letterhead of %(org)s has been saved.",
                    org=org.display_name(current_locale()),
                ),
                "success",
            )
            return redirect(
                url_for(".letterhead", **({"organisation": org.code} if code else {})), 303
            )
    return render_template(
        "cooperation/letterhead.html",
        form=form,
        org=org,
        current=current_letterhead(org),
        today=long_date(wales_today()),
    ), (422 if form.errors else 200)
