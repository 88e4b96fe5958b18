"""Retention pages for an organisation's IG lead: the periods, the records due for review,
extending one and disposing of one (with a confirmation page)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..calendar import wales_today
from ..errors import InvalidInput, PermissionDenied
from ..i18n import gettext as _
from ..pagination import Page, page_number
from ..parties.forms import apply_errors
from . import services
from .forms import DisposeForm, ExtendForm, PeriodForm
from .registry import KINDS

bp = Blueprint("retention", __name__, url_prefix="/retention")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for the organisation's IG lead."""
    if not services.can_manage(current_user, current_user.organisation_id):
        raise PermissionDenied(_("Only your organisation's IG lead reviews retention."))


def _user():
    return current_user._get_current_object()


@bp.get("")
def index():
    user = _user()
    own = services.periods_of(user.organisation_id)
    number, per_page = page_number(), current_app.config["PAGE_SIZE"]
    items, total = services.due_page(
        user.organisation_id, wales_today(), page=number, per_page=per_page
    )
    page = Page(items=items, total=total, page=number, per_page=per_page)
    return render_template(
        "retention/index.html",
        kinds=[(k, own.get(k.code, k.default_months), k.code in own) for k in KINDS.values()],
        page=page,
        pagination=page.govuk_pagination("retention.index"),
    )


@bp.route("/periods/<code>", methods=["GET", "POST"])
def period(code: str):
    kind = services.kind_for(code)
    form = PeriodForm(data={"months": services.months_for(kind, _user().organisation_id)})
    if form.validate_on_submit():
        try:
            services.set_period(kind, form.months.data, by=_user())
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(_("The retention period is saved; review dates have moved with it."), "success")
            return redirect(url_for(".index"))
    return render_template("retention/period.html", kind=kind, form=form)


@bp.route("/<code>/<int:record_id>/extend", methods=["GET", "POST"])
def extend(code: str, record_id: int):
    kind = services.kind_for(code)
    record = services.get_record_for(_user(), kind, record_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            services.extend_retention(
                kind, record, form.new_review_on.data, form.reason.data, by=_user()
            )
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(_("The record is kept until its new review date."), "success")
            return redirect(url_for(".index"))
    return render_template("retention/extend.html", kind=kind, record=record, form=form)


@bp.route("/<code>/<int:record_id>/dispose", methods=["GET", "POST"])
def dispose(code: str, record_id: int):
    kind = services.kind_for(code)
    record = services.get_record_for(_user(), kind, record_id)
    form = DisposeForm()
    if form.validate_on_submit():
        services.dispose_of(kind, record, by=_user())
        flash(_("The record's personal data has been disposed of."), "success")
        return redirect(url_for(".index"))
    return render_template(
        "retention/dispose.html",
        kind=kind,
        record=record,
        form=form,
        problem=services.disposal_problem(kind, record, wales_today()),
    )
