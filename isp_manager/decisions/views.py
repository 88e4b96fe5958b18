"""Decision pages: the register (and counts for admins and auditors), the question pages of a
draft, check your answers, the record with its amendments, and the amendment page. Each
handler loads, checks access through access.py, calls one service and renders."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from ..csv_export import csv_response
from ..documents.layout import document_language
from ..errors import InvalidInput, PermissionDenied
from ..extensions import db
from ..i18n import current_locale, ngettext, uk_date
from ..i18n import gettext as _
from ..law import ARTICLE6
from ..pagination import paginate
from ..parties.forms import apply_errors
from ..parties.models import Organisation
from ..teams import access as teams_access
from ..text_values import iso_date
from . import access, advice, services
from .access import Action
from .forms import (
    FIELD_STEP,
    STEP_BY_SLUG,
    STEPS,
    AdviceAnswerForm,
    AdviceQuestionForm,
    AmendmentReasonForm,
    answers_from,
    field_for_error,
    field_label,
    step_form,
)
from .models import CONSENT_LABELS, OUTCOME_LABELS, ConsentOutcome, DecisionOutcome
from .summary import decision_summary, summary_filename

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in users."""


def _user():
    return current_user._get_current_object()


def _recipient_choices(locale: str):
    orgs = db.session.execute(
        sa.select(Organisation.code, Organisation.name, Organisation.name_cy)
        .where(Organisation.is_active)
        .order_by(*Organisation.name_order(locale))
        .limit(2000)
    ).all()
    return [
        (code, (name_cy if locale == "cy" and name_cy else name)) for code, name, name_cy in orgs
    ]


# ----------------------------------------------------------------- the register


def _filters() -> tuple[services.RegisterFilters, dict]:
    args = request.args

    def pick(name, allowed):
        value = args.get(name) or None
        return value if value in allowed else None

    def day(name):
        return iso_date(args.get(name))

    team = args.get("team") or ""
    decision = pick("decision", {d.value for d in DecisionOutcome})
    consent = pick("consent_outcome", {c.value for c in ConsentOutcome})
    filters = services.RegisterFilters(
        decision=DecisionOutcome(decision) if decision else None,
        consent_outcome=ConsentOutcome(consent) if consent else None,
        article6=pick("article6", set(ARTICLE6.codes)),
        decided_from=day("from"),
        decided_to=day("to"),
        team_id=int(team) if team.isdigit() and len(team) < 10 else None,
    )
    kept = {k: v for k, v in args.items() if k in FILTER_ARGS and v}
    return filters, kept


FILTER_ARGS = ("decision", "consent_outcome", "article6", "team", "from", "to")


@bp.get("")
def register():
    user = _user()
    if access.can_count(user):
        return render_template("decisions/counts.html", counts=services.decision_counts())
    if not access.can_see_register(user):
        raise PermissionDenied(_("Your role cannot see decision records."))
    filters, kept = _filters()
    page = paginate(services.register_query(user, filters, listing=True), count_cap=COUNT_CAP)
    return render_template(
        "decisions/register.html",
        page=page,
        kept=kept,
        drafts=services.drafts_of(user),
        pagination=page.govuk_pagination("decisions.register", **kept),
        csv_url=url_for(".export", **kept),
        figures_url=url_for(".figures", **kept),
        can_manage_teams=teams_access.can_manage_teams(user),
        **_filter_choices(user),
    )


# Past this many matching decisions the register says "more than" rather than counting them
# all on every page; the figures page counts them exactly.
COUNT_CAP = 1_000


def _filter_choices(user) -> dict:
    locale = current_locale()
    return {
        "outcome_labels": OUTCOME_LABELS,
        "consent_labels": CONSENT_LABELS,
        "article6": [(e.code, e.citation_for(locale)) for e in ARTICLE6],
        "teams": services.register_teams(user),
    }


