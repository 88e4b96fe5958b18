"""`flask notify` on two servers at once sends each reminder once: two runs in two threads,
each with its own app context, session and database connection, racing over one database
(SQLite, or PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import threading
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlalchemy as sa

from isp_manager import create_app, mail, notifications
from isp_manager.extensions import db
from isp_manager.notifications import Reminder, SentReminder, run_reminders

REMINDERS = 25


@pytest.fixture
def shared_database(fresh_database_url, tmp_path, own_sessions):
    """An app on a database of its own (committed rows, real transactions), with sessions
    that are not the suite's rolled-back one."""
    config = {
        "SQLALCHEMY_DATABASE_URI": fresh_database_url,
        "SECRET_KEY": "x",
        "TESTING": True,
        "MAIL_SERVER": "",
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "SERVER_NAME": "localhost",
    }
    app = create_app(config, instance_path=tmp_path / "instance")
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _racing_source(barrier: threading.Barrier):
    def due():
        barrier.wait(timeout=30)  # both runs have read the same list before either claims
        return [
            Reminder("test_records", str(n), "overdue", (f"lead{n}@example.test",), f"S{n}", "B")
            for n in range(REMINDERS)
        ]

    return due


def test_two_runs_at_once_send_each_reminder_once(shared_database, monkeypatch, tmp_path):
    app = shared_database
    monkeypatch.setattr(notifications, "REMINDER_SOURCES", [_racing_source(threading.Barrier(2))])
    results, errors = [], []

    def run():
        try:
            with app.app_context(), app.test_request_context():
                results.append(run_reminders())
                db.session.remove()
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r.sent for r in results) == REMINDERS
    assert all(r.failed == 0 for r in results)
    messages = [message_from_bytes(p.read_bytes()) for p in Path(tmp_path / "outbox").iterdir()]
    assert sorted(m["To"] for m in messages) == sorted(
        f"lead{n}@example.test" for n in range(REMINDERS)
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == REMINDERS


def test_a_reminder_that_could_not_be_sent_is_tried_again(shared_database, monkeypatch, tmp_path):
    app = shared_database
    reminder = Reminder("test_records", "1", "overdue", ("lead@example.test",), "S", "B")
    monkeypatch.setattr(notifications, "REMINDER_SOURCES", [lambda: [reminder]])

    send_now = mail.send_now

    def refuse(_msg):
        raise OSError("mail server down")

    with app.app_context(), app.test_request_context():
        monkeypatch.setattr(mail, "send_now", refuse)
        assert run_reminders() == notifications.RunResult(sent=0, failed=1)
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 0
        monkeypatch.setattr(mail, "send_now", send_now)
        assert run_reminders() == notifications.RunResult(sent=1, failed=0)
        assert run_reminders() == notifications.RunResult(sent=0, failed=0)
    assert len(list(Path(tmp_path / "outbox").iterdir())) == 1
