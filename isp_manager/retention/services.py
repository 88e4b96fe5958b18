"""Retention operations: periods, review dates, the due list, extending and disposing.

Who may: the IG lead of the organisation that owns the record (or whose period it is), and
no one else; a record of another organisation is not found. Services flush; the request
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..accounts.models import Role
from ..audit.models import AuditEvent
from ..audit.services import record_event
from ..calendar import wales_today
from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..text_input import check_length
from .models import (
    MAX_MONTHS,
    MIN_MONTHS,
    MIN_REASON_CHARS,
    TOMBSTONE_ACTION,
    RetentionDisposal,
    RetentionExtension,
    RetentionPeriod,
)
from .registry import KIND_BY_MODEL, KINDS, RetentionKind, add_months, add_months_sql

MAX_REASON_CHARS = 5000

# ------------------------------------------------------------------ access


def can_manage(user, organisation_id: int | None) -> bool:
    """Only the organisation's own IG lead sets its periods and reviews its records."""
    return (
        user is not None
        and bool(getattr(user, "is_authenticated", False))
        and user.role is Role.IG_LEAD
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def require_manager(user, organisation_id: int | None) -> None:
    """NotFound for another organisation's record, PermissionDenied for anyone else."""
    if getattr(user, "organisation_id", None) != organisation_id:
        raise NotFound(_("There is no record with that number that you can review."))
    if not can_manage(user, organisation_id):
        raise PermissionDenied(_("Only your organisation's IG lead reviews retention."))


def kind_for(code: str) -> RetentionKind:
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(_("There is no record type with that name."))
    return kind


def get_record_for(user, kind: RetentionKind, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None:
        raise NotFound(_("There is no record with that number that you can review."))
    require_manager(user, kind.owner_id(record))
    return record


# ------------------------------------------------------------------ periods


def periods_of(organisation_id: int) -> dict[str, int]:
    """The organisation's own periods, by kind code (the others are the defaults)."""
    rows = db.session.execute(
        sa.select(RetentionPeriod.kind, RetentionPeriod.months).where(
            RetentionPeriod.organisation_id == organisation_id
        )
    )
    return dict(rows.all())


def months_for(kind: RetentionKind, organisation_id: int) -> int:
    return periods_of(organisation_id).get(kind.code, kind.default_months)


def set_period(kind: RetentionKind, months, *, by) -> None:
    """Set the organisation's period for a record type; every review date not extended by
    hand moves with it."""
    require_manager(by, by.organisation_id)
    if isinstance(months, bool) or not isinstance(months, int):
        raise InvalidInput(_("Enter the period as a whole number of months."), field="months")
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise InvalidInput(
            _("Enter a period from %(min)s to %(max)s months.", min=MIN_MONTHS, max=MAX_MONTHS),
            field="months",
        )
    period = db.session.scalar(
        sa.select(RetentionPeriod).where(
            RetentionPeriod.organisation_id == by.organisation_id,
            RetentionPeriod.kind == kind.code,
        )
    )
    old = period.months if period else kind.default_months
    if period is None:
        period = RetentionPeriod(organisation_id=by.organisation_id, kind=kind.code)
        db.session.add(period)
    period.months, period.set_by_id, period.set_at = months, by.id, utcnow()
    db.session.flush()
    record_event(
        "retention.period_set",
        period,
        by=by,
        before={"kind": kind.code, "months": old},
        after={"kind": kind.code, "months": months},
    )
    refresh_review_dates(kind, organisation_id=by.organisation_id)


# ------------------------------------------------------------------ review dates


def _months_sql(kind: RetentionKind):
    table = kind.model.__table__
    own = (
        sa.select(RetentionPeriod.months)
        .where(
            RetentionPeriod.organisation_id == table.c[kind.owner_column],
            RetentionPeriod.kind == kind.code,
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(own, kind.default_months)


def refresh_review_dates(
    kind: RetentionKind, *, organisation_id: int | None = None, only_missing: bool = False
) -> int:
    """Set review dates from the basis and the period, in one UPDATE: every record of the
    organisation not extended by hand, or (only_missing) those without one yet."""
    dialect = db.session.get_bind().dialect.name
    table = kind.model.__table__
    review = add_months_sql(kind.basis_sql(dialect), _months_sql(kind), dialect)
    stmt = sa.update(table).where(table.c.retention_disposed_at.is_(None))
    if organisation_id is not None:
        stmt = stmt.where(table.c[kind.owner_column] == organisation_id)
    if only_missing:
        stmt = stmt.where(table.c.retention_review_on.is_(None))
    else:
        extended = sa.select(RetentionExtension.record_id).where(
            RetentionExtension.kind == kind.code
        )
        stmt = stmt.where(table.c.id.not_in(extended))
    result = db.session.execute(stmt.values(retention_review_on=review))
    db.session.expire_all()
    return result.rowcount or 0


def refresh_all_missing() -> int:
    """Review dates for records written without one (bulk loads, the demo data)."""
    return sum(refresh_review_dates(kind, only_missing=True) for kind in KINDS.values())


@event.listens_for(Session, "before_flush")
def _set_review_dates(session, _context, _instances) -> None:
    """Every record of a registered kind gets its review date when written, and a later one
    when its basis moves on (an answer); it never moves earlier here (an extension stays)."""
    records = [
        r for r in (*session.new, *session.dirty) if type(r) in KIND_BY_MODEL and
        r.retention_disposed_at is None
    ]  # fmt: skip
    if not records:
        return
    periods: dict[int, dict[str, int]] = {}
    with session.no_autoflush:
        for record in records:
            kind = KIND_BY_MODEL[type(record)]
            owner = kind.owner_id(record)
            basis = kind.basis(record) or utcnow().date()  # a new record's created_at is unset
            if owner is None:
                continue
            if owner not in periods:
                periods[owner] = dict(
                    session.execute(
                        sa.select(RetentionPeriod.kind, RetentionPeriod.months).where(
                            RetentionPeriod.organisation_id == owner
                        )
                    ).all()
                )
            review = add_months(basis, periods[owner].get(kind.code, kind.default_months))
            if record.retention_review_on is None or review > record.retention_review_on:
                record.retention_review_on = review


# ------------------------------------------------------------------ the due list


@dataclass
class DueRecord:
    kind: RetentionKind
    id: int
    reference: str | None
    review_on: date


def due_query(organisation_id: int, today: date, kind_code: str | None = None) -> sa.Select:
    """Every record of the organisation due for review, oldest review date first: one
    SELECT over every kind."""
    parts = []
    for kind in KINDS.values():
        if kind_code and kind.code != kind_code:
            continue
        table = kind.model.__table__
        parts.append(
            sa.select(
                sa.literal(kind.code).label("kind"),
                table.c.id.label("id"),
                table.c.reference.label("reference"),
                table.c.retention_review_on.label("review_on"),
            ).where(
                table.c[kind.owner_column] == organisation_id,
                table.c.retention_review_on <= today,
                table.c.retention_disposed_at.is_(None),
            )
        )
    if not parts:
        return sa.select(sa.literal("x").label("kind")).where(sa.false())
    union = sa.union_all(*parts).subquery()
    return sa.select(union).order_by(union.c.review_on, union.c.kind, union.c.id)


def due_page(organisation_id: int, today: date, *, page: int, per_page: int, kind_code=None):
    """One page of the due list and the total: two queries, whatever the page."""
    stmt = due_query(organisation_id, today, kind_code)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    items = [DueRecord(KINDS[r.kind], r.id, r.reference, r.review_on) for r in rows]
    return items, total or 0


def all_due(today: date) -> list[tuple[int, DueRecord]]:
    """(organisation id, record) for every record due in every organisation (the CLI)."""
    found = []
    for kind in KINDS.values():
        table = kind.model.__table__
        rows = db.session.execute(
            sa.select(table.c[kind.owner_column], table.c.id, table.c.reference,
                      table.c.retention_review_on)
            .where(table.c.retention_review_on <= today, table.c.retention_disposed_at.is_(None))
            .order_by(table.c.retention_review_on, table.c.id)
        )  # fmt: skip
        found += [(org, DueRecord(kind, rid, ref, on)) for org, rid, ref, on in rows]
    return sorted(found, key=lambda pair: (pair[0], pair[1].review_on, pair[1].kind.code))


# ------------------------------------------------------------------ extending


def extend_retention(kind: RetentionKind, record, new_review_on, reason, *, by) -> None:
    """Keep a record to a later review date, for a reason the IG lead gives."""
    require_manager(by, kind.owner_id(record))
    _not_disposed(record)
    errors: dict[str, list[str]] = {}
    reason = check_length(
        errors,
        "reason",
        reason.strip() if isinstance(reason, str) else "",
        minimum=MIN_REASON_CHARS,
        maximum=MAX_REASON_CHARS,
        too_short=_("Give the reason for keeping the record longer, in a sentence."),
    )
    old = record.retention_review_on
    if not isinstance(new_review_on, date):
        errors["new_review_on"] = [_("Enter the new review date.")]
    elif new_review_on <= max(old or wales_today(), wales_today()):
        errors["new_review_on"] = [
            _("The new review date must be after the current one and after today.")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    db.session.add(
        RetentionExtension(
            kind=kind.code,
            record_id=record.id,
            organisation_id=kind.owner_id(record),
            old_review_on=old or wales_today(),
            new_review_on=new_review_on,
            reason=reason,
            extended_by_id=by.id,
        )
    )
    record.retention_review_on = new_review_on
    db.session.flush()
    record_event(
        "retention.extended",
        record,
        by=by,
        before={"review_on": old},
        after={"review_on": new_review_on, "reason": reason},
    )


# ------------------------------------------------------------------ disposing


def _not_disposed(record) -> None:
    if record.retention_disposed_at is not None:
        raise Conflict(_("This record has already been disposed of."))


def disposal_problem(kind: RetentionKind, record, today: date) -> str | None:
    """Why the record cannot be disposed of now, or None."""
    if record.retention_disposed_at is not None:
        return _("This record has already been disposed of.")
    if record.retention_review_on is None or record.retention_review_on > today:
        return _(
            "This record is not due for review yet: it can be disposed of from its review date."
        )
    return kind.disposal_problem(record)


def rule_text(kind: RetentionKind, months: int) -> str:
    return f"{kind.code}: {months} months from {', '.join(kind.basis_columns)}"


def dispose_of(kind: RetentionKind, record, *, by, today: date | None = None) -> RetentionDisposal:
    """Remove every copy of the record's personal data: its columns and its dependents'
    are tombstoned, its extensions and other copies removed, and its audit events cleared
    of their before/after content; a tombstone event says what was disposed of, when, by
    whom and under which rule."""
    owner = kind.owner_id(record)
    require_manager(by, owner)
    today = today or wales_today()
    problem = disposal_problem(kind, record, today)
    if problem:
        raise Conflict(problem)
    months = months_for(kind, owner)
    _tombstone(record, kind.personal)
    for dependent in kind.dependents:
        _dispose_dependents(dependent, record.id)
    db.session.execute(
        sa.delete(RetentionExtension).where(
            RetentionExtension.kind == kind.code, RetentionExtension.record_id == record.id
        )
    )
    kind.also_remove(record)
    record.retention_disposed_at = utcnow()
    disposal = RetentionDisposal(
        kind=kind.code,
        record_type=kind.audit_type,
        record_id=str(record.id),
        reference=kind.reference(record),
        organisation_id=owner,
        months=months,
        rule=rule_text(kind, months),
        review_on=record.retention_review_on,
        disposed_by_id=by.id,
    )
    db.session.add(disposal)
    db.session.flush()
    db.session.execute(
        sa.update(AuditEvent)
        .where(
            AuditEvent.record_type == kind.audit_type,
            AuditEvent.record_id == str(record.id),
            AuditEvent.action != TOMBSTONE_ACTION,
            sa.or_(AuditEvent.before.is_not(None), AuditEvent.after.is_not(None)),
        )
        .values(before=sa.null(), after=sa.null())
        .execution_options(synchronize_session=False)
    )
    record_event(
        TOMBSTONE_ACTION,
        record,
        by=by,
        after={
            "kind": kind.code,
            "reference": disposal.reference,
            "rule": disposal.rule,
            "months": months,
            "review_on": disposal.review_on,
            "disposal_id": disposal.id,
        },
    )
    db.session.flush()
    db.session.expire_all()  # the dependents changed in bulk
    return disposal


def _tombstone(row, personal) -> None:
    for name, replacement in personal.items():
        if getattr(row, name) is not None:
            setattr(row, name, replacement)


def _dispose_dependents(dependent, record_id: int) -> None:
    model = dependent.model
    where = getattr(model, dependent.foreign_key) == record_id
    if dependent.personal is None:
        db.session.execute(
            sa.delete(model).where(where).execution_options(synchronize_session=False)
        )
        return
    for name, replacement in dependent.personal.items():
        column = getattr(model, name)
        db.session.execute(
            sa.update(model)
            .where(where, column.is_not(None))
            .values({name: replacement})
            .execution_options(synchronize_session=False)
        )
