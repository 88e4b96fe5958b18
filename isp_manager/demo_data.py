"""`flask demo-data --scale small|wales|large`: realistic synthetic data, written fast.

Each domain has its own generator module (`<package>/demo.py` with a `generate(ctx)`
function); this module runs them in order, in ONE transaction, on top of the reference
data (loaded first if missing). Rows go in through SQLAlchemy Core bulk inserts in
batches, so the same code is quick on SQLite and PostgreSQL.

Demo data is written once per database. Run again on a database that already has it,
the command writes nothing: with the same scale it says so and succeeds (so scripts may
call it every time); with another scale it refuses with a non-zero exit, because mixing
scales would give counts that match neither.
"""

from __future__ import annotations

import functools
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import click
import pyotp
import sqlalchemy as sa
from flask.cli import with_appcontext

from . import encryption
from .accounts.passwords import hash_password
from .db import transaction_intent, utcnow
from .extensions import db

LOADED_ACTION = "demo_data.loaded"
DEMO_CODE_PREFIX = "demo-"
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Scale:
    """How much of everything one scale writes (organisations include the reference bodies)."""

    name: str
    organisations: int
    users: int
    cooperation_requests: int
    protocols: int
    decisions: int
    # The part of the decisions that Cardiff Council (the demo IG lead's) records.
    busiest_decisions_share: float = 0.3


SCALES = {
    "small": Scale(
        "small",
        organisations=300,
        users=300,
        cooperation_requests=2_000,
        protocols=40,
        decisions=400,
    ),
    "wales": Scale(
        "wales",
        organisations=2_600,
        users=3_000,
        cooperation_requests=20_000,
        protocols=400,
        decisions=4_000,
    ),
    "large": Scale(
        "large",
        organisations=10_000,
        users=5_000,
        cooperation_requests=200_000,
        protocols=3_000,
        decisions=40_000,
    ),
    # The decision register at scale: Cardiff Council with over 500,000 decision records,
    # everything else as small as the small scale.
    "decisions": Scale(
        "decisions",
        organisations=300,
        users=300,
        cooperation_requests=2_000,
        protocols=40,
        decisions=520_000,
        busiest_decisions_share=0.97,
    ),
}


@dataclass
class DemoContext:
    """What the generators share: the open connection, the scale, a seeded random source,
    and what earlier generators made (filled in as they run)."""

    conn: sa.Connection
    scale: Scale
    rng: random.Random
    now: datetime
    password_hash: str
    # Every demo administrator and IG lead has two-factor authentication with this key.
    totp_secret: str = field(default_factory=lambda: pyotp.random_base32(32))
    counts: dict[str, int] = field(default_factory=dict)
    # Filled by parties.demo: every organisation (reference and demo) by id.
    organisations: dict[int, dict] = field(default_factory=dict)
    # Filled by accounts.demo: every demo user as {"id", "organisation_id", "role", "name", "email"}.
    users: list[dict] = field(default_factory=list)
    # The named demo accounts to print at the end: (role label, e-mail, organisation name).
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    @functools.cached_property
    def totp_secret_encrypted(self) -> str:
        """The key as the users table stores it (encrypted at rest), once for every row."""
        return encryption.encrypt(self.totp_secret)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def insert_rows(
    conn: sa.Connection,
    table: sa.Table,
    rows: Iterable[dict],
    *,
    with_ids: bool = False,
    batch_size: int = BATCH_SIZE,
) -> list[int]:
    """Bulk-insert `rows` (dicts with the same keys) with executemany, in batches.

    With `with_ids`, each row is given the next primary key up front and the ids are
    returned in the order of `rows`: plain executemany is many times faster than INSERT ...
    RETURNING, which SQLite can only do a row at a time when the order must be kept. The
    command holds the one transaction that writes, so the numbers cannot clash; PostgreSQL's
    sequence is then moved past them.
    """
    ids: list[int] = []
    next_id = 0
    if with_ids:
        next_id = (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    writer: _BatchWriter | None = None
    batch: list[dict] = []
    for row in rows:
        if with_ids:
            row["id"] = next_id
            ids.append(next_id)
            next_id += 1
        batch.append(row)
        if len(batch) >= batch_size:
            writer = writer or _BatchWriter(conn, table, batch[0])
            writer.write(batch)
            batch = []
    if batch:
        (writer or _BatchWriter(conn, table, batch[0])).write(batch)
    if ids and conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": table.name, "last": ids[-1]},
        )
    return ids


