"""Command-line interface: `flask --app isp_manager <command>` (see api-contract.md)."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .board_requests import kind as _s137  # noqa: F401  (the kinds reminders go through)
    from .cooperation import kind as _s164  # noqa: F401
    from .demo_data import demo_data_command
    from .lifecycle import reminders as _deadline_reminders  # noqa: F401  (every kind's deadlines)
    from .notifications import notify_command
    from .ops.backup import backup_command
    from .ops.secrets import reencrypt_secrets_command
    from .parties.cli import organisations_cli, seed_reference_command
    from .protocols import reminders as _protocol_reminders  # noqa: F401  (review reminders)
    from .protocols.cli import protocol_templates_cli
    from .retention.cli import retention_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_reference_command)
    app.cli.add_command(organisations_cli)
    app.cli.add_command(notify_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(reencrypt_secrets_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(protocol_templates_cli)
    app.cli.add_command(retention_cli)
    from .glossary import register as register_glossary

    register_glossary(app)
