"""storage: stored_files, the files the service keeps (organisations' letterheads) in the
database, so every server behind one database has them; the letterheads uploaded before
(instance/letterheads/<organisation code>.docx) are copied in

Revision ID: g24_stored_files
Revises: g23_invitations
Create Date: 2026-12-03 12:20:00

The files in instance/letterheads/ are left where they are (the database now holds them;
they may be deleted once the upgrade has been checked). Downgrading writes the stored
letterheads back into that folder before dropping the table.
"""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "g24_stored_files"
down_revision = "g23_invitations"
branch_labels = None
depends_on = None

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _letterhead_folder() -> Path | None:
    if not has_app_context():
        return None
    return Path(current_app.instance_path) / "letterheads"


def upgrade():
    stored_files = op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=60), nullable=False),
        sa.Column("owner_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "size = length(content)", name=op.f("ck_stored_files_stored_file_size")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_stored_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint(
            "owner_type",
            "owner_id",
            "kind",
            name=op.f("uq_stored_files_owner_type_owner_id_kind"),
        ),
    )
    folder = _letterhead_folder()
    if folder is None or not folder.is_dir():
        return
    connection = op.get_bind()
    organisations = dict(connection.execute(sa.text("SELECT code, id FROM organisations")).all())
    rows = []
    for path in sorted(folder.glob("*.docx")):
        org_id = organisations.get(path.stem)
        if org_id is None:  # an organisation no longer in the register
            continue
        data = path.read_bytes()
        rows.append(
            {
                "owner_type": "organisations",
                "owner_id": str(org_id),
                "kind": "letterhead",
                "filename": path.name,
                "content_type": DOCX,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "content": data,
                "uploaded_by_id": None,
                "uploaded_at": datetime.fromtimestamp(path.stat().st_mtime, UTC),
            }
        )
    if rows:
        op.bulk_insert(stored_files, rows)


def downgrade():
    folder = _letterhead_folder()
    if folder is not None:
        connection = op.get_bind()
        letterheads = connection.execute(
            sa.text(
                "SELECT o.code, f.content FROM stored_files f JOIN organisations o "
                "ON f.owner_type = 'organisations' AND f.owner_id = CAST(o.id AS VARCHAR(80)) "
                "WHERE f.kind = 'letterhead'"
            )
        ).all()
        if letterheads:
            folder.mkdir(parents=True, exist_ok=True)
        for code, content in letterheads:
            (folder / f"{code}.docx").write_bytes(bytes(content))
    op.drop_table("stored_files")
