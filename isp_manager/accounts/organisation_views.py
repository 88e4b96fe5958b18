"""Pages for running an organisation: its people, their invitations and roles, and its own
details. An organisation's IG leads use them for their own organisation, administrators for
any; who may do what is accounts.access's table, checked by the services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError, NotFound
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..pagination import paginate
from ..parties import services as parties
from ..parties.forms import OwnDetailsForm
from ..parties.forms import apply_errors as apply_org_errors
from . import access, invitations, services
from .access import Action
from .forms import (
    InviteUserForm,
    OrganisationRoleForm,
    OrganisationUserFilterForm,
    apply_errors,
)
from .models import User

bp = Blueprint("organisation", __name__)


def _organisation(code: str, action: Action = Action.VIEW_USERS):
    """The organisation, if the signed-in user may run it (404 otherwise)."""
    org = parties.get_organisation(code)
    access.require(current_user, action, org)
    return org


def _person(org, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != org.id:
        raise NotFound(_("There is no such person or organisation"))
    return user


@bp.get("/organisation")
@login_required
def home():
    """The signed-in IG lead's own organisation."""
    if not access.runs_an_organisation(current_user):
        abort(404)
    return redirect(url_for(".people", code=current_user.organisation.code))


@bp.get("/organisations/<code>/people")
@login_required
def people(code: str):
    org = _organisation(code)
    form = OrganisationUserFilterForm(request.args)
    filters = {
        name: (request.args.get(name) or "").strip()[: services.SEARCH_MAX]
        for name in ("q", "role", "status")
    }
    page = paginate(services.users_query(organisation=org.code, **filters))
    active_filters = {k: v for k, v in filters.items() if v}
    return render_template(
        "organisation/people.html",
        org=org,
        filter_form=form,
        page=page,
        pagination=page.govuk_pagination("organisation.people", code=org.code, **active_filters),
        filtered=bool(active_filters),
        pending=invitations.invitations_of(org),
        can_invite=access.can(current_user, Action.INVITE, org),
        can_edit_details=access.can(current_user, Action.EDIT_DETAILS, org),
        is_own=org.id == current_user.organisation_id,
    )


@bp.route("/organisations/<code>/people/invite", methods=["GET", "POST"])
@login_required
def invite(code: str):
    org = _organisation(code, Action.INVITE)
    form = InviteUserForm(roles=access.assignable_roles(current_user))
    if form.validate_on_submit():
        try:
            invitation, _token = invitations.invite_user(
                org, form.email.data, form.name.data, form.role.data, by=current_user
            )
        except DomainError as error:
            apply_errors(form, error, default="email")
        else:
            flash(
                _(
                    "An invitation has been sent to %(email)s. The link works once, for %(days)d days.",
                    email=invitation.email,
                    days=invitations.lifetime().days,
                ),
                "success",
            )
            return redirect(url_for(".people", code=org.code), 303)
    status = 422 if form.errors else 200
    return render_template("organisation/invite.html", org=org, form=form), status


@bp.post("/organisations/<code>/invitations/<int:invitation_id>/cancel")
@login_required
def cancel_invitation(code: str, invitation_id: int):
    org = _organisation(code, Action.INVITE)
    invitation = invitations.invitation_of(org, invitation_id)
    if invitation is None:
        abort(404)
    invitations.cancel_invitation(invitation, by=current_user._get_current_object())
    flash(
        _(
            "The invitation of %(name)s has been cancelled. Its link no longer works.",
            name=invitation.name,
        ),
        "success",
    )
    return redirect(url_for(".people", code=org.code), 303)


def _render_person(org, user: User, role_form=None, *, action_error=None, status=200):
    roles = access.assignable_roles(current_user)
    role_form = role_form or OrganisationRoleForm(data={"role": user.role.value}, roles=roles)
    return (
        render_template(
            "organisation/person.html",
            org=org,
            user=user,
            role_form=role_form,
            form=role_form if role_form.errors else None,
            action_error=action_error,
            is_self=user.id == current_user.id,
            can_change=access.can(current_user, Action.CHANGE_ROLE, user),
        ),
        status,
    )


@bp.get("/organisations/<code>/people/<int:user_id>")
@login_required
def person(code: str, user_id: int):
    org = _organisation(code)
    return _render_person(org, _person(org, user_id))


@bp.post("/organisations/<code>/people/<int:user_id>/role")
@login_required
def change_role(code: str, user_id: int):
    org = _organisation(code)
    user = _person(org, user_id)
    form = OrganisationRoleForm(roles=access.assignable_roles(current_user))
    if form.validate_on_submit():
        try:
            services.change_role(user, form.role.data, by=current_user._get_current_object())
        except DomainError as error:
            apply_errors(form, error, default="role")
            return _render_person(org, user, form, status=error.status_code)
        flash(_("%(name)s is now: %(role)s.", name=user.name, role=user.role.label), "success")
        return redirect(url_for(".person", code=org.code, user_id=user.id), 303)
    return _render_person(org, user, form, status=422)


def _action(code: str, user_id: int, action, message):
    org = _organisation(code)
    user = _person(org, user_id)
    try:
        action(user, by=current_user._get_current_object())
    except DomainError as error:
        return _render_person(org, user, action_error=error.message, status=error.status_code)
    flash(message(user), "success")
    return redirect(url_for(".person", code=org.code, user_id=user.id), 303)


@bp.post("/organisations/<code>/people/<int:user_id>/deactivate")
@login_required
def deactivate(code: str, user_id: int):
    return _action(
        code,
        user_id,
        services.deactivate_user,
        lambda user: _(
            "%(name)s has been deactivated. They are signed out and their API tokens "
            "no longer work.",
            name=user.name,
        ),
    )


@bp.post("/organisations/<code>/people/<int:user_id>/reactivate")
@login_required
def reactivate(code: str, user_id: int):
    return _action(
        code,
        user_id,
        services.reactivate_user,
        lambda user: _("%(name)s can sign in again.", name=user.name),
    )


@bp.route("/organisations/<code>/details", methods=["GET", "POST"])
@login_required
def details(code: str):
    org = _organisation(code, Action.EDIT_DETAILS)
    form = OwnDetailsForm()
    if request.method == "GET":
        form.load(org)
    elif form.validate_on_submit():
        try:
            parties.update_own_details(org, form.service_fields(), by=current_user)
        except DomainError as error:
            apply_org_errors(form, error)
        else:
            flash(
                _(
                    "The details of %(name)s have been saved.",
                    name=org.display_name(current_locale()),
                ),
                "success",
            )
            return redirect(url_for(".details", code=org.code), 303)
    status = 422 if form.errors else 200
    return render_template("organisation/details.html", org=org, form=form), status
