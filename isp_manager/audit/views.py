"""The audit log pages: admins and auditors browse and filter every change."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..pagination import paginate
from .forms import AuditFilterForm
from .queries import (
    COUNT_CAP,
    AuditFilter,
    audit_events_query,
    can_read_audit,
    content_withheld,
    shown_values,
)

bp = Blueprint("audit", __name__)
bp.add_app_template_global(content_withheld, "audit_content_withheld")
bp.add_app_template_global(shown_values, "audit_shown_values")


@bp.get("/audit")
@login_required
def index():
    if not can_read_audit(current_user):
        abort(403)
    form = AuditFilterForm(request.args)
    valid = form.validate() if request.args else True
    filters = AuditFilter()
    if valid:
        filters = AuditFilter(
            record_type=form.record_type.data or None,
            record_id=form.record_id.data or None,
            action=form.action.data or None,
            actor_email=form.actor_email.data or None,
            since=form.since.data,
            until=form.until.data,
        )
    page = paginate(audit_events_query(current_user, filters), count_cap=COUNT_CAP)
    kept = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    status = 200 if valid else 422
    return render_template("audit/index.html", form=form, page=page, kept=kept), status