@bp.get("/figures")
def figures():
    user = _user()
    if not access.can_see_register(user):
        raise PermissionDenied(_("Your role sees decision records only as counts."))
    filters, kept = _filters()
    figures = services.register_figures(user, filters)
    locale = current_locale()

    def article6_label(code):
        entry = ARTICLE6.get(code) if code else None
        return entry.citation_for(locale) if entry else _("None (not shared)")

    charts = [
        (
            "decision",
            _("Share and not-share decisions"),
            [(str(OUTCOME_LABELS[DecisionOutcome(v)]), v, n) for v, n in figures.by_decision],
        ),
        (
            "consent",
            _("Consent outcomes"),
            [(str(CONSENT_LABELS[ConsentOutcome(v)]), v, n) for v, n in figures.by_consent],
        ),
        (
            "article6",
            _("Article 6 lawful bases used"),
            [(article6_label(v), v or "", n) for v, n in figures.by_article6],
        ),
    ]
    return render_template(
        "decisions/figures.html",
        figures=figures,
        charts=charts,
        kept=kept,
        register_url=url_for(".register", **kept),
        **_filter_choices(user),
    )


# The CSV holds at most this many rows (the newest); narrow the filters for older ones.
EXPORT_LIMIT = 50_000


@bp.get("/export.csv")
def export():
    user = _user()
    if not access.can_see_register(user):
        abort(404)
    filters, _kept = _filters()
    decisions = (
        db.session.scalars(services.register_query(user, filters).limit(EXPORT_LIMIT))
        .unique()
        .all()
    )
    names = _organisation_names(
        {c for d in decisions for c in services.current_values(d)["recipients"]}, current_locale()
    )
    header = [
        _("Reference"),
        _("Decided on"),
        _("Decided by"),
        _("Decision"),
        _("Decision code"),
        _("Consent"),
        _("Consent code"),
        _("Article 6"),
        _("Article 6 code"),
        _("Team"),
        _("Recipients"),
        _("Recipient codes"),
        _("Amendments"),
    ]
    locale = current_locale()

    def row(d):
        values = services.current_values(d)
        art6 = ARTICLE6.get(values["article6"])
        return [
            d.reference,
            d.decided_on.isoformat(),
            d.decided_by_name,
            OUTCOME_LABELS[DecisionOutcome(values["decision"])],
            values["decision"],
            CONSENT_LABELS[ConsentOutcome(values["consent_outcome"])],
            values["consent_outcome"],
            art6.citation_for(locale) if art6 else "",
            values["article6"] or "",
            d.team.name if d.team else "",
            "; ".join(names.get(c, c) for c in values["recipients"]),
            " ".join(values["recipients"]),
            len(d.amendments),
        ]

    return csv_response("decisions.csv", header, map(row, decisions))


# ----------------------------------------------------------------- a draft, page by page


@bp.post("/new")
def new():
    draft = services.start_draft(by=_user())
    return redirect(url_for(".question", decision_id=draft.id, slug=STEPS[0].slug))


def _draft(decision_id: int):
    decision = services.get_decision_for(_user(), decision_id)
    access.require(_user(), Action.EDIT_DRAFT, decision)
    return decision


def _next_step(step, values: dict):
    index = STEPS.index(step) + 1
    while index < len(STEPS):
        candidate = STEPS[index]
        if not candidate.only_if_share or values.get("decision") == DecisionOutcome.SHARE:
            return candidate
        index += 1
    return None


def _previous_url(decision, step) -> str:
    index = STEPS.index(step)
    if index == 0:
        return url_for(".register")
    return url_for(".question", decision_id=decision.id, slug=STEPS[index - 1].slug)


