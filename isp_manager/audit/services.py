"""Writing audit events. Every service that changes a record calls record_event()."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context

from ..extensions import db
from .models import AuditEvent


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(record, fields: list[str] | tuple[str, ...]) -> dict:
    """The named attributes of a record as JSON-safe values, for before/after."""
    return {name: _plain(getattr(record, name)) for name in fields}


def record_event(
    action: str,
    record,
    *,
    by=None,
    before: dict | None = None,
    after: dict | None = None,
    record_type: str | None = None,
    record_id: str | int | None = None,
) -> AuditEvent:
    """Append one event. `by` is the acting user (None for the system or the command line)."""
    if record_id is None and getattr(record, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        action=action,
        record_type=record_type or record.__tablename__,
        record_id=str(record_id if record_id is not None else record.id),
        actor_id=by.id if by is not None else None,
        organisation_id=by.organisation_id if by is not None else None,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
