"""Who may do what to a team: one table, used by the services, the pages and the API.

| action | role    | relation to the team |
|--------|---------|----------------------|
| view   | ig_lead | same organisation    |
| manage | ig_lead | same organisation    |

Nobody else sees a team (404); another organisation's team is a 404 to everyone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role
from ..errors import NotFound
from ..i18n import gettext as _
from .models import Team


class Action(enum.StrEnum):
    VIEW = "view"
    MANAGE = "manage"


@dataclass(frozen=True)
class Row:
    action: Action
    roles: frozenset[Role]
    relation: str


RELATIONS = {
    "same_organisation": (
        lambda user, team: team.organisation_id == user.organisation_id,
        lambda user: Team.organisation_id == user.organisation_id,
    ),
}

IG_LEAD = frozenset({Role.IG_LEAD})
TABLE: tuple[Row, ...] = (
    Row(Action.VIEW, IG_LEAD, "same_organisation"),
    Row(Action.MANAGE, IG_LEAD, "same_organisation"),
)


def _signed_in(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _rows(user, action: Action) -> list[Row]:
    if not _signed_in(user):
        return []
    return [row for row in TABLE if row.action == action and user.role in row.roles]


def can(user, action: Action, team: Team) -> bool:
    return any(RELATIONS[row.relation][0](user, team) for row in _rows(user, action))


def require(user, action: Action, team: Team) -> None:
    if not can(user, action, team):
        raise NotFound(_("There is no team with that number that you can see."))


def visible_filter(user, action: Action = Action.VIEW) -> sa.ColumnElement[bool]:
    clauses = [RELATIONS[row.relation][1](user) for row in _rows(user, action)]
    return sa.or_(*clauses) if clauses else sa.false()


def can_manage_teams(user) -> bool:
    """Whether the user manages their organisation's teams (shows the Teams page)."""
    return bool(_rows(user, Action.MANAGE))
