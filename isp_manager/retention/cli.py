"""`flask retention review`: the records due for review, by organisation."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..calendar import wales_today
from ..extensions import db
from ..parties.models import Organisation
from . import services

retention_cli = AppGroup("retention", help="Retention of records that hold personal data.")


@retention_cli.command("review")
@click.option("--org", "org_code", help="Only this organisation (its code).")
def review_command(org_code: str | None):
    """List every record past its review date (records without one get it first)."""
    services.refresh_all_missing()
    db.session.commit()
    codes = dict(db.session.execute(sa.select(Organisation.id, Organisation.code)).all())
    due = [
        (org, r)
        for org, r in services.all_due(wales_today())
        if not org_code or codes.get(org) == org_code
    ]
    for org, record in due:
        click.echo(
            f"{codes.get(org)}\t{record.kind.code}\t{record.reference or record.id}\t{record.review_on.isoformat()}"
        )
    click.echo(f"{len(due)} record(s) due for review.")
