"""Team pages for IG leads: the organisation's teams, a team's members, adding and removing
them. Each handler loads, checks access through access.py, calls one service and renders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput, NotFound
from ..i18n import gettext as _
from ..parties.forms import apply_errors
from . import access, services
from .forms import MemberForm, TeamForm

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in users."""


def _user():
    return current_user._get_current_object()


@bp.route("", methods=["GET", "POST"])
def index():
    user = _user()
    if not access.can_manage_teams(user):
        raise NotFound(_("There is no page here for your role."))
    form = TeamForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            team = services.create_team(form.name.data, by=user)
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(_("Team “%(name)s” created.", name=team.name), "success")
            return redirect(url_for(".show", team_id=team.id))
    status = 422 if form.errors else 200
    return render_template("teams/index.html", teams=services.teams_for(user), form=form), status


@bp.route("/<int:team_id>", methods=["GET", "POST"])
def show(team_id: int):
    user = _user()
    team = services.get_team_for(user, team_id)
    post = request.form if request.method == "POST" else None
    rename = TeamForm(formdata=post if post and "name" in post else None, obj=team)
    member = MemberForm(formdata=post if post and "email" in post else None)
    form = rename if post and "name" in post else member
    if post is not None and form.validate():
        try:
            if form is rename:
                services.rename_team(team, rename.name.data, by=user)
                message = _("Team renamed.")
            else:
                added = services.add_member(team, member.email.data, by=user)
                message = _("%(name)s added to the team.", name=added.name)
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            flash(message, "success")
            return redirect(url_for(".show", team_id=team.id))
    status = 422 if form.errors else 200
    return render_template(
        "teams/show.html", team=team, form=form, rename=rename, member=member
    ), status


@bp.post("/<int:team_id>/members/<int:user_id>/remove")
def remove(team_id: int, user_id: int):
    user = _user()
    team = services.get_team_for(user, team_id)
    services.remove_member(team, user_id, by=user)
    flash(_("Removed from the team."), "success")
    return redirect(url_for(".show", team_id=team.id))
