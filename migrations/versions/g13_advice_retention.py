"""Advice requests and s.137 board requests have review dates like the other records

Revision ID: g13_advice_retention
Revises: g13_open_request_indexes

Existing ones get one from the default period: six years from the answer (an advice request
still unanswered: from the question; a board request: else from the withdrawal or the request).
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


# table: (owner column, the dates the review date counts from, first found)
TABLES = {
    "advice_requests": ("organisation_id", ("answered_at", "created_at")),
    "board_requests": (
        "requesting_org_id",
        ("answered_on", "withdrawn_at", "sent_on", "created_at"),
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, (owner, basis_columns) in TABLES.items():
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("retention_review_on", sa.Date(), nullable=True))
            batch_op.add_column(
                sa.Column(
                    "retention_disposed_at",
                    isp_manager.db.UTCDateTime(timezone=True),
                    nullable=True,
                )
            )
            batch_op.create_index(f"ix_{name}_retention_due", [owner, "retention_review_on"])
        table = sa.table(name, sa.column("retention_review_on"), *map(sa.column, basis_columns))
        basis = sa.func.coalesce(*(as_date(table.c[c], dialect) for c in basis_columns))
        op.execute(
            table.update().values(
                retention_review_on=add_months_sql(basis, sa.literal(DEFAULT_MONTHS), dialect)
            )
        )


def downgrade():
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{name}_retention_due")
            batch_op.drop_column("retention_disposed_at")
            batch_op.drop_column("retention_review_on")