@bp.route("/<int:decision_id>/<slug>", methods=["GET", "POST"])
def question(decision_id: int, slug: str):
    step = STEP_BY_SLUG.get(slug) or abort(404)
    decision = _draft(decision_id)
    locale = current_locale()
    values = services.record_values(decision)
    form = step_form(
        step,
        locale,
        _recipient_choices(locale) if "recipients" in step.fields else [],
        formdata=request.form if request.method == "POST" else None,
        data=values,
    )
    returning = request.args.get("return") == "check"
    if request.method == "POST" and form.validate():
        try:
            services.save_answers(decision, answers_from(form, step), by=_user())
        except InvalidInput as error:
            for name, messages in error.errors.items():
                field = (
                    form[field_for_error(name)] if name and field_for_error(name) in form else None
                )
                if field is not None:
                    field.errors = list(field.errors) + messages
        else:
            if "add_recipient" in form and form.add_recipient.data:
                return redirect(request.full_path.rstrip("?"))
            following = None if returning else _next_step(step, services.record_values(decision))
            if following is None:
                return redirect(url_for(".check", decision_id=decision.id))
            return redirect(url_for(".question", decision_id=decision.id, slug=following.slug))
    return render_template(
        "decisions/question.html",
        form=form,
        step=step,
        decision=decision,
        immediate_risk=decision.immediate_risk,
        back_url=url_for(".check", decision_id=decision.id)
        if returning
        else _previous_url(decision, step),
    )


def _display(name: str, value, locale: str, names: dict) -> str:
    if value is None or value == "" or value == []:
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in services.CODE_FIELDS:
        entry = services.CODE_FIELDS[name][value]
        return f"{entry.citation_for(locale)}: {entry.label(locale)}"
    if name == "decision":
        return str(OUTCOME_LABELS[DecisionOutcome(value)])
    if name == "consent_outcome":
        return str(CONSENT_LABELS[ConsentOutcome(value)])
    if name == "recipients":
        return ", ".join(names.get(code, code) for code in value)
    if isinstance(value, date):
        return uk_date(value)
    return str(value)


def _organisation_names(codes, locale: str) -> dict[str, str]:
    if not codes:
        return {}
    return {
        o.code: o.display_name(locale)
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes)))
    }


NATURE_FIELDS = ("includes_fact", "includes_opinion", "includes_historical")


def _labels(step) -> dict[str, str]:
    """The question each answer of a page is asked by, in the reader's language."""
    return {name: field_label(name) for name in step.fields}


def _rows(step, values: dict, locale: str, names: dict) -> list[tuple[str, str]]:
    """A page's answers as (question, answer); the three kinds of information are one row."""
    labels = _labels(step)
    rows = []
    for name in step.fields:
        if name in NATURE_FIELDS[1:]:
            continue
        if name == NATURE_FIELDS[0]:
            kinds = [labels[f] for f in NATURE_FIELDS if values.get(f)]
            rows.append((_("Fact, opinion or historical"), ", ".join(kinds) or _("Not given")))
        else:
            rows.append((labels[name], _display(name, values.get(name), locale, names)))
    return rows


def _summary(decision, values: dict, *, change: bool):
    """The answers as summary-list rows, one list per question page; Change links on drafts."""
    locale = current_locale()
    names = _organisation_names(values.get("recipients"), locale)
    groups = []
    for step in STEPS:
        if step.only_if_share and values.get("decision") != DecisionOutcome.SHARE:
            continue
        rows = []
        for label, answer in _rows(step, values, locale, names):
            row = {"key": {"text": label}, "value": {"text": answer}}
            if change:
                href = url_for(
                    ".question", decision_id=decision.id, slug=step.slug, **{"return": "check"}
                )
                row["actions"] = {
                    "items": [{"href": href, "text": _("Change"), "visuallyHiddenText": label}]
                }
            rows.append(row)
        groups.append({"title": step.title, "rows": rows, "slug": step.slug})
    return groups


@bp.route("/<int:decision_id>/check", methods=["GET", "POST"])
def check(decision_id: int):
    decision = _draft(decision_id)
    problems = []
    if request.method == "POST":
        try:
            services.record_decision(decision, by=_user())
        except InvalidInput as error:
            problems = _problem_links(decision, error.errors)
        else:
            flash(_("Decision %(ref)s recorded.", ref=decision.reference), "success")
            return redirect(url_for(".show", decision_id=decision.id))
    values = services.record_values(decision)
    return render_template(
        "decisions/check.html",
        decision=decision,
        groups=_summary(decision, values, change=True),
        problems=problems,
        back_url=url_for(".question", decision_id=decision.id, slug=STEPS[-1].slug),
    )


