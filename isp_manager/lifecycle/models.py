"""States, column mixins and the shared timeline shape of a request between two bodies.

A domain table (cooperation_requests, later board_requests) mixes in RequestLifecycleMixin
and adds `lifecycle_constraints(...)` and `lifecycle_indexes(...)` to its __table_args__;
its timeline table mixes in TimelineEventMixin and adds the foreign key to the request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..db import UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l


class RequestState(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    RequestState.DRAFT: _l("Draft"),
    RequestState.SENT: _l("Sent"),
    RequestState.ACKNOWLEDGED: _l("Acknowledged"),
    RequestState.AWAITING_CLARIFICATION: _l("Awaiting clarification"),
    RequestState.ANSWERED: _l("Answered"),
    RequestState.CLOSED: _l("Closed"),
    RequestState.WITHDRAWN: _l("Withdrawn"),
}

# Waiting for the body asked: an answer is due.
OPEN_STATES = (
    RequestState.SENT,
    RequestState.ACKNOWLEDGED,
    RequestState.AWAITING_CLARIFICATION,
)
# The clock runs (it stops while a clarification is awaited).
CLOCK_RUNNING_STATES = (RequestState.SENT, RequestState.ACKNOWLEDGED)
ANSWERED_STATES = (RequestState.ANSWERED, RequestState.CLOSED)


class Outcome(enum.StrEnum):
    COMPLIED = "complied"
    PARTLY_COMPLIED = "partly_complied"
    DECLINED = "declined"  # s.164: declined on a statutory ground
    NOT_COMPLIED = "not_complied"  # s.137: not complied with, with the body's reasons

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])

    @property
    def is_refusal(self) -> bool:
        """Not complied with in full: the answer says why (and, for s.164, on which ground)."""
        return self is not Outcome.COMPLIED

    @property
    def needs_ground_and_reasons(self) -> bool:
        return self.is_refusal


OUTCOME_LABELS = {
    Outcome.COMPLIED: _l("Complied with"),
    Outcome.PARTLY_COMPLIED: _l("Partly complied with"),
    Outcome.DECLINED: _l("Declined"),
    Outcome.NOT_COMPLIED: _l("Not complied with"),
}


class ReceivedVia(enum.StrEnum):
    """How an answer recorded on the body's behalf reached the body that made the request."""

    EMAIL = "email"
    SECURE_EMAIL = "secure_email"
    POST = "post"
    BY_HAND = "by_hand"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return str(RECEIVED_VIA_LABELS[self])


RECEIVED_VIA_LABELS = {
    ReceivedVia.EMAIL: _l("E-mail"),
    ReceivedVia.SECURE_EMAIL: _l("Secure e-mail"),
    ReceivedVia.POST: _l("Post"),
    ReceivedVia.BY_HAND: _l("By hand"),
    ReceivedVia.PHONE: _l("Telephone"),
}


class DeadlineStatus(enum.StrEnum):
    """Derived from the due date and today; never stored."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return str(DEADLINE_LABELS[self])


DEADLINE_LABELS = {DeadlineStatus.DUE_SOON: _l("Due soon"), DeadlineStatus.OVERDUE: _l("Overdue")}


class TimelineEventType(enum.StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_ANSWERED = "clarification_answered"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_AGREED = "extension_agreed"
    EXTENSION_REFUSED = "extension_refused"
    EXTENSION_GRANTED = "extension_granted"
    ANSWERED = "answered"
    ANSWER_RECORDED = "answer_recorded"  # received by e-mail or post, recorded on its behalf
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self])


EVENT_LABELS = {
    TimelineEventType.DRAFTED: _l("Draft saved"),
    TimelineEventType.SENT: _l("Request sent"),
    TimelineEventType.ACKNOWLEDGED: _l("Request acknowledged"),
    TimelineEventType.CLARIFICATION_REQUESTED: _l("Clarification asked for (clock stopped)"),
    TimelineEventType.CLARIFICATION_ANSWERED: _l("Clarification given (clock restarted)"),
    TimelineEventType.EXTENSION_REQUESTED: _l("Extension asked for"),
    TimelineEventType.EXTENSION_AGREED: _l("Extension agreed"),
    TimelineEventType.EXTENSION_REFUSED: _l("Extension refused"),
    TimelineEventType.EXTENSION_GRANTED: _l("Extension granted"),
    TimelineEventType.ANSWERED: _l("Answered"),
    TimelineEventType.ANSWER_RECORDED: _l("Answer received and recorded on the body's behalf"),
    TimelineEventType.CLOSED: _l("Closed"),
    TimelineEventType.WITHDRAWN: _l("Withdrawn"),
}


class ExtensionState(enum.StrEnum):
    """An extension is asked for by the body asked and agreed or refused by the body that made
    the request, or granted by that body of its own accord; an ask not decided before the
    request is answered or withdrawn lapses."""

    ASKED = "asked"
    AGREED = "agreed"
    REFUSED = "refused"
    GRANTED = "granted"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return str(EXTENSION_STATE_LABELS[self])


EXTENSION_STATE_LABELS = {
    ExtensionState.ASKED: _l("Waiting for a decision"),
    ExtensionState.AGREED: _l("Agreed"),
    ExtensionState.REFUSED: _l("Refused"),
    ExtensionState.GRANTED: _l("Granted"),
    ExtensionState.LAPSED: _l("Lapsed"),
}

# The two sides of a request, as stored on an extension (who asked, who decided).
REQUESTER_SIDE = "requester"
REQUESTED_SIDE = "requested"


class InformationNature(enum.StrEnum):
    """The guide's "accurate" principle: say whether what is shared is fact, opinion or history."""

    FACT = "fact"
    OPINION = "opinion"
    HISTORICAL = "historical"

    @property
    def label(self) -> str:
        return str(NATURE_LABELS[self])


