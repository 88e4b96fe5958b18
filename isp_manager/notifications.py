"""Reminders sent by `flask notify`, each exactly once.

A domain registers a reminder source: a function that returns the reminders due now as
`Reminder` tuples. `send_due_reminders()` sends each one that has not been sent before,
recording it in sent_reminders (unique per record and threshold), through the one mail
mechanism (isp_manager.mail).

Several servers may run `flask notify` at the same moment: each reminder is claimed by
inserting its sent_reminders row in a transaction of its own, committed before the message
goes out. The unique key lets one claim win; the other server's insert fails (PostgreSQL
makes it wait for the first to commit, SQLite's write lock does the same) and it moves on.
A message that could not be sent gives its claim back, so the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, transaction_intent, utcnow
from .extensions import db
from .mail import flush_pending, queue_mail

log = logging.getLogger(__name__)


class SentReminder(db.Model):
    """A reminder that has gone out; the unique key stops it going out twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (sa.UniqueConstraint("record_type", "record_id", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    record_id: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    threshold: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    recipients: Mapped[str] = mapped_column(sa.String(1000), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


@dataclass(frozen=True)
class Reminder:
    record_type: str
    record_id: str
    threshold: str  # e.g. "review-due-3-months", "overdue"
    to: tuple[str, ...]
    subject: str  # in Welsh and English, as mail.render_bilingual() makes them
    body: str


ReminderSource = Callable[[], Iterable[Reminder]]
REMINDER_SOURCES: list[ReminderSource] = []


def reminder_source(func: ReminderSource) -> ReminderSource:
    """Decorator: register a function that lists the reminders due now."""
    REMINDER_SOURCES.append(func)
    return func


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0


def _already_sent(reminder: Reminder) -> bool:
    return (
        db.session.scalar(
            sa.select(SentReminder.id).where(
                SentReminder.record_type == reminder.record_type,
                SentReminder.record_id == reminder.record_id,
                SentReminder.threshold == reminder.threshold,
            )
        )
        is not None
    )


def claim(reminder: Reminder) -> SentReminder | None:
    """Record the reminder as sent, committed at once; None when another run has it."""
    with transaction_intent(writes=True):  # SQLite: take the write lock, waiting for it
        return _claim(reminder)


def _claim(reminder: Reminder) -> SentReminder | None:
    if _already_sent(reminder):
        db.session.rollback()
        return None
    row = SentReminder(
        record_type=reminder.record_type,
        record_id=reminder.record_id,
        threshold=reminder.threshold,
        recipients=", ".join(reminder.to)[:1000],
    )
    db.session.add(row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another server claimed it first
        db.session.rollback()
        return None
    return row


def _give_back(row: SentReminder) -> None:
    with transaction_intent(writes=True):
        db.session.execute(sa.delete(SentReminder).where(SentReminder.id == row.id))
        db.session.commit()


def run_reminders() -> RunResult:
    """Claim and send every due reminder not sent before, one at a time (see the module)."""
    due = [reminder for source in REMINDER_SOURCES for reminder in source() if reminder.to]
    db.session.commit()  # what was read is settled; each claim is a transaction of its own
    result = RunResult()
    for reminder in due:
        row = claim(reminder)
        if row is None:
            continue
        queue_mail(list(reminder.to), reminder.subject, reminder.body)
        try:
            flush_pending()
        except Exception:  # the mail server refused or is down: try again on the next run
            log.exception("reminder %s could not be sent", reminder.threshold)
            _give_back(row)
            result.failed += 1
            continue
        result.sent += 1
    return result


def send_due_reminders() -> int:
    """Send every due reminder not sent before; how many went out."""
    return run_reminders().sent


@click.command("notify")
@with_appcontext
def notify_command():
    """Send the reminders that are due (protocol reviews, request deadlines), each once."""
    from flask import current_app

    with current_app.test_request_context():
        result = run_reminders()
    click.echo(f"{result.sent} reminder(s) sent.")
    if result.failed:
        click.echo(
            f"{result.failed} reminder(s) could not be sent; the next run tries them again.",
            err=True,
        )
        raise SystemExit(1)
