"""A s.137 request: the shared request lifecycle with what is s.137's own: why the body asked
qualifies, what the information relates to (s.137(3)), the body it goes to (`provide_to`), the
board function it serves, and answers complied / partly complied / not complied with."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import enum_type
from ..extensions import db
from ..lifecycle.models import (
    ExtensionMixin,
    ProvidedItemMixin,
    RequestLifecycleMixin,
    RequestState,
    TimelineEventMixin,
    extension_constraints,
    lifecycle_constraints,
    lifecycle_indexes,
)


class BoardOutcome(enum.StrEnum):
    """How a body answered a s.137 request (the board's annual report counts these)."""

    COMPLIED = "complied"
    PARTLY_COMPLIED = "partly_complied"
    NOT_COMPLIED = "not_complied"

    @property
    def label(self) -> str:
        return str(BOARD_OUTCOME_LABELS[self])

    @property
    def needs_reasons(self) -> bool:
        return self is not BoardOutcome.COMPLIED

    @property
    def needs_ground_and_reasons(self) -> bool:
        """s.137 has no statutory grounds: the lifecycle stores none."""
        return False


BOARD_OUTCOME_LABELS = {
    BoardOutcome.COMPLIED: _l("Complied with"),
    BoardOutcome.PARTLY_COMPLIED: _l("Partly complied with"),
    BoardOutcome.NOT_COMPLIED: _l("Not complied with"),
}


class BoardPurpose(enum.StrEnum):
    """Which of the board's functions the information is for."""

    CHILD_PRACTICE_REVIEW = "child_practice_review"
    ADULT_PRACTICE_REVIEW = "adult_practice_review"
    MULTI_AGENCY_AUDIT = "multi_agency_audit"
    POLICY_AND_PROCEDURE = "policy_and_procedure"
    PERFORMANCE = "performance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(PURPOSE_LABELS[self])


PURPOSE_LABELS = {
    BoardPurpose.CHILD_PRACTICE_REVIEW: _l("Child Practice Review"),
    BoardPurpose.ADULT_PRACTICE_REVIEW: _l("Adult Practice Review"),
    BoardPurpose.MULTI_AGENCY_AUDIT: _l("Multi-agency audit"),
    BoardPurpose.POLICY_AND_PROCEDURE: _l("Safeguarding policy and procedures"),
    BoardPurpose.PERFORMANCE: _l("Monitoring safeguarding performance"),
    BoardPurpose.OTHER: _l("Another function of the board"),
}


class ReceivedHow(enum.StrEnum):
    """How an answer recorded on the body's behalf reached the board."""

    EMAIL = "email"
    POST = "post"
    BY_HAND = "by_hand"
    TELEPHONE = "telephone"

    @property
    def label(self) -> str:
        return str(RECEIVED_HOW_LABELS[self])


RECEIVED_HOW_LABELS = {
    ReceivedHow.EMAIL: _l("By e-mail"),
    ReceivedHow.POST: _l("By post"),
    ReceivedHow.BY_HAND: _l("By hand"),
    ReceivedHow.TELEPHONE: _l("By telephone"),
}

PROTECTIVE_MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


class BoardRequest(RequestLifecycleMixin, db.Model):
    """A s.137 request from a Safeguarding Board to a qualifying person or body."""

    __tablename__ = "board_requests"
    __table_args__ = (
        *lifecycle_constraints((), refusal_outcomes=("partly_complied", "not_complied")),
        *lifecycle_indexes("board_requests"),
        sa.Index(
            "ix_board_requests_provide_to_state_due", "provide_to_org_id", "state", "due_date"
        ),
        sa.CheckConstraint("requesting_org_id <> requested_org_id", name="two_bodies"),
        sa.CheckConstraint(
            "provide_to_org_id IS NULL OR (provide_to_org_id <> requested_org_id "
            "AND provide_to_org_id <> requesting_org_id)",
            name="provide_to_a_third_body",
        ),
        sa.CheckConstraint(
            "(answered_on_behalf = false AND received_from IS NULL AND received_how IS NULL) "
            "OR (answered_on_behalf = true AND received_from IS NOT NULL "
            "AND received_how IS NOT NULL AND answered_on IS NOT NULL)",
            name="on_behalf_says_who_and_how",
        ),
        sa.CheckConstraint(
            "(escalated_on IS NULL) = (escalation_note IS NULL)", name="escalation_dated"
        ),
    )

    REFERENCE_PREFIX = "S137"
    AUDIT_NAME = "board_request"
    GROUNDS = None

    outcome: Mapped[BoardOutcome | None] = mapped_column(enum_type(BoardOutcome, "outcome"))
    provide_to_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    why_qualifying: Mapped[str] = mapped_column(sa.Text, nullable=False)
    information_specified: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # s137-a, s137-b, s137-c: at least one.
    relates_to: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False)
    purpose: Mapped[BoardPurpose] = mapped_column(
        enum_type(BoardPurpose, "purpose"), nullable=False
    )
    purpose_detail: Mapped[str | None] = mapped_column(sa.String(500))
    # A review's own number, such as a Child Practice Review's (CPR-CV-2026-03).
    review_reference: Mapped[str | None] = mapped_column(sa.String(40))
    protective_marking: Mapped[str] = mapped_column(
        sa.String(24), nullable=False, default="OFFICIAL"
    )
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    not_provided: Mapped[str | None] = mapped_column(sa.Text)
    # An answer received by e-mail or post from a body without users, recorded by the board.
    answered_on_behalf: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    received_from: Mapped[str | None] = mapped_column(sa.String(200))
    received_how: Mapped[ReceivedHow | None] = mapped_column(enum_type(ReceivedHow, "received_how"))
    # The board's follow-up of a late or refused answer.
    escalation_note: Mapped[str | None] = mapped_column(sa.Text)
    escalated_on: Mapped[date | None] = mapped_column(sa.Date)

    provide_to: Mapped[object | None] = relationship(
        "Organisation", foreign_keys=[provide_to_org_id]
    )
    events: Mapped[list[BoardEvent]] = relationship(
        back_populates="request",
        order_by=lambda: (BoardEvent.occurred_at, BoardEvent.id),
        cascade="all, delete-orphan",
    )
    extensions: Mapped[list[BoardExtension]] = relationship(
        back_populates="request", order_by=lambda: BoardExtension.id, cascade="all, delete-orphan"
    )
    provided_items: Mapped[list[BoardProvidedItem]] = relationship(
        back_populates="request",
        order_by=lambda: BoardProvidedItem.id,
        cascade="all, delete-orphan",
    )

    @property
    def event_class(self):
        return BoardEvent

    @property
    def extension_class(self):
        return BoardExtension

    # ------------------------------------------------------------- the third party

    def is_provide_to(self, user) -> bool:
        """The body the information goes to, when it is not the board, sees the request once
        it is sent (and acts on nothing)."""
        return (
            self.provide_to_org_id is not None
            and user.organisation_id == self.provide_to_org_id
            and self.state != RequestState.DRAFT
        )

    def can_view(self, user) -> bool:
        return super().can_view(user) or self.is_provide_to(user)

    @classmethod
    def visible_sides(cls, user) -> tuple:
        """The board's requests, those made to the user's body, and those whose information
        goes to it: three sides that never share a request (a CHECK keeps the three bodies
        apart)."""
        sides = super().visible_sides(user)
        if user.can_read_everything:
            return sides
        return (
            *sides,
            sa.and_(cls.provide_to_org_id == user.organisation_id, cls.state != RequestState.DRAFT),
        )

    def __repr__(self) -> str:
        return f"<BoardRequest {self.reference}>"


class BoardEvent(TimelineEventMixin, db.Model):
    """The timeline of a s.137 request."""

    __tablename__ = "board_request_events"
    __table_args__ = (
        sa.Index("ix_board_request_events_request_id_occurred_at", "request_id", "occurred_at"),
    )

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("board_requests.id", ondelete="CASCADE"), nullable=False
    )
    request: Mapped[BoardRequest] = relationship(back_populates="events")


class BoardExtension(ExtensionMixin, db.Model):
    """More time for a s.137 request."""

    __tablename__ = "board_request_extensions"
    __table_args__ = extension_constraints()

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("board_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    request: Mapped[BoardRequest] = relationship(back_populates="extensions")


class BoardProvidedItem(ProvidedItemMixin, db.Model):
    """One thing a body provided in answer to a s.137 request."""

    __tablename__ = "board_provided_items"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("board_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    request: Mapped[BoardRequest] = relationship(back_populates="provided_items")