NATURE_LABELS = {
    InformationNature.FACT: _l("Fact"),
    InformationNature.OPINION: _l("Opinion"),
    InformationNature.HISTORICAL: _l("Historical"),
}


class ReferenceSequence(db.Model):
    """The last number issued per reference prefix and year (S164-2026-000123)."""

    __tablename__ = "reference_sequences"

    prefix: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


# Written reasons shorter than this are refused by the database itself; the service asks
# for more substance than that (see reasons.py).
DB_MIN_REASON_CHARS = 20


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


# The predicate of the open-requests indexes; the open lists filter with the same IN list.
OPEN_PREDICATE = _in("state", OPEN_STATES)
# Answers the body that asked has not read: a few of its requests, counted on every home page
# from a partial index of their own (the query repeats the predicate word for word, so both
# databases see that the index holds every row it needs).
UNREAD_ANSWER_PREDICATE = "answer_read_at IS NULL AND " + _in("state", ANSWERED_STATES)


def lifecycle_constraints(
    ground_codes: tuple[str, ...],
    *,
    reasons_outcomes: tuple[str, ...] = ("partly_complied", "declined"),
    ground_outcomes: tuple[str, ...] | None = None,
) -> tuple[sa.CheckConstraint, ...]:
    """CHECK constraints that tie each state to the fields it requires. A kind names the
    outcomes that need written reasons and those that need a ground (by default the same; a
    kind without grounds passes no codes, and then no request of it has a ground)."""
    answered = _in("state", ANSWERED_STATES)
    reasoned = _in("outcome", reasons_outcomes)
    if ground_outcomes is None:
        ground_outcomes = reasons_outcomes if ground_codes else ()
    if ground_codes and tuple(ground_outcomes) == tuple(reasons_outcomes):
        refusal_checks = (
            sa.CheckConstraint(
                f"NOT ({reasoned}) OR (ground IS NOT NULL AND written_reasons IS NOT NULL "
                f"AND length(trim(written_reasons)) >= {DB_MIN_REASON_CHARS})",
                name="refusal_has_ground_and_reasons",
            ),
            sa.CheckConstraint(
                f"ground IS NULL OR ({reasoned} AND {_in('ground', ground_codes)})",
                name="ground_code",
            ),
        )
    else:
        grounded = _in("outcome", ground_outcomes) if ground_outcomes else "1 = 0"
        refusal_checks = (
            sa.CheckConstraint(
                f"NOT ({reasoned}) OR (written_reasons IS NOT NULL "
                f"AND length(trim(written_reasons)) >= {DB_MIN_REASON_CHARS})",
                name="refusal_has_reasons",
            ),
            sa.CheckConstraint(
                f"ground IS NULL OR ({grounded} AND {_in('ground', ground_codes or ('',))})"
                if ground_outcomes
                else "ground IS NULL",
                name="ground_code",
            ),
        )
    return (
        sa.CheckConstraint(
            f"({answered} AND outcome IS NOT NULL AND answered_on IS NOT NULL) "
            f"OR (NOT ({answered}) AND outcome IS NULL)",
            name="outcome_when_answered",
        ),
        *refusal_checks,
        sa.CheckConstraint(
            "answer_received_via IS NULL OR (answer_recorded_by_id IS NOT NULL "
            "AND answered_by_name IS NOT NULL AND answered_on IS NOT NULL)",
            name="on_behalf_answer_recorded",
        ),
        sa.CheckConstraint(
            "state <> 'withdrawn' OR (withdrawal_reason IS NOT NULL AND withdrawn_at IS NOT NULL)",
            name="withdrawn_has_reason",
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'withdrawn') OR (sent_on IS NOT NULL AND due_date IS NOT NULL)",
            name="sent_has_due_date",
        ),
        sa.CheckConstraint(
            "due_date IS NULL OR sent_on IS NULL OR due_date >= sent_on",
            name="due_not_before_request",
        ),
        sa.CheckConstraint(
            "state <> 'awaiting_clarification' OR clock_stopped_on IS NOT NULL",
            name="clock_stopped_when_awaiting",
        ),
    )


