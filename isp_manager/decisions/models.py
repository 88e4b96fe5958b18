"""Share / not-share decision records (golden rule 7: record the decision and the reasons,
whether to share or not; if shared, what, with whom and for what purpose).

A decision starts as a draft owned by the practitioner, filled in one question at a time; once
recorded it never changes: a correction is an amendment with its reason and the changed
fields, and the current view is the original with the amendments applied in order. The three
`current_*` columns hold, for the register's filters only, the value after the amendments; the
record's own fields keep what was first recorded.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.queries import withhold_content
from ..db import TimestampMixin, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from ..retention.models import RetentionMixin


class DecisionState(enum.StrEnum):
    DRAFT = "draft"
    RECORDED = "recorded"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {DecisionState.DRAFT: _l("Draft"), DecisionState.RECORDED: _l("Recorded")}


class DecisionOutcome(enum.StrEnum):
    SHARE = "share"
    NOT_SHARE = "not_share"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    DecisionOutcome.SHARE: _l("Share the information"),
    DecisionOutcome.NOT_SHARE: _l("Do not share"),
}


class ConsentOutcome(enum.StrEnum):
    GIVEN_EXPLICITLY = "given_explicitly"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"
    CANNOT_BE_GIVEN = "cannot_be_given"

    @property
    def label(self) -> str:
        return str(CONSENT_LABELS[self])


CONSENT_LABELS = {
    ConsentOutcome.GIVEN_EXPLICITLY: _l("Sought and given explicitly"),
    ConsentOutcome.REFUSED: _l("Sought and refused"),
    ConsentOutcome.NOT_SOUGHT: _l("Not sought"),
    ConsentOutcome.CANNOT_BE_GIVEN: _l("Cannot be given"),
}

# The guide's principles, each a check on the decision with a short justification.
PRINCIPLES = ("necessary", "relevant", "adequate", "accurate", "timely", "secure")
PRINCIPLE_LABELS = {
    "necessary": _l("Necessary and proportionate"),
    "relevant": _l("Relevant"),
    "adequate": _l("Adequate"),
    "accurate": _l("Accurate"),
    "timely": _l("Timely"),
    "secure": _l("Secure"),
}

decision_recipients = sa.Table(
    "decision_recipients",
    db.metadata,
    sa.Column("decision_id", sa.ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True),
    sa.Index("ix_decision_recipients_organisation_id", "organisation_id"),
)


def _codes(column: str, catalogue) -> sa.CheckConstraint:
    codes = ", ".join(f"'{c}'" for c in catalogue.codes)
    return sa.CheckConstraint(f"{column} IS NULL OR {column} IN ({codes})", name=f"{column}_code")


RECORDED = "state = 'recorded'"


def _when_recorded(condition: str, name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"NOT ({RECORDED}) OR ({condition})", name=name)


def _text(column: str) -> str:
    return f"{column} IS NOT NULL AND length(trim({column})) > 0"


DECISION_CONSTRAINTS = (
    _codes("article6", ARTICLE6),
    _codes("article9", ARTICLE9),
    _codes("schedule1", SCHEDULE1),
    _codes("criminal_offence_condition", SCHEDULE1),
    _codes("para18_reason", PARA18_REASONS),
    _when_recorded(
        "decision IS NOT NULL AND reference IS NOT NULL AND decided_on IS NOT NULL "
        "AND decided_by_name IS NOT NULL AND recorded_at IS NOT NULL "
        f"AND {_text('decision_reasons')} AND {_text('purpose')} "
        f"AND {_text('information_description')} AND consent_outcome IS NOT NULL",
        "recorded_complete",
    ),
    _when_recorded(
        f"decision <> 'share' OR ({_text('shared_what')} AND shared_on IS NOT NULL "
        f"AND {_text('shared_how')} AND article6 IS NOT NULL)",
        "share_says_what_when_how",
    ),
    _when_recorded(
        f"consent_outcome <> 'not_sought' OR {_text('consent_not_sought_reason')}",
        "consent_not_sought_reason",
    ),
    _when_recorded(
        f"individual_told IS NULL OR individual_told OR {_text('individual_not_told_reason')}",
        "not_told_reason",
    ),
    _when_recorded(
        "para18_reason IS NULL OR NOT (consent_outcome = 'given_explicitly' "
        "AND (article6 = 'art6-1-a' OR article9 = 'art9-2-a'))",
        "para18_without_consent",
    ),
    # The register's order (newest first, then by id) is a range of this index, read backwards;
    # its filters and figures read the three current_* columns from the index too.
    sa.Index(
        "ix_decisions_register",
        "organisation_id",
        "state",
        "decided_on",
        "id",
        "current_decision",
        "current_consent_outcome",
        "current_article6",
    ),
    sa.Index("ix_decisions_created_by_id_state", "created_by_id", "state"),
    sa.Index("ix_decisions_team_id_state_decided_on_id", "team_id", "state", "decided_on", "id"),
)


class Decision(RetentionMixin, TimestampMixin, db.Model):
    """One share / not-share decision about one child's information (ICO Annex B fields)."""

    __tablename__ = "decisions"
    __table_args__ = DECISION_CONSTRAINTS

    AUDIT_NAME = "decision"
    REFERENCE_PREFIX = "DEC"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(24), unique=True)
    state: Mapped[DecisionState] = mapped_column(
        enum_type(DecisionState, "decision_state"), nullable=False, default=DecisionState.DRAFT
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # The author's team when the draft was started: its members see the record.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))

    # A case number, never a name.
    subject_reference: Mapped[str | None] = mapped_column(sa.String(40))
    immediate_risk: Mapped[bool | None] = mapped_column(sa.Boolean)
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    information_description: Mapped[str | None] = mapped_column(sa.Text)
    includes_fact: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    includes_opinion: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    includes_historical: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    recipient_roles: Mapped[str | None] = mapped_column(sa.Text)

    consent_outcome: Mapped[ConsentOutcome | None] = mapped_column(
        enum_type(ConsentOutcome, "consent_outcome")
    )
    consent_not_sought_reason: Mapped[str | None] = mapped_column(sa.Text)

    article6: Mapped[str | None] = mapped_column(sa.String(32))
    is_special_category: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    article9: Mapped[str | None] = mapped_column(sa.String(32))
    schedule1: Mapped[str | None] = mapped_column(sa.String(32))
    is_criminal_offence: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    criminal_offence_condition: Mapped[str | None] = mapped_column(sa.String(32))
    para18_reason: Mapped[str | None] = mapped_column(sa.String(16))
    policy_document_ref: Mapped[str | None] = mapped_column(sa.String(200))

    necessary: Mapped[str | None] = mapped_column(sa.Text)
    relevant: Mapped[str | None] = mapped_column(sa.Text)
    adequate: Mapped[str | None] = mapped_column(sa.Text)
    accurate: Mapped[str | None] = mapped_column(sa.Text)
    timely: Mapped[str | None] = mapped_column(sa.Text)
    secure: Mapped[str | None] = mapped_column(sa.Text)

    advice_sought: Mapped[bool | None] = mapped_column(sa.Boolean)
    advice_from: Mapped[str | None] = mapped_column(sa.Text)
    advice_identified_individual: Mapped[bool | None] = mapped_column(sa.Boolean)
    individual_told: Mapped[bool | None] = mapped_column(sa.Boolean)
    individual_not_told_reason: Mapped[str | None] = mapped_column(sa.Text)

    decision: Mapped[DecisionOutcome | None] = mapped_column(
        enum_type(DecisionOutcome, "decision_outcome")
    )
    decision_reasons: Mapped[str | None] = mapped_column(sa.Text)
    shared_what: Mapped[str | None] = mapped_column(sa.Text)
    shared_on: Mapped[date | None] = mapped_column(sa.Date)
    shared_how: Mapped[str | None] = mapped_column(sa.Text)

    protocol_id: Mapped[int | None] = mapped_column(sa.ForeignKey("protocols.id"), index=True)
    cooperation_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cooperation_requests.id"), index=True
    )

    decided_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    decided_by_role: Mapped[str | None] = mapped_column(sa.String(40))
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The register's filters read these: the value after amendments (see the module docstring).
    current_decision: Mapped[DecisionOutcome | None] = mapped_column(
        enum_type(DecisionOutcome, "current_decision_outcome")
    )
    current_consent_outcome: Mapped[ConsentOutcome | None] = mapped_column(
        enum_type(ConsentOutcome, "current_consent_outcome")
    )
    current_article6: Mapped[str | None] = mapped_column(sa.String(32))

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    team = relationship("Team", foreign_keys=[team_id])
    recipients = relationship(
        "Organisation", secondary=decision_recipients, order_by="Organisation.name_sort_en"
    )
    protocol = relationship("Protocol", foreign_keys=[protocol_id])
    cooperation_request = relationship("CooperationRequest", foreign_keys=[cooperation_request_id])
    amendments: Mapped[list[DecisionAmendment]] = relationship(
        back_populates="decision",
        order_by=lambda: (DecisionAmendment.amended_at, DecisionAmendment.id),
        cascade="all, delete-orphan",
    )

    @property
    def is_draft(self) -> bool:
        return self.state is DecisionState.DRAFT

    def __repr__(self) -> str:
        return f"<Decision {self.reference or self.id}>"


