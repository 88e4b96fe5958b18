"""The named transitions of a request, each with its guard, its timeline entry and its
audit event; reference numbers; due dates in Welsh working days.

Domain services (cooperation.services, later board_requests.services) call these after
their own checks and add their notices. Each operation takes the request and the acting
user; it flushes nothing itself beyond what record_event needs, and never commits.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit.services import changes, record_event, snapshot
from ..calendar import (
    add_working_days,
    clock_restart_explanation,
    due_date,
    long_date,
    restart_clock,
    wales_today,
    working_days_between,
    working_days_explanation,
)
from ..db import utcnow
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..law import Catalogue
from .models import (
    ANSWERED_STATES,
    CLOCK_RUNNING_STATES,
    DeadlineStatus,
    Outcome,
    ReferenceSequence,
    RequestState,
    TimelineEventType,
)
from .reasons import reasons_problem

MAX_TEXT = 5000
REFERENCE_MAX_LENGTH = 24  # the reference column's length


class Side(enum.StrEnum):
    REQUESTER = "requester"
    REQUESTED = "requested"
    EITHER = "either"


class Operation(enum.StrEnum):
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    ASK_CLARIFICATION = "ask_clarification"
    ANSWER_CLARIFICATION = "answer_clarification"
    AGREE_EXTENSION = "agree_extension"
    RESPOND = "respond"
    CLOSE = "close"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return str(OPERATION_LABELS[self])


S = RequestState
# Which side may do what, from which states.
OPERATIONS: dict[Operation, tuple[Side, tuple[RequestState, ...]]] = {
    Operation.SEND: (Side.REQUESTER, (S.DRAFT,)),
    Operation.ACKNOWLEDGE: (Side.REQUESTED, (S.SENT,)),
    Operation.ASK_CLARIFICATION: (Side.REQUESTED, (S.SENT, S.ACKNOWLEDGED)),
    Operation.ANSWER_CLARIFICATION: (Side.REQUESTER, (S.AWAITING_CLARIFICATION,)),
    Operation.AGREE_EXTENSION: (Side.EITHER, (S.SENT, S.ACKNOWLEDGED)),
    Operation.RESPOND: (Side.REQUESTED, (S.SENT, S.ACKNOWLEDGED, S.AWAITING_CLARIFICATION)),
    Operation.CLOSE: (Side.REQUESTER, (S.ANSWERED,)),
    Operation.WITHDRAW: (
        Side.REQUESTER,
        (S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.AWAITING_CLARIFICATION),
    ),
}

OPERATION_LABELS = {
    Operation.SEND: _l("send it"),
    Operation.ACKNOWLEDGE: _l("acknowledge it"),
    Operation.ASK_CLARIFICATION: _l("ask for clarification"),
    Operation.ANSWER_CLARIFICATION: _l("give the clarification"),
    Operation.AGREE_EXTENSION: _l("agree an extension"),
    Operation.RESPOND: _l("answer it"),
    Operation.CLOSE: _l("close it"),
    Operation.WITHDRAW: _l("withdraw it"),
}

AUDITED_FIELDS = (
    "state",
    "sent_on",
    "due_date",
    "clock_stopped_on",
    "stopped_working_days",
    "outcome",
    "ground",
    "written_reasons",
    "answered_on",
    "withdrawal_reason",
)


# ----------------------------------------------------------------- guards


def _side_allows(req, user, side: Side) -> bool:
    if side is Side.REQUESTER:
        return req.can_act_as_requester(user)
    if side is Side.REQUESTED:
        return req.can_act_as_requested(user)
    return req.can_act_as_requester(user) or req.can_act_as_requested(user)


def allowed_operations(req, user) -> list[Operation]:
    """What `user` can do to `req` now (the actions a page offers)."""
    return [
        op
        for op, (side, states) in OPERATIONS.items()
        if req.state in states and _side_allows(req, user, side)
    ]


def check_allowed(req, op: Operation, user) -> None:
    """Raise PermissionDenied (wrong side or read-only) or Conflict (state does not allow)."""
    side, states = OPERATIONS[op]
    if not _side_allows(req, user, side):
        if user.is_auditor:
            raise PermissionDenied(_("Auditors can read requests but not change them."))
        if side is Side.REQUESTED:
            raise PermissionDenied(
                _(
                    "Only %(body)s, the body asked, can %(action)s.",
                    body=req.requested_org.display_name(current_locale()),
                    action=op.label,
                )
            )
        raise PermissionDenied(
            _(
                "Only %(body)s, the body that made the request, can %(action)s.",
                body=req.requesting_org.display_name(current_locale()),
                action=op.label,
            )
        )
    if req.state in states:
        return
    if op is Operation.RESPOND and req.state in ANSWERED_STATES:
        raise Conflict(
            _(
                "This request was answered on %(date)s (%(outcome)s). A second answer cannot be recorded.",
                date=long_date(req.answered_on),
                outcome=req.outcome.label.lower(),
            )
        )
    raise Conflict(
        _(
            "This request is %(state)s, so you cannot %(action)s.",
            state=req.state.label.lower(),
            action=op.label,
        )
    )


# ----------------------------------------------------------------- references


def allocate_reference(prefix: str, year: int) -> str:
    """The next reference for the prefix and year, e.g. S164-2026-000123.

    The UPDATE takes a row lock (PostgreSQL) or the write lock (SQLite) until the request's
    transaction ends, so two requests never get the same number. The first request of a year
    adds the year's row, ignoring a row another request added at the same moment, and tries
    again.
    """
    for _attempt in range(3):
        # Read every row RETURNING gives, so that SQLite finishes the statement.
        numbers = (
            db.session.execute(
                sa.update(ReferenceSequence)
                .where(ReferenceSequence.prefix == prefix, ReferenceSequence.year == year)
                .values(last_number=ReferenceSequence.last_number + 1)
                .returning(ReferenceSequence.last_number)
            )
            .scalars()
            .all()
        )
        if numbers:
            return f"{prefix}-{year}-{numbers[0]:06d}"
        db.session.execute(_insert_ignoring_duplicate(prefix=prefix, year=year, last_number=0))
    raise Conflict(_("A reference number could not be allocated. Try again."))


def reference_filter(model, text: str):
    """A WHERE clause for a search by reference, or None when `text` is blank.

    References are upper case (S164-2026-000123): the input is trimmed and upper-cased. A whole
    reference is compared with = so the unique index finds the one row. Input that starts like
    a reference (S164-2026-00) is a prefix match, which an index on the reference can serve;
    anything else (a number on its own, 000123) may be anywhere in the reference, so every row
    the other conditions leave is read."""
    text = (text or "").strip().upper()[:REFERENCE_MAX_LENGTH]
    if not text:
        return None
    prefix = model.REFERENCE_PREFIX
    whole = re.compile(rf"{re.escape(prefix)}-\d{{4}}-\d{{6,}}", re.ASCII)
    if whole.fullmatch(text):
        return model.reference == text
    # Completed with the rest of an example, input that starts like a reference is a whole one.
    example = f"{prefix}-2026-000000"
    if whole.fullmatch(text + example[len(text) :]):
        return model.reference.startswith(text, autoescape=True)
    return model.reference.contains(text, autoescape=True)


def _insert_ignoring_duplicate(**values):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(ReferenceSequence).values(**values).on_conflict_do_nothing()


# ----------------------------------------------------------------- timeline and audit


def _record(
    req,
    op: str,
    event_type: TimelineEventType,
    by,
    before: dict,
    *,
    text=None,
    old_due=None,
    new_due=None,
):
    req.events.append(_event(req, event_type, by, text=text, old_due=old_due, new_due=new_due))
    old, new = changes(before, snapshot(req, AUDITED_FIELDS))
    record_event(f"{req.AUDIT_NAME}.{op}", req, by=by, before=old, after=new)


def _event(req, event_type: TimelineEventType, by, *, text=None, old_due=None, new_due=None):
    return req.event_class(
        event_type=event_type,
        actor_id=by.id if by is not None else None,
        organisation_id=by.organisation_id if by is not None else None,
        text=text,
        old_due_date=old_due,
        new_due_date=new_due,
    )


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _require_text(value: str | None, field: str, message: str, *, min_chars: int = 3) -> str:
    text = _clean(value)
    if len(text) < min_chars:
        raise InvalidInput(message, field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Shorten this to %(max)s characters or fewer.", max=MAX_TEXT), field=field
        )
    return text


# ----------------------------------------------------------------- due dates


def check_urgent_due_date(
    requested: date | None, reason: str | None, *, on: date, usual: date
) -> None:
    """An urgent request may ask for an earlier date than usual, with a reason; never a date
    before the request date."""
    if requested is None:
        return
    errors: dict[str, list[str]] = {}
    if requested < on:
        errors["requested_due_date"] = [
            _(
                "The due date cannot be before the request date, %(date)s. Enter a later date.",
                date=long_date(on),
            )
        ]
    elif requested >= usual:
        errors["requested_due_date"] = [
            _(
                "An urgent due date must be earlier than the usual due date, %(date)s. Enter an "
                "earlier date, or leave it blank to use the usual one.",
                date=long_date(usual),
            )
        ]
    if not _clean(reason):
        errors["urgent_reason"] = [
            _("Enter why the request is urgent, to explain the earlier due date.")
        ]
    if errors:
        raise InvalidInput(errors=errors)


def due_soon_until(today: date, soon_days: int) -> date:
    return add_working_days(today, soon_days)[0]


def deadline_clause(model, status: DeadlineStatus, today: date, soon_until: date):
    """A WHERE clause for the derived deadline states (the clock must be running)."""
    running = model.state.in_(CLOCK_RUNNING_STATES)
    if status is DeadlineStatus.OVERDUE:
        return sa.and_(running, model.due_date < today)
    return sa.and_(running, model.due_date >= today, model.due_date <= soon_until)


# ----------------------------------------------------------------- how the due date was worked out


class DueDateExplanation(NamedTuple):
    """How a request's due date was worked out, in the current language: the whole text, and
    the part each timeline event added (keyed by the event)."""

    text: str | None
    by_event: dict


def _sent_explanation(sent_on: date, due: date, usual: date | None, reason: str | None) -> str:
    if usual is None:
        return working_days_explanation(sent_on, due)
    return _(
        "Urgent: due %(date)s (%(reason)s), earlier than the usual %(usual)s (%(explanation)s)",
        date=long_date(due),
        reason=_clean(reason),
        usual=long_date(usual),
        explanation=working_days_explanation(sent_on, usual),
    )


def explain_due_date(req) -> DueDateExplanation:
    """How the due date was worked out, in the reader's language, from the facts the request
    and its timeline keep: the request date and the due date set on sending (with the usual
    date an urgent request is earlier than), the dates a restarted clock or an agreed
    extension moved it between, and the extension's reason. A request sent before those
    facts were kept shows the explanation stored when it was sent."""
    T = TimelineEventType
    parts, by_event = [], {}
    due, stopped = None, False
    for event in req.events:
        kind, text = event.event_type, None
        if kind is T.SENT:
            if event.new_due_date is None or req.sent_on is None:
                return DueDateExplanation(req.due_explanation, {})
            if req.is_urgent and event.old_due_date is None and req.requested_due_date:
                return DueDateExplanation(req.due_explanation, {})  # the usual date was not kept
            due = event.new_due_date
            text = _sent_explanation(req.sent_on, due, event.old_due_date, req.urgent_reason)
        elif kind is T.CLARIFICATION_REQUESTED:
            stopped = True
        elif stopped and kind in (T.CLARIFICATION_ANSWERED, T.ANSWERED, T.WITHDRAWN):
            stopped = False
            if kind is not T.WITHDRAWN and due is not None:
                new = event.new_due_date or due
                text = clock_restart_explanation(due, new)
                due = new
        elif kind is T.EXTENSION_AGREED and event.old_due_date and event.new_due_date:
            text = _(
                "Extended by agreement from %(old)s to %(new)s: %(reason)s",
                old=long_date(event.old_due_date),
                new=long_date(event.new_due_date),
                reason=_clean(event.text),
            )
            due = event.new_due_date
        if text:
            parts.append(text)
            by_event[event] = text
    if not parts:
        return DueDateExplanation(req.due_explanation, {})
    return DueDateExplanation(". ".join(parts), by_event)


def _keep_explanation(req) -> None:
    """Keep the explanation as it now stands on the request, in English, for the record (pages
    and notices build it again in the reader's language)."""
    with force_locale("en"):
        req.due_explanation = explain_due_date(req).text


# ----------------------------------------------------------------- transitions


def send(req, by, *, working_days: int, on: date | None = None) -> None:
    """draft -> sent: the request date is today in Wales; the due date is worked out from it.
    The timeline keeps the facts: the due date, and for an urgent request the usual due date
    it is earlier than (as the event's old due date)."""
    check_allowed(req, Operation.SEND, by)
    on = on or wales_today()
    before = snapshot(req, AUDITED_FIELDS)
    usual = due_date(on, working_days).date
    check_urgent_due_date(req.requested_due_date, req.urgent_reason, on=on, usual=usual)
    urgent = req.requested_due_date
    req.state = RequestState.SENT
    req.sent_at = utcnow()
    req.sent_on = on
    req.due_date = urgent or usual
    _record(
        req,
        "sent",
        TimelineEventType.SENT,
        by,
        before,
        old_due=usual if urgent else None,
        new_due=req.due_date,
    )
    _keep_explanation(req)


def record_created(req, by, details: dict, *, as_draft: bool) -> None:
    """A new request: audited with its details; a draft starts the timeline (a request sent
    at once starts it with the sending)."""
    if as_draft:
        req.events.append(_event(req, TimelineEventType.DRAFTED, by))
    record_event(f"{req.AUDIT_NAME}.created", req, by=by, after=details)


def acknowledge(req, by) -> None:
    check_allowed(req, Operation.ACKNOWLEDGE, by)
    before = snapshot(req, AUDITED_FIELDS)
    req.state = RequestState.ACKNOWLEDGED
    req.acknowledged_at = utcnow()
    _record(req, "acknowledged", TimelineEventType.ACKNOWLEDGED, by, before)


def ask_clarification(req, by, question: str, *, on: date | None = None) -> None:
    """The body asked needs something made clear: the clock stops until the answer."""
    check_allowed(req, Operation.ASK_CLARIFICATION, by)
    text = _require_text(
        question,
        "question",
        _("Enter the question you need answered before you can respond."),
        min_chars=10,
    )
    before = snapshot(req, AUDITED_FIELDS)
    req.state = RequestState.AWAITING_CLARIFICATION
    req.acknowledged_at = req.acknowledged_at or utcnow()
    req.clock_stopped_on = on or wales_today()
    _record(
        req,
        "clarification_requested",
        TimelineEventType.CLARIFICATION_REQUESTED,
        by,
        before,
        text=text,
    )


def _restart_clock(req, on: date) -> tuple[date, date]:
    """The due date moves on by the working days the clock was stopped: (old, new)."""
    old = req.due_date
    moved = restart_clock(old, req.clock_stopped_on, on)
    req.stopped_working_days += working_days_between(req.clock_stopped_on, on)
    req.clock_stopped_on = None
    req.due_date = moved.date
    return old, moved.date


def answer_clarification(req, by, answer: str, *, on: date | None = None) -> None:
    """The requester answers: the clock restarts and the due date moves on by the working
    days it was stopped."""
    check_allowed(req, Operation.ANSWER_CLARIFICATION, by)
    text = _require_text(answer, "answer", _("Enter the clarification asked for."))
    before = snapshot(req, AUDITED_FIELDS)
    old, new = _restart_clock(req, on or wales_today())
    req.state = RequestState.ACKNOWLEDGED
    _record(
        req,
        "clarification_answered",
        TimelineEventType.CLARIFICATION_ANSWERED,
        by,
        before,
        text=text,
        old_due=old if new != old else None,
        new_due=new if new != old else None,
    )
    _keep_explanation(req)


def agree_extension(
    req, by, new_due: date | None, reason: str | None, *, on: date | None = None
) -> None:
    """Both bodies have agreed more time: a later due date, with the reason."""
    check_allowed(req, Operation.AGREE_EXTENSION, by)
    errors: dict[str, list[str]] = {}
    if new_due is None:
        errors["new_due_date"] = [_("Enter the new due date agreed, like 15 1 2027.")]
    elif new_due <= req.due_date or new_due < (on or wales_today()):
        errors["new_due_date"] = [
            _(
                "The new due date must be after the current one, %(date)s, and not in the past.",
                date=long_date(req.due_date),
            )
        ]
    if len(_clean(reason)) < 10:
        errors["reason"] = [
            _("Enter why the extension was agreed, so both bodies have it on record.")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    before = snapshot(req, AUDITED_FIELDS)
    old = req.due_date
    req.due_date = new_due
    _record(
        req,
        "extension_agreed",
        TimelineEventType.EXTENSION_AGREED,
        by,
        before,
        text=_clean(reason),
        old_due=old,
        new_due=new_due,
    )
    _keep_explanation(req)


def as_outcome(value) -> Outcome | None:
    try:
        return Outcome(value)
    except ValueError:
        return None


def answer_problems(outcome, ground: str | None, reasons: str | None, grounds: Catalogue) -> dict:
    """The field messages that stop an answer being recorded (empty when it may be)."""
    errors: dict[str, list[str]] = {}
    locale = current_locale()
    choices = _(" or ").join(f"{e.code} ({e.label(locale).lower()})" for e in grounds)
    outcome = as_outcome(outcome)
    if outcome is None:
        errors["outcome"] = [_("Choose whether you complied, partly complied or declined.")]
        return errors
    if not outcome.needs_ground_and_reasons:
        if ground:
            errors["ground"] = [_("Leave the ground empty: a request complied with needs none.")]
        return errors
    if not ground:
        errors["ground"] = [_("Choose the ground for not complying: %(choices)s.", choices=choices)]
    elif ground not in grounds:
        errors["ground"] = [
            _(
                "“%(ground)s” is not a ground the law recognises. Choose %(choices)s.",
                ground=ground[:40],
                choices=choices,
            )
        ]
    restated = [label for e in grounds for label in (e.en, e.cy)]
    problem = reasons_problem(reasons, restated=restated)
    if problem:
        errors["written_reasons"] = [problem]
    return errors


def record_answer(
    req,
    by,
    *,
    outcome,
    ground: str | None,
    reasons: str | None,
    grounds: Catalogue,
    on: date | None = None,
    more_problems=None,
) -> None:
    """Complied with, partly complied with, or declined. A refusal, whole or in part, needs a
    ground the law recognises and written reasons of substance. `more_problems(outcome, on)`
    adds the domain's own field messages, so that every problem is reported at once."""
    check_allowed(req, Operation.RESPOND, by)
    on = on or wales_today()
    errors = answer_problems(outcome, ground, reasons, grounds)
    outcome = as_outcome(outcome)
    if more_problems is not None and outcome is not None:
        errors.update(more_problems(outcome, on))
    if errors:
        raise InvalidInput(errors=errors)
    before = snapshot(req, AUDITED_FIELDS)
    old = new = req.due_date
    if req.state == RequestState.AWAITING_CLARIFICATION:
        old, new = _restart_clock(req, on)
    req.state = RequestState.ANSWERED
    req.outcome = outcome
    req.ground = ground if outcome.needs_ground_and_reasons else None
    req.written_reasons = _clean(reasons) or None
    req.answered_at = utcnow()
    req.answered_on = on
    req.answered_by = by
    req.working_days_to_answer = max(
        0, working_days_between(req.sent_on, on) - req.stopped_working_days
    )
    _record(
        req,
        "answered",
        TimelineEventType.ANSWERED,
        by,
        before,
        text=req.written_reasons,
        old_due=old if new != old else None,
        new_due=new if new != old else None,
    )
    _keep_explanation(req)


def close(req, by) -> None:
    check_allowed(req, Operation.CLOSE, by)
    before = snapshot(req, AUDITED_FIELDS)
    req.state = RequestState.CLOSED
    req.closed_at = utcnow()
    _record(req, "closed", TimelineEventType.CLOSED, by, before)


def withdraw(req, by, reason: str | None) -> None:
    """The requester no longer needs an answer; the reason is kept."""
    check_allowed(req, Operation.WITHDRAW, by)
    text = _require_text(
        reason, "reason", _("Enter why the request is being withdrawn."), min_chars=5
    )
    before = snapshot(req, AUDITED_FIELDS)
    req.state = RequestState.WITHDRAWN
    req.withdrawn_at = utcnow()
    req.withdrawal_reason = text
    req.clock_stopped_on = None
    _record(req, "withdrawn", TimelineEventType.WITHDRAWN, by, before, text=text)
