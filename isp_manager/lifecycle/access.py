"""Who may do what to a request, of any kind: the one table, used by the services, the pages,
the API, the templates (to show or hide a button) and the list queries (to filter).

A user's relation to a request comes through their organisation (see kinds.Relation):

| action                         | relations                                          | roles        |
|--------------------------------|----------------------------------------------------|--------------|
| view, letter                   | requester, body asked, provide_to, reads everything | any          |
| send, answer_clarification,    | requester                                          | not auditor  |
| agree/refuse/grant_extension,  |                                                    |              |
| close, withdraw,               |                                                    |              |
| record_on_behalf               |                                                    |              |
| acknowledge, ask_clarification,| body asked                                         | not auditor  |
| ask_extension, respond         |                                                    |              |

The body asked and the provide_to body have their relation only once the request is sent (a
draft is the requester's alone); a relation the kind has no party for never holds (s.164
has no provide_to). Whether the request's state allows an action now is the state machine's
question (lifecycle.services.OPERATIONS, a 409), asked after this one (a 404 when the user
may not see the request, a 403 when they see it but may not act).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role
from ..i18n import lazy_gettext as _l
from .kinds import Relation, kind_of
from .models import RequestState


class Action(enum.StrEnum):
    VIEW = "view"
    LETTER = "letter"
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    ASK_CLARIFICATION = "ask_clarification"
    ANSWER_CLARIFICATION = "answer_clarification"
    ASK_EXTENSION = "ask_extension"
    AGREE_EXTENSION = "agree_extension"
    REFUSE_EXTENSION = "refuse_extension"
    GRANT_EXTENSION = "grant_extension"
    RESPOND = "respond"
    RECORD_ON_BEHALF = "record_on_behalf"
    CLOSE = "close"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        """How a refusal names the action: "Only ... can %(action)s"."""
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    Action.SEND: _l("send it"),
    Action.ACKNOWLEDGE: _l("acknowledge it"),
    Action.ASK_CLARIFICATION: _l("ask for clarification"),
    Action.ANSWER_CLARIFICATION: _l("give the clarification"),
    Action.ASK_EXTENSION: _l("ask for an extension"),
    Action.AGREE_EXTENSION: _l("agree the extension asked for"),
    Action.REFUSE_EXTENSION: _l("refuse the extension asked for"),
    Action.GRANT_EXTENSION: _l("grant an extension"),
    Action.RESPOND: _l("answer it"),
    Action.RECORD_ON_BEHALF: _l("record the answer received on the body's behalf"),
    Action.CLOSE: _l("close it"),
    Action.WITHDRAW: _l("withdraw it"),
}


ANY_ROLE = frozenset(Role)
CHANGERS = frozenset(Role) - {Role.AUDITOR}
R = Relation
READERS = frozenset({R.REQUESTER, R.BODY_ASKED, R.PROVIDE_TO, R.READS_EVERYTHING})


@dataclass(frozen=True)
class Rule:
    relations: frozenset[Relation]
    roles: frozenset[Role] = CHANGERS


ACCESS: dict[Action, Rule] = {
    Action.VIEW: Rule(READERS, ANY_ROLE),
    Action.LETTER: Rule(READERS, ANY_ROLE),
    Action.SEND: Rule(frozenset({R.REQUESTER})),
    Action.ACKNOWLEDGE: Rule(frozenset({R.BODY_ASKED})),
    Action.ASK_CLARIFICATION: Rule(frozenset({R.BODY_ASKED})),
    Action.ANSWER_CLARIFICATION: Rule(frozenset({R.REQUESTER})),
    Action.ASK_EXTENSION: Rule(frozenset({R.BODY_ASKED})),
    Action.AGREE_EXTENSION: Rule(frozenset({R.REQUESTER})),
    Action.REFUSE_EXTENSION: Rule(frozenset({R.REQUESTER})),
    Action.GRANT_EXTENSION: Rule(frozenset({R.REQUESTER})),
    Action.RESPOND: Rule(frozenset({R.BODY_ASKED})),
    # The body asked has no users: the requester records the answer it received by e-mail or
    # post (lifecycle.services.record_answer_on_behalf checks the body has no users).
    Action.RECORD_ON_BEHALF: Rule(frozenset({R.REQUESTER})),
    Action.CLOSE: Rule(frozenset({R.REQUESTER})),
    Action.WITHDRAW: Rule(frozenset({R.REQUESTER})),
}


# ---------------------------------------------------------------- relations


def _party_org_id(req, relation: Relation) -> int | None:
    party = kind_of(req).party(relation)
    return getattr(req, party.column) if party is not None else None


def holds(user, relation: Relation, req) -> bool:
    """Whether `user` has `relation` to `req` now."""
    if relation is R.READS_EVERYTHING:
        return user.can_read_everything
    party = kind_of(req).party(relation)
    if party is None:
        return False
    if req.state == RequestState.DRAFT and not party.sees_drafts:
        return False
    org_id = getattr(req, party.column)
    return org_id is not None and org_id == user.organisation_id


def relations_of(user, req) -> frozenset[Relation]:
    return frozenset(r for r in Relation if holds(user, r, req))


def can(user, action: Action | str, req) -> bool:
    """The one answer to "may `user` do `action` to `req`?" (state aside: see the module)."""
    rule = ACCESS[Action(action)]
    if user.role not in rule.roles:
        return False
    return any(holds(user, relation, req) for relation in rule.relations)


def acting_relation(action: Action | str) -> Relation:
    """The one relation that may change a request by `action` (for the refusal's wording)."""
    (relation,) = ACCESS[Action(action)].relations
    return relation


# ---------------------------------------------------------------- the same, in SQL


def relation_clause(model, user, relation: Relation):
    """A WHERE clause selecting the requests of `model` to which `user` has `relation`, or
    None when the kind has no such party."""
    if relation is R.READS_EVERYTHING:
        return sa.true() if user.can_read_everything else None
    party = kind_of(model).party(relation)
    if party is None:
        return None
    column = getattr(model, party.column)
    clause = column == user.organisation_id
    if not party.sees_drafts:
        clause = sa.and_(clause, model.state != RequestState.DRAFT)
    return clause


def visible_sides(model, user, action: Action = Action.VIEW) -> tuple:
    """One WHERE clause per relation that lets `user` do `action` (for lists, a clause each so
    that each side is read from its own index). Reading everything is one side: every
    request. A kind's parties are different bodies (each request table CHECKs it), so the
    sides never select the same request."""
    rule = ACCESS[action]
    if user.role not in rule.roles:
        return (sa.false(),)
    if R.READS_EVERYTHING in rule.relations and user.can_read_everything:
        return (sa.true(),)
    sides = tuple(
        clause
        for relation in Relation
        if relation in rule.relations and relation is not R.READS_EVERYTHING
        for clause in (relation_clause(model, user, relation),)
        if clause is not None
    )
    return sides or (sa.false(),)


def visible_to(model, user, action: Action = Action.VIEW):
    sides = visible_sides(model, user, action)
    return sides[0] if len(sides) == 1 else sa.or_(*sides)
