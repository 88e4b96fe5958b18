"""API for running an organisation's invitations: its IG lead (or an administrator) lists,
sends and cancels them. Who may do what is accounts.access's table, checked by the services:
an organisation the caller does not run is a 404, a role they may not give a 403."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import InvalidInput, NotFound
from ..i18n import gettext as _
from ..pagination import api_page
from ..parties import services as parties
from . import access, invitations
from .access import Action
from .models import Invitation, InvitationState
from .schemas import InvitationCreateSchema, InvitationQuerySchema, InvitationSchema

blp = Blueprint(
    "organisation_api",
    __name__,
    url_prefix=None,
    description="Invitations: how an organisation's IG lead gives a person an account.",
)


def _user():
    return current_user._get_current_object()


def _organisation(code: str):
    """The organisation, if the caller may invite people to it (404 otherwise)."""
    org = parties.get_organisation(code)
    access.require(_user(), Action.INVITE, org)
    return org


def _invitation(org, invitation_id: int) -> Invitation:
    invitation = invitations.invitation_of(org, invitation_id)
    if invitation is None:
        raise NotFound(_("There is no such invitation"))
    return invitation


def _state(value: str) -> InvitationState | None:
    if value == "all":
        return None
    try:
        return InvitationState(value)
    except ValueError:
        raise InvalidInput(
            _("Choose the state pending, accepted, expired, cancelled or all"), field="state"
        ) from None


@blp.route("/organisations/<code>/invitations")
class Invitations(MethodView):
    @blp.arguments(InvitationQuerySchema, location="query")
    @blp.response(200, InvitationSchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters, code):
        """The organisation's invitations, newest first: those whose link still works unless
        `state` says otherwise."""
        org = _organisation(code)
        return api_page(
            invitations.invitations_query(org, _state(args["state"])), pagination_parameters
        )

    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    def post(self, data, code):
        """Invite a person with a role (an IG lead gives roles up to IG lead): they are
        e-mailed a link, single use, that sets their password (or signs them in through
        their organisation's provider)."""
        org = _organisation(code)
        invitation, _token = invitations.invite_user(
            org, data["email"], data["name"], data["role"], by=_user()
        )
        return invitation


@blp.route("/organisations/<code>/invitations/<int:invitation_id>")
class OneInvitation(MethodView):
    @blp.response(200, InvitationSchema)
    def get(self, code, invitation_id):
        """One invitation."""
        return _invitation(_organisation(code), invitation_id)

    @blp.response(204)
    def delete(self, code, invitation_id):
        """Cancel (revoke) an invitation that is still waiting: its link stops working. The
        record stays, cancelled."""
        invitation = _invitation(_organisation(code), invitation_id)
        invitations.cancel_invitation(invitation, by=_user())
