"""Signatures that mean something: each partner names its signatory (an account at the
partner, or a named officer), and a signature records how it was given (from the signatory's
account, or on paper with who recorded it and the scanned page)

Revision ID: g20_signatures
Revises: g24_stored_files
"""

import sqlalchemy as sa
from alembic import op

import isp_manager.db

revision = "g20_signatures"
down_revision = "g24_stored_files"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("protocol_partners") as batch:
        batch.add_column(sa.Column("signatory_user_id", sa.Integer(), nullable=True))
        batch.create_index(
            batch.f("ix_protocol_partners_signatory_user_id"), ["signatory_user_id"], unique=False
        )
        batch.create_foreign_key(
            batch.f("fk_protocol_partners_signatory_user_id_users"),
            "users",
            ["signatory_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("protocol_signatures") as batch:
        # Every signature before this revision was given from an account.
        batch.add_column(
            sa.Column(
                "method",
                sa.Enum(
                    "account",
                    "paper",
                    name="protocol_signature_method",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=False,
                server_default="account",
            )
        )
        batch.add_column(sa.Column("attested_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("attested_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("scan", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("scan_content_type", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("scan_filename", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("scan_size", sa.Integer(), nullable=True))
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            batch.f("fk_protocol_signatures_attested_by_id_users"),
            "users",
            ["attested_by_id"],
            ["id"],
        )
        batch.create_check_constraint(
            "account_has_signer",
            "method != 'account' OR (user_id IS NOT NULL AND attested_by_id IS NULL)",
        )
        batch.create_check_constraint(
            "paper_has_attestation",
            "method != 'paper' OR (attested_by_id IS NOT NULL AND attested_at IS NOT NULL "
            "AND scan IS NOT NULL AND scan_content_type IS NOT NULL)",
        )
        batch.create_check_constraint(
            "scan_content_type_known",
            "scan_content_type IS NULL OR scan_content_type IN "
            "('application/pdf', 'image/png', 'image/jpeg')",
        )


def downgrade():
    # Paper signatures have no signing account: they cannot be kept without one.
    op.execute("DELETE FROM protocol_signatures WHERE method = 'paper'")
    with op.batch_alter_table("protocol_signatures") as batch:
        batch.drop_constraint(batch.f("ck_protocol_signatures_scan_content_type_known"), "check")
        batch.drop_constraint(batch.f("ck_protocol_signatures_paper_has_attestation"), "check")
        batch.drop_constraint(batch.f("ck_protocol_signatures_account_has_signer"), "check")
        batch.drop_constraint(
            batch.f("ck_protocol_signatures_protocol_signature_method"), "check"
        )
        batch.drop_constraint(batch.f("fk_protocol_signatures_attested_by_id_users"), "foreignkey")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        for name in ("scan_size", "scan_filename", "scan_content_type", "scan", "attested_at"):
            batch.drop_column(name)
        batch.drop_column("attested_by_id")
        batch.drop_column("method")
    with op.batch_alter_table("protocol_partners") as batch:
        batch.drop_constraint(batch.f("fk_protocol_partners_signatory_user_id_users"), "foreignkey")
        batch.drop_index(batch.f("ix_protocol_partners_signatory_user_id"))
        batch.drop_column("signatory_user_id")
