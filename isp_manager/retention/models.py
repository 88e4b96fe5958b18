"""Retention: a period per organisation and record type, extensions of a record's review
date, and the tombstones of disposed records.

A record type that holds personal data mixes in RetentionMixin (its review date, and when it
was disposed of) and registers a RetentionKind (registry.py). Disposal keeps the row, with
every personal-data column tombstoned, so figures and reference numbers stay whole; the
audit events of a disposed record lose their before/after content, which the audit log's
guard allows for records listed in retention_disposals and for nothing else.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

MIN_MONTHS = 1
MAX_MONTHS = 1200  # a hundred years
MIN_REASON_CHARS = 10


class RetentionMixin:
    """The review date of a record that holds personal data, and when it was disposed of."""

    retention_review_on: Mapped[date | None] = mapped_column(sa.Date)
    retention_disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetentionPeriod(db.Model):
    """An organisation's own retention period for one record type (else the default)."""

    __tablename__ = "retention_periods"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "kind"),
        sa.CheckConstraint(f"months BETWEEN {MIN_MONTHS} AND {MAX_MONTHS}", name="months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    months: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class RetentionExtension(db.Model):
    """The IG lead kept a record past its review date, to a later one, for a reason."""

    __tablename__ = "retention_extensions"
    __table_args__ = (
        sa.CheckConstraint("new_review_on > old_review_on", name="later_date"),
        sa.CheckConstraint(f"length(trim(reason)) >= {MIN_REASON_CHARS}", name="reason_given"),
        sa.Index("ix_retention_extensions_kind_record_id", "kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    record_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    old_review_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    new_review_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    extended_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    extended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class RetentionDisposal(db.Model):
    """The tombstone of a disposed record: what, when, by whom, under which rule. It holds no
    personal data, and it is what allows the audit log to clear the record's events."""

    __tablename__ = "retention_disposals"
    __table_args__ = (sa.UniqueConstraint("record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    # The record as the audit log names it (audit_events.record_type / record_id).
    record_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), nullable=False)
    months: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    rule: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    review_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    disposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)

    disposed_by = relationship("User", foreign_keys=[disposed_by_id])


# ------------------------------------------------------------------ database guards
# The audit log's UPDATE guard becomes: refused, unless the update only clears before and
# after (every other column unchanged) of an event of a record listed in retention_disposals,
# other than the tombstone event itself. DELETE, TRUNCATE and REPLACE stay refused. The list
# of disposals is itself append-only, so what was cleared, and why, cannot be hidden.
_SAME = ("id", "occurred_at", "actor_id", "organisation_id", "action", "record_type",
         "record_id", "request_id")  # fmt: skip
TOMBSTONE_ACTION = "retention.disposed"


def _allowed_update(same: str) -> str:
    """The condition an UPDATE of audit_events must meet (built from constants only)."""
    unchanged = " AND ".join(f"NEW.{c} {same} OLD.{c}" for c in _SAME)
    return (
        "NEW.before IS NULL AND NEW.after IS NULL "  # noqa: S608
        "AND (OLD.before IS NOT NULL OR OLD.after IS NOT NULL) "
        f"AND {unchanged} AND OLD.action <> '{TOMBSTONE_ACTION}' "
        "AND EXISTS (SELECT 1 FROM retention_disposals d "
        "WHERE d.record_type = OLD.record_type AND d.record_id = OLD.record_id)"
    )


SQLITE_GUARD_G12 = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    f"""CREATE TRIGGER audit_events_update_only_disposal BEFORE UPDATE ON audit_events
       WHEN NOT ({_allowed_update("IS")})
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER retention_disposals_no_update BEFORE UPDATE ON retention_disposals
       BEGIN SELECT RAISE(ABORT, 'retention_disposals is append-only'); END""",
    """CREATE TRIGGER retention_disposals_no_delete BEFORE DELETE ON retention_disposals
       BEGIN SELECT RAISE(ABORT, 'retention_disposals is append-only'); END""",
]
SQLITE_GUARD_G12_DROP = [
    "DROP TRIGGER IF EXISTS retention_disposals_no_delete",
    "DROP TRIGGER IF EXISTS retention_disposals_no_update",
    "DROP TRIGGER IF EXISTS audit_events_update_only_disposal",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
POSTGRES_GUARD_G12 = [
    f"""CREATE OR REPLACE FUNCTION audit_events_clear_disposed() RETURNS trigger AS $$
       BEGIN
         IF {_allowed_update("IS NOT DISTINCT FROM")} THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'audit_events is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION retention_disposals_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'retention_disposals is append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_update_only_disposal BEFORE UPDATE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_clear_disposed()""",
    """CREATE TRIGGER retention_disposals_no_change BEFORE UPDATE OR DELETE OR TRUNCATE
       ON retention_disposals FOR EACH STATEMENT
       EXECUTE FUNCTION retention_disposals_append_only()""",
]
POSTGRES_GUARD_G12_DROP = [
    "DROP TRIGGER IF EXISTS retention_disposals_no_change ON retention_disposals",
    "DROP TRIGGER IF EXISTS audit_events_update_only_disposal ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
    "DROP FUNCTION IF EXISTS audit_events_clear_disposed()",
    "DROP FUNCTION IF EXISTS retention_disposals_append_only()",
]

# A schema made by create_all (the tests') gets them once every table exists.
for _statement in SQLITE_GUARD_G12:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_GUARD_G12:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
