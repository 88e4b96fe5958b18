"""Lawful bases: para 18 reason, criminal offence data and its condition on data items, the
completed Schedule 1 catalogue, and whether an organisation is a public authority

Revision ID: e8_lawful_bases
Revises: b2_audit_append_only
Create Date: 2026-12-02 09:00:00

Existing organisations become public authorities except charities and `other` bodies. No data
item is changed: QA shows what breaks the new rules. The new columns are added in place (not by
recreating the tables, which on SQLite would cascade deletes to the rows that refer to them).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8_lawful_bases"
down_revision = "b2_audit_append_only"
branch_labels = None
depends_on = None

# The catalogues as they are at this revision (literal: later catalogue changes need their own
# migration).
PARA18_CHECK = "para18_reason IS NULL OR para18_reason IN ('para18-2-a', 'para18-2-b', 'para18-2-c')"
CRIMINAL_CHECK = "criminal_offence_condition IS NULL OR criminal_offence_condition IN ('sch1-p1-para1', 'sch1-p1-para2', 'sch1-p1-para3', 'sch1-p1-para4', 'sch1-p2-para6', 'sch1-p2-para7', 'sch1-p2-para8', 'sch1-p2-para10', 'sch1-p2-para11', 'sch1-p2-para12', 'sch1-p2-para14', 'sch1-p2-para16', 'sch1-p2-para17', 'sch1-p2-para18', 'sch1-p2-para19', 'sch1-p2-para24', 'sch1-p3-para29', 'sch1-p3-para30', 'sch1-p3-para31', 'sch1-p3-para32', 'sch1-p3-para33', 'sch1-p3-para34', 'sch1-p3-para35', 'sch1-p3-para36')"
LAWFUL_BASES_CHECK = "(catalogue = 'article6' AND code IN ('art6-1-a', 'art6-1-b', 'art6-1-c', 'art6-1-d', 'art6-1-e', 'art6-1-f', 'art6-1-ea')) OR (catalogue = 'article9' AND code IN ('art9-2-a', 'art9-2-b', 'art9-2-c', 'art9-2-d', 'art9-2-e', 'art9-2-f', 'art9-2-g', 'art9-2-h', 'art9-2-i', 'art9-2-j')) OR (catalogue = 'schedule1' AND code IN ('sch1-p1-para1', 'sch1-p1-para2', 'sch1-p1-para3', 'sch1-p1-para4', 'sch1-p2-para6', 'sch1-p2-para7', 'sch1-p2-para8', 'sch1-p2-para10', 'sch1-p2-para11', 'sch1-p2-para12', 'sch1-p2-para14', 'sch1-p2-para16', 'sch1-p2-para17', 'sch1-p2-para18', 'sch1-p2-para19', 'sch1-p2-para24', 'sch1-p3-para29', 'sch1-p3-para30', 'sch1-p3-para31', 'sch1-p3-para32', 'sch1-p3-para33', 'sch1-p3-para34', 'sch1-p3-para35', 'sch1-p3-para36'))"
OLD_LAWFUL_BASES_CHECK = "(catalogue = 'article6' AND code IN ('art6-1-a', 'art6-1-b', 'art6-1-c', 'art6-1-d', 'art6-1-e', 'art6-1-f', 'art6-1-ea')) OR (catalogue = 'article9' AND code IN ('art9-2-a', 'art9-2-b', 'art9-2-c', 'art9-2-d', 'art9-2-e', 'art9-2-f', 'art9-2-g', 'art9-2-h', 'art9-2-i', 'art9-2-j')) OR (catalogue = 'schedule1' AND code IN ('sch1-p1-para1', 'sch1-p1-para2', 'sch1-p2-para6', 'sch1-p2-para10', 'sch1-p2-para18'))"


def _add_checked_column(table: str, column: sa.Column, name: str, check: str) -> None:
    """Add a nullable column with its CHECK, without recreating the table."""
    if op.get_context().dialect.name == "sqlite":
        type_sql = column.type.compile(dialect=op.get_context().dialect)
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column.name} {type_sql} "
            f"CONSTRAINT {name} CHECK ({check})"
        )
    else:
        op.add_column(table, column)
        op.create_check_constraint(op.f(name), table, check)


def _replace_lawful_bases_check(check: str) -> None:
    # protocol_lawful_bases is referenced by no table: recreating it (SQLite batch) is safe.
    with op.batch_alter_table("protocol_lawful_bases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_protocol_lawful_bases_code_in_catalogue"), type_="check")
        batch_op.create_check_constraint("code_in_catalogue", check)


def upgrade():
    op.add_column(
        "organisations",
        sa.Column("is_public_authority", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.execute(
        "UPDATE organisations SET is_public_authority = false WHERE kind IN ('charity', 'other')"
    )
    op.add_column(
        "protocol_data_items",
        sa.Column("is_criminal_offence", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _add_checked_column(
        "protocol_data_items",
        sa.Column("para18_reason", sa.String(length=16), nullable=True),
        "ck_protocol_data_items_para18_reason_code",
        PARA18_CHECK,
    )
    _add_checked_column(
        "protocol_data_items",
        sa.Column("criminal_offence_condition", sa.String(length=40), nullable=True),
        "ck_protocol_data_items_criminal_offence_condition_code",
        CRIMINAL_CHECK,
    )
    _replace_lawful_bases_check(LAWFUL_BASES_CHECK)


def downgrade():
    op.execute(
        "DELETE FROM protocol_lawful_bases WHERE catalogue = 'schedule1' AND code NOT IN "
        "('sch1-p1-para1', 'sch1-p1-para2', 'sch1-p2-para6', 'sch1-p2-para10', 'sch1-p2-para18')"
    )
    _replace_lawful_bases_check(OLD_LAWFUL_BASES_CHECK)
    if op.get_context().dialect.name != "sqlite":
        for name in ("criminal_offence_condition_code", "para18_reason_code"):
            op.drop_constraint(op.f(f"ck_protocol_data_items_{name}"), "protocol_data_items")
    # SQLite (3.35+) drops a column in place, with its column CHECK.
    op.drop_column("protocol_data_items", "criminal_offence_condition")
    op.drop_column("protocol_data_items", "para18_reason")
    op.drop_column("protocol_data_items", "is_criminal_offence")
    op.drop_column("organisations", "is_public_authority")
