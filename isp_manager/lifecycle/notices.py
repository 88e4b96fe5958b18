"""Who hears of a request, and the one way every kind tells them.

Who at a body is told is parties.contacts' to decide (its users who answer requests and the
register's contact address); this module asks it for each party a kind names, and sends the
notice in Welsh and English. Notices carry references, dates and links, never what was asked
or said: that stays in the service, behind sign-in.

    notify(to, subject, body)                 addresses, each once, one bilingual message
    notify_parties(req, relations, ...)       the request's parties, as the kind names them
    party_recipients(req, relation)           the addresses of one party
    how_to_answer(req)                        in the service, or by reply to the request letter
    clarification_asked(req) ... withdrawn(req)   the notices of the shared steps, every kind
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app, url_for

from ..calendar import long_date
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..mail import queue_bilingual_mail
from .kinds import Relation, kind_of


def body_contact(org) -> str | None:
    """The register's contact address of a body: its IG lead, else its data protection officer."""
    from ..parties import contacts

    return contacts.register_address(org)


def body_recipients(org) -> list[str]:
    """Where notices to a body go: its users who answer requests and the register's address."""
    from ..parties import contacts

    if org is None:
        return []
    return list(contacts.request_contacts(org).addresses)


def body_has_users(org) -> bool:
    """Whether anyone at `org` signs in to the service (an active account)."""
    from ..accounts.models import User

    return (
        db.session.scalar(
            sa.select(User.id).where(User.organisation_id == org.id, User.is_active_user).limit(1)
        )
        is not None
    )


def requester_recipients(req) -> list[str]:
    """The requester's contact for this request, and whoever made it."""
    return [req.contact_email, req.created_by.email if req.created_by else None]


def party_org(req, relation: Relation):
    """The body a request names for `relation` (None for an optional party left empty)."""
    party = kind_of(req).party(relation)
    if party is None:
        return None
    org_id = getattr(req, party.column)
    if org_id is None:
        return None
    from ..parties.models import Organisation

    return db.session.get(Organisation, org_id)


def party_recipients(req, relation: Relation) -> list[str]:
    """Whom to tell on behalf of one party: the requester's contact, or a body's request
    contacts."""
    if relation is Relation.REQUESTER:
        return requester_recipients(req)
    return body_recipients(party_org(req, relation))


def unique_addresses(addresses: Iterable[str | None]) -> list[str]:
    """Each address once (case-insensitively), in the order given, empty ones left out."""
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def notify(to, subject: Callable[[], str], body: Callable[[], str]) -> None:
    """A notice by e-mail, in Welsh and English: `subject()` and `body()` are called in each
    language. `to` is an address or a list of them (each sent to once); nothing is queued
    when there is nobody to tell."""
    recipients = unique_addresses([to] if isinstance(to, str) or to is None else to)
    if recipients:
        queue_bilingual_mail(recipients, subject, body)


def notify_parties(
    req, relations: Iterable[Relation], subject: Callable[[], str], body: Callable[[], str]
) -> None:
    """One notice to the parties of `req` named by `relations` (those the kind has)."""
    own = set(kind_of(req).relations)
    addresses: list[str | None] = []
    for relation in relations:
        if relation in own:
            addresses.extend(party_recipients(req, relation))
    notify(addresses, subject, body)


def request_link(req) -> str:
    """The request's page, as a full address for a notice."""
    base = current_app.config["SERVICE_URL"].rstrip("/")
    return base + url_for(f"{kind_of(req).endpoint}.show", request_id=req.id)


def how_to_answer(req) -> str:
    """How the body asked answers, for the notice that a request was sent to it: in the
    service when anyone there signs in; otherwise the requester sends it the request letter
    and it replies to the requester's contact, quoting the reference (nothing of what was
    asked goes by e-mail)."""
    locale = current_locale()
    if body_has_users(req.requested_org):
        return _("Sign in to read and answer it: %(link)s", link=request_link(req))
    return _(
        "%(org)s will send you the request letter. Reply to %(contact)s by e-mail or post, "
        "quoting the reference %(ref)s.",
        org=req.requesting_org.display_name(locale),
        contact=req.contact_email or req.requesting_org.display_name(locale),
        ref=req.reference,
    )


