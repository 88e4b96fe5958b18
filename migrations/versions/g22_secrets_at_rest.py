"""secrets at rest: TOTP secrets and sign-in providers' client secrets stored encrypted

Revision ID: g22_secrets_at_rest
Revises: g21_two_factor

users.totp_secret and sso_providers.client_secret hold Fernet cipher text under the data
encryption key (DATA_ENCRYPTION_KEY, else one derived from SECRET_KEY: isp_manager.encryption),
so the columns widen. The upgrade encrypts the rows stored in clear; the downgrade decrypts
them, and stops, changing nothing, if the key configured does not open them.
"""

import click
import sqlalchemy as sa
from alembic import op
from flask import current_app

from isp_manager import encryption

revision = "g22_secrets_at_rest"
down_revision = "g21_two_factor"
branch_labels = None
depends_on = None

# (table, column, length in clear, length encrypted)
COLUMNS = (("users", "totp_secret", 64, 255), ("sso_providers", "client_secret", 500, 1000))


def _table(table: str, column: str) -> sa.TableClause:
    return sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.String))


def _rows(table: str, column: str):
    t = _table(table, column)
    return op.get_bind().execute(
        sa.select(t.c.id, t.c[column]).where(t.c[column].is_not(None)).order_by(t.c.id)
    )


def _write(table: str, column: str, row_id: int, value: str) -> None:
    t = _table(table, column)
    op.get_bind().execute(sa.update(t).where(t.c.id == row_id).values({column: value}))


def _is_encrypted(value: str) -> bool:
    if not encryption.looks_encrypted(value):
        return False
    try:
        encryption.decrypt(value, current_app.config)
    except encryption.SecretUnreadable:
        return False
    return True


def _alter(table: str, column: str, length: int, nullable: bool) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(column, type_=sa.String(length), existing_nullable=nullable)


def upgrade():
    config = current_app.config
    for table, column, _clear, encrypted in COLUMNS:
        _alter(table, column, encrypted, nullable=table == "users")
        for row_id, value in list(_rows(table, column)):
            if not _is_encrypted(value):
                _write(table, column, row_id, encryption.encrypt(value, config))


def downgrade():
    config = current_app.config
    plain: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for table, column, _clear, _encrypted in COLUMNS:
        rows = plain.setdefault((table, column), [])
        for row_id, value in list(_rows(table, column)):
            try:
                rows.append((row_id, encryption.decrypt(value, config)))
            except encryption.SecretUnreadable:
                raise click.ClickException(
                    f"{table}.{column} of row {row_id} cannot be decrypted with the data "
                    "encryption key configured (DATA_ENCRYPTION_KEY, else SECRET_KEY): set the "
                    "key the secrets were saved with and run the downgrade again. Nothing has "
                    "been changed."
                ) from None
    for (table, column), rows in plain.items():
        for row_id, value in rows:
            _write(table, column, row_id, value)
    for table, column, clear, _encrypted in COLUMNS:
        _alter(table, column, clear, nullable=table == "users")
