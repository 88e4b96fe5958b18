"""`flask backup PATH`: a consistent copy of the SQLite database while the service runs.

It uses SQLite's online backup API, so requests carry on while it copies and the copy is of
one moment. PostgreSQL has its own tools: the command says to use pg_dump.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db

PG_DUMP_HINT = (
    "The database is PostgreSQL: back it up with pg_dump, for example\n"
    '  pg_dump --format=custom --file=isp_manager.dump "$DATABASE_URL"\n'
    "and restore with pg_restore (see the README, Running in production)."
)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database at `source` into `target` (a new file) with the backup API.

    In one step: under WAL a reader does not hold up writers, and a copy made in several
    steps would start again whenever another connection writes in between."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise click.ClickException(f"the copy failed its integrity check: {check}")
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    os.chmod(partial, 0o600)  # it holds everything the service holds
    os.replace(partial, target)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Copy the SQLite database to PATH while the service runs (PostgreSQL: use pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(PG_DUMP_HINT)
    source = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source.is_file():
        raise click.ClickException(f"no SQLite database file at {url.database!r}")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: choose a new file or add --force")
    if path.resolve() == source.resolve():
        raise click.ClickException("the backup cannot be the database itself")
    backup_sqlite(source, path)
    size = path.stat().st_size
    current_app.logger.info("database backed up to %s (%d bytes)", path, size)
    click.echo(f"Backed up {source} to {path} ({size:,} bytes).")
