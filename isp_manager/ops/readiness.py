"""Readiness: the database answers, its schema is at the head of the migrations, and the
data encryption key opens the secrets stored (a server started with the wrong key would
refuse every two-factor code: the load balancer should send it nothing).

The head revisions are read from migrations/ once per process; each check is two small
queries (the alembic_version table, one stored secret) in a short read-only transaction.
"""

from __future__ import annotations

import functools
import logging

import sqlalchemy as sa

from ..config import PROJECT_ROOT
from ..db import transaction_intent
from ..extensions import db

log = logging.getLogger(__name__)


@functools.cache
def migration_heads() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> frozenset[str]:
    """The revisions the database says it is at (empty if it was never migrated)."""
    with transaction_intent(writes=False):
        try:
            rows = db.session.execute(sa.text("SELECT version_num FROM alembic_version"))
            return frozenset(row[0] for row in rows)
        finally:
            db.session.rollback()


def readiness_problem() -> str | None:
    """Why the service cannot serve requests now, or None when it can."""
    try:
        revisions = database_revisions()
    except sa.exc.ProgrammingError:
        revisions = frozenset()  # no alembic_version table: the database was never migrated
    except sa.exc.OperationalError as error:
        if "no such table" in str(error.orig):
            revisions = frozenset()
        else:
            log.warning("readiness: the database did not answer: %s", error.__class__.__name__)
            return "database unavailable"
    except sa.exc.DBAPIError as error:
        log.warning("readiness: the database did not answer: %s", error.__class__.__name__)
        return "database unavailable"
    heads = migration_heads()
    if revisions != heads:
        at = ", ".join(sorted(revisions)) or "none"
        return f"database schema not at the migrations' head (at {at}; head {', '.join(sorted(heads))})"
    if not data_key_opens_a_stored_secret():
        return "the data encryption key does not open the stored secrets (DATA_ENCRYPTION_KEY)"
    return None


def data_key_opens_a_stored_secret() -> bool:
    """Whether the configured key opens one stored TOTP secret (True when none is stored)."""
    from .. import encryption
    from ..accounts.models import User

    column = User.totp_secret_encrypted
    with transaction_intent(writes=False):
        try:
            stored = db.session.scalar(sa.select(column).where(column.is_not(None)).limit(1))
        finally:
            db.session.rollback()
    if stored is None:
        return True
    try:
        encryption.decrypt(stored)
    except encryption.SecretUnreadable:
        return False
    return True
