"""Who may do what to a decision record: one table, used by the services, the pages, the API
and the list queries.

| action       | role                               | relation to the record         | state    |
|--------------|------------------------------------|--------------------------------|----------|
| view         | practitioner, ig_lead, board_officer | author (the user who made it) | any      |
| view         | practitioner, ig_lead, board_officer | same team (a member of the    | recorded |
|              |                                    | team the record was made in)   |          |
| view         | ig_lead                            | same organisation              | recorded |
| edit_draft   | practitioner, ig_lead, board_officer | author                        | draft    |
| amend        | practitioner, ig_lead, board_officer | author                        | recorded |
| amend        | ig_lead                            | same organisation              | recorded |

Admins of the instance and auditors see decisions only as counts (`can_count`), never their
content: no row of the table names them, so every record is a 404 to them. Another
organisation's decision is a 404 to everyone (a team is always of the record's organisation).

Advice requests (ADVICE_TABLE) follow the same pattern: the practitioner who asked sees theirs,
their organisation's IG lead sees and answers all of the organisation's; nobody else sees one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role
from ..errors import Conflict, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..teams.models import team_members
from .models import AdviceRequest, AdviceState, Decision, DecisionState


class Action(enum.StrEnum):
    VIEW = "view"
    EDIT_DRAFT = "edit_draft"
    AMEND = "amend"
    ANSWER = "answer"  # advice requests


def my_team_ids(user) -> sa.Select:
    return sa.select(team_members.c.team_id).where(team_members.c.user_id == user.id)


def _in_my_team(user, team_id: int | None) -> bool:
    if team_id is None:
        return False
    return team_id in set(db.session.scalars(my_team_ids(user)))


@dataclass(frozen=True)
class Relation:
    """How a user stands to a decision: as a test on one record and as a WHERE clause."""

    holds: Callable[[object, Decision], bool]
    clause: Callable[[object], sa.ColumnElement[bool]]


RELATIONS: dict[str, Relation] = {
    "author": Relation(
        lambda user, d: d.created_by_id == user.id and d.organisation_id == user.organisation_id,
        lambda user: Decision.created_by_id == user.id,
    ),
    "same_team": Relation(
        lambda user, d: d.organisation_id == user.organisation_id and _in_my_team(user, d.team_id),
        lambda user: sa.and_(
            Decision.organisation_id == user.organisation_id,
            Decision.team_id.in_(my_team_ids(user)),
        ),
    ),
    "same_organisation": Relation(
        lambda user, d: d.organisation_id == user.organisation_id,
        lambda user: Decision.organisation_id == user.organisation_id,
    ),
}

AUTHORS = frozenset({Role.PRACTITIONER, Role.IG_LEAD, Role.BOARD_OFFICER})
ANY_STATE = frozenset(DecisionState)
RECORDED = frozenset({DecisionState.RECORDED})


@dataclass(frozen=True)
class Row:
    action: Action
    roles: frozenset[Role]
    relation: str
    states: frozenset[DecisionState]


TABLE: tuple[Row, ...] = (
    Row(Action.VIEW, AUTHORS, "author", ANY_STATE),
    Row(Action.VIEW, AUTHORS, "same_team", RECORDED),
    Row(Action.VIEW, frozenset({Role.IG_LEAD}), "same_organisation", RECORDED),
    Row(Action.EDIT_DRAFT, AUTHORS, "author", frozenset({DecisionState.DRAFT})),
    Row(Action.AMEND, AUTHORS, "author", RECORDED),
    Row(Action.AMEND, frozenset({Role.IG_LEAD}), "same_organisation", RECORDED),
)


def _signed_in(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _rows(user, action: Action):
    return [row for row in TABLE if row.action == action and user.role in row.roles]


def _who(user, action: Action, decision: Decision) -> list[Row]:
    if not _signed_in(user):
        return []
    return [row for row in _rows(user, action) if RELATIONS[row.relation].holds(user, decision)]


def can(user, action: Action, record) -> bool:
    """True if the user may take the action on this decision (or advice request) now."""
    if isinstance(record, AdviceRequest):
        return can_advice(user, action, record)
    return _allows(user, Action.VIEW, record) and _allows(user, action, record)


def _allows(user, action: Action, decision: Decision) -> bool:
    """Whether a row allows it, testing the rows of the decision's state only, and the team
    (a query) last."""
    if not _signed_in(user):
        return False
    rows = [row for row in _rows(user, action) if decision.state in row.states]
    rows.sort(key=lambda row: row.relation == "same_team")
    return any(RELATIONS[row.relation].holds(user, decision) for row in rows)


def require(user, action: Action, decision: Decision) -> None:
    """Raise NotFound (cannot see it), PermissionDenied (cannot act) or Conflict (its state)."""
    if not can(user, Action.VIEW, decision):
        raise NotFound(_("There is no decision with that number that you can see."))
    rows = _who(user, action, decision)
    if not rows:
        raise PermissionDenied(_("You cannot change this decision record."))
    if not any(decision.state in row.states for row in rows):
        if decision.state is DecisionState.RECORDED:
            raise Conflict(
                _(
                    "A recorded decision cannot be changed. To correct it, add an amendment "
                    "with the reason."
                )
            )
        raise Conflict(_("This decision is still a draft: record it before amending it."))


# Every decision is of its author's organisation, and a team is of one organisation: a row on
# these relations adds nothing to a same-organisation row of the same action and states.
WITHIN_ORGANISATION = frozenset({"author", "same_team"})


def _needed(rows: list[Row]) -> list[Row]:
    org_states = [r.states for r in rows if r.relation == "same_organisation"]
    return [
        r
        for r in rows
        if r.relation not in WITHIN_ORGANISATION or not any(r.states <= s for s in org_states)
    ]


def visible_filter(
    user, action: Action = Action.VIEW, states: frozenset[DecisionState] | None = None
) -> sa.ColumnElement[bool]:
    """A WHERE clause for the decisions the user may take the action on (lists, counts).
    With `states`, only decisions in those states; rows that other rows already cover are
    left out, so an IG lead's register is one organisation's range of the index."""
    if not _signed_in(user):
        return sa.false()
    rows = _rows(user, action)
    if states is not None:
        rows = [Row(r.action, r.roles, r.relation, r.states & states) for r in rows]
        rows = [r for r in rows if r.states]
    rows = _needed(rows)
    clauses = [
        sa.and_(RELATIONS[row.relation].clause(user), Decision.state.in_(row.states))
        for row in rows
    ]
    if not clauses:
        return sa.false()
    # Every relation is within the user's organisation: said outright, the database reads the
    # organisation's range of the register's index, newest first, and tests the rest per row.
    return sa.and_(Decision.organisation_id == user.organisation_id, sa.or_(*clauses))


def can_record(user) -> bool:
    """Who may start a decision record (auditors and admins record none)."""
    return _signed_in(user) and user.role in AUTHORS


def can_count(user) -> bool:
    """Admins and auditors see how many decisions each organisation records, nothing more."""
    return _signed_in(user) and user.role in (Role.ADMIN, Role.AUDITOR)


def can_see_register(user) -> bool:
    """The register page lists what `visible_filter` allows: an IG lead's whole organisation,
    a practitioner's own."""
    return can_record(user)


