"""Pages of the register of current agreements (public), its CSV export, the reviews
dashboard, and the Word download of an agreement.

Handlers are thin: read the filters, run one query from register.py or reviews.py, render.
Access to an agreement uses the protocols' own rules (access.py): someone who may not see it
gets a 404.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..calendar import wales_today
from ..csv_export import csv_response
from ..documents.layout import document_language
from ..errors import NotFound
from ..i18n import current_locale
from ..i18n import gettext as _
from ..pagination import paginate
from ..text_values import whole_number
from . import register, reviews
from .export import docx_response, load_for_export
from .models import ProtocolKind
from .register import RegisterFilters, RegisterView
from .register_forms import RegisterFilterForm, ReviewFilterForm
from .reviews import ReviewFilters, ReviewStatus

bp = Blueprint("agreements_register", __name__)

REGISTER_FILTERS = ("view", "kind", "organisation", "q")


def _signed_in() -> bool:
    return bool(current_user.is_authenticated)


def _ok(field) -> str:
    return field.data if field.data and not field.errors else ""


def _register_form() -> tuple[RegisterFilterForm, RegisterFilters, bool]:
    """The filter form (choices for the list asked for) and the valid filters it gives."""
    wanted = request.args.get("view", RegisterView.CURRENT.value)
    view = (
        RegisterView(wanted)
        if wanted in set(RegisterView) and _signed_in()
        else RegisterView.CURRENT
    )
    organisations = register.organisations_involved(view, current_user)
    form = RegisterFilterForm(formdata=request.args).setup(
        organisations, current_locale(), _signed_in()
    )
    valid = form.validate()
    kind = _ok(form.kind)
    filters = RegisterFilters(
        view=view,
        kind=ProtocolKind(kind) if kind else None,
        organisation=_ok(form.organisation) or None,
        q=_ok(form.q),
    )
    return form, filters, valid


def _kept(filters: RegisterFilters) -> dict:
    kept = {
        "view": filters.view.value if filters.view != RegisterView.CURRENT else "",
        "kind": filters.kind.value if filters.kind else "",
        "organisation": filters.organisation or "",
        "q": filters.q,
    }
    return {k: v for k, v in kept.items() if v}


@bp.get("/register-of-agreements")
def index():
    form, filters, valid = _register_form()
    page = paginate(register.register_query(filters, current_user))
    locale = current_locale()
    kept = _kept(filters)
    openable = register.visible_protocol_ids(current_user, [v.protocol_id for v in page.items])
    purposes = register.purposes([v.id for v in page.items])
    today = wales_today()
    rows = [
        {
            "version": version,
            "protocol": version.protocol,
            "purpose": purposes.get(version.id, ""),
            "partners": register.partner_names(version, locale),
            "can_open": version.protocol_id in openable,
            "review": reviews.review_status(version.review_date, today)
            if filters.view == RegisterView.CURRENT
            else None,
        }
        for version in page.items
    ]
    preparing = (
        register.count_in_preparation(current_user)
        if _signed_in() and filters.view == RegisterView.CURRENT
        else 0
    )
    return render_template(
        "protocols/register_of_agreements.html",
        form=form,
        filters=filters,
        page=page,
        rows=rows,
        kept=kept,
        filtered=bool({k for k in kept if k != "view"}),
        preparing=preparing,
        pagination=page.govuk_pagination("agreements_register.index", **kept),
        views=RegisterView,
    ), (200 if valid else 422)


@bp.get("/register-of-agreements.csv")
def download_csv():
    _form, filters, _valid = _register_form()
    today = wales_today()
    return csv_response(
        register.csv_filename(filters.view, today),
        [str(h) for h in register.CSV_HEADER],
        register.csv_rows(filters, current_user, today, current_locale()),
    )


@bp.get("/agreements/reviews")
@login_required
def reviews_due():
    form = ReviewFilterForm(formdata=request.args)
    valid = form.validate()
    status, kind = _ok(form.status), _ok(form.kind)
    filters = ReviewFilters(
        status=ReviewStatus(status) if status else None,
        kind=ProtocolKind(kind) if kind else None,
    )
    today = wales_today()
    page = paginate(reviews.due_for_review_query(current_user, today, filters))
    kept = {k: v for k, v in (("status", status), ("kind", kind)) if v}
    rows = [
        {
            "version": version,
            "protocol": version.protocol,
            "status": reviews.review_status(version.review_date, today),
            "days": (version.review_date - today).days,
            "preparing": reviews.version_in_preparation(version.protocol),
        }
        for version in page.items
    ]
    return render_template(
        "protocols/reviews_due.html",
        form=form,
        page=page,
        rows=rows,
        kept=kept,
        filtered=bool(kept),
        counts=reviews.review_counts(current_user, today),
        months=reviews.reminder_months(),
        pagination=page.govuk_pagination("agreements_register.reviews_due", **kept),
        statuses=ReviewStatus,
    ), (200 if valid else 422)


def requested_version_number() -> int | None:
    """?version=N: a positive whole number, or absent (the current version); else 404."""
    raw = request.args.get("version")
    if raw is None or raw == "":
        return None
    number = whole_number(raw, least=1)
    if number is None:
        raise NotFound(_("There is no version %(n)s of this agreement.", n=raw[:20]))
    return number


@bp.get("/protocols/<int:protocol_id>/export.docx")
@bp.get("/agreements/<int:protocol_id>/export.docx")  # registered first: url_for builds it
@login_required
def export_docx(protocol_id: int):
    language = document_language(request.args.get("language"))
    version = load_for_export(protocol_id, requested_version_number(), current_user)
    return docx_response(version, language)
