"""Regional QA groups and their members; a protocol version is submitted to one

Revision ID: g15_qa_groups
Revises: g14_case_reference

New tables qa_groups and qa_group_members, loaded with the five regional WASPI QA groups of
the reference data, and protocol_versions.qa_group_id. A version whose free-text QA group
names one of the groups (ignoring case and spaces) points at it; any other text stays in
protocol_versions.qa_group, where pages and documents still read it.
"""

import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import isp_manager.db

revision = "g15_qa_groups"
down_revision = "g14_case_reference"
branch_labels = None
depends_on = None

REFERENCE_FILE = (
    Path(__file__).resolve().parents[2] / "isp_manager" / "qa_groups" / "data" / "qa-groups.csv"
)


def _normal(name: str | None) -> str:
    return " ".join((name or "").lower().split())


def upgrade():
    groups = op.create_table(
        "qa_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_cy", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_groups")),
        sa.UniqueConstraint("code", name=op.f("uq_qa_groups_code")),
        sa.UniqueConstraint("name", name=op.f("uq_qa_groups_name")),
    )
    op.create_table(
        "qa_group_members",
        sa.Column("qa_group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_qa_group_members_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["qa_group_id"],
            ["qa_groups.id"],
            name=op.f("fk_qa_group_members_qa_group_id_qa_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_qa_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("qa_group_id", "user_id", name=op.f("pk_qa_group_members")),
    )
    with op.batch_alter_table("qa_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_group_members_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("protocol_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qa_group_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_protocol_versions_qa_group_id"), ["qa_group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_protocol_versions_qa_group_id_qa_groups"),
            "qa_groups",
            ["qa_group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with REFERENCE_FILE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    now = datetime.now(UTC)
    op.bulk_insert(
        groups,
        [
            {
                "code": r["code"],
                "name": r["name"],
                "name_cy": r["name_cy"] or None,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ],
    )
    bind = op.get_bind()
    ids = {_normal(name): gid for gid, name in bind.execute(sa.text("SELECT id, name FROM qa_groups"))}
    typed = bind.execute(
        sa.text("SELECT id, qa_group FROM protocol_versions WHERE qa_group IS NOT NULL")
    ).all()
    for version_id, text in typed:
        group_id = ids.get(_normal(text))
        if group_id is not None:
            bind.execute(
                sa.text("UPDATE protocol_versions SET qa_group_id = :g WHERE id = :v"),
                {"g": group_id, "v": version_id},
            )


def downgrade():
    with op.batch_alter_table("protocol_versions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_protocol_versions_qa_group_id_qa_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_protocol_versions_qa_group_id"))
        batch_op.drop_column("qa_group_id")
    with op.batch_alter_table("qa_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_group_members_user_id"))
    op.drop_table("qa_group_members")
    op.drop_table("qa_groups")
