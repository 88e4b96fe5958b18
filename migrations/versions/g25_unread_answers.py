"""cooperation_requests: a partial index of the answers the body that asked has not read,
counted on every home page

Revision ID: g25_unread_answers
Revises: g18_agreement_kinds
Create Date: 2026-12-03 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "g25_unread_answers"
down_revision = "g18_agreement_kinds"
branch_labels = None
depends_on = None

# As at this revision (a migration does not follow the models).
PREDICATE = "answer_read_at IS NULL AND state IN ('answered', 'closed')"


def upgrade():
    op.create_index(
        "ix_cooperation_requests_requesting_unread",
        "cooperation_requests",
        ["requesting_org_id", "state", "answer_read_at"],
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )


def downgrade():
    op.drop_index("ix_cooperation_requests_requesting_unread", table_name="cooperation_requests")
