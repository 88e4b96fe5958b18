"""audit log append-only against REPLACE (SQLite) and TRUNCATE (PostgreSQL)

Revision ID: b2_audit_append_only
Revises: b1_user_sessions
Create Date: 2026-12-02 10:00:00

"""

from alembic import op

from isp_manager.audit.models import (
    POSTGRES_GUARD_B2,
    POSTGRES_GUARD_B2_DROP,
    SQLITE_GUARD_B2,
    SQLITE_GUARD_B2_DROP,
)

# revision identifiers, used by Alembic.
revision = "b2_audit_append_only"
down_revision = "b1_user_sessions"
branch_labels = None
depends_on = None


def _statements(sqlite: list[str], postgresql: list[str]) -> list[str]:
    return {"sqlite": sqlite, "postgresql": postgresql}.get(op.get_bind().dialect.name, [])


def upgrade():
    for statement in _statements(SQLITE_GUARD_B2, POSTGRES_GUARD_B2):
        op.execute(statement)


def downgrade():
    for statement in _statements(SQLITE_GUARD_B2_DROP, POSTGRES_GUARD_B2_DROP):
        op.execute(statement)
