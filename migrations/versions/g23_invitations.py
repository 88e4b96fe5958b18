"""Invitations: an IG lead (or an administrator) invites a person to their organisation

Revision ID: g23_invitations
Revises: g22_sso

New table invitations: an e-mailed link, stored hashed, used once and expiring, by which the
person sets their password and their account is created.
"""

import sqlalchemy as sa
from alembic import op

import isp_manager.db

revision = "g23_invitations"
down_revision = "g22_sso"
branch_labels = None
depends_on = None

ROLES = ("admin", "ig_lead", "practitioner", "board_officer", "auditor")


def upgrade():
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="invitation_role", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "accepted_at IS NULL OR user_id IS NOT NULL",
            name=op.f("ck_invitations_accepted_has_user"),
        ),
        sa.CheckConstraint(
            "accepted_at IS NULL OR cancelled_at IS NULL",
            name=op.f("ck_invitations_accepted_or_cancelled"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invitations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invitations_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_email"))
    op.drop_table("invitations")