MIN_EXTENSION_REASON_CHARS = 10


def extension_constraints() -> tuple[sa.CheckConstraint, ...]:
    """CHECK constraints of an extension: a later date with a reason; asked for by the body
    asked and decided by the other side (never agreed by the side that asked for it); granted
    only by the body that made the request; a refusal has its reason."""
    sides = f"('{REQUESTER_SIDE}', '{REQUESTED_SIDE}')"
    decided = "state IN ('agreed', 'refused')"
    return (
        sa.CheckConstraint("new_due_date > old_due_date", name="later_date"),
        sa.CheckConstraint(
            f"length(trim(reason)) >= {MIN_EXTENSION_REASON_CHARS}", name="has_reason"
        ),
        sa.CheckConstraint(
            f"(state = 'granted' AND asked_by_side = '{REQUESTER_SIDE}') "
            f"OR (state <> 'granted' AND asked_by_side = '{REQUESTED_SIDE}')",
            name="asked_by_the_right_side",
        ),
        sa.CheckConstraint(
            f"NOT ({decided}) OR (decided_at IS NOT NULL AND decided_by_side IN {sides} "
            "AND decided_by_side <> asked_by_side)",
            name="decided_by_the_other_side",
        ),
        sa.CheckConstraint(
            f"state <> 'refused' OR (refusal_reason IS NOT NULL "
            f"AND length(trim(refusal_reason)) >= {MIN_EXTENSION_REASON_CHARS})",
            name="refusal_has_reason",
        ),
        sa.CheckConstraint("state <> 'asked' OR decided_at IS NULL", name="asked_is_undecided"),
    )


class ExtensionMixin:
    """More time for a request: asked for by one side and agreed or refused by the other, or
    granted by the requesting side of its own accord. The domain table adds `request_id`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[ExtensionState] = mapped_column(
        enum_type(ExtensionState, "extension_state"), nullable=False
    )
    old_due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    new_due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    asked_by_side: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_by_side: Mapped[str | None] = mapped_column(sa.String(16))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)

    @declared_attr
    def asked_by(cls):
        return relationship("User", foreign_keys=[cls.asked_by_id])

    @declared_attr
    def decided_by(cls):
        return relationship("User", foreign_keys=[cls.decided_by_id])


# What the yearly figures read, so that they come from the index alone.
FIGURES_COLUMNS = (
    "state",
    "outcome",
    "ground",
    "answered_on",
    "due_date",
    "working_days_to_answer",
)


def lifecycle_indexes(table: str) -> tuple[sa.Index, ...]:
    """Indexes for the inbox and outbox (per side: by state for counts and one-state lists; by
    due date with the state beside it, so a list in due-date order filters on the index
    alone), for everything an administrator sees, for figures (per side and request date,
    covering what they count) and for reminders (state and due date). The open requests of a
    side, in due-date order, have a partial index of their own: they are a small part of a
    body's requests and sit at the end of the due-date order, so walking the full index for
    a page of them would read and discard most of the body's rows (PostgreSQL does)."""
    return (
        sa.Index(f"ix_{table}_requested_state_due", "requested_org_id", "state", "due_date"),
        sa.Index(f"ix_{table}_requesting_state_due", "requesting_org_id", "state", "due_date"),
        sa.Index(f"ix_{table}_requested_due_state", "requested_org_id", "due_date", "state"),
        sa.Index(f"ix_{table}_requesting_due_state", "requesting_org_id", "due_date", "state"),
        sa.Index(f"ix_{table}_due_state", "due_date", "state"),
        sa.Index(f"ix_{table}_requested_figures", "requested_org_id", "sent_on", *FIGURES_COLUMNS),
        sa.Index(
            f"ix_{table}_requesting_figures", "requesting_org_id", "sent_on", *FIGURES_COLUMNS
        ),
        sa.Index(f"ix_{table}_state_due", "state", "due_date"),
        *(
            sa.Index(
                f"ix_{table}_{side}_open_due",
                f"{side}_org_id",
                "due_date",
                "id",
                sqlite_where=sa.text(OPEN_PREDICATE),
                postgresql_where=sa.text(OPEN_PREDICATE),
            )
            for side in ("requested", "requesting")
        ),
    )


