"""The audit log pages: each event in words, filterable, paginated and exportable as CSV.
Administrators and auditors read every event; an IG lead, their own organisation's."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..csv_export import csv_response
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..pagination import paginate
from .describe import describe_events, record_type_label
from .forms import AuditFilterForm
from .queries import (
    COUNT_CAP,
    AuditFilter,
    audit_events_query,
    can_read_audit,
    content_withheld,
    reads_whole_log,
    shown_values,
)

bp = Blueprint("audit", __name__)
bp.add_app_template_global(content_withheld, "audit_content_withheld")
bp.add_app_template_global(shown_values, "audit_shown_values")

EXPORT_CHUNK = 500


def _filters():
    """(form, filters, valid) from the query string."""
    if not can_read_audit(current_user):
        abort(403)
    form = AuditFilterForm(request.args)
    valid = form.validate() if request.args else True
    filters = AuditFilter()
    if valid:
        filters = AuditFilter(
            record_type=form.record_type.data or None,
            record_id=(form.record_id.data or "").strip() or None,
            action=form.action.data or None,
            actor_email=form.actor_email.data or None,
            since=form.since.data,
            until=form.until.data,
        )
    return form, filters, valid


@bp.get("/audit")
@login_required
def index():
    form, filters, valid = _filters()
    page = paginate(audit_events_query(current_user, filters), count_cap=COUNT_CAP)
    kept = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    status = 200 if valid else 422
    return render_template(
        "audit/index.html",
        form=form if not valid else None,
        filter_form=form,
        page=page,
        described=describe_events(page.items),
        kept=kept,
        whole_log=reads_whole_log(current_user),
        organisation=current_user.organisation,
    ), status


@bp.get("/audit/export.csv")
@login_required
def export_csv():
    """The matching events (newest first, at most COUNT_CAP of them) as a spreadsheet."""
    _form, filters, valid = _filters()
    if not valid:
        abort(422)
    stmt = audit_events_query(current_user, filters)

    def rows():
        for start in range(0, COUNT_CAP, EXPORT_CHUNK):
            events = db.session.scalars(stmt.offset(start).limit(EXPORT_CHUNK)).unique().all()
            for text in describe_events(events):
                event = text.event
                yield [
                    text.when,
                    text.who,
                    text.title,
                    record_type_label(event.record_type),
                    text.record,
                    " ".join(text.sentences),
                    event.action,
                    event.record_type,
                    event.record_id,
                    event.request_id or "",
                ]
            if len(events) < EXPORT_CHUNK:
                return

    header = [
        _("When"),
        _("Who"),
        _("What was done"),
        _("Kind of record"),
        _("Record"),
        _("Changes"),
        _("Action code"),
        _("Record type code"),
        _("Record number"),
        _("Request id"),
    ]
    suffix = "cy" if current_locale() == "cy" else "en"
    return csv_response(f"audit-log-{suffix}.csv", header, list(rows()))
