"""The service's vocabulary of states and outcomes, in English and Welsh: `GLOSSARY.md`.

Each state has one label per language, defined once beside its enum and used by every page,
tag, filter, e-mail, document and CSV. This module writes those labels out as the glossary
(`flask glossary > GLOSSARY.md`); a test fails when the file in the repository and the labels
disagree, so the glossary is always the words people see.
"""

from __future__ import annotations

import enum

import click
from flask_babel import force_locale

from .i18n import gettext as _


def vocabularies() -> list[tuple[str, type[enum.Enum]]]:
    """(what it is, the enum) for every state and outcome people read."""
    from .accounts.models import InvitationState, Role
    from .decisions.models import AdviceState, ConsentOutcome, DecisionOutcome, DecisionState
    from .lifecycle.models import DeadlineStatus, ExtensionState, Outcome, RequestState
    from .protocols.models import PartnerRole, ProtocolKind, QaDecision, VersionState

    return [
        (_("Request states (section 164 and section 137 requests)"), RequestState),
        (_("Request deadlines"), DeadlineStatus),
        (_("Answers to requests"), Outcome),
        (_("Extensions of a request's due date"), ExtensionState),
        (_("Kinds of agreement"), ProtocolKind),
        (_("Agreement version states"), VersionState),
        (_("Quality assurance decisions"), QaDecision),
        (_("Parties' roles in an agreement"), PartnerRole),
        (_("Decision record states"), DecisionState),
        (_("Decisions to share or not to share"), DecisionOutcome),
        (_("Consent"), ConsentOutcome),
        (_("Requests for advice"), AdviceState),
        (_("Invitations"), InvitationState),
        (_("Roles of users"), Role),
    ]


def _label(member: enum.Enum) -> str:
    return str(member.label)


def glossary_markdown() -> str:
    """The glossary, as Markdown: one table a vocabulary (code, English, Welsh)."""
    with force_locale("en"):
        english = [
            (str(title), [(m.value, _label(m)) for m in cls]) for title, cls in vocabularies()
        ]
    with force_locale("cy"):
        welsh = [(str(title), [_label(m) for m in cls]) for title, cls in vocabularies()]
    lines = [
        "# Glossary: the service's states and outcomes in English and Welsh",
        "",
        "Written by `flask glossary > GLOSSARY.md` from the labels the service shows; a test",
        "fails when this file and the service disagree. The code is what the API and the CSV",
        "exports' code columns carry; people read the labels.",
    ]
    for (title, rows), (title_cy, labels_cy) in zip(english, welsh, strict=True):
        lines += [
            "",
            f"## {title} / {title_cy}",
            "",
            "| Code | English | Cymraeg |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{code}` | {label} | {label_cy} |"
            for (code, label), label_cy in zip(rows, labels_cy, strict=True)
        ]
    return "\n".join(lines) + "\n"


def register(app) -> None:
    @app.cli.command("glossary")
    def glossary_command():
        """Print the glossary (GLOSSARY.md) from the labels the service shows."""
        click.echo(glossary_markdown(), nl=False)
