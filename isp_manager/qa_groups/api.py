"""API for QA groups: every signed-in user lists and reads them (to choose one when
submitting an agreement); administrators add and rename groups and change their members."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from . import services
from .schemas import QaGroupInputSchema, QaGroupSchema, QaMemberAddSchema

blp = Blueprint(
    "qa_groups_api",
    __name__,
    url_prefix="/qa-groups",
    description="The regional WASPI QA groups that review agreements, and their members.",
)


def _user():
    return current_user._get_current_object()


@blp.route("", strict_slashes=False)
class QaGroups(MethodView):
    @blp.response(200, QaGroupSchema(many=True))
    def get(self):
        """Every QA group, by name, with its members."""
        return services.list_groups()

    @blp.arguments(QaGroupInputSchema)
    @blp.response(201, QaGroupSchema)
    def post(self, data):
        """Add a QA group (administrators)."""
        return services.create_group(name=data["name"], name_cy=data.get("name_cy"), by=_user())


@blp.route("/<int:group_id>")
class OneQaGroup(MethodView):
    @blp.response(200, QaGroupSchema)
    def get(self, group_id):
        """One QA group with its members."""
        return services.get_group(group_id)

    @blp.arguments(QaGroupInputSchema)
    @blp.response(200, QaGroupSchema)
    def patch(self, data, group_id):
        """Rename the group (administrators)."""
        group = services.get_group(group_id)
        return services.rename_group(
            group, name=data["name"], name_cy=data.get("name_cy"), by=_user()
        )


@blp.route("/<int:group_id>/members", strict_slashes=False)
class QaMembers(MethodView):
    @blp.arguments(QaMemberAddSchema)
    @blp.response(201, QaGroupSchema)
    def post(self, data, group_id):
        """Add an information governance lead to the group, by e-mail address (administrators)."""
        group = services.get_group(group_id)
        services.add_member(group, data["email"], by=_user())
        return group


@blp.route("/<int:group_id>/members/<int:user_id>")
class OneQaMember(MethodView):
    @blp.response(204)
    def delete(self, group_id, user_id):
        """Take a person out of the group (administrators)."""
        group = services.get_group(group_id)
        services.remove_member(group, user_id, by=_user())
