"""The append-only audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """One change to one record. Rows are only ever inserted (see the guard triggers below)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_record", "record_type", "record_id"),
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
        sa.Index("ix_audit_events_organisation_id_occurred_at", "organisation_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    record_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    actor = relationship("User", lazy="raise", foreign_keys=[actor_id])
    organisation = relationship("Organisation", lazy="raise", foreign_keys=[organisation_id])


# Database-level guard: the log cannot be changed or emptied, whatever the code does.
# SQLITE_GUARD and POSTGRES_GUARD are installed by the initial migration, the *_GUARD_B2 lists
# by b2_audit_append_only; a schema made by create_all gets all of them (the tests' schema).
SQLITE_GUARD = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
POSTGRES_GUARD = [
    """CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]
# INSERT OR REPLACE / REPLACE INTO deletes the clashing row without firing delete triggers, so
# an insert that names an id already taken (the only unique key) is refused before it runs.
# PostgreSQL's TRUNCATE fires only its own kind of trigger.
SQLITE_GUARD_B2 = [
    """CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
       WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
POSTGRES_GUARD_B2 = [
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]
SQLITE_GUARD_B2_DROP = ["DROP TRIGGER IF EXISTS audit_events_no_replace"]
POSTGRES_GUARD_B2_DROP = ["DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events"]

for _statement in SQLITE_GUARD + SQLITE_GUARD_B2:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_GUARD + POSTGRES_GUARD_B2:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
