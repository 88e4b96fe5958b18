"""Who at a body hears of a request: the one small lookup the lifecycle's notices and
reminders call, so that how a body's request contacts are found can change in one place.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db


def body_contact(org) -> str | None:
    """The register's contact address of a body: its IG lead, else its data protection officer."""
    from ..parties import contacts

    return contacts.register_address(org)


def body_recipients(org) -> list[str]:
    """Where notices to a body go: its users who answer requests and the register's address."""
    from ..parties import contacts

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
