"""`flask users ...`: create users and API tokens from the command line (see api-contract.md)."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from ..parties.models import Organisation
from . import services, two_factor
from .models import Role, User

users_cli = AppGroup("users", help="Create users and API tokens.")

# How each service field is named on the command line.
OPTION_NAMES = {
    "email": "EMAIL",
    "name": "--name",
    "organisation": "--org",
    "role": "--role",
    "password": "password (--password-stdin)",
    "label": "--label",
    "active": "EMAIL",
    "code": "secret (--totp-secret-stdin)",
    "user": "EMAIL",
}
ROLE_CHOICE = click.Choice([role.value for role in Role], case_sensitive=False)


class CommandFailed(click.ClickException):
    """Exit 1 with one line per refused field: `--org: There is no ...`."""

    @classmethod
    def from_error(cls, error: DomainError) -> CommandFailed:
        lines = []
        for field, messages in error.errors.items():
            name = OPTION_NAMES.get(field or "", None)
            lines.extend(f"{name}: {message}" if name else message for message in messages)
        return cls("\n".join(lines))


def _commit_or_fail(action):
    """Run a service call; commit if it succeeds, roll back and exit non-zero if it is refused."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        raise CommandFailed.from_error(error) from None
    db.session.commit()
    return result


def _user(email: str) -> User:
    user = services.user_by_email(email)
    if user is None:
        raise CommandFailed(f"EMAIL: there is no user with the email address {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--org", "org_code", required=True, help="Their organisation's code, like la-cardiff."
)
@click.option("--role", required=True, type=ROLE_CHOICE, help="What they may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--totp-secret-stdin",
    is_flag=True,
    help="Read a two-factor (TOTP) secret, base32, from the next line of standard input and "
    "turn two-factor authentication on with it (for test and demo accounts).",
)
def create_command(email, name, org_code, role, password_stdin, totp_secret_stdin):
    """Create a user. Without --password-stdin a strong one-time password is printed."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    secret = sys.stdin.readline().strip() if totp_secret_stdin else None

    def create():
        user, generated = services.create_user(email, name, org_code, role, password, by=None)
        if secret is not None:
            two_factor.set_secret_from_command_line(user, secret)
        return user, generated

    user, generated = _commit_or_fail(create)
    click.echo(
        f"Created {user.email} ({user.name}), {user.role.value} at {user.organisation.code}."
    )
    if generated:
        click.echo("One-time password (shown once; it must be changed at first sign-in):")
        click.echo(generated)


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="Command line", show_default=True, help="What the token is for.")
def token_command(email, label):
    """Create an API token for a user. The token is the last line printed, and is shown once."""
    user = _user(email)
    token, raw = _commit_or_fail(lambda: services.create_api_token(user, label, by=None))
    click.echo(
        f"API token {token.prefix}... for {user.email} ({token.label}). Keep it secret; it is shown once:"
    )
    click.echo(raw)


@users_cli.command("list")
@click.option("--org", "org_code", help="Only this organisation's users.")
@click.option("--role", type=ROLE_CHOICE, help="Only users with this role.")
def list_command(org_code, role):
    """List users: e-mail, role, organisation, active or not."""
    stmt = sa.select(User).join(User.organisation).order_by(User.email)
    if org_code:
        stmt = stmt.where(Organisation.code == org_code.strip().lower())
    if role:
        stmt = stmt.where(User.role == Role(role.lower()))
    users = db.session.scalars(stmt).all()
    for user in users:
        status = "active" if user.is_active_user else "deactivated"
        click.echo(
            f"{user.email}\t{user.role.value}\t{user.organisation.code}\t{status}\t{user.name}"
        )
    click.echo(f"{len(users)} user(s).")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email):
    """Deactivate a user: they cannot sign in or use their API tokens, and their sessions end."""
    user = _user(email)
    _commit_or_fail(lambda: services.deactivate_user(user, by=None))
    click.echo(f"Deactivated {user.email}.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email):
    """Let a deactivated user sign in again."""
    user = _user(email)
    _commit_or_fail(lambda: services.reactivate_user(user, by=None))
    click.echo(f"Reactivated {user.email}.")


@users_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email):
    """Forget a user's authenticator app and recovery codes (they set it up again at sign-in)."""
    user = _user(email)
    _commit_or_fail(lambda: two_factor.reset_two_factor(user, by=None))
    click.echo(f"Two-factor authentication reset for {user.email}; their sessions have ended.")


@users_cli.command("ensure-admin")
def ensure_admin_command():
    """Create the first administrator when there is none (run by `make run`)."""
    email = os.environ.get("ADMIN_EMAIL") or services.DEFAULT_ADMIN_EMAIL
    created = _commit_or_fail(lambda: services.ensure_admin(email))
    sign_in = current_app.config["SERVICE_URL"] + "/sign-in"
    if created is None:
        click.echo(
            f"ISP Manager: sign in at {sign_in} with an administrator account. To add users: "
            "flask users create EMAIL --name NAME --org CODE --role ROLE\n"
            "An administrator who lost their authenticator app and recovery codes: "
            "flask users reset-two-factor EMAIL"
        )
        return
    user, password = created
    base = current_app.config["SERVICE_URL"]
    rule = "=" * 72
    click.echo(
        f"\n{rule}\n"
        "ISP Manager is set up. An administrator account was created:\n"
        f"  Address:           {sign_in}\n"
        f"  Email address:     {user.email}\n"
        f"  One-time password: {password}\n"
        "  (shown only now: you choose your own password, then set up two-factor\n"
        "   sign-in with an authenticator app, and keep the recovery codes)\n"
        f"  Add users:         {base}/admin/users/new once signed in, or\n"
        "                     flask users create EMAIL --name NAME --org CODE --role ROLE\n"
        f"{rule}"
    )
