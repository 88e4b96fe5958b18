"""Decision pages: the register (and counts for admins and auditors), the question pages of a
draft, check your answers, the record with its amendments, and the amendment page. Each
handler loads, checks access through access.py, calls one service and renders."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..csv_export import csv_response
from ..errors import InvalidInput, PermissionDenied
from ..extensions import db
from ..i18n import current_locale, uk_date
from ..law import ARTICLE6
from ..pagination import paginate
from ..parties.models import Organisation
from ..text_values import iso_date
from . import access, services
from .access import Action
from .forms import (
    FIELD_STEP,
    STEP_BY_SLUG,
    STEPS,
    AmendmentReasonForm,
    answers_from,
    field_for_error,
    field_label,
    step_form,
)
from .models import CONSENT_LABELS, OUTCOME_LABELS, ConsentOutcome, DecisionOutcome

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
        .order_by(Organisation.name)
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

    decision = pick("decision", {d.value for d in DecisionOutcome})
    consent = pick("consent_outcome", {c.value for c in ConsentOutcome})
    filters = services.RegisterFilters(
        decision=DecisionOutcome(decision) if decision else None,
        consent_outcome=ConsentOutcome(consent) if consent else None,
        article6=pick("article6", set(ARTICLE6.codes)),
        decided_from=day("from"),
        decided_to=day("to"),
    )
    kept = {
        k: v
        for k, v in args.items()
        if k in ("decision", "consent_outcome", "article6", "from", "to") and v
    }
    return filters, kept


@bp.get("")
def register():
    user = _user()
    if access.can_count(user):
        return render_template("decisions/counts.html", counts=services.decision_counts())
    if not access.can_see_register(user):
        raise PermissionDenied(_("Your role cannot see decision records."))
    filters, kept = _filters()
    page = paginate(services.register_query(user, filters))
    locale = current_locale()
    return render_template(
        "decisions/register.html",
        page=page,
        kept=kept,
        drafts=services.drafts_of(user),
        pagination=page.govuk_pagination("decisions.register", **kept),
        csv_url=url_for(".export", **kept),
        outcome_labels=OUTCOME_LABELS,
        consent_labels=CONSENT_LABELS,
        article6=[(e.code, e.citation_for(locale)) for e in ARTICLE6],
    )


@bp.get("/export.csv")
def export():
    user = _user()
    if not access.can_see_register(user):
        abort(404)
    filters, _kept = _filters()
    decisions = db.session.scalars(services.register_query(user, filters)).unique().all()
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
        _("Recipients"),
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
