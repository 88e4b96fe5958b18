"""The named transitions of a request, each with its guard, its timeline entry and its
audit event; reference numbers; due dates in Welsh working days.

Domain services (cooperation.services, later board_requests.services) call these after
their own checks and add their notices. Each operation takes the request and the acting
user; it flushes nothing itself beyond what record_event needs, and never commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

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
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import Catalogue
from ..text_input import too_long
from . import access, notices
from .kinds import Relation, kind_of
from .models import (
    ANSWERED_STATES,
    CLOCK_RUNNING_STATES,
    MIN_EXTENSION_REASON_CHARS,
    REQUESTED_SIDE,
    REQUESTER_SIDE,
    DeadlineStatus,
    ExtensionState,
    InformationNature,
    Outcome,
    ReceivedVia,
    ReferenceSequence,
    RequestState,
    TimelineEventType,
)
from .reasons import reasons_problem

MAX_TEXT = 5000
MAX_ITEMS = 20  # things provided with one answer: more are grouped together
REFERENCE_MAX_LENGTH = 24  # the reference column's length


# Every operation is the access action of the same name (lifecycle.access); of the actions,
# only view and letter are not operations of the state machine.
Operation = access.Action


class Rule(NamedTuple):
    """From which states an operation may be done, and whether it needs an extension waiting
    for a decision (True), needs none waiting (False), or does not care (None). Who may do
    it is lifecycle.access's table (each operation is an access action of the same name)."""

    states: tuple[RequestState, ...]
    pending_extension: bool | None = None


S = RequestState
RUNNING = (S.SENT, S.ACKNOWLEDGED)
ANSWERABLE = (S.SENT, S.ACKNOWLEDGED, S.AWAITING_CLARIFICATION)
# The state machine: which side may do what, from which states. The body asked asks for more
# time and the requesting side agrees or refuses it, or grants more time of its own accord.
OPERATIONS: dict[Operation, Rule] = {
    Operation.SEND: Rule((S.DRAFT,)),
    Operation.ACKNOWLEDGE: Rule((S.SENT,)),
    Operation.ASK_CLARIFICATION: Rule(RUNNING),
    Operation.ANSWER_CLARIFICATION: Rule((S.AWAITING_CLARIFICATION,)),
    Operation.ASK_EXTENSION: Rule(RUNNING, pending_extension=False),
    Operation.AGREE_EXTENSION: Rule(RUNNING, pending_extension=True),
    Operation.REFUSE_EXTENSION: Rule(RUNNING, pending_extension=True),
    Operation.GRANT_EXTENSION: Rule(RUNNING, pending_extension=False),
    Operation.RESPOND: Rule(ANSWERABLE),
    Operation.RECORD_ON_BEHALF: Rule(ANSWERABLE),
    Operation.CLOSE: Rule((S.ANSWERED,)),
    Operation.WITHDRAW: Rule((S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.AWAITING_CLARIFICATION)),
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
    "answered_by_name",
    "answer_received_via",
    "withdrawal_reason",
)


# ----------------------------------------------------------------- guards


def requesting_org(kind, by, org, *, field: str):
    """The organisation `by` makes a request of `kind` for: their own (auditors make none),
    and one the kind lets make it (its refusal names `field`)."""
    org = org or by.organisation
    if by.is_auditor:
        raise PermissionDenied(_("Auditors can read requests but not make them."))
    if org.id != by.organisation_id:
        raise PermissionDenied(
            _(
                "You can make requests only on behalf of your own organisation, %(org)s.",
                org=by.organisation.display_name(current_locale()),
            )
        )
    refusal = kind.requester_refusal(org)
    if refusal:
        raise InvalidInput(refusal, field=field)
    return org


def _side_allows(req, user, op: Operation) -> bool:
    return access.can(user, op.value, req)


def _condition_allows(req, op: Operation) -> bool:
    """An answer is recorded on the body's behalf only when the body asked has no users."""
    if op is Operation.RECORD_ON_BEHALF:
        return not notices.body_has_users(req.requested_org)
    return True


