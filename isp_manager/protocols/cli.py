"""`flask protocol-templates`: list the installed agreement templates, or check a folder of
template files before installing it (the same checks as at start-up)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .templates_data import TemplateError, load_templates, registry


@click.group("protocol-templates")
def protocol_templates_cli():
    """Agreement templates (protocol_templates/*.toml)."""


@protocol_templates_cli.command("list")
@with_appcontext
def list_command():
    """The templates loaded at start-up: code, version, kind, sections and file."""
    for template in sorted(
        registry().templates.values(), key=lambda t: (t.kind, t.code, t.version_key)
    ):
        default = " (default)" if template.is_default else ""
        click.echo(
            f"{template.code} {template.version} {template.kind.value}{default}: "
            f"{len(template.sections)} sections, {template.source}"
        )


@protocol_templates_cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_command(folder: Path):
    """Check every template file in FOLDER; exit 1 naming the file and the problem."""
    try:
        templates = load_templates(folder)
    except TemplateError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(templates.templates)} templates are valid.")
