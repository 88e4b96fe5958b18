"""The s.164 lifecycle as service calls: each step, its guard, its timeline and audit entries."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import services
from isp_manager.extensions import db
from isp_manager.lifecycle.models import Outcome, RequestState, TimelineEventType
from tests.cooperation.factories import REASONS, REQUEST_DAY


def test_sending_works_out_the_due_date_in_welsh_working_days(make_request):
    req = make_request()
    assert req.state is RequestState.SENT
    assert req.sent_on == REQUEST_DAY
    assert req.due_date == date(2027, 1, 8)
    assert req.due_explanation == (
        "10 working days from 22 December 2026, not counting the bank holidays on "
        "25 and 28 December and 1 January"
    )
    assert req.s164_basis == "s164-2-a"
    assert "relevant partner" in req.basis_reason
    assert req.reference == f"S164-2026-{int(req.reference[-6:]):06d}"


def test_references_are_sequential_and_unique(make_request):
    first, second = make_request(), make_request()
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert make_request(on=date(2027, 1, 4)).reference.startswith("S164-2027-")


def test_a_draft_has_no_due_date_until_sent(make_request, council_user):
    req = make_request(send=False)
    assert req.state is RequestState.DRAFT and req.due_date is None
    assert [e.event_type for e in req.events] == [TimelineEventType.DRAFTED]
    services.send_request(req, by=council_user, on=date(2027, 3, 24))
    assert req.due_date == date(2027, 4, 9)  # over Easter 2027
    assert "26 and 29 March" in req.due_explanation


def test_the_full_journey_writes_a_timeline_both_sides_see(
    make_request, council_user, board_user, outbox
):
    req = make_request()
    services.acknowledge_request(req, by=board_user)
    services.ask_for_clarification(
        req, "Which years of records do you need?", by=board_user, on=date(2027, 1, 5)
    )
    assert req.state is RequestState.AWAITING_CLARIFICATION
    assert req.deadline_status(date(2027, 2, 1), date(2027, 2, 3)) is None  # clock stopped
    services.give_clarification(
        req, "From January 2025 to date.", by=council_user, on=date(2027, 1, 8)
    )
    assert req.due_date == date(2027, 1, 13)  # moved on by 3 working days
    assert "3 working days" in req.due_explanation
    services.respond_to_request(
        req,
        services.AnswerInput(outcome="declined", ground="s164-ground-b", written_reasons=REASONS),
        by=board_user,
        on=date(2027, 1, 12),
    )
    assert req.state is RequestState.ANSWERED and req.outcome is Outcome.DECLINED
    assert req.answered_on_time is True
    # 22 Dec 2026 to 12 Jan 2027 is 12 working days; the clock was stopped for 3 of them.
    assert req.working_days_to_answer == 9
    services.close_request(req, by=council_user)
    types = [e.event_type for e in req.events]
    assert types == [
        TimelineEventType.SENT,
        TimelineEventType.ACKNOWLEDGED,
        TimelineEventType.CLARIFICATION_REQUESTED,
        TimelineEventType.CLARIFICATION_ANSWERED,
        TimelineEventType.ANSWERED,
        TimelineEventType.CLOSED,
    ]
    moved = req.events[3]
    assert (moved.old_due_date, moved.new_due_date) == (date(2027, 1, 8), date(2027, 1, 13))
    assert moved.organisation_id == council_user.organisation_id
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.record_type == "cooperation_requests", AuditEvent.record_id == str(req.id)
        )
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "cooperation_request.created",
        "cooperation_request.sent",
        "cooperation_request.acknowledged",
        "cooperation_request.clarification_requested",
        "cooperation_request.clarification_answered",
        "cooperation_request.answered",
        "cooperation_request.closed",
    ]
