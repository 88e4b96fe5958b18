"""The Alembic migrations build exactly the schema the models describe, guard included."""

from __future__ import annotations

import re
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


def _check_constraints(engine) -> dict[tuple[str, str], str]:
    """Every named CHECK constraint of the database, by (table, name), its text normalised
    (case, spaces, quotes, brackets and casts, the order of an IN list) so that the database's own rendering does not count."""
    inspector = sa.inspect(engine)
    found = {}
    for table in inspector.get_table_names():
        for check in inspector.get_check_constraints(table):
            text = check["sqltext"].lower()
            for noise in (" ", "\n", "\t", '"', "(", ")", "::text", "::charactervarying", "[]"):
                text = text.replace(noise, "")
            # an IN list's values in any order: a migration appends a new value at its end
            text = re.sub(
                r"'[^']*'(?:,'[^']*')+", lambda m: ",".join(sorted(m.group(0).split(","))), text
            )
            found[(table, check["name"])] = text
    return found


def test_upgrade_makes_the_check_constraints_the_models_make(fresh_database_url, tmp_path):
    """Alembic's comparison ignores CHECK constraints, and an enum value missing from one (a
    new timeline event, say) only shows when a row is first written: so they are compared
    here with a database made straight from the models."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        flask_migrate.upgrade()
        migrated = _check_constraints(db.engine)
        db.engine.dispose()
    models_url = (
        f"sqlite:///{tmp_path / 'models.sqlite'}"
        if fresh_database_url.startswith("sqlite")
        else fresh_database_url.rsplit("/", 1)[0] + f"/ispm_models_{uuid.uuid4().hex[:8]}"
    )
    admin = None
    if not models_url.startswith("sqlite"):
        admin = sa.create_engine(fresh_database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{sa.make_url(models_url).database}"'))
    try:
        engine = sa.create_engine(models_url)
        db.metadata.create_all(engine)
        from_models = _check_constraints(engine)
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                name = sa.make_url(models_url).database
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    missing = sorted(set(from_models) - set(migrated))
    extra = sorted(set(migrated) - set(from_models))
    different = sorted(k for k in set(from_models) & set(migrated) if from_models[k] != migrated[k])
    assert (missing, extra, different) == ([], [], []), (
        f"missing from the migrations: {missing}; only in the migrations: {extra}; "
        f"different: {[(k, from_models[k], migrated[k]) for k in different]}"
    )


def test_free_text_qa_groups_become_the_regional_groups_they_name(fresh_database_url, tmp_path):
    """A version approved with a typed QA group points at the regional group of that name
    (case and spaces aside); text that names no group stays, to be read as it was."""
    from alembic.script import ScriptDirectory

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        engine = db.engine
        config = app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("g15_qa_groups").down_revision
        flask_migrate.upgrade(revision=before)
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, code, name, search_text, kind, nation, "
                    "covers_all_wales, is_active, is_public_authority, created_at, updated_at) "
                    "VALUES (1, 'la-cardiff', 'Cardiff Council', 'cardiff council', "
                    "'local_authority', 'wales', false, true, true, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            for number, typed in ((1, "  waspi south  QA group"), (2, "Our own QA panel")):
                conn.execute(
                    sa.text(
                        "INSERT INTO protocols (id, reference, kind, title, "
                        "lead_organisation_id, template_code, template_version, created_at, "
                        "updated_at) VALUES (:n, :ref, 'isp', 'T', 1, 'isp', '1', "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"n": number, "ref": f"ISP-2026-000{number}"},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO protocol_versions (protocol_id, number, state, row_version, "
                        "qa_group, created_at, updated_at) VALUES (:n, :n, 'draft', 1, :g, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"n": number, "g": typed},
                )
            conn.commit()
        flask_migrate.upgrade()
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT v.number, v.qa_group, g.name FROM protocol_versions v "
                    "LEFT JOIN qa_groups g ON g.id = v.qa_group_id ORDER BY v.number"
                )
            ).all()
            names = conn.execute(sa.text("SELECT name FROM qa_groups ORDER BY name")).scalars()
            assert len(list(names)) == 5
        assert rows == [
            (1, "  waspi south  QA group", "WASPI South QA Group"),
            (2, "Our own QA panel", None),
        ]
        engine.dispose()


def test_the_accord_signatory_columns_keep_the_accord_already_recorded(
    fresh_database_url, tmp_path
):
    """g17_accord adds who signed the Declaration; the date and Designated Person stay."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision="g15_qa_groups")
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, code, name, search_text, kind, nation, "
                    "covers_all_wales, is_active, is_public_authority, waspi_signed_on, "
                    "waspi_designated_person, created_at, updated_at) VALUES (1, 'la-cardiff', "
                    "'Cardiff Council', 'cardiff council', 'local_authority', 'wales', false, "
                    "true, true, '2019-04-01', 'Dee Pio', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.commit()
        flask_migrate.upgrade(revision="g17_accord")
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT waspi_designated_person, waspi_declaration_signed_by, "
                    "waspi_declaration_signatory_role FROM organisations"
                )
            ).one()
        assert tuple(row) == ("Dee Pio", None, None)
        flask_migrate.downgrade(revision="g15_qa_groups")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("organisations")}
        assert "waspi_declaration_signed_by" not in columns and "waspi_designated_person" in columns
        engine.dispose()


def test_letterheads_on_disk_move_into_the_database_and_back(fresh_database_url, tmp_path):
    """g24_stored_files copies instance/letterheads/<code>.docx into stored_files (a file for
    an organisation no longer in the register is skipped); downgrading writes them back."""
    import hashlib
    from pathlib import Path

    script = Path(__file__).parent.parent / "migrations" / "versions" / "g24_stored_files.py"
    before = re.search(r'^down_revision = "([^"]+)"', script.read_text(), re.M).group(1)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    folder = tmp_path / "letterheads"
    folder.mkdir()
    (folder / "nca.docx").write_bytes(b"nca letterhead bytes")
    (folder / "gone.docx").write_bytes(b"an organisation no longer registered")
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision=before)
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, code, name, search_text, kind, "
                    "covers_all_wales, is_active, created_at, updated_at, nation, "
                    "is_public_authority) VALUES (7, 'nca', 'National Crime Agency', 'nca', "
                    "'national_crime_agency', true, true, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP, 'uk', true)"
                )
            )
            conn.commit()
        flask_migrate.upgrade(revision="g24_stored_files")
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT owner_type, owner_id, kind, filename, size, sha256, content "
                    "FROM stored_files"
                )
            ).all()
        assert [tuple(r[:6]) for r in rows] == [
            (
                "organisations",
                "7",
                "letterhead",
                "nca.docx",
                20,
                hashlib.sha256(b"nca letterhead bytes").hexdigest(),
            )
        ]
        assert bytes(rows[0][6]) == b"nca letterhead bytes"
        (folder / "nca.docx").unlink()
        flask_migrate.downgrade(revision=before)
        assert (folder / "nca.docx").read_bytes() == b"nca letterhead bytes"
        assert "stored_files" not in sa.inspect(engine).get_table_names()
        engine.dispose()
