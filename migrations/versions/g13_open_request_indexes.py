"""Partial indexes on each side's open requests in due-date order

Revision ID: g13_open_request_indexes
Revises: g11_board_requests
"""

import sqlalchemy as sa
from alembic import op

revision = "g13_open_request_indexes"
down_revision = "g11_board_requests"
branch_labels = None
depends_on = None

OPEN_PREDICATE = "state IN ('sent', 'acknowledged', 'awaiting_clarification')"
TABLES = ("cooperation_requests", "board_requests")
SIDES = ("requested", "requesting")


def upgrade():
    for table in TABLES:
        for side in SIDES:
            op.create_index(
                f"ix_{table}_{side}_open_due",
                table,
                [f"{side}_org_id", "due_date", "id"],
                sqlite_where=sa.text(OPEN_PREDICATE),
                postgresql_where=sa.text(OPEN_PREDICATE),
            )


def downgrade():
    for table in TABLES:
        for side in SIDES:
            op.drop_index(f"ix_{table}_{side}_open_due", table_name=table)
