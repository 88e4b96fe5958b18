"""The IG lead's page "Who answers requests": which of the body's users are told of requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..cooperation.forms import ConfirmForm
from ..errors import PermissionDenied
from ..i18n import gettext as _
from . import contacts

bp = Blueprint("contacts", __name__)


@bp.route("/organisation/who-answers-requests", methods=["GET", "POST"])
@login_required
def who_answers():
    org = current_user.organisation
    if not contacts.can_manage_request_contacts(current_user, org):
        raise PermissionDenied(
            _(
                "Only the organisation's information governance lead can choose who answers requests."
            )
        )
    users = contacts.organisation_users(org)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise PermissionDenied(_("The form has expired. Try again."))
        chosen = set(request.form.getlist("answers"))
        changed = sum(
            contacts.set_answers_requests(user, str(user.id) in chosen, by=current_user)
            for user in users
        )
        flash(_("Saved: who answers requests.") if changed else _("Nothing changed."), "success")
        return redirect(url_for(".who_answers"), 303)
    return render_template(
        "parties/who_answers.html",
        org=org,
        users=users,
        form=form,
        told=contacts.who_would_be_told(org),
    )