# ----------------------------------------------------------------- advice requests


@dataclass(frozen=True)
class AdviceRow:
    action: Action
    roles: frozenset[Role]
    relation: str
    states: frozenset[AdviceState]


ADVICE_RELATIONS: dict[str, Relation] = {
    "asker": Relation(
        lambda user, a: a.asked_by_id == user.id,
        lambda user: AdviceRequest.asked_by_id == user.id,
    ),
    "same_organisation": Relation(
        lambda user, a: a.organisation_id == user.organisation_id,
        lambda user: AdviceRequest.organisation_id == user.organisation_id,
    ),
}

ALL_ADVICE_STATES = frozenset(AdviceState)
ADVICE_TABLE: tuple[AdviceRow, ...] = (
    AdviceRow(Action.VIEW, AUTHORS, "asker", ALL_ADVICE_STATES),
    AdviceRow(Action.VIEW, frozenset({Role.IG_LEAD}), "same_organisation", ALL_ADVICE_STATES),
    AdviceRow(
        Action.ANSWER,
        frozenset({Role.IG_LEAD}),
        "same_organisation",
        frozenset({AdviceState.OPEN}),
    ),
)


def _advice_rows(user, action: Action):
    return [row for row in ADVICE_TABLE if row.action == action and user.role in row.roles]


def can_advice(user, action: Action, advice: AdviceRequest) -> bool:
    if not _signed_in(user):
        return False
    return any(
        ADVICE_RELATIONS[row.relation].holds(user, advice) and advice.state in row.states
        for row in _advice_rows(user, action)
    )


def require_advice(user, action: Action, advice: AdviceRequest) -> None:
    """NotFound when it cannot be seen; Conflict when answered already; else PermissionDenied."""
    if not can_advice(user, Action.VIEW, advice):
        raise NotFound(_("There is no advice request with that number that you can see."))
    if can_advice(user, action, advice):
        return
    if action is Action.ANSWER and not advice.is_open and user.role is Role.IG_LEAD:
        raise Conflict(_("This advice request has been answered already."))
    raise PermissionDenied(_("Only your organisation's IG lead can answer advice requests."))


def visible_advice_filter(user, action: Action = Action.VIEW) -> sa.ColumnElement[bool]:
    """A WHERE clause for the advice requests the user may take the action on."""
    if not _signed_in(user):
        return sa.false()
    clauses = [
        sa.and_(ADVICE_RELATIONS[row.relation].clause(user), AdviceRequest.state.in_(row.states))
        for row in _advice_rows(user, action)
    ]
    return sa.or_(*clauses) if clauses else sa.false()


def can_ask_advice(user) -> bool:
    """Anyone who records decisions may ask their IG lead."""
    return can_record(user)
