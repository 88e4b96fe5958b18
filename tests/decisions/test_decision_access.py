"""Who may see and change a decision: cases generated from the one table in
decisions/access.py, and the refusals written out by hand."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.decisions import access, services
from isp_manager.decisions.access import TABLE, Action
from isp_manager.decisions.models import DecisionState
from isp_manager.errors import Conflict, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.teams.models import Team
from tests.decisions.conftest import SHARE


def _team_of(author, name="Youth offending team"):
    team = db.session.scalar(
        sa.select(Team).where(Team.organisation_id == author.organisation_id, Team.name == name)
    ) or Team(organisation_id=author.organisation_id, name=name)
    if author not in team.members:
        team.members.append(author)
    db.session.add(team)
    db.session.flush()
    return team


def _teammate(make_user, author, role):
    user = make_user("la-cardiff", role)
    team = _team_of(author)
    team.members.append(user)
    db.session.flush()
    return user


# How to make a user who stands in a relation to a decision made by `author`.
RELATED = {
    "author": lambda make_user, author, role: author if author.role == role else None,
    "same_team": _teammate,
    "same_organisation": lambda make_user, author, role: make_user("la-cardiff", role),
}


def _cases():
    for row in TABLE:
        for role in sorted(row.roles):
            for state in sorted(row.states):
                yield pytest.param(
                    row.action,
                    role,
                    row.relation,
                    state,
                    id=f"{row.action}-{role}-{row.relation}-{state}",
                )


def _decision(make_user, role, state, relation="author"):
    author = make_user("la-cardiff", role)
    if relation == "same_team":
        _team_of(author)
    if state is DecisionState.DRAFT:
        return author, services.start_draft(by=author)
    return author, services.create_decision(dict(SHARE), by=author)


@pytest.mark.parametrize("action, role, relation, state", list(_cases()))
def test_each_row_of_the_table_allows(make_user, action, role, relation, state):
    author, decision = _decision(
        make_user, role if relation == "author" else Role.PRACTITIONER, state, relation
    )
    user = RELATED[relation](make_user, author, role)
    assert access.can(user, action, decision)


@pytest.mark.parametrize(
    "who, action",
    [
        (("la-cardiff", Role.PRACTITIONER), Action.VIEW),  # a colleague: not their record
        (("la-cardiff", Role.PRACTITIONER), Action.AMEND),
        (("la-cardiff", Role.BOARD_OFFICER), Action.VIEW),
        (("lhb-cardiff-and-vale", Role.IG_LEAD), Action.VIEW),  # another organisation
        (("lhb-cardiff-and-vale", Role.PRACTITIONER), Action.VIEW),
        (("la-cardiff", Role.ADMIN), Action.VIEW),  # counts only
        (("la-cardiff", Role.AUDITOR), Action.VIEW),
        (("la-cardiff", Role.IG_LEAD), Action.EDIT_DRAFT),
    ],
)
def test_refused(make_user, recorded, who, action):
    user = make_user(*who)
    assert not access.can(user, action, recorded)


@pytest.mark.parametrize(
    "who",
    [
        ("la-cardiff", Role.PRACTITIONER),
        ("lhb-cardiff-and-vale", Role.IG_LEAD),
        ("la-cardiff", Role.ADMIN),
        ("la-cardiff", Role.AUDITOR),
    ],
)
def test_those_who_cannot_see_it_get_not_found(make_user, recorded, who):
    with pytest.raises(NotFound):
        services.get_decision_for(make_user(*who), recorded.id)
    with pytest.raises(NotFound):
        services.amend_decision(recorded, "Reason", {"shared_how": "By hand"}, by=make_user(*who))


def test_an_ig_lead_does_not_see_a_colleagues_draft(make_user, practitioner, ig_lead):
    draft = services.start_draft(by=practitioner)
    assert not access.can(ig_lead, Action.VIEW, draft)


def test_a_draft_cannot_be_amended_and_a_recorded_decision_cannot_be_edited(practitioner, recorded):
    draft = services.start_draft(by=practitioner)
    with pytest.raises(Conflict):
        access.require(practitioner, Action.AMEND, draft)
    with pytest.raises(Conflict):
        access.require(practitioner, Action.EDIT_DRAFT, recorded)


def test_the_ig_lead_can_view_but_not_edit_a_draft_of_their_own_org(ig_lead, recorded):
    access.require(ig_lead, Action.VIEW, recorded)
    with pytest.raises((PermissionDenied, Conflict)):
        access.require(ig_lead, Action.EDIT_DRAFT, recorded)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_admins_and_auditors_record_nothing_and_see_counts(make_user, recorded, role):
    user = make_user("la-cardiff", role)
    assert access.can_count(user) and not access.can_record(user)
    with pytest.raises(PermissionDenied):
        services.start_draft(by=user)
    counts = {org.code: total for org, total, _s, _n in services.decision_counts()}
    assert counts["la-cardiff"] == 1


def test_the_register_lists_what_the_table_allows(
    make_user, practitioner, colleague, ig_lead, other_org_lead, recorded
):
    services.create_decision(dict(SHARE), by=colleague)

    def listed(user):
        query = services.register_query(user, services.RegisterFilters())
        return len(db.session.scalars(query).unique().all())

    assert listed(practitioner) == 1
    assert listed(colleague) == 1
    assert listed(ig_lead) == 2
    assert listed(other_org_lead) == 0
    assert listed(make_user("la-cardiff", Role.AUDITOR)) == 0


# ----------------------------------------------------------------- teams


@pytest.fixture
def team_decision(make_user):
    author = make_user("la-cardiff", Role.PRACTITIONER)
    team = _team_of(author)
    return team, services.create_decision(dict(SHARE), by=author)


def test_a_record_belongs_to_its_authors_team(team_decision):
    team, decision = team_decision
    assert decision.team_id == team.id


@pytest.mark.parametrize(
    "who, action",
    [
        ("teammate", Action.AMEND),  # sees it, does not change it
        ("other_team", Action.VIEW),
        ("no_team", Action.VIEW),
        ("other_org_same_team_name", Action.VIEW),
    ],
)
def test_team_refusals(make_user, team_decision, who, action):
    team, decision = team_decision
    user = make_user("lhb-cardiff-and-vale" if who.startswith("other_org") else "la-cardiff")
    user.role = Role.PRACTITIONER
    if who == "teammate":
        team.members.append(user)
    elif who == "other_team":
        _team_of(user, "Safeguarding hub")
    elif who == "other_org_same_team_name":
        _team_of(user)
    db.session.flush()
    assert not access.can(user, action, decision)
    if action is Action.VIEW:
        with pytest.raises(NotFound):
            services.get_decision_for(user, decision.id)


def test_a_teammate_does_not_see_a_draft(make_user):
    author = make_user("la-cardiff", Role.PRACTITIONER)
    team = _team_of(author)
    draft = services.start_draft(by=author)
    mate = make_user("la-cardiff", Role.PRACTITIONER)
    team.members.append(mate)
    db.session.flush()
    assert not access.can(mate, Action.VIEW, draft)


def test_the_register_lists_the_teams_records(make_user, team_decision):
    team, decision = team_decision
    mate = make_user("la-cardiff", Role.PRACTITIONER)
    outsider = make_user("la-cardiff", Role.PRACTITIONER)
    team.members.append(mate)
    db.session.flush()

    def listed(user, **filters):
        query = services.register_query(user, services.RegisterFilters(**filters))
        return [d.id for d in db.session.scalars(query).unique()]

    assert listed(mate) == [decision.id]
    assert listed(mate, team_id=team.id) == [decision.id]
    assert listed(outsider) == []
    assert listed(outsider, team_id=team.id) == []