class DecisionAmendment(db.Model):
    """A correction to a recorded decision: why, and each changed field before and after."""

    __tablename__ = "decision_amendments"
    __table_args__ = (
        sa.CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        sa.Index("ix_decision_amendments_decision_id_amended_at", "decision_id", "amended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False
    )
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # {field: {"before": value, "after": value}}, values as the API shows them.
    changes: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    amended_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    amended_by_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    decision: Mapped[Decision] = relationship(back_populates="amendments")
    amended_by = relationship("User", foreign_keys=[amended_by_id])


class AdviceState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return str(ADVICE_STATE_LABELS[self])


ADVICE_STATE_LABELS = {
    AdviceState.OPEN: _l("Waiting for an answer"),
    AdviceState.ANSWERED: _l("Answered"),
}


class AdviceRequest(RetentionMixin, TimestampMixin, db.Model):
    """A practitioner's question to their IG lead (golden rule 4: seek advice without
    identifying the individual), the answer, and the decision it is about."""

    __tablename__ = "advice_requests"
    __table_args__ = (
        sa.CheckConstraint("length(trim(question)) > 0", name="question_given"),
        sa.CheckConstraint(
            "state <> 'answered' OR (answer IS NOT NULL AND length(trim(answer)) > 0 "
            "AND answered_by_id IS NOT NULL AND answered_at IS NOT NULL)",
            name="answered_complete",
        ),
        sa.Index("ix_advice_requests_organisation_id_state", "organisation_id", "state"),
        sa.Index("ix_advice_requests_asked_by_id", "asked_by_id"),
        sa.Index("ix_advice_requests_decision_id", "decision_id"),
    )

    AUDIT_NAME = "advice request"
    REFERENCE_PREFIX = "ADV"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True, nullable=False)
    state: Mapped[AdviceState] = mapped_column(
        enum_type(AdviceState, "advice_state"), nullable=False, default=AdviceState.OPEN
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="SET NULL")
    )
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    question: Mapped[str] = mapped_column(sa.Text, nullable=False)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    decision = relationship("Decision", foreign_keys=[decision_id])
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def is_open(self) -> bool:
        return self.state is AdviceState.OPEN


# Admins and auditors read the audit log but see decision records only as counts.
withhold_content(Decision.__tablename__, AdviceRequest.__tablename__)
