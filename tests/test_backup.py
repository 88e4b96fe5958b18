"""`flask backup PATH`: SQLite's online backup, taken while another connection writes;
PostgreSQL is told to use pg_dump."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from isp_manager import create_app
from isp_manager.ops.backup import backup_sqlite


def _run(tmp_path, url):
    """`flask <args>` against an app on `url`, in its own app context (the suite's is pushed
    already, and a command uses the app whose context is current)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"}, instance_path=tmp_path)

    def invoke(*args: str):
        with app.app_context():
            return app.test_cli_runner().invoke(args=list(args))

    return invoke


def _database(path, rows=2000):
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 200,)] * rows)


def test_backup_copies_a_database_in_use(tmp_path, own_sessions):
    source = tmp_path / "live.sqlite"
    _database(source)
    stop = threading.Event()

    def keep_writing():
        with sqlite3.connect(source, timeout=10) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO notes (body) VALUES ('during')")
                conn.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = _run(tmp_path, f"sqlite:///{source}")(
            "backup", str(tmp_path / "copy" / "backup.sqlite")
        )
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    copy = tmp_path / "copy" / "backup.sqlite"
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert (
            conn.execute("SELECT count(*) FROM notes WHERE body != 'during'").fetchone()[0] == 2000
        )


def test_backup_will_not_overwrite_without_force_nor_copy_onto_itself(tmp_path, own_sessions):
    source = tmp_path / "live.sqlite"
    _database(source, rows=3)
    run = _run(tmp_path, f"sqlite:///{source}")
    target = tmp_path / "backup.sqlite"
    target.write_bytes(b"older backup")
    refused = run("backup", str(target))
    assert refused.exit_code != 0 and "exists" in refused.output
    assert target.read_bytes() == b"older backup"
    assert run("backup", "--force", str(target)).exit_code == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    itself = run("backup", "--force", str(source))
    assert itself.exit_code != 0 and "itself" in itself.output


def test_backup_of_postgresql_points_to_pg_dump(tmp_path, own_sessions):
    run = _run(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = run("backup", str(tmp_path / "x.sqlite"))
    assert result.exit_code != 0
    assert "pg_dump" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "x.sqlite").exists()


def test_a_restored_backup_opens_in_the_service(tmp_path, own_sessions):
    """Restore is copying the file back: the service reads it as it was."""
    source = tmp_path / "live.sqlite"
    _database(source, rows=5)
    backup_sqlite(source, tmp_path / "b.sqlite")
    restored = tmp_path / "restored.sqlite"
    restored.write_bytes((tmp_path / "b.sqlite").read_bytes())
    with sqlite3.connect(restored) as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 5


@pytest.mark.parametrize("missing", ["sqlite:///:memory:"])
def test_backup_needs_a_database_file(tmp_path, own_sessions, missing):
    result = _run(tmp_path, missing)("backup", str(tmp_path / "x"))
    assert result.exit_code != 0 and "no SQLite database file" in result.output