class _BatchWriter:
    """Values converted by the columns' own bind processors (so they are stored exactly as
    Connection.execute would store them), then handed to the driver without SQLAlchemy's
    per-row bookkeeping, which is most of the time for a million rows: SQLite gets one
    executemany per batch; PostgreSQL gets COPY, its bulk-load path, several times faster
    than row-by-row INSERTs over the network."""

    def __init__(self, conn: sa.Connection, table: sa.Table, sample: dict):
        self.conn = conn
        dialect = conn.dialect
        self.copy = dialect.name == "postgresql"
        if self.copy:
            self.keys = list(sample)
            quote = dialect.identifier_preparer.quote
            columns = ", ".join(quote(k) for k in self.keys)
            self.sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        else:
            compiled = table.insert().compile(dialect=dialect, column_keys=list(sample))
            self.sql = str(compiled)
            self.keys = list(compiled.positiontup)  # the order of the ? placeholders
        self.processors = [
            table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in self.keys
        ]

    def _values(self, row: dict) -> tuple:
        pairs = zip(self.keys, self.processors, strict=True)
        return tuple(p(row[k]) if p else row[k] for k, p in pairs)

    def write(self, batch: list[dict]) -> None:
        if not self.copy:
            self.conn.exec_driver_sql(self.sql, [self._values(row) for row in batch])
            return
        driver_connection = self.conn.connection.dbapi_connection  # psycopg, same transaction
        with driver_connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            for row in batch:
                copy.write_row(self._values(row))


def save_reference_numbers(ctx: DemoContext, prefix: str, numbers: dict[int, int]) -> None:
    """Keep the last demo number of each year under `prefix`, so that the app numbers new
    records after the demo ones (lifecycle.allocate_reference)."""
    from .lifecycle.models import ReferenceSequence

    table = ReferenceSequence.__table__
    where = table.c.prefix == prefix
    existing = {row.year for row in ctx.conn.execute(sa.select(table.c.year).where(where))}
    for year, number in numbers.items():
        if year in existing:
            ctx.conn.execute(
                table.update().where(where, table.c.year == year).values(last_number=number)
            )
        else:
            ctx.conn.execute(table.insert().values(prefix=prefix, year=year, last_number=number))


def insert_audit_events(ctx: DemoContext, events: Sequence[tuple]) -> None:
    """One audit event per demo change: (action, record_type, record_id, occurred_at, after)
    or the same with (..., actor_id, organisation_id) when a person made it."""
    from .audit.models import AuditEvent

    def row(action, record_type, record_id, at, after, actor_id=None, organisation_id=None):
        return {
            "occurred_at": at,
            "actor_id": actor_id,
            "organisation_id": organisation_id,
            "action": action,
            "record_type": record_type,
            "record_id": str(record_id),
            "before": None,
            "after": after,
            "request_id": None,
        }

    insert_rows(ctx.conn, AuditEvent.__table__, (row(*event) for event in events))
    ctx.count("audit events", len(events))


def _generators() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """The domain generators, in dependency order. A domain whose models have not landed
    has no demo module yet, and is simply absent from this list."""
    from .accounts import demo as accounts_demo
    from .board_requests import demo as board_requests_demo
    from .cooperation import demo as cooperation_demo
    from .decisions import demo as decisions_demo
    from .parties import demo as parties_demo
    from .protocols import demo as protocols_demo
    from .retention import demo as retention_demo

    return [
        ("organisations", parties_demo.generate),
        ("users", accounts_demo.generate),
        ("protocols", protocols_demo.generate),
        ("co-operation requests", cooperation_demo.generate),
        ("decision records", decisions_demo.generate),
        ("board requests", board_requests_demo.generate),
        ("retention review dates", retention_demo.generate),
    ]


def existing_demo_data() -> dict | None:
    """The record written when demo data was loaded into this database, or None."""
    from .audit.models import AuditEvent
    from .parties.models import Organisation

    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == LOADED_ACTION).order_by(AuditEvent.id)
    )
    if event is not None:
        return {"scale": event.record_id, "loaded_at": event.occurred_at, **(event.after or {})}
    demo_orgs = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Organisation)
        .where(Organisation.code.startswith(DEMO_CODE_PREFIX))
    )
    return {"scale": None, "organisations": demo_orgs} if demo_orgs else None


def ensure_reference_data() -> int:
    """Load the reference bodies if any is missing; returns how many were created."""
    from .parties.reference import seed_reference

    return seed_reference().created