class RequestLifecycleMixin:
    """The columns every request between two bodies carries, and who may see and act on it.

    The requesting side is the body that asks (a council under s.164, a board under s.137);
    the requested side is the body asked. A draft is seen by the requesting side only.
    """

    REFERENCE_PREFIX: str  # e.g. "S164"
    AUDIT_NAME: str  # e.g. "cooperation_request"

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    reference: Mapped[str] = mapped_column(
        sa.String(24), unique=True, nullable=False, sort_order=-1
    )
    requesting_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False
    )
    requested_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The requesting body's own case or file number for the request, to find it again by.
    case_reference: Mapped[str | None] = mapped_column(sa.String(60))
    state: Mapped[RequestState] = mapped_column(
        enum_type(RequestState, "state"), nullable=False, default=RequestState.DRAFT
    )
    is_urgent: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    urgent_reason: Mapped[str | None] = mapped_column(sa.String(500))
    requested_due_date: Mapped[date | None] = mapped_column(sa.Date)  # an earlier, urgent date
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_on: Mapped[date | None] = mapped_column(sa.Date)  # the request date, in Wales
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    due_explanation: Mapped[str | None] = mapped_column(sa.Text)
    clock_stopped_on: Mapped[date | None] = mapped_column(sa.Date)
    stopped_working_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome, "outcome"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_on: Mapped[date | None] = mapped_column(sa.Date)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Who decided, as their account described them then: job title, else role.
    answered_by_title: Mapped[str | None] = mapped_column(sa.String(200))
    # An answer the body sent by e-mail or post, recorded on its behalf by the requesting side
    # (the body asked has no users): who at the body answered, how it was received, and who
    # recorded it. `answered_on` is the day it was received.
    answered_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    answer_received_via: Mapped[ReceivedVia | None] = mapped_column(
        enum_type(ReceivedVia, "answer_received_via")
    )
    answer_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Working days from the request to the answer, less the days the clock was stopped.
    working_days_to_answer: Mapped[int | None] = mapped_column(sa.Integer)
    ground: Mapped[str | None] = mapped_column(sa.String(32))
    written_reasons: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    @declared_attr
    def requesting_org(cls):
        return relationship("Organisation", foreign_keys=[cls.requesting_org_id])

    @declared_attr
    def requested_org(cls):
        return relationship("Organisation", foreign_keys=[cls.requested_org_id])

    @declared_attr
    def created_by(cls):
        return relationship("User", foreign_keys=[cls.created_by_id])

    @declared_attr
    def answered_by(cls):
        return relationship("User", foreign_keys=[cls.answered_by_id])

    @declared_attr
    def answer_recorded_by(cls):
        return relationship("User", foreign_keys=[cls.answer_recorded_by_id])

    @property
    def answered_on_behalf(self) -> bool:
        """The answer came by e-mail or post and was recorded by the requesting side."""
        return self.answer_received_via is not None

    @property
    def kind(self):
        from .kinds import kind_of

        return kind_of(self)

    # ------------------------------------------------------------- derived state

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def clock_running(self) -> bool:
        return self.state in CLOCK_RUNNING_STATES

    @property
    def pending_extension(self):
        """The extension asked for and not yet agreed or refused, if any."""
        return next((e for e in self.extensions if e.state is ExtensionState.ASKED), None)

    def deadline_status(self, today: date, due_soon_until: date) -> DeadlineStatus | None:
        """Overdue after the due date, due soon up to `due_soon_until`, while the clock runs."""
        if not self.clock_running or self.due_date is None:
            return None
        if self.due_date < today:
            return DeadlineStatus.OVERDUE
        if self.due_date <= due_soon_until:
            return DeadlineStatus.DUE_SOON
        return None

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_on is None or self.due_date is None:
            return None
        return self.answered_on <= self.due_date

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.reference}>"

    # ------------------------------------------------------------- the kind's child tables

    @property
    def event_class(self):
        return type(self).events.property.mapper.class_

    @property
    def extension_class(self):
        return type(self).extensions.property.mapper.class_

    @property
    def item_class(self):
        return type(self).provided_items.property.mapper.class_

    # ------------------------------------------------------------- access
    # The rules are lifecycle.access's table; these read it for one request.

    def can(self, user, action) -> bool:
        from .access import can

        return can(user, action, self)

    def can_view(self, user) -> bool:
        return self.can(user, "view")

    def is_requester(self, user) -> bool:
        from .access import holds
        from .kinds import Relation

        return holds(user, Relation.REQUESTER, self)

    def is_requested(self, user) -> bool:
        from .access import holds
        from .kinds import Relation

        return holds(user, Relation.BODY_ASKED, self)

    @classmethod
    def visible_to(cls, user):
        """A WHERE clause selecting the requests `user` may see (for lists and counts)."""
        from .access import visible_to

        return visible_to(cls, user)

    @classmethod
    def visible_sides(cls, user) -> tuple:
        """What visible_to selects, as one WHERE clause per relation (see access.visible_sides):
        a list in due-date order can read each side from its own (organisation, due date)
        index and stop early, where the sides OR-ed together read and sort every request of
        the body. Admins and auditors have one side: every request."""
        from .access import visible_sides

        return visible_sides(cls, user)


