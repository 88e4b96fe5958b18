"""A s.137 request: the shared request lifecycle with what is s.137's own: why the body asked
qualifies, what the information relates to (s.137(3)), the body it goes to (`provide_to`), the
board function it serves, and answers complied / partly complied / not complied with."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import enum_type
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..lifecycle.models import (
    OPEN_PREDICATE,
    OUTCOME_LABELS,
    Outcome,
    RequestLifecycleMixin,
    child_models,
    lifecycle_constraints,
    lifecycle_indexes,
    request_children,
)
from ..retention.models import RetentionMixin

# s.137's answers, in the lifecycle's outcome vocabulary (s.164's "declined" is not one).
BoardOutcome = Outcome
BOARD_OUTCOMES = (Outcome.COMPLIED, Outcome.PARTLY_COMPLIED, Outcome.NOT_COMPLIED)
BOARD_OUTCOME_LABELS = {o: OUTCOME_LABELS[o] for o in BOARD_OUTCOMES}
# What was not provided needs the body's reasons (s.137 has no statutory grounds).
REASONED_OUTCOMES = ("partly_complied", "not_complied")


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


PROTECTIVE_MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


class BoardRequest(RetentionMixin, RequestLifecycleMixin, db.Model):
    """A s.137 request from a Safeguarding Board to a qualifying person or body."""

    __tablename__ = "board_requests"
    __table_args__ = (
        *lifecycle_constraints((), reasons_outcomes=REASONED_OUTCOMES),
        *lifecycle_indexes("board_requests"),
        sa.Index(
            "ix_board_requests_provide_to_state_due", "provide_to_org_id", "state", "due_date"
        ),
        # The open requests whose information goes to a body, in due-date order, as each
        # side has (see lifecycle_indexes): a body's list reads them without discarding rows.
        sa.Index(
            "ix_board_requests_provide_to_open_due",
            "provide_to_org_id",
            "due_date",
            "id",
            sqlite_where=sa.text(OPEN_PREDICATE),
            postgresql_where=sa.text(OPEN_PREDICATE),
        ),
        sa.CheckConstraint("requesting_org_id <> requested_org_id", name="two_bodies"),
        sa.CheckConstraint(
            "provide_to_org_id IS NULL OR (provide_to_org_id <> requested_org_id "
            "AND provide_to_org_id <> requesting_org_id)",
            name="provide_to_a_third_body",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('complied', 'partly_complied', 'not_complied')",
            name="s137_outcome",
        ),
        sa.CheckConstraint(
            "(escalated_on IS NULL) = (escalation_note IS NULL)", name="escalation_dated"
        ),
    )

    REFERENCE_PREFIX = "S137"
    AUDIT_NAME = "board_request"
    GROUNDS = None

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
    # The board's follow-up of a late or refused answer.
    escalation_note: Mapped[str | None] = mapped_column(sa.Text)
    escalated_on: Mapped[date | None] = mapped_column(sa.Date)

    provide_to: Mapped[object | None] = relationship(
        "Organisation", foreign_keys=[provide_to_org_id]
    )
    events, extensions, provided_items = request_children(
        "BoardEvent", "BoardExtension", "BoardProvidedItem"
    )

    # ------------------------------------------------------------- on-behalf answers
    # The board's API and pages name the lifecycle's on-behalf columns as it always has:
    # who sent the answer, and how it arrived.

    @property
    def received_from(self) -> str | None:
        return self.answered_by_name

    @property
    def received_how(self):
        return self.answer_received_via

    # ------------------------------------------------------------- access
    # The body the information goes to (provide_to) sees the request once it is sent and acts
    # on nothing: lifecycle.access's table, through the kind's parties (see kind.py).

    def is_provide_to(self, user) -> bool:
        from ..lifecycle.access import holds
        from ..lifecycle.kinds import Relation

        return holds(user, Relation.PROVIDE_TO, self)

    def can_act_as_requester(self, user) -> bool:
        """The board that made the request, as one of its users who change things."""
        return self.can(user, "close")


# Its timeline, extensions and items provided: the lifecycle's tables, under s.137's names.
BoardEvent, BoardExtension, BoardProvidedItem = child_models(
    BoardRequest,
    ("BoardEvent", "board_request_events"),
    ("BoardExtension", "board_request_extensions"),
    ("BoardProvidedItem", "board_provided_items"),
)


# The s.137 kind registers itself once the model is defined.
from . import kind as _kind  # noqa: E402, F401
