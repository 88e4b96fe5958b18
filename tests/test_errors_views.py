"""Which database errors mean 'busy, try again' (503), and the 503 answer itself."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
import sqlalchemy as sa

from isp_manager.errors_views import database_error_response, is_lock_failure


def _wrapped(kind, original):
    return kind("UPDATE protocol_sections SET ...", {}, original)


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (_wrapped(sa.exc.OperationalError, sqlite3.OperationalError("database is locked")), True),
        (
            _wrapped(sa.exc.OperationalError, sqlite3.OperationalError("database table is locked")),
            True,
        ),
        (_wrapped(sa.exc.OperationalError, psycopg.errors.LockNotAvailable("lock timeout")), True),
        (_wrapped(sa.exc.OperationalError, psycopg.errors.SerializationFailure("serialize")), True),
        (_wrapped(sa.exc.OperationalError, psycopg.errors.DeadlockDetected("deadlock")), True),
        (_wrapped(sa.exc.OperationalError, sqlite3.OperationalError("no such table: x")), False),
        (_wrapped(sa.exc.IntegrityError, psycopg.errors.UniqueViolation("duplicate")), False),
        (_wrapped(sa.exc.ProgrammingError, psycopg.errors.UndefinedTable("no table")), False),
        (RuntimeError("database is locked"), False),
    ],
)
def test_lock_failures_are_told_apart_from_other_errors(error, busy):
    assert is_lock_failure(error) is busy


@pytest.mark.parametrize(
    ("path", "is_json"), [("/api/v1/protocols", True), ("/agreements/1", False)]
)
def test_a_postgresql_lock_timeout_is_a_503_with_retry_after(app, path, is_json):
    error = _wrapped(sa.exc.OperationalError, psycopg.errors.LockNotAvailable("lock timeout"))
    with app.test_request_context(path, method="POST"):
        response = database_error_response(error)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    if is_json:
        assert response.json["code"] == 503 and "Nothing has been saved" in response.json["message"]
    else:
        assert "The service is busy" in response.get_data(as_text=True)


def test_the_busy_page_is_in_welsh_for_welsh_speakers(app):
    error = _wrapped(sa.exc.OperationalError, sqlite3.OperationalError("database is locked"))
    with app.test_request_context("/agreements/1?lang=cy", method="POST"):
        response = database_error_response(error)
    assert response.status_code == 503
    assert "The service is busy" not in response.get_data(as_text=True)
