"""`flask reencrypt-secrets`: every secret kept encrypted at rest rewritten under the current
data encryption key, so that the old keys in DATA_ENCRYPTION_OLD_KEYS can be dropped."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from .. import encryption
from ..accounts.models import User
from ..extensions import db
from ..sso.models import SsoProvider

# (model, the attribute that holds the cipher text)
ENCRYPTED_COLUMNS = (
    (User, "totp_secret_encrypted"),
    (SsoProvider, "client_secret_encrypted"),
)


def reencrypt_all() -> int:
    """Rewrite every stored secret under the current key; how many were rewritten. Raises
    SecretUnreadable (and changes nothing) when one is opened by no configured key."""
    count = 0
    for model, attribute in ENCRYPTED_COLUMNS:
        column = getattr(model, attribute)
        for record in db.session.scalars(sa.select(model).where(column.is_not(None))):
            setattr(record, attribute, encryption.reencrypt(getattr(record, attribute)))
            count += 1
    db.session.flush()
    return count


@click.command("reencrypt-secrets")
@with_appcontext
def reencrypt_secrets_command() -> None:
    """Re-encrypt the stored TOTP and client secrets with DATA_ENCRYPTION_KEY."""
    try:
        count = reencrypt_all()
    except encryption.SecretUnreadable:
        db.session.rollback()
        raise click.ClickException(
            "A stored secret cannot be decrypted with DATA_ENCRYPTION_KEY or any key in "
            "DATA_ENCRYPTION_OLD_KEYS: add the key it was saved with to DATA_ENCRYPTION_OLD_KEYS "
            "and run this again. Nothing has been changed."
        ) from None
    db.session.commit()
    click.echo(f"{count} secrets are encrypted with the current data encryption key.")
