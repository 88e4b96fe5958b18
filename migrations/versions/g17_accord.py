"""Who signed the WASPI Accord's Declaration of Acceptance and Participation for each body,
and their role

Revision ID: g17_accord
Revises: g19_imports
"""

import sqlalchemy as sa
from alembic import op

revision = "g17_accord"
down_revision = "g19_imports"
branch_labels = None
depends_on = None

COLUMNS = ("waspi_declaration_signed_by", "waspi_declaration_signatory_role")


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
