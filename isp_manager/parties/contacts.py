"""Who at a body is told of a request made to it, or whose information goes to it (every kind).

A body's request contacts are its active users who answer requests (a setting its IG lead
controls, on "Who answers requests") and the contact address in its register entry (the IG
lead's address, else the data protection officer's). Notices to a body go to all of them.

    request_contacts(org) -> RequestContacts       one body
    request_contacts_for(orgs) -> {org_id: RequestContacts}   many bodies, two queries in all
    who_would_be_told(org) -> WhoWouldBeTold       for the warning before sending
    set_answers_requests(user, answers, by=...)    the IG lead's setting, audited
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..audit.services import record_event
from ..errors import PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from .models import Organisation


def register_address(org: Organisation) -> str | None:
    """The contact address in the body's register entry: its IG lead, else its DPO."""
    return (org.ig_lead_email or org.dpo_email or "").strip() or None


@dataclass(frozen=True)
class RequestContacts:
    organisation_id: int
    users: tuple[User, ...] = ()  # active users who answer requests
    register_address: str | None = None
    has_users: bool = False  # the body has at least one active user

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address to tell, each once (case-insensitively), the users' first."""
        seen: dict[str, str] = {}
        for address in [u.email for u in self.users] + [self.register_address]:
            if address and address.lower() not in seen:
                seen[address.lower()] = address
        return tuple(seen.values())


@dataclass(frozen=True)
class WhoWouldBeTold:
    """What the sender is shown before sending."""

    contacts: RequestContacts
    user_names: tuple[str, ...] = field(default=())

    @property
    def nobody(self) -> bool:
        return not self.contacts.addresses

    @property
    def no_users(self) -> bool:
        """The body has no accounts: the request goes by e-mail, with the letter to download."""
        return not self.contacts.has_users

    @property
    def no_user_answers(self) -> bool:
        """The body has users, but none of them is set to answer requests."""
        return self.contacts.has_users and not self.contacts.users

    @property
    def register_address(self) -> str | None:
        return self.contacts.register_address

    @property
    def needs_check(self) -> bool:
        """The sender checks before sending: the body has no users (the request goes by
        e-mail, with the letter to download), or nobody at all would be told."""
        return self.no_users or self.nobody


def request_contacts_for(orgs: Iterable[Organisation]) -> dict[int, RequestContacts]:
    """The request contacts of many bodies at once (two queries, whatever their number)."""
    by_id = {org.id: org for org in orgs}
    if not by_id:
        return {}
    ids = list(by_id)
    answering: dict[int, list[User]] = {i: [] for i in ids}
    with_users: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        with_users.update(
            db.session.scalars(
                sa.select(User.organisation_id)
                .where(User.organisation_id.in_(chunk), User.is_active_user.is_(True))
                .distinct()
            )
        )
        for user in db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id.in_(chunk),
                User.is_active_user.is_(True),
                User.answers_requests.is_(True),
            )
            .order_by(User.name, User.id)
        ):
            answering[user.organisation_id].append(user)
    return {
        i: RequestContacts(
            organisation_id=i,
            users=tuple(answering[i]),
            register_address=register_address(by_id[i]),
            has_users=i in with_users,
        )
        for i in ids
    }


def request_contacts(org: Organisation) -> RequestContacts:
    return request_contacts_for([org])[org.id]


def who_would_be_told(org: Organisation) -> WhoWouldBeTold:
    contacts = request_contacts(org)
    return WhoWouldBeTold(contacts=contacts, user_names=tuple(u.name for u in contacts.users))


# ----------------------------------------------------------------- the IG lead's setting


def can_manage_request_contacts(user, org: Organisation | None = None) -> bool:
    """The body's IG lead (for their own body) and administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    org_id = org.id if org is not None else user.organisation_id
    return user.role == Role.IG_LEAD and user.organisation_id == org_id


def organisation_users(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == org.id, User.is_active_user.is_(True))
            .order_by(User.name, User.id)
        )
    )


def set_answers_requests(user: User, answers: bool, *, by) -> bool:
    """Say whether `user` answers requests made to their body. Only the body's IG lead (or an
    administrator) may; returns whether anything changed."""
    if not can_manage_request_contacts(by, user.organisation):
        raise PermissionDenied(
            _(
                "Only the organisation's information governance lead can choose who answers requests."
            )
        )
    answers = bool(answers)
    if user.answers_requests == answers:
        return False
    before = {"answers_requests": user.answers_requests}
    user.answers_requests = answers
    record_event(
        "user.answers_requests_changed",
        user,
        by=by,
        before=before,
        after={"answers_requests": answers},
    )
    db.session.flush()
    return True
