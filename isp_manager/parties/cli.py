"""`flask seed-reference` and `flask organisations import FILE.csv`"""

import csv
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from .reference import seed_reference
from .services import (
    LABEL_CSV_COLUMNS,
    REGISTER_CSV_COLUMNS,
    WASPI_CSV_COLUMNS,
    ImportRejected,
    import_organisations,
)


@click.command("seed-reference")
@with_appcontext
def seed_reference_command():
    """Load the Welsh public bodies, the regional QA groups and the statute catalogues (idempotent)."""
    result = seed_reference()
    db.session.commit()
    click.echo(
        f"Reference data loaded: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged; {result.qa_groups_created} QA group(s) added."
    )


organisations_cli = AppGroup("organisations", help="The organisations register.")


@organisations_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Load bodies (schools, colleges, housing associations...) from FILE, a CSV file in the
    layout of the reference file: code, name, name_cy, kind, ons_code, s28_category,
    relevant_partner_category, areas (council codes separated by ';', or 'wales'), notes,
    nation; optionally the WASPI Accord columns the register's CSV export adds
    (waspi_signed_on as YYYY-MM-DD, waspi_designated_person, waspi_declaration_signed_by,
    waspi_declaration_signatory_role), and the label columns beside the codes, which it ignores.
    Existing codes are updated; all rows or none are loaded."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            missing = [c for c in REGISTER_CSV_COLUMNS if c not in columns]
            extra = [
                c
                for c in columns
                if c not in (*REGISTER_CSV_COLUMNS, *WASPI_CSV_COLUMNS, *LABEL_CSV_COLUMNS)
            ]
            if missing or extra:
                raise ImportRejected(
                    [f"Line 1: the columns must be {', '.join(REGISTER_CSV_COLUMNS)}"]
                    + [f"Line 1: there is no {c} column" for c in missing]
                    + [f"Line 1: {c} is not a column of the register" for c in extra]
                )
            rows = []
            for row in reader:
                rows.append((reader.line_num, row))
        result = import_organisations(rows)
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"Nothing was loaded: {len(rejected.problems)} problem(s) in {file.name}."
        ) from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name} is not a UTF-8 text file.") from None
    db.session.commit()
    click.echo(
        f"Organisations loaded from {file.name}: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged."
    )