def load_demo_data(
    scale: Scale, *, password: str, seed: int = 2026, totp_secret: str | None = None
) -> DemoContext:
    """Write the demo data for `scale` into the current session's transaction.
    The caller commits (or rolls back)."""
    started = utcnow()
    reference_created = ensure_reference_data()
    db.session.flush()
    ctx = DemoContext(
        conn=db.session.connection(),
        scale=scale,
        rng=random.Random(seed),
        now=started,
        # argon2 is deliberately slow: hash the one demo password once and share the hash.
        password_hash=hash_password(password),
    )
    if totp_secret:
        ctx.totp_secret = totp_secret
    if reference_created:
        ctx.count("reference organisations (loaded first)", reference_created)
    if ctx.conn.dialect.name == "sqlite":
        # Index upkeep for a million rows thrashes SQLite's default 2 MB page cache;
        # this connection may use 256 MB while it writes.
        ctx.conn.exec_driver_sql("PRAGMA cache_size = -262144")
    for _name, generate in _generators():
        generate(ctx)
    insert_audit_events(
        ctx,
        [(LOADED_ACTION, "demo_data", scale.name, started, {k: v for k, v in ctx.counts.items()})],
    )
    return ctx


def refresh_statistics() -> None:
    """PostgreSQL: VACUUM ANALYZE after a bulk load, as autovacuum would in time, so the
    planner knows the new row counts and index-only scans work (a million fresh rows
    otherwise look like an empty table to it). SQLite keeps no statistics unless asked."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _missing_tables() -> list[str]:
    with transaction_intent(writes=False):  # a look at the schema: no write lock wanted
        present = set(sa.inspect(db.engine).get_table_names())
    return sorted(set(db.metadata.tables) - present)


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        return secrets.token_urlsafe(12)
    password = sys.stdin.readline().strip()
    if len(password) < 12:
        raise click.BadParameter(
            "Give a demo password of at least 12 characters on standard input.",
            param_hint="--password-stdin",
        )
    return password


def _read_totp_secret() -> str:
    secret = "".join(sys.stdin.readline().split()).upper()
    try:
        pyotp.TOTP(secret).now()
    except ValueError:
        secret = ""
    if len(secret) < 16:
        raise click.BadParameter(
            "Give a two-factor key of at least 16 base32 characters (A to Z, 2 to 7) on the "
            "line after the password.",
            param_hint="--totp-secret-stdin",
        )
    return secret


@click.command("demo-data")
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="small",
    show_default=True,
    help="small: a few hundred organisations and users (tests); wales: every council's "
    "schools, youth offending teams and charities, a few thousand users; large: 10,000 "
    "organisations and 5,000 users.",
)
@click.option(
    "--seed", type=int, default=2026, show_default=True, help="Random seed (same seed, same data)."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the demo accounts' password from standard input instead of generating one.",
)
@click.option(
    "--totp-secret-stdin",
    is_flag=True,
    help="Read the administrators' and IG leads' two-factor key (base32) from the next line "
    "of standard input instead of generating one.",
)
@with_appcontext
def demo_data_command(scale: str, seed: int, password_stdin: bool, totp_secret_stdin: bool) -> None:
    """Write realistic synthetic data and print the demo accounts and their password.

    Written once per database: run again, it writes nothing, and exits 0 for the same scale
    or 1 (saying what to do) for another.
    """
    missing = _missing_tables()
    if missing:
        raise click.ClickException(
            f"The database has no {', '.join(missing[:3])} table"
            f"{'s' if len(missing) > 1 else ''}: run `flask db upgrade` first."
        )
    password = _read_password(password_stdin)
    totp_secret = _read_totp_secret() if totp_secret_stdin else None
    existing = existing_demo_data()
    if existing is not None:
        _report_existing(existing, scale)
        return
    started = time.perf_counter()
    try:
        ctx = load_demo_data(SCALES[scale], password=password, seed=seed, totp_secret=totp_secret)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    refresh_statistics()
    elapsed = time.perf_counter() - started
    click.echo(f"Demo data ({scale}) written in {elapsed:.1f} s:")
    for what, n in sorted(ctx.counts.items(), key=lambda item: item[0] == "audit events"):
        click.echo(f"  {n:>9,} {what}")
    click.echo("\nDemo accounts (all share one password):")
    for role, email, organisation in ctx.accounts:
        click.echo(f"  {role:<32} {email:<48} {organisation}")
    click.echo(
        "\nAdministrators and IG leads also enter a code from an authenticator app. Add this "
        f"setup key to your app (time-based, 6 digits), once for all of them: {ctx.totp_secret}"
    )
    click.echo(f"Password for every demo account: {password}")


def _report_existing(existing: dict, scale: str) -> None:
    loaded = existing.get("scale")
    if loaded == scale:
        click.echo(f"This database already has the {scale} demo data; nothing was written.")
        return
    what = (
        f"the {loaded} demo data" if loaded else f"{existing['organisations']} demo organisations"
    )
    raise click.ClickException(
        f"This database already has {what}; nothing was written. Demo data is loaded once "
        f"per database: to load the {scale} scale, point DATABASE_URL at a new database "
        "(or delete instance/isp_manager.sqlite), run `flask db upgrade`, then this command."
    )
