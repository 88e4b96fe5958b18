"""Who answers requests at a body, and when an answer was first read

Revision ID: g11_request_contacts
Revises: g12_decisions_teams
Create Date: 2026-12-02 13:30:00

users.answers_requests: set by the body's IG lead; those users are told of requests made to
the body. cooperation_requests.answer_read_at: when the requesting body first read the answer.
"""
import sqlalchemy as sa
from alembic import op

from isp_manager.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'g11_request_contacts'
down_revision = 'g12_decisions_teams'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(
            sa.Column('answers_requests', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('cooperation_requests') as batch_op:
        batch_op.add_column(sa.Column('answer_read_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('cooperation_requests') as batch_op:
        batch_op.drop_column('answer_read_at')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('answers_requests')
