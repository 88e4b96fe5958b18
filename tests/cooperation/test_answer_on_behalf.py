"""An answer sent by e-mail or post, recorded by the council on behalf of a body nobody at
which uses the service: who answered, how it came, when; audited; counted in the figures."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import figures
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.extensions import db
from isp_manager.lifecycle import access
from isp_manager.lifecycle import services as lifecycle
from isp_manager.lifecycle.models import Outcome, ReceivedVia, RequestState, TimelineEventType
from tests.cooperation.factories import REASONS

RECEIVED = date(2027, 1, 5)


def _on_behalf(**overrides):
    values = dict(answered_by_name="Dr Rhian Evans", received_via="post", received_on=RECEIVED)
    values.update(overrides)
    return lifecycle.OnBehalf(**values)


def test_the_council_records_a_posted_answer_for_a_body_without_users(
    make_request, council_user, app
):
    req = make_request()
    assert lifecycle.Operation.RECORD_ON_BEHALF in lifecycle.allowed_operations(req, council_user)
    lifecycle.record_answer(
        req,
        council_user,
        outcome=Outcome.DECLINED,
        ground="s164-ground-a",
        reasons=REASONS,
        on_behalf=_on_behalf(),
    )
    db.session.flush()
    assert req.state is RequestState.ANSWERED
    assert req.answered_on == RECEIVED and req.answered_by is None
    assert req.answered_by_name == "Dr Rhian Evans"
    assert req.answer_received_via is ReceivedVia.POST and req.answered_on_behalf
    assert req.answer_recorded_by == council_user
    assert req.events[-1].event_type is TimelineEventType.ANSWER_RECORDED
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "cooperation_request.answer_recorded")
    ).all()
    assert len(audit) == 1
    counted = figures.figures_for(req.requesting_org, req.sent_on.year)
    assert counted.sent.declined == 1


def test_what_is_missing_is_named_and_nothing_is_saved(make_request, council_user):
    req = make_request()
    with pytest.raises(InvalidInput) as error:
        lifecycle.record_answer(
            req,
            council_user,
            outcome=Outcome.COMPLIED,
            ground=None,
            reasons=None,
            on_behalf=_on_behalf(answered_by_name=" ", received_via="pigeon", received_on=None),
        )
    assert set(error.value.errors) == {"answered_by_name", "received_via", "received_on"}
    assert req.state is RequestState.SENT


def test_not_when_the_body_has_users_nor_by_the_body_or_an_auditor(
    make_request, council_user, board_user, make_user
):
    from isp_manager.accounts.models import Role

    req = make_request()  # the health board has a user (board_user)
    assert lifecycle.Operation.RECORD_ON_BEHALF not in lifecycle.allowed_operations(
        req, council_user
    )
    with pytest.raises(Conflict):
        lifecycle.check_allowed(req, lifecycle.Operation.RECORD_ON_BEHALF, council_user)
    with pytest.raises(PermissionDenied):
        lifecycle.check_allowed(req, lifecycle.Operation.RECORD_ON_BEHALF, board_user)
    auditor = make_user("la-cardiff", Role.AUDITOR, name="Ann Auditor")
    assert access.can(auditor, "view", req)
    assert not access.can(auditor, "record_on_behalf", req)


def test_the_access_table_relations(make_request, council_user, board_user, make_user):
    from isp_manager.accounts.models import Role

    draft = make_request(send=False)
    stranger = make_user("la-swansea", Role.PRACTITIONER, name="Sam Stranger")
    assert access.can(council_user, "view", draft)
    assert not access.can(board_user, "view", draft)  # a draft is the requester's alone
    assert not access.can(stranger, "view", draft)
    sent = make_request()
    assert access.relations_of(board_user, sent) == {access.Relation.BODY_ASKED}
    assert access.can(board_user, "respond", sent) and not access.can(council_user, "respond", sent)
    assert not access.can(stranger, "view", sent)
    # s.164 has no provide_to party: the relation never holds.
    assert not access.holds(council_user, access.Relation.PROVIDE_TO, sent)