class ProvidedItemMixin:
    """One thing provided in answer: what, when, how, and whether it is fact, opinion or
    history. The domain table adds `request_id`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    nature: Mapped[InformationNature] = mapped_column(
        enum_type(InformationNature, "information_nature"), nullable=False
    )
    provided_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    provided_how: Mapped[str] = mapped_column(sa.String(200), nullable=False)


class TimelineEventMixin:
    """One step in a request's history, seen by both sides: who, which body, when, what was
    said, and how the due date moved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_type: Mapped[TimelineEventType] = mapped_column(
        enum_type(TimelineEventType, "event_type"), nullable=False
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    text: Mapped[str | None] = mapped_column(sa.Text)
    old_due_date: Mapped[date | None] = mapped_column(sa.Date)
    new_due_date: Mapped[date | None] = mapped_column(sa.Date)

    @declared_attr
    def actor(cls):
        return relationship("User", foreign_keys=[cls.actor_id])

    @declared_attr
    def organisation(cls):
        return relationship("Organisation", foreign_keys=[cls.organisation_id])


def request_children(event: str, extension: str, item: str) -> tuple:
    """A request's timeline (in order), extensions and items provided, from the names of the
    kind's child models (child_models): `events, extensions, provided_items = ...`."""

    def children(model: str, order_by: str):
        return relationship(
            model, back_populates="request", order_by=order_by, cascade="all, delete-orphan"
        )

    return (
        children(event, f"[{event}.occurred_at, {event}.id]"),
        children(extension, f"{extension}.id"),
        children(item, f"{item}.id"),
    )


def child_models(
    request: type, event: tuple[str, str], extension: tuple[str, str], item: tuple[str, str]
) -> tuple[type, type, type]:
    """The three child tables of a kind's requests (`request`, the model), the same for every
    kind but for their (class name, table name): its timeline (TimelineEventMixin, indexed by
    request and time), its extensions (ExtensionMixin, with their constraints) and the items
    provided with an answer (ProvidedItemMixin). Each has `request_id` (deleted with the
    request) and `request`; the request model has them as request_children(...)."""

    def model(names, mixin: type, back: str, doc: str, table_args=(), *, index=True):
        key = sa.ForeignKey(f"{request.__tablename__}.id", ondelete="CASCADE")
        body = {
            "__module__": request.__module__,
            "__doc__": doc,
            "__tablename__": names[1],
            "__table_args__": table_args,
            "request_id": mapped_column(sa.Integer, key, nullable=False, index=index),
            "request": relationship(request, back_populates=back),
        }
        return type(names[0], (mixin, db.Model), body)

    by_time = sa.Index(f"ix_{event[1]}_request_id_occurred_at", "request_id", "occurred_at")
    return (
        model(
            event, TimelineEventMixin, "events", "A request's timeline.", (by_time,), index=False
        ),
        model(
            extension,
            ExtensionMixin,
            "extensions",
            "More time for a request.",
            extension_constraints(),
        ),
        model(item, ProvidedItemMixin, "provided_items", "One thing provided in answer."),
    )
