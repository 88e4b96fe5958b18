"""Reminders sent by `flask notify`, each exactly once.

A domain registers a reminder source: a function that returns the reminders due now as
`Reminder` tuples. `send_due_reminders()` sends each one that has not been sent before,
recording it in sent_reminders (unique per record and threshold), through the one mail
mechanism (isp_manager.mail).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, utcnow
from .extensions import db
from .mail import flush_pending, queue_mail


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


def send_due_reminders() -> int:
    """Queue every due reminder not sent before; the caller commits, then flushes mail."""
    sent = 0
    for source in REMINDER_SOURCES:
        for reminder in source():
            if not reminder.to:
                continue
            already = db.session.scalar(
                sa.select(SentReminder.id).where(
                    SentReminder.record_type == reminder.record_type,
                    SentReminder.record_id == reminder.record_id,
                    SentReminder.threshold == reminder.threshold,
                )
            )
            if already:
                continue
            db.session.add(
                SentReminder(
                    record_type=reminder.record_type,
                    record_id=reminder.record_id,
                    threshold=reminder.threshold,
                    recipients=", ".join(reminder.to),
                )
            )
            queue_mail(list(reminder.to), reminder.subject, reminder.body)
            sent += 1
    db.session.flush()
    return sent


@click.command("notify")
@with_appcontext
def notify_command():
    """Send the reminders that are due (protocol reviews, request deadlines), each once."""
    from flask import current_app

    with current_app.test_request_context():
        count = send_due_reminders()
        db.session.commit()
        flush_pending()
    click.echo(f"{count} reminder(s) sent.")