def request_sent(req, extra: Callable[[], dict] | None = None) -> None:
    """The body asked is told a request was sent to it, in the kind's words (its
    sent_notice): they take the request's names (ref, org, body, link), its due date (due),
    how to answer it (how) and what `extra()` adds, in each language."""
    subject, message = kind_of(req).sent_notice

    def names() -> dict:
        return {
            **_names(req),
            "due": long_date(req.due_date),
            "how": how_to_answer(req),
            **(extra() if extra else {}),
        }

    notify_parties(
        req, [Relation.BODY_ASKED], lambda: str(subject) % names(), lambda: str(message) % names()
    )


# ----------------------------------------------------------------- the shared steps' notices


def _names(req) -> dict:
    locale = current_locale()
    return {
        "ref": req.reference,
        "org": req.requesting_org.display_name(locale),
        "body": req.requested_org.display_name(locale),
        "link": request_link(req),
    }


def clarification_asked(req) -> None:
    """The body asked needs something made clear: the requester is told the clock stopped."""
    notify_parties(
        req,
        [Relation.REQUESTER],
        lambda: _("%(ref)s: %(body)s asks for clarification", **_names(req)),
        lambda: _(
            "%(body)s needs something made clear before it can answer request %(ref)s. The clock "
            "has stopped until you answer.\n\nSign in to read the question and answer it: %(link)s",
            **_names(req),
        ),
    )


def clarification_given(req) -> None:
    """The requester answered the question: the body asked is told the new due date."""
    notify_parties(
        req,
        [Relation.BODY_ASKED],
        lambda: _("%(ref)s: clarification from %(org)s", **_names(req)),
        lambda: _(
            "%(org)s has answered your question about request %(ref)s. The clock has restarted: "
            "the request is now due on %(due)s.\n\nSign in to read the answer: %(link)s",
            due=long_date(req.due_date),
            **_names(req),
        ),
    )


def extension_asked(req, ext) -> None:
    """The body asked asks for more time: the requester is told, to agree or refuse it."""
    notify_parties(
        req,
        [Relation.REQUESTER],
        lambda: _("%(ref)s: %(body)s asks for more time", **_names(req)),
        lambda: _(
            "%(body)s asks for request %(ref)s to be due on %(new)s instead of %(old)s. The "
            "due date moves only if you agree.\n\nSign in to read the reason and agree or "
            "refuse it: %(link)s",
            new=long_date(ext.new_due_date),
            old=long_date(ext.old_due_date),
            **_names(req),
        ),
    )


# What the body asked is told when the requesting side decides on more time: the subject and
# the message, by the decision. Each takes the request's names (_names) and its due date.
EXTENSION_DECIDED = {
    "agreed": (
        _l("%(ref)s: extension agreed, now due %(due)s"),
        _l(
            "%(org)s has agreed the extension you asked for: request %(ref)s is now due on "
            "%(due)s.\n\n%(link)s"
        ),
    ),
    "refused": (
        _l("%(ref)s: extension refused"),
        _l(
            "%(org)s has refused the extension you asked for: request %(ref)s is still due on "
            "%(due)s. The reason is on the request's page: %(link)s"
        ),
    ),
    "granted": (
        _l("%(ref)s: new due date %(due)s"),
        _l(
            "%(org)s has given more time for request %(ref)s: it is now due on %(due)s. The "
            "reason is on the request's page: %(link)s"
        ),
    ),
}


def extension_decided(req, decision: str) -> None:
    """The body asked is told the requesting side agreed, refused or granted more time."""
    subject, message = EXTENSION_DECIDED[decision]

    def names() -> dict:
        return {**_names(req), "due": long_date(req.due_date)}

    notify_parties(
        req,
        [Relation.BODY_ASKED],
        lambda: str(subject) % names(),
        lambda: str(message) % names(),
    )


def extension_agreed(req) -> None:
    extension_decided(req, "agreed")


def extension_refused(req) -> None:
    extension_decided(req, "refused")


def extension_granted(req) -> None:
    extension_decided(req, "granted")


def withdrawn(req) -> None:
    """The requester no longer needs an answer: the body asked is told, and the body the
    information was to go to (s.137)."""
    notify_parties(
        req,
        [Relation.BODY_ASKED, Relation.PROVIDE_TO],
        lambda: _("%(ref)s withdrawn by %(org)s", **_names(req)),
        lambda: _(
            "%(org)s has withdrawn request %(ref)s: no answer is needed. The reason is on "
            "the request's page: %(link)s",
            **_names(req),
        ),
    )