def _problem_links(decision, errors: dict) -> list[dict]:
    items = []
    for name, messages in errors.items():
        step = FIELD_STEP.get(name)
        href = (
            url_for(".question", decision_id=decision.id, slug=step.slug, **{"return": "check"})
            if step
            else None
        )
        for message in messages:
            text = f"{step.title}: {message}" if step else message
            items.append({"text": text, "href": href} if href else {"text": text})
    return items


@bp.post("/<int:decision_id>/discard")
def discard(decision_id: int):
    services.discard_draft(_draft(decision_id), by=_user())
    flash(_("Draft deleted."), "success")
    return redirect(url_for(".register"))


# ----------------------------------------------------------------- the record and amendments


def _history(decision) -> list[dict]:
    """Each amendment with its changes as the questions and the answers people read, never
    the field names and codes it is stored with."""
    locale = current_locale()
    labels = {name: label for step in STEPS for name, label in _labels(step).items()}
    codes = {
        code
        for a in decision.amendments
        for change in (a.changes.get("recipients") or {}).values()
        for code in change or []
    }
    names = _organisation_names(codes, locale)

    def shown(name, value):
        return _display(name, services.from_json(name, value), locale, names)

    return [
        {
            "amendment": a,
            "changes": [
                {
                    "question": labels.get(name, name),
                    "before": shown(name, change["before"]),
                    "after": shown(name, change["after"]),
                }
                for name, change in a.changes.items()
            ],
        }
        for a in decision.amendments
    ]


@bp.get("/<int:decision_id>")
def show(decision_id: int):
    decision = services.get_decision_for(_user(), decision_id)
    if decision.is_draft:
        return redirect(url_for(".check", decision_id=decision.id))
    values = services.current_values(decision)
    return render_template(
        "decisions/show.html",
        decision=decision,
        groups=_summary(decision, values, change=False),
        can_amend=access.can(_user(), Action.AMEND, decision),
        history=_history(decision),
        advice_requests=advice.advice_for_decision(_user(), decision),
    )


@bp.route("/<int:decision_id>/amend/<slug>", methods=["GET", "POST"])
def amend(decision_id: int, slug: str):
    step = STEP_BY_SLUG.get(slug) or abort(404)
    decision = services.get_decision_for(_user(), decision_id)
    access.require(_user(), Action.AMEND, decision)
    locale = current_locale()
    post = request.form if request.method == "POST" else None
    form = step_form(
        step,
        locale,
        _recipient_choices(locale) if "recipients" in step.fields else [],
        formdata=post,
        data=services.current_values(decision),
    )
    reason = AmendmentReasonForm(formdata=post)
    if request.method == "POST" and form.validate() and reason.validate():
        try:
            services.amend_decision(
                decision, reason.reason.data, answers_from(form, step), by=_user()
            )
        except InvalidInput as error:
            for name, messages in error.errors.items():
                target = (
                    reason.reason
                    if name in ("reason", "_schema")
                    else (form[field_for_error(name)] if field_for_error(name) in form else None)
                )
                if target is None:
                    target = reason.reason
                    messages = [
                        f"{FIELD_STEP[name].title}: {m}" if name in FIELD_STEP else m
                        for m in messages
                    ]
                target.errors = list(target.errors) + messages
        else:
            flash(_("Amendment added to %(ref)s.", ref=decision.reference), "success")
            return redirect(url_for(".show", decision_id=decision.id))
    errors_form = _Combined(form, reason)
    return render_template(
        "decisions/amend.html",
        form=errors_form,
        step_form=form,
        reason=reason,
        step=step,
        decision=decision,
    )


