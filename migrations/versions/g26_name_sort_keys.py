"""parties: organisations' names sorted in each language (Welsh alphabet for Welsh)

Adds name_sort_en and name_sort_cy (parties.search.sort_key, compared byte by byte), fills
them and the folded search text for the bodies already registered, and indexes them.

Revision ID: g26_name_sort_keys
Revises: g22_secrets_at_rest
Create Date: 2026-12-04 19:30:00

"""

import sqlalchemy as sa
from alembic import op

from isp_manager.parties.search import SORT_KEY_LENGTH, name_keys

revision = "g26_name_sort_keys"
down_revision = "g22_secrets_at_rest"
branch_labels = None
depends_on = None

SORT_KEY = sa.String(SORT_KEY_LENGTH).with_variant(
    sa.String(SORT_KEY_LENGTH, collation="C"), "postgresql"
)
INDEXES = {
    "ix_organisations_name_sort_en": ["name_sort_en", "id"],
    "ix_organisations_name_sort_cy": ["name_sort_cy", "id"],
    "ix_organisations_kind_name_sort_en": ["kind", "name_sort_en"],
    "ix_organisations_kind_name_sort_cy": ["kind", "name_sort_cy"],
}


def upgrade():
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(sa.Column("name_sort_en", SORT_KEY, nullable=True))
        batch_op.add_column(sa.Column("name_sort_cy", SORT_KEY, nullable=True))
    conn = op.get_bind()
    orgs = sa.table(
        "organisations",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_cy", sa.String),
        sa.column("search_text", sa.String),
        sa.column("name_sort_en", sa.String),
        sa.column("name_sort_cy", sa.String),
    )
    rows = conn.execute(sa.select(orgs.c.id, orgs.c.name, orgs.c.name_cy)).all()
    for row in rows:
        conn.execute(
            orgs.update().where(orgs.c.id == row.id).values(**name_keys(row.name, row.name_cy))
        )
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.alter_column("name_sort_en", existing_type=SORT_KEY, nullable=False)
        batch_op.alter_column("name_sort_cy", existing_type=SORT_KEY, nullable=False)
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("organisations") as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("name_sort_cy")
        batch_op.drop_column("name_sort_en")
