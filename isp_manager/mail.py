"""One mail mechanism for every notice the service sends.

Services call queue_bilingual_mail() (or queue_mail() with text from render_bilingual());
the messages are sent only after the request's transaction commits (or, on the command
line, after the command commits). With MAIL_SERVER set they go through SMTP; otherwise they
are written as .eml files into instance/outbox/.

Every notice is in Welsh and English in the one message, Welsh first, as the Welsh Language
Standards expect of correspondence: the sender's language says nothing about the reader's.
"""

from __future__ import annotations

import re
import smtplib
import unicodedata
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context
from flask_babel import force_locale

from .i18n import gettext as _

# Welsh first. Each part of a notice is rendered with its language in force.
NOTICE_LANGUAGES = ("cy", "en")
SEPARATOR = "-" * 40


def header_text(value: str) -> str:
    """`value` made safe for a header: line breaks, tabs and other control characters (and
    any half surrogate) become spaces, runs of spaces one. A record stored before the forms
    refused them must not stop its notice, nor add a header of its own."""
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in str(value)
    )
    return re.sub(r" {2,}", " ", cleaned).strip()


def _pending() -> list[EmailMessage]:
    if "pending_mail" not in g:
        g.pending_mail = []
    return g.pending_mail


def queue_mail(to: str | list[str], subject: str, body: str) -> EmailMessage:
    """Queue a plain-text message to go out once the current transaction has committed."""
    recipients = [header_text(r) for r in ([to] if isinstance(to, str) else list(to))]
    msg = EmailMessage()
    msg["From"] = header_text(current_app.config["MAIL_SENDER"])
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = header_text(subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="isp-manager.invalid")
    msg.set_content(body.encode("utf-8", "replace").decode("utf-8"))
    _pending().append(msg)
    return msg


def render_bilingual(subject: Callable[[], str], body: Callable[[], str]) -> tuple[str, str]:
    """The subject and body of a notice in Welsh and English: `subject()` and `body()` are
    called once in each language (with flask_babel.force_locale), so everything they
    translate, name or date comes out in that language. The subject is "Cymraeg / English";
    the body is the Welsh text, then the English, under a line saying English follows."""
    subjects, bodies, notes = [], [], []
    for locale in NOTICE_LANGUAGES:
        with force_locale(locale):
            subjects.append(subject().strip())
            bodies.append(body().strip())
            notes.append(_("English below"))
    heading = " / ".join(notes)
    return " / ".join(subjects), f"{heading}\n\n" + f"\n\n{SEPARATOR}\n\n".join(bodies) + "\n"


def queue_bilingual_mail(
    to: str | list[str], subject: Callable[[], str], body: Callable[[], str]
) -> EmailMessage:
    """Queue a notice in Welsh and English (see render_bilingual)."""
    return queue_mail(to, *render_bilingual(subject, body))


def discard_pending() -> None:
    """Forget queued messages (the transaction they belonged to was rolled back)."""
    if "pending_mail" in g:
        g.pending_mail = []


def flush_pending() -> int:
    """Send every queued message. Call only after a successful commit."""
    from .ops.metrics import MAIL_FAILED, MAIL_SENT

    messages = list(_pending())
    g.pending_mail = []
    for index, msg in enumerate(messages):
        try:
            send_now(msg)
        except Exception:
            MAIL_FAILED.inc(len(messages) - index)  # this one and the rest are not sent
            raise
        MAIL_SENT.inc()
    return len(messages)


def send_now(msg: EmailMessage) -> None:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    # Named by time first, so the outbox lists messages in the order they were sent.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    (outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(msg.as_bytes())


__all__ = [
    "queue_mail",
    "queue_bilingual_mail",
    "render_bilingual",
    "flush_pending",
    "discard_pending",
    "send_now",
    "has_request_context",
]