def _pending_allows(req, rule: Rule) -> bool:
    return rule.pending_extension is None or rule.pending_extension == (
        req.pending_extension is not None
    )


def allowed_operations(req, user) -> list[Operation]:
    """What `user` can do to `req` now (the actions a page offers)."""
    return [
        op
        for op, rule in OPERATIONS.items()
        if req.state in rule.states
        and _side_allows(req, user, op)
        and _pending_allows(req, rule)
        and _condition_allows(req, op)
    ]


def check_allowed(req, op: Operation, user) -> None:
    """Raise PermissionDenied (wrong side or read-only) or Conflict (state does not allow)."""
    states = OPERATIONS[op].states
    if op is Operation.AGREE_EXTENSION and req.pending_extension is not None:
        _refuse_agreeing_own_ask(req, user)
    if not _side_allows(req, user, op):
        if user.is_auditor:
            raise PermissionDenied(_("Auditors can read requests but not change them."))
        if access.acting_relation(op.value) is Relation.BODY_ASKED:
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
        _check_pending(req, op)
        if not _condition_allows(req, op):
            raise Conflict(
                _(
                    "%(body)s has people who use the service: they record its answer themselves.",
                    body=req.requested_org.display_name(current_locale()),
                )
            )
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


def _side_of(req, user) -> str | None:
    if req.is_requester(user):
        return REQUESTER_SIDE
    if req.is_requested(user):
        return REQUESTED_SIDE
    return None


def _refuse_agreeing_own_ask(req, user) -> None:
    """An extension is agreed by the other side: the side that asked for it cannot agree it."""
    ext = req.pending_extension
    if _side_of(req, user) != ext.asked_by_side:
        return
    asker = req.requested_org if ext.asked_by_side == REQUESTED_SIDE else req.requesting_org
    other = req.requesting_org if ext.asked_by_side == REQUESTED_SIDE else req.requested_org
    raise PermissionDenied(
        _(
            "%(asker)s asked for this extension, so it cannot also agree it. An extension needs "
            "both sides: %(other)s agrees or refuses it.",
            asker=asker.display_name(current_locale()),
            other=other.display_name(current_locale()),
        )
    )


