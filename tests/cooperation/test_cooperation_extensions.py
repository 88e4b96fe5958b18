"""Extensions need both sides: the body asked asks for more time, the council that made the
request agrees or refuses it, or gives more time of its own accord. A new due date is after the
current one and within the limit (S164_EXTENSION_LIMIT_WORKING_DAYS from the request date)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import services
from isp_manager.cooperation.models import CooperationExtension
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.extensions import db
from isp_manager.lifecycle.models import ExtensionState, TimelineEventType
from isp_manager.mail import flush_pending
from tests.conftest import bilingual, org

DAY = date(2027, 1, 4)  # the request (22 December 2026) is due 8 January 2027
LIMIT = date(2027, 3, 19)  # 60 working days from 22 December 2026
REASON = "Records are archived off site"


def _actions(req, *names):
    return [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))][
        -len(names) :
    ] == [f"cooperation_request.{n}" for n in names]


# ----------------------------------------------------------------- bad input, as a table

BAD_ASKS = [
    (None, REASON, "new_due_date", "Enter the new due date"),
    (date(2027, 1, 7), REASON, "new_due_date", "after the current due date, 8 January 2027"),
    (date(2027, 1, 8), REASON, "new_due_date", "after the current due date"),
    (date(2027, 3, 22), REASON, "new_due_date", "no later than 19 March 2027"),
    (date(2027, 12, 31), REASON, "new_due_date", "60 working days from the request date"),
    (date(2027, 1, 20), "", "reason", "why more time is needed"),
    (date(2027, 1, 20), "later", "reason", "why more time is needed"),
]


@pytest.mark.parametrize("new_due, reason, field, message", BAD_ASKS)
@pytest.mark.parametrize("step", ["ask", "grant"])
def test_bad_extensions_are_refused_with_the_field_and_why(
    make_request, board_user, council_user, step, new_due, reason, field, message
):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        if step == "ask":
            services.ask_for_extension(req, new_due, reason, by=board_user, on=DAY)
        else:
            services.grant_extension(req, new_due, reason, by=council_user, on=DAY)
    assert message in " ".join(refused.value.errors[field])
    assert req.due_date == date(2027, 1, 8) and req.extensions == []


def test_the_limit_is_configurable(app, monkeypatch, make_request, board_user):
    monkeypatch.setitem(app.config, "S164_EXTENSION_LIMIT_WORKING_DAYS", 15)
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    assert "no later than 15 January 2027" in refused.value.errors["new_due_date"][0]
    services.ask_for_extension(req, date(2027, 1, 15), REASON, by=board_user, on=DAY)


WRONG_SIDE = [
    ("ask", "council", PermissionDenied, "the body asked"),
    ("ask", "auditor", PermissionDenied, "Auditors"),
    ("agree", "board", PermissionDenied, "asked for this extension, so it cannot also agree it"),
    ("refuse", "board", PermissionDenied, "the body that made the request"),
    ("grant", "board", PermissionDenied, "the body that made the request"),
    ("agree", "auditor", PermissionDenied, "Auditors"),
]


@pytest.mark.parametrize("step, who, error, message", WRONG_SIDE)
def test_each_side_does_only_its_part(
    make_request, make_user, board_user, council_user, step, who, error, message
):
    from isp_manager.accounts.models import Role

    users = {
        "council": council_user,
        "board": board_user,
        "auditor": make_user("la-cardiff", Role.AUDITOR),
    }
    req = make_request()
    if step in ("agree", "refuse"):
        services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    by = users[who]
    with pytest.raises(error) as refused:
        {
            "ask": lambda: services.ask_for_extension(
                req, date(2027, 1, 20), REASON, by=by, on=DAY
            ),
            "agree": lambda: services.agree_extension(req, by=by, on=DAY),
            "refuse": lambda: services.refuse_extension(req, "The hearing cannot move.", by=by),
            "grant": lambda: services.grant_extension(
                req, date(2027, 1, 20), REASON, by=by, on=DAY
            ),
        }[step]()
    assert message in str(refused.value.message)
    assert req.due_date == date(2027, 1, 8)


STATE_CONFLICTS = [
    ("agree", "No extension is waiting"),
    ("refuse", "No extension is waiting"),
    ("ask_twice", "waiting for a decision"),
    ("grant_while_asked", "waiting for a decision"),
]


@pytest.mark.parametrize("step, message", STATE_CONFLICTS)
def test_one_extension_is_decided_at_a_time(make_request, board_user, council_user, step, message):
    req = make_request()
    if step in ("ask_twice", "grant_while_asked"):
        services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    with pytest.raises(Conflict) as refused:
        if step == "agree":
            services.agree_extension(req, by=council_user, on=DAY)
        elif step == "refuse":
            services.refuse_extension(req, "The hearing cannot move.", by=council_user)
        elif step == "ask_twice":
            services.ask_for_extension(req, date(2027, 1, 21), REASON, by=board_user, on=DAY)
        else:
            services.grant_extension(req, date(2027, 1, 21), REASON, by=council_user, on=DAY)
    assert message in refused.value.message


def test_refusing_needs_a_reason(make_request, board_user, council_user):
    req = make_request()
    services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    with pytest.raises(InvalidInput) as refused:
        services.refuse_extension(req, " ", by=council_user)
    assert "reason" in refused.value.errors
    assert req.pending_extension is not None


# ----------------------------------------------------------------- the flows


def test_asked_for_then_agreed_moves_the_due_date_and_tells_each_side(
    app, make_request, board_user, council_user, outbox
):
    org("lhb-cardiff-and-vale").ig_lead_email = "ig@cav.example.test"
    req = make_request()
    ext = services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    assert req.due_date == date(2027, 1, 8) and ext.state is ExtensionState.ASKED
    services.agree_extension(req, by=council_user, on=DAY)
    assert req.due_date == date(2027, 1, 20)
    assert (ext.state, ext.asked_by_side, ext.decided_by_side) == (
        ExtensionState.AGREED,
        "requested",
        "requester",
    )
    assert [e.event_type for e in req.events[-2:]] == [
        TimelineEventType.EXTENSION_REQUESTED,
        TimelineEventType.EXTENSION_AGREED,
    ]
    assert (
        "Extended by agreement from 8 January 2027 to 20 January 2027: Records are archived "
        "off site" in req.due_explanation
    )
    assert _actions(req, "extension_requested", "extension_agreed")
    with app.test_request_context():
        flush_pending()
    sent = {bilingual(str(m["Subject"]))[1]: m["To"] for m in outbox()}
    asks = next(s for s in sent if "asks for more time" in s)
    agreed = next(s for s in sent if "extension agreed, now due 20 January 2027" in s)
    assert sent[asks] == req.contact_email  # to the council's contact
    assert sent[agreed] == "ig@cav.example.test"  # to the body asked


def test_asked_for_then_refused_keeps_the_due_date(make_request, board_user, council_user):
    req = make_request()
    ext = services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    services.refuse_extension(req, "The court hearing cannot move.", by=council_user)
    assert req.due_date == date(2027, 1, 8)
    assert ext.state is ExtensionState.REFUSED
    assert ext.refusal_reason == "The court hearing cannot move."
    assert req.events[-1].event_type is TimelineEventType.EXTENSION_REFUSED
    assert _actions(req, "extension_requested", "extension_refused")
    # Refused, the body asked may ask again.
    services.ask_for_extension(req, date(2027, 1, 15), REASON, by=board_user, on=DAY)


def test_the_council_may_grant_more_time_of_its_own_accord(make_request, council_user):
    req = make_request()
    ext = services.grant_extension(
        req, date(2027, 1, 15), "The hearing has moved a week", by=council_user, on=DAY
    )
    assert req.due_date == date(2027, 1, 15) and ext.state is ExtensionState.GRANTED
    assert "Extended by the requesting body from 8 January 2027" in req.due_explanation
    assert _actions(req, "extension_granted")


def test_an_ask_not_decided_lapses_when_the_request_is_answered(
    make_request, board_user, council_user
):
    req = make_request()
    ext = services.ask_for_extension(req, date(2027, 1, 20), REASON, by=board_user, on=DAY)
    services.respond_to_request(req, services.AnswerInput("complied"), by=board_user, on=DAY)
    assert ext.state is ExtensionState.LAPSED and req.pending_extension is None


DB_REFUSALS = [
    {"state": "agreed", "decided_by_side": "requested"},  # agreed by the side that asked
    {"state": "refused", "decided_by_side": "requester", "refusal_reason": None},
    {"state": "granted"},  # granted, but asked for by the body asked
    {"new_due_date": date(2027, 1, 8)},  # not later
    {"reason": "  "},
]


@pytest.mark.parametrize("change", DB_REFUSALS)
def test_the_database_refuses_an_extension_the_law_of_two_sides_does_not_allow(
    make_request, board_user, change
):
    req = make_request()
    db.session.flush()
    values = {
        "request_id": req.id,
        "state": "asked",
        "old_due_date": date(2027, 1, 8),
        "new_due_date": date(2027, 1, 20),
        "reason": REASON,
        "asked_by_side": "requested",
        "asked_at": sa.func.current_timestamp(),
    }
    if change.get("state") in ("agreed", "refused"):
        values["decided_at"] = sa.func.current_timestamp()
    values.update(change)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.insert(CooperationExtension).values(**values))
