"""Declarative base, column types and helpers shared by every domain package."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Requests with these methods only read, so their transactions need not take the write lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_write_intent: ContextVar[bool | None] = ContextVar("isp_manager_write_intent", default=None)


def transaction_may_write() -> bool:
    """Whether a transaction begun now may write, so SQLite must take the write lock up front.

    Inside a GET, HEAD or OPTIONS request: no. Anywhere else (other requests, CLI commands,
    scripts): yes. `transaction_intent()` overrides both for a block of code.
    """
    intent = _write_intent.get()
    if intent is not None:
        return intent
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


@contextmanager
def transaction_intent(*, writes: bool) -> Iterator[None]:
    """Transactions begun in this block write (a short bookkeeping write made by a read-only
    request) or only read (an error page drawn after a failed write)."""
    token = _write_intent.set(writes)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def read_only_transaction(session: Session) -> Iterator[None]:
    """Run slow reads (verifying a password) in a transaction of their own, before the write.

    On SQLite a request that may write takes the write lock as its transaction begins, and
    every other writer waits for it; so work that takes time and only reads goes first, here,
    and the request's writes begin afterwards in a fresh transaction (objects loaded in the
    block are expired and load again there, so check that what was read still holds). The
    transaction under way is ended first: it must not have written, nor may the block.
    """
    if session_has_written(session):
        raise RuntimeError("read_only_transaction() after a write: the write would be lost")
    session.rollback()
    try:
        with transaction_intent(writes=False):
            yield
        if session_has_written(session):
            raise RuntimeError("a write inside read_only_transaction()")
    finally:
        session.rollback()


def session_has_written(session: Session) -> bool:
    """Whether the session's transaction under way has changed anything (or is about to)."""
    pending = session.new or session.dirty or session.deleted
    return bool(pending) or session.info.get("has_written", False)


@sa.event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context):
    session.info["has_written"] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["has_written"] = True


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction):
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop("has_written", None)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use isp_manager.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: stored by value, guarded by a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
