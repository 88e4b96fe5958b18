"""The Alembic migrations build exactly the schema the models describe, guard included."""

from __future__ import annotations

import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from isp_manager import create_app
from isp_manager.extensions import db

FORGE = (
    "audit_events (id, occurred_at, action, record_type, record_id) "
    "SELECT id, '2020-01-01 09:00:00', 'forged', 'test', '1' FROM audit_events"
)
REFUSED_BY_THE_GUARD = {
    "sqlite": [
        "DELETE FROM audit_events",
        "UPDATE audit_events SET action = 'x'",
        f"INSERT OR REPLACE INTO {FORGE}",
        f"REPLACE INTO {FORGE}",
    ],
    "postgresql": [
        "DELETE FROM audit_events",
        "UPDATE audit_events SET action = 'x'",
        "TRUNCATE audit_events",
    ],
}


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"ispm_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(sa.make_url(url).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models_and_downgrade_removes_everything(fresh_database_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"

        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO audit_events (occurred_at, action, record_type, record_id) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'test', '1')"
                )
            )
            conn.commit()
            for statement in REFUSED_BY_THE_GUARD[engine.dialect.name]:
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    conn.execute(sa.text(statement))
                conn.rollback()

        flask_migrate.downgrade(revision="base")
        remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        engine.dispose()


def test_upgrade_keeps_the_rows_of_an_existing_database(fresh_database_url, tmp_path):
    """A database in use is upgraded in place: tables that are rebuilt (SQLite batch
    migrations) keep every row, and so do the rows that refer to them."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision="c7d9d2ca651c")
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, code, name, search_text, kind, "
                    "covers_all_wales, is_active, created_at, updated_at) VALUES (1, 'nca', "
                    "'National Crime Agency', 'national crime agency', 'national_crime_agency', "
                    "true, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, organisation_id, role, password_hash, "
                    "is_active_user, must_change_password, session_version, created_at, "
                    "updated_at) VALUES (1, 'a@example.org', 'A', 1, 'practitioner', 'x', true, "
                    "false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.commit()
        flask_migrate.upgrade()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT organisation_id FROM users")).all() == [(1,)]
            row = conn.execute(sa.text("SELECT nation, is_public_authority FROM organisations"))
            assert row.one() == ("uk", True)
        engine.dispose()
