"""`flask seed-reference`"""

import click
from flask.cli import with_appcontext

from ..extensions import db
from .reference import seed_reference


@click.command("seed-reference")
@with_appcontext
def seed_reference_command():
    """Load the Welsh public bodies and the statute catalogues (idempotent)."""
    result = seed_reference()
    db.session.commit()
    click.echo(
        f"Reference data loaded: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
