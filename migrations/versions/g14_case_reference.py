"""The requesting body's own case reference on s.164 and s.137 requests

Revision ID: g14_case_reference
Revises: g13_advice_retention
"""

import sqlalchemy as sa
from alembic import op

revision = "g14_case_reference"
down_revision = "g13_advice_retention"
branch_labels = None
depends_on = None

TABLES = ("cooperation_requests", "board_requests")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("case_reference", sa.String(length=60), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("case_reference")
