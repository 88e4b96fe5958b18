"""Team operations: the only place a team or its membership changes; each change is audited.
Services flush; the request commits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record_event
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from . import access
from .access import Action
from .models import Team, team_members

MAX_NAME = 120


def _name(name, organisation_id: int, *, team: Team | None = None) -> str:
    text = (name or "").strip() if isinstance(name, str | type(None)) else ""
    if not text:
        raise InvalidInput(_("Enter the team's name."), field="name")
    if len(text) > MAX_NAME:
        raise InvalidInput(
            _("Shorten the name to %(max)s characters or fewer.", max=MAX_NAME), field="name"
        )
    clash = db.session.scalar(
        sa.select(Team.id).where(
            Team.organisation_id == organisation_id,
            sa.func.lower(Team.name) == text.lower(),
            Team.id != (team.id if team else -1),
        )
    )
    if clash:
        raise InvalidInput(
            _("Your organisation has a team called “%(name)s” already: choose another name.")
            % {"name": text},
            field="name",
        )
    return text


def create_team(name, *, by) -> Team:
    """A new team of the IG lead's own organisation."""
    if not access.can_manage_teams(by):
        raise PermissionDenied(_("Only your organisation's IG lead manages its teams."))
    team = Team(organisation_id=by.organisation_id, name=_name(name, by.organisation_id))
    db.session.add(team)
    db.session.flush()
    record_event("team.created", team, by=by, after={"name": team.name})
    return team


def rename_team(team: Team, name, *, by) -> None:
    access.require(by, Action.MANAGE, team)
    new = _name(name, team.organisation_id, team=team)
    if new == team.name:
        return
    before = team.name
    team.name = new
    db.session.flush()
    record_event("team.renamed", team, by=by, before={"name": before}, after={"name": new})


def _colleague(team: Team, email) -> User:
    address = (email or "").strip().lower() if isinstance(email, str) else ""
    user = (
        db.session.scalar(
            sa.select(User).where(
                User.email == address, User.organisation_id == team.organisation_id
            )
        )
        if address
        else None
    )
    if user is None:
        raise InvalidInput(
            _("There is no one in your organisation with that e-mail address."), field="email"
        )
    return user


def add_member(team: Team, email, *, by) -> User:
    """Put a user of the team's organisation in the team (nothing happens if already in)."""
    access.require(by, Action.MANAGE, team)
    user = _colleague(team, email)
    if user.id not in _member_ids(team):
        db.session.execute(sa.insert(team_members).values(team_id=team.id, user_id=user.id))
        db.session.expire(team, ["members"])
        record_event("team.member_added", team, by=by, after={"member": user.email})
    return user


def _member_ids(team: Team) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(team_members.c.user_id).where(team_members.c.team_id == team.id)
        )
    )


def remove_member(team: Team, user_id: int, *, by) -> None:
    access.require(by, Action.MANAGE, team)
    user = db.session.get(User, user_id) if user_id in _member_ids(team) else None
    if user is None:
        raise NotFound(_("That person is not in this team."))
    db.session.execute(
        sa.delete(team_members).where(
            team_members.c.team_id == team.id, team_members.c.user_id == user.id
        )
    )
    db.session.expire(team, ["members"])
    record_event("team.member_removed", team, by=by, before={"member": user.email})


def get_team_for(user, team_id: int) -> Team:
    team = db.session.scalar(
        sa.select(Team)
        .where(Team.id == team_id)
        .options(selectinload(Team.members))
        .execution_options(populate_existing=True)
    )
    if team is None or not access.can(user, Action.VIEW, team):
        raise NotFound(_("There is no team with that number that you can see."))
    return team


def teams_for(user) -> list[Team]:
    """The teams the user may see (an IG lead: their organisation's), by name."""
    return list(
        db.session.scalars(
            sa.select(Team)
            .where(access.visible_filter(user))
            .options(selectinload(Team.members))
            .order_by(Team.name)
        )
    )


def teams_of_member(user) -> list[Team]:
    """The teams a user is in, by name."""
    return list(
        db.session.scalars(
            sa.select(Team)
            .join(team_members, team_members.c.team_id == Team.id)
            .where(team_members.c.user_id == user.id)
            .order_by(Team.name)
        )
    )


def home_team_id(user) -> int | None:
    """The team a new decision record of the user belongs to: their first team by name."""
    teams = teams_of_member(user)
    return teams[0].id if teams else None