class _Combined:
    """Both forms of the amendment page, for the one error summary."""

    def __init__(self, *forms):
        self.forms = forms
        self.form_errors = []

    @property
    def _fields(self):
        """What the error summary reads to link each message to its field."""
        merged = {}
        for f in self.forms:
            merged.update(f._fields)
        return merged

    @property
    def errors(self):
        merged = {}
        for f in self.forms:
            merged.update(f.errors)
        return merged

    def __iter__(self):
        for f in self.forms:
            yield from f


def uk(value):
    return uk_date(value) if value else ""


# ----------------------------------------------------------------- the Word summary


@bp.get("/<int:decision_id>/summary.docx")
def summary(decision_id: int):
    decision = services.get_decision_for(_user(), decision_id)
    if decision.is_draft:
        abort(404)
    language = document_language(request.args.get("language"))
    codes = services.current_values(decision)["recipients"]
    names = {locale: _organisation_names(codes, locale) for locale in ("en", "cy")}
    return send_file(
        io.BytesIO(decision_summary(decision, names, language)),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=summary_filename(decision),
    )


# ----------------------------------------------------------------- advice requests


@bp.get("/advice")
def advice_list():
    user = _user()
    if not access.can_ask_advice(user):
        raise PermissionDenied(_("Your role sees decision records only as counts."))
    page = paginate(advice.advice_query(user))
    return render_template(
        "decisions/advice_list.html",
        page=page,
        pagination=page.govuk_pagination("decisions.advice_list"),
    )


def _advice_decision(user):
    raw = request.values.get("decision") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        abort(404)
    return services.get_decision_for(user, int(raw))


@bp.route("/advice/new", methods=["GET", "POST"])
def advice_new():
    user = _user()
    if not access.can_ask_advice(user):
        raise PermissionDenied(_("Your role cannot ask for advice on decisions."))
    decision = _advice_decision(user)
    form = AdviceQuestionForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            asked = advice.ask_advice(form.question.data, decision=decision, by=user)
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(
                _("Your question %(ref)s has gone to your IG lead.", ref=asked.reference), "success"
            )
            return redirect(url_for(".advice_show", advice_id=asked.id))
    back = (
        url_for(".show", decision_id=decision.id)
        if decision and not decision.is_draft
        else url_for(".check", decision_id=decision.id)
        if decision
        else url_for(".advice_list")
    )
    status = 422 if form.errors else 200
    return render_template(
        "decisions/advice_new.html", form=form, decision=decision, back_url=back
    ), status


@bp.route("/advice/<int:advice_id>", methods=["GET", "POST"])
def advice_show(advice_id: int):
    user = _user()
    item = advice.get_advice_for(user, advice_id)
    can_answer = access.can(user, Action.ANSWER, item)
    form = AdviceAnswerForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            advice.answer_advice(item, form.answer.data, by=user)
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(_("Answer sent."), "success")
            return redirect(url_for(".advice_show", advice_id=item.id))
    decision = item.decision
    status = 422 if form.errors else 200
    return render_template(
        "decisions/advice_show.html",
        advice=item,
        form=form if can_answer else None,
        answer_form=form,
        can_answer=can_answer,
        decision_visible=decision is not None and access.can(user, Action.VIEW, decision),
    ), status


@bp.app_context_processor
def _decision_notices():
    """`decision_notices()` for the home page: what waits for the signed-in user here."""

    def decision_notices() -> list[dict]:
        user = current_user
        if not getattr(user, "is_authenticated", False) or not access.can_ask_advice(user):
            return []
        waiting = advice.waiting_for_answer(user)
        if not waiting:
            return []
        return [
            {
                "href": url_for("decisions.advice_list"),
                "text": ngettext(
                    "%(num)d advice request is waiting for your answer",
                    "%(num)d advice requests are waiting for your answer",
                    waiting,
                ),
            }
        ]

    return {"decision_notices": decision_notices}
