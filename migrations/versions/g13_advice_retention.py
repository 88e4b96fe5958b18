"""Advice requests have a review date like the decisions they inform

Revision ID: g13_advice_retention
Revises: g13_open_request_indexes

Existing advice requests get one from the default period (six years from the answer, or from
the question while unanswered).
"""

import sqlalchemy as sa
from alembic import op

import isp_manager.db
from isp_manager.retention.registry import add_months_sql, as_date

revision = "g13_advice_retention"
down_revision = "g13_open_request_indexes"
branch_labels = None
depends_on = None

DEFAULT_MONTHS = 72


def upgrade():
    with op.batch_alter_table("advice_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_review_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "retention_disposed_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            "ix_advice_requests_retention_due", ["organisation_id", "retention_review_on"]
        )
    dialect = op.get_bind().dialect.name
    table = sa.table(
        "advice_requests",
        sa.column("retention_review_on"),
        sa.column("answered_at"),
        sa.column("created_at"),
    )
    basis = sa.func.coalesce(
        as_date(table.c.answered_at, dialect), as_date(table.c.created_at, dialect)
    )
    op.execute(
        table.update().values(
            retention_review_on=add_months_sql(basis, sa.literal(DEFAULT_MONTHS), dialect)
        )
    )


def downgrade():
    with op.batch_alter_table("advice_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_advice_requests_retention_due")
        batch_op.drop_column("retention_disposed_at")
        batch_op.drop_column("retention_review_on")
