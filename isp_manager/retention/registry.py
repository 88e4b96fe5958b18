"""The record types that hold personal data, each registered once as a RetentionKind.

A kind says which model it is, which organisation owns a record (whose IG lead reviews it and
whose period applies), the dates its review date counts from, which columns hold personal data
and what each becomes when the record is disposed of, and the dependent rows that go with it.
Registering one (see kinds.py) is all a new record type needs: the review dates, the due
lists, extending, disposal and the audit log's clearing all read the registry.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

# What a personal-data column becomes on disposal (only when it holds something): nothing,
# or this text, where the database requires the column to say something.
CLEAR = None
PLACEHOLDER = "Disposed of under the retention schedule."


@dataclass(frozen=True)
class Dependent:
    """Rows that belong to the record (its timeline, its items): tombstoned column by column,
    or deleted when `personal` is None."""

    model: type
    foreign_key: str
    personal: Mapping[str, str | None] | None = None


@dataclass(frozen=True)
class RetentionKind:
    code: str
    model: type
    label: object  # a lazy string: the record type, plural ("Share and not-share decisions")
    default_months: int
    why_default: object  # a lazy string: why the default is that long
    owner_column: str
    # The review date counts from the first of these that is set (dates or UTC timestamps).
    basis_columns: tuple[str, ...]
    personal: Mapping[str, str | None]
    dependents: tuple[Dependent, ...] = ()
    # A reason the record cannot be disposed of yet (an open request), or None.
    disposal_problem: Callable[[object], str | None] = lambda record: None
    reference: Callable[[object], str] = lambda record: record.reference
    # Anything else that copies the record's text (sent reminders, ...), removed on disposal.
    also_remove: Callable[[object], None] = lambda record: None
    basis_label: object = ""
    extra: dict = field(default_factory=dict)

    @property
    def audit_type(self) -> str:
        """How the audit log names records of this kind (record_event's default)."""
        return self.model.__tablename__

    def owner_id(self, record) -> int | None:
        return getattr(record, self.owner_column)

    def basis(self, record) -> date | None:
        for name in self.basis_columns:
            value = getattr(record, name)
            if value is not None:
                return value.date() if isinstance(value, datetime) else value
        return None

    def basis_sql(self, dialect: str) -> sa.ColumnElement:
        table = self.model.__table__
        return sa.func.coalesce(*(as_date(table.c[name], dialect) for name in self.basis_columns))


KINDS: dict[str, RetentionKind] = {}
KIND_BY_MODEL: dict[type, RetentionKind] = {}


def register(kind: RetentionKind) -> RetentionKind:
    """Add a record type to the registry, with an index for its due list."""
    if kind.code in KINDS:
        return KINDS[kind.code]
    KINDS[kind.code] = kind
    KIND_BY_MODEL[kind.model] = kind
    table = kind.model.__table__
    sa.Index(
        f"ix_{table.name}_retention_due",
        table.c[kind.owner_column],
        table.c.retention_review_on,
    )
    return kind


# ------------------------------------------------------------------ dates


def add_months(day: date, months: int) -> date:
    """`months` later; the end of a shorter month where that day does not exist (31 Jan + 1
    month is 28 or 29 Feb), as PostgreSQL's interval arithmetic and add_months_sql do."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def as_date(column, dialect: str) -> sa.ColumnElement:
    if dialect == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def add_months_sql(day, months, dialect: str) -> sa.ColumnElement:
    """SQL for add_months(day, months); `months` may be a column or a subquery."""
    if dialect == "sqlite":
        later = sa.func.date(day, sa.literal("+") + sa.cast(months, sa.Text) + " months")
        month_end = sa.func.date(
            day, "start of month", sa.literal("+") + sa.cast(months + 1, sa.Text) + " months",
            "-1 day",
        )  # fmt: skip
        return sa.func.min(later, month_end)
    return sa.cast(day + sa.func.make_interval(0, months), sa.Date)
