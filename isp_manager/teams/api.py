"""API for teams (IG leads of the team's organisation): list, create, read, rename, and add
or remove members. Another organisation's team is a 404."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import PermissionDenied
from ..i18n import gettext as _
from . import access, services
from .schemas import MemberAddSchema, TeamCreateSchema, TeamSchema

blp = Blueprint(
    "teams_api",
    __name__,
    url_prefix="/teams",
    description="Teams of an organisation: their members see each other's decision records.",
)


def _user():
    return current_user._get_current_object()


@blp.route("", strict_slashes=False)
class Teams(MethodView):
    @blp.response(200, TeamSchema(many=True))
    def get(self):
        """The caller's organisation's teams, by name (IG leads)."""
        if not access.can_manage_teams(_user()):
            raise PermissionDenied(_("Only your organisation's IG lead manages its teams."))
        return services.teams_for(_user())

    @blp.arguments(TeamCreateSchema)
    @blp.response(201, TeamSchema)
    def post(self, data):
        """Create a team in the caller's organisation."""
        team = services.create_team(data["name"], by=_user())
        return services.get_team_for(_user(), team.id)


@blp.route("/<int:team_id>")
class OneTeam(MethodView):
    @blp.response(200, TeamSchema)
    def get(self, team_id):
        """One team with its members."""
        return services.get_team_for(_user(), team_id)

    @blp.arguments(TeamCreateSchema)
    @blp.response(200, TeamSchema)
    def patch(self, data, team_id):
        """Rename the team."""
        team = services.get_team_for(_user(), team_id)
        services.rename_team(team, data["name"], by=_user())
        return team


@blp.route("/<int:team_id>/members", strict_slashes=False)
class Members(MethodView):
    @blp.arguments(MemberAddSchema)
    @blp.response(201, TeamSchema)
    def post(self, data, team_id):
        """Add a user of the organisation to the team, by e-mail address."""
        team = services.get_team_for(_user(), team_id)
        services.add_member(team, data["email"], by=_user())
        return team


@blp.route("/<int:team_id>/members/<int:user_id>")
class OneMember(MethodView):
    @blp.response(204)
    def delete(self, team_id, user_id):
        """Take a user out of the team."""
        team = services.get_team_for(_user(), team_id)
        services.remove_member(team, user_id, by=_user())