def _check_pending(req, op: Operation) -> None:
    """An extension asked for is decided before another is asked for or granted; only an
    extension asked for can be agreed or refused."""
    rule = OPERATIONS[op]
    pending = req.pending_extension
    if rule.pending_extension is True and pending is None:
        raise Conflict(_("No extension is waiting for a decision on this request."))
    if rule.pending_extension is False and pending is not None:
        raise Conflict(
            _(
                "An extension to %(date)s was asked for on %(asked)s and is waiting for a "
                "decision. It must be agreed or refused first.",
                date=long_date(pending.new_due_date),
                asked=long_date(pending.asked_at.date()),
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
        raise InvalidInput(too_long(MAX_TEXT), field=field)
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


def contact_problems(data) -> dict[str, list[str]]:
    """The field message on the contact's e-mail address a requester gives (any kind)."""
    from ..accounts.services import normalise_email

    email = _clean(data.contact_email)
    if email:
        try:
            normalise_email(email)
        except InvalidInput:
            return {
                "contact_email": [
                    _("Enter the contact's e-mail address, like name@cardiff.gov.uk.")
                ]
            }
    return {}


def urgency_problems(data, *, on: date, usual: date | None) -> dict[str, list[str]]:
    """The field messages on an earlier due date a requester asks for (any kind): only for
    an urgent request, with its reason, before `usual`, the date it would otherwise get
    (None while that cannot be known: the date is not checked)."""
    errors: dict[str, list[str]] = {}
    if (data.requested_due_date is not None or _clean(data.urgent_reason)) and not data.urgent:
        errors["urgent"] = [_("Mark the request as urgent to ask for an earlier due date.")]
    if data.urgent and data.requested_due_date is not None and usual is not None:
        try:
            check_urgent_due_date(data.requested_due_date, data.urgent_reason, on=on, usual=usual)
        except InvalidInput as error:
            errors.update(error.field_errors())
    return errors


def urgency_and_contact(data, by) -> dict:
    """The columns a new request of any kind takes from what the requester gave: its urgency
    (an earlier due date and the reason, kept only for an urgent request) and its contact
    (the requester's own name and e-mail address unless others are given)."""
    urgent = bool(data.urgent)
    return {
        "is_urgent": urgent,
        "requested_due_date": data.requested_due_date if urgent else None,
        "urgent_reason": (_clean(data.urgent_reason) or None) if urgent else None,
        "contact_name": _clean(data.contact_name) or by.name,
        "contact_email": _clean(data.contact_email) or by.email,
        "contact_phone": _clean(data.contact_phone) or None,
    }


def add_request(req, by, fields: tuple[str, ...], *, send: bool, send_request, on: date):
    """Save a new request, audited with its `fields`, and send it with the kind's
    `send_request(req, by=, on=)` unless it is a draft."""
    db.session.add(req)
    db.session.flush()
    record_created(req, by, snapshot(req, fields), as_draft=not send)
    if send:
        send_request(req, by=by, on=on)
    return req


def due_soon_until(kind, today: date) -> date:
    """The last day a request of this kind counts as due soon (its DUE_SOON_DAYS setting)."""
    return add_working_days(today, kind.settings.due_soon_days)[0]


def deadline_status(req, today: date | None = None) -> DeadlineStatus | None:
    """Overdue, due soon or neither, today in Wales, by the kind's setting."""
    today = today or wales_today()
    return req.deadline_status(today, due_soon_until(kind_of(req), today))


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


# How an extension moved the due date, by the timeline event that moved it.
EXTENDED = {
    TimelineEventType.EXTENSION_AGREED: _l(
        "Extended by agreement from %(old)s to %(new)s: %(reason)s"
    ),
    TimelineEventType.EXTENSION_GRANTED: _l(
        "Extended by the requesting body from %(old)s to %(new)s: %(reason)s"
    ),
}


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
        elif kind in EXTENDED and event.old_due_date and event.new_due_date:
            text = str(EXTENDED[kind]) % {
                "old": long_date(event.old_due_date),
                "new": long_date(event.new_due_date),
                "reason": _clean(event.text),
            }
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
    # Back to where it was: acknowledged only if the body asked had acknowledged it.
    req.state = RequestState.ACKNOWLEDGED if req.acknowledged_at else RequestState.SENT
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


def extension_limit(req, limit_days: int) -> date:
    """The latest due date an extension may set: `limit_days` working days from the request
    date."""
    return add_working_days(req.sent_on, limit_days)[0]


def extension_problems(
    req, new_due: date | None, reason: str | None, *, limit_days: int, on: date
) -> dict[str, list[str]]:
    """The field messages that stop an extension: a new due date after the current one, not
    in the past, within the limit; and a reason."""
    errors: dict[str, list[str]] = {}
    limit = extension_limit(req, limit_days)
    if new_due is None:
        errors["new_due_date"] = [_("Enter the new due date, like 15 1 2027.")]
    elif new_due <= req.due_date or new_due < on:
        errors["new_due_date"] = [
            _(
                "The new due date must be after the current due date, %(date)s, and not in the "
                "past. Enter a later date.",
                date=long_date(req.due_date),
            )
        ]
    elif new_due > limit:
        errors["new_due_date"] = [
            _(
                "The new due date can be no later than %(limit)s: an extension may run to at "
                "most %(days)s working days from the request date, %(sent)s. Enter an earlier "
                "date.",
                limit=long_date(limit),
                days=limit_days,
                sent=long_date(req.sent_on),
            )
        ]
    if len(_clean(reason)) < MIN_EXTENSION_REASON_CHARS:
        errors["reason"] = [_("Enter why more time is needed, so both bodies have it on record.")]
    return errors


def _moved_due_date(req, ext, by, op: str, event_type: TimelineEventType, before: dict) -> None:
    old = req.due_date
    req.due_date = ext.new_due_date
    _record(req, op, event_type, by, before, text=ext.reason, old_due=old, new_due=ext.new_due_date)
    _keep_explanation(req)


def ask_extension(
    req, by, new_due: date | None, reason: str | None, *, limit_days: int, on: date | None = None
):
    """The body asked asks for more time: a later due date, with the reason. The due date moves
    only once the requesting side agrees."""
    check_allowed(req, Operation.ASK_EXTENSION, by)
    errors = extension_problems(req, new_due, reason, limit_days=limit_days, on=on or wales_today())
    if errors:
        raise InvalidInput(errors=errors)
    before = snapshot(req, AUDITED_FIELDS)
    ext = req.extension_class(
        state=ExtensionState.ASKED,
        old_due_date=req.due_date,
        new_due_date=new_due,
        reason=_clean(reason),
        asked_by_side=REQUESTED_SIDE,
        asked_by_id=by.id,
        asked_at=utcnow(),
    )
    req.extensions.append(ext)
    _record(
        req,
        "extension_requested",
        TimelineEventType.EXTENSION_REQUESTED,
        by,
        before,
        text=ext.reason,
        old_due=req.due_date,
        new_due=new_due,
    )
    return ext


def _decide(req, ext, by, state: ExtensionState) -> None:
    ext.state = state
    ext.decided_by_side = _side_of(req, by)
    ext.decided_by_id = by.id
    ext.decided_at = utcnow()


def agree_extension(req, by, *, limit_days: int, on: date | None = None):
    """The requesting side agrees the extension asked for: the due date moves to it."""
    check_allowed(req, Operation.AGREE_EXTENSION, by)
    ext = req.pending_extension
    errors = extension_problems(
        req, ext.new_due_date, ext.reason, limit_days=limit_days, on=on or wales_today()
    )
    if errors:
        raise Conflict(
            _(
                "The extension asked for can no longer be agreed: %(why)s Refuse it, and "
                "grant a different date if more time is right.",
                why=" ".join(m for messages in errors.values() for m in messages),
            )
        )
    before = snapshot(req, AUDITED_FIELDS)
    _decide(req, ext, by, ExtensionState.AGREED)
    _moved_due_date(req, ext, by, "extension_agreed", TimelineEventType.EXTENSION_AGREED, before)
    return ext


def refuse_extension(req, by, reason: str | None):
    """The requesting side refuses the extension asked for, saying why; the due date stays."""
    check_allowed(req, Operation.REFUSE_EXTENSION, by)
    text = _require_text(
        reason,
        "reason",
        _("Enter why the extension is refused, so both bodies have it on record."),
        min_chars=MIN_EXTENSION_REASON_CHARS,
    )
    ext = req.pending_extension
    before = snapshot(req, AUDITED_FIELDS)
    _decide(req, ext, by, ExtensionState.REFUSED)
    ext.refusal_reason = text
    _record(req, "extension_refused", TimelineEventType.EXTENSION_REFUSED, by, before, text=text)
    return ext


def grant_extension(
    req, by, new_due: date | None, reason: str | None, *, limit_days: int, on: date | None = None
):
    """The requesting side gives more time of its own accord: a later due date, with the reason."""
    check_allowed(req, Operation.GRANT_EXTENSION, by)
    errors = extension_problems(req, new_due, reason, limit_days=limit_days, on=on or wales_today())
    if errors:
        raise InvalidInput(errors=errors)
    before = snapshot(req, AUDITED_FIELDS)
    now = utcnow()
    ext = req.extension_class(
        state=ExtensionState.GRANTED,
        old_due_date=req.due_date,
        new_due_date=new_due,
        reason=_clean(reason),
        asked_by_side=REQUESTER_SIDE,
        asked_by_id=by.id,
        asked_at=now,
        decided_by_side=REQUESTER_SIDE,
        decided_by_id=by.id,
        decided_at=now,
    )
    req.extensions.append(ext)
    _moved_due_date(req, ext, by, "extension_granted", TimelineEventType.EXTENSION_GRANTED, before)
    return ext


def _lapse_pending_extension(req) -> None:
    """An ask not decided before the request is answered or withdrawn lapses."""
    ext = req.pending_extension
    if ext is not None:
        ext.state = ExtensionState.LAPSED


def as_outcome(value) -> Outcome | None:
    try:
        return Outcome(value)
    except ValueError:
        return None


def answer_problems(outcome, ground: str | None, reasons: str | None, kind) -> dict:
    """The field messages that stop an answer of `kind` being recorded (empty when it may
    be): an outcome the kind allows; a ground the law recognises where the outcome needs one
    (none where it does not); written reasons of substance where the outcome needs them."""
    errors: dict[str, list[str]] = {}
    rules = kind.answers
    outcome = as_outcome(outcome)
    if outcome is None or outcome not in rules.outcomes:
        errors["outcome"] = [str(rules.choose_outcome)]
        return errors
    grounds = rules.grounds
    if not rules.needs_ground(outcome):
        if ground:
            errors["ground"] = [_("Leave the ground empty: a request complied with needs none.")]
    else:
        locale = current_locale()
        # A person reads the grounds by their words and section; a program sends their codes.
        choices = _(" or ").join(
            f"{e.label(locale)[:1].lower()}{e.label(locale)[1:]} ({e.section_for(locale)})"
            for e in grounds
        )
        if not ground:
            errors["ground"] = [
                _("Choose the ground for not complying: %(choices)s.", choices=choices)
            ]
        elif ground not in grounds:
            errors["ground"] = [
                _(
                    "“%(ground)s” is not a ground the law recognises. Choose %(choices)s "
                    "(in the API, its code: %(codes)s).",
                    ground=ground[:40],
                    choices=choices,
                    codes=_(" or ").join(e.code for e in grounds),
                )
            ]
    if rules.needs_reasons(outcome):
        restated = [label for e in (grounds or ()) for label in (e.en, e.cy)]
        problem = reasons_problem(reasons, wording=kind.reasons_wording, restated=restated)
        if problem:
            errors["written_reasons"] = [problem]
    return errors


def check_answer(
    req,
    by,
    *,
    outcome,
    ground,
    reasons,
    grounds: Catalogue | None = None,
    on: date,
    more_problems=None,
    on_behalf: OnBehalf | None = None,
) -> None:
    """Raise what stops the answer being recorded, recording nothing (a check-your-answers
    page asks this before the decision is sent). `grounds` is the kind's (kept for callers
    that pass it). An answer recorded on the body's behalf is the requester's operation."""
    check_allowed(req, Operation.RECORD_ON_BEHALF if on_behalf else Operation.RESPOND, by)
    if on_behalf is not None:
        problems = on_behalf.problems(req, on)
        if problems:
            errors = answer_problems(outcome, ground, reasons, kind_of(req))
            errors.update(problems)
            raise InvalidInput(errors=errors)
    errors = answer_problems(outcome, ground, reasons, kind_of(req))
    outcome = as_outcome(outcome)
    if more_problems is not None and outcome is not None:
        errors.update(more_problems(outcome, on))
    if errors:
        raise InvalidInput(errors=errors)


def decider_title(user) -> str:
    """How a decision's letter describes the person who made it: their job title, else their
    role in the service."""
    return (user.job_title or "").strip() or user.role.label


def letter_signer(req) -> list[str]:
    """Who signs a request's letters, of any kind: the person who sent it (for a draft, who
    made it), with their job title, else their role; the request's contact when neither is
    known."""
    sent = next(
        (e.actor for e in req.events if e.event_type is TimelineEventType.SENT and e.actor), None
    )
    user = sent or req.created_by
    if user is None:
        return [req.contact_name] if req.contact_name else []
    return [user.name, decider_title(user)]


@dataclass
class ItemInput:
    """One thing provided with an answer: what, when, how, and whether it is fact, opinion or
    history (the items-provided table of every kind)."""

    description: str | None
    nature: str | None
    provided_on: date | None
    provided_how: str | None


def _item_messages(item: ItemInput, n: int, req, on: date) -> list[str]:
    messages = []
    if not _clean(item.description):
        messages.append(_("Item %(n)s: say what was provided.", n=n))
    if item.nature not in {v.value for v in InformationNature}:
        messages.append(_("Item %(n)s: say whether it is fact, opinion or historical.", n=n))
    if item.provided_on is None or not (req.sent_on <= item.provided_on <= on):
        messages.append(
            _(
                "Item %(n)s: enter the date it was provided, between %(sent)s and today.",
                n=n,
                sent=long_date(req.sent_on),
            )
        )
    if not _clean(item.provided_how):
        messages.append(_("Item %(n)s: say how it was provided, like secure e-mail.", n=n))
    return messages


def answer_items_problems(req, outcome: Outcome, answer, on: date) -> dict[str, list[str]]:
    """The field messages on what `answer` says was provided (its `items`) and not provided
    (`not_provided`), for an answer of `outcome`: each only with an outcome the kind allows it
    for (its AnswerRules), at most MAX_ITEMS items, each complete and dated between the
    request date and `on`."""
    rules = kind_of(req).answers
    errors: dict[str, list[str]] = {}
    allowed = outcome in rules.outcomes
    if _clean(answer.not_provided) and allowed and outcome not in rules.not_provided_for:
        errors["not_provided"] = [str(rules.not_provided_only)]
    if len(answer.items) > MAX_ITEMS:
        errors["items"] = [_("List at most %(n)s items; group smaller ones together.", n=MAX_ITEMS)]
    elif answer.items and allowed and outcome not in rules.items_allowed_for:
        errors["items"] = [str(rules.nothing_provided)]
    else:
        for index, item in enumerate(answer.items):
            messages = _item_messages(item, index + 1, req, on)
            if messages:
                errors[f"items.{index}"] = messages
    return errors


def keep_answer_items(req, answer) -> None:
    """Keep what `answer` says was not provided and the items it provided, on the request."""
    req.not_provided = _clean(answer.not_provided) or None
    for item in answer.items:
        req.provided_items.append(
            req.item_class(
                description=_clean(item.description),
                nature=InformationNature(item.nature),
                provided_on=item.provided_on,
                provided_how=_clean(item.provided_how),
            )
        )
    db.session.flush()


class OnBehalf(NamedTuple):
    """An answer the body asked sent by e-mail or post, recorded by the requesting side
    because nobody at the body uses the service: who at the body answered (name, and title if
    given), how it came, and the day it was received (the answer's date)."""

    answered_by_name: str | None
    received_via: str | None
    received_on: date | None
    answered_by_title: str | None = None

    def problems(self, req, today: date) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        if not _clean(self.answered_by_name):
            errors["answered_by_name"] = [
                _("Enter the name of the person at the body who sent the answer.")
            ]
        elif len(_clean(self.answered_by_name)) > 200:
            errors["answered_by_name"] = [too_long(200)]
        if self.received_via not in {v.value for v in ReceivedVia}:
            errors["received_via"] = [_("Choose how the answer was received, like e-mail or post.")]
        if self.received_on is None or not (req.sent_on <= self.received_on <= today):
            errors["received_on"] = [
                _(
                    "Enter the date the answer was received, between %(sent)s and today.",
                    sent=long_date(req.sent_on),
                )
            ]
        return errors


def record_answer(
    req,
    by,
    *,
    outcome,
    ground: str | None,
    reasons: str | None,
    grounds: Catalogue | None = None,
    on: date | None = None,
    more_problems=None,
    on_behalf: OnBehalf | None = None,
) -> None:
    """The answer, in one of the outcomes the kind allows, with the ground and written
    reasons of substance the outcome needs. `more_problems(outcome, on)` adds the domain's
    own field messages, so that every problem is reported at once. With `on_behalf`, `by` is
    the requesting side's user recording an answer received by e-mail or post; the answer's
    date is the day it was received."""
    today = wales_today()
    on = (on_behalf.received_on if on_behalf else on) or today
    check_answer(
        req,
        by,
        outcome=outcome,
        ground=ground,
        reasons=reasons,
        on=on if on_behalf is None else max(on, today),
        more_problems=more_problems,
        on_behalf=on_behalf,
    )
    outcome = as_outcome(outcome)
    before = snapshot(req, AUDITED_FIELDS)
    old = new = req.due_date
    if req.state == RequestState.AWAITING_CLARIFICATION:
        old, new = _restart_clock(req, on)
    _lapse_pending_extension(req)
    req.state = RequestState.ANSWERED
    req.outcome = outcome
    req.ground = ground if kind_of(req).answers.needs_ground(outcome) else None
    req.written_reasons = _clean(reasons) or None
    req.answered_at = utcnow()
    req.answered_on = on
    if on_behalf is None:
        req.answered_by = by
        req.answered_by_title = (by.job_title or "").strip() or None
    else:
        req.answered_by = None
        req.answered_by_name = _clean(on_behalf.answered_by_name)
        req.answered_by_title = _clean(on_behalf.answered_by_title)[:200] or None
        req.answer_received_via = ReceivedVia(on_behalf.received_via)
        req.answer_recorded_by = by
    req.working_days_to_answer = max(
        0, working_days_between(req.sent_on, on) - req.stopped_working_days
    )
    _record(
        req,
        "answer_recorded" if on_behalf else "answered",
        TimelineEventType.ANSWER_RECORDED if on_behalf else TimelineEventType.ANSWERED,
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
    """The requester no longer needs an answer; the reason is kept. The other parties are
    told, once they had the request."""
    was_sent = req.state != RequestState.DRAFT
    check_allowed(req, Operation.WITHDRAW, by)
    text = _require_text(
        reason, "reason", _("Enter why the request is being withdrawn."), min_chars=5
    )
    before = snapshot(req, AUDITED_FIELDS)
    _lapse_pending_extension(req)
    req.state = RequestState.WITHDRAWN
    req.withdrawn_at = utcnow()
    req.withdrawal_reason = text
    req.clock_stopped_on = None
    _record(req, "withdrawn", TimelineEventType.WITHDRAWN, by, before, text=text)
    if was_sent:
        notices.withdrawn(req)


# ----------------------------------------------------------------- reading one request


def get_request_for(kind, user, request_id: int):
    """The request with its bodies, timeline, extensions and items provided, in a fixed number
    of queries; NotFound (the kind's message) when it does not exist or `user` may not see it."""
    from ..accounts.models import User

    model = kind.model
    event = model.events.property.mapper.class_
    # Users without their organisation: a plain join on the key (SQLite would otherwise build
    # a temporary index over all users for the nested join).
    req = db.session.scalar(
        sa.select(model)
        .where(model.id == request_id, model.visible_to(user))
        .options(
            *(joinedload(getattr(model, party.relationship)) for party in kind.parties),
            joinedload(model.answered_by).lazyload(User.organisation),
            joinedload(model.created_by).lazyload(User.organisation),
            selectinload(model.events).options(
                joinedload(event.actor).lazyload(User.organisation),
                joinedload(event.organisation),
            ),
            selectinload(model.provided_items),
            selectinload(model.extensions),
        )
    )
    if req is None:
        raise NotFound(str(kind.not_found))
    return req
