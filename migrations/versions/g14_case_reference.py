"""The board's own case reference on s.137 requests (an s.164 request's is its subject
reference); the open s.137
requests whose information goes to a body, by due date

Revision ID: g14_case_reference
Revises: g13_advice_retention
"""

import sqlalchemy as sa
from alembic import op

revision = "g14_case_reference"
down_revision = "g13_advice_retention"
branch_labels = None
depends_on = None

TABLES = ("board_requests",)
OPEN_PREDICATE = "state IN ('sent', 'acknowledged', 'awaiting_clarification')"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("case_reference", sa.String(length=60), nullable=True))
    op.create_index(
        "ix_board_requests_provide_to_open_due",
        "board_requests",
        ["provide_to_org_id", "due_date", "id"],
        sqlite_where=sa.text(OPEN_PREDICATE),
        postgresql_where=sa.text(OPEN_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_board_requests_provide_to_open_due", table_name="board_requests")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("case_reference")
