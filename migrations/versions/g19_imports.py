"""Pending imports of agreements from Word documents

Revision ID: g19_imports
Revises: g15_qa_groups

New table protocol_pending_imports: an uploaded ISP or DDA read against its template, kept for
the IG lead who uploaded it until they confirm the partners and create the draft.
"""

import sqlalchemy as sa
from alembic import op

import isp_manager.db

revision = "g19_imports"
down_revision = "g15_qa_groups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "protocol_pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("template_code", sa.String(length=40), nullable=False),
        sa.Column("template_version", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_protocol_pending_imports_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_pending_imports")),
    )
    with op.batch_alter_table("protocol_pending_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_pending_imports_owner_id"), ["owner_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("protocol_pending_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_pending_imports_owner_id"))
    op.drop_table("protocol_pending_imports")
