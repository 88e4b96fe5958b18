"""Who at a body hears of a request: the one small lookup the lifecycle's notices and
reminders call, so that how a body's request contacts are found can change in one place.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db


def body_contact(org) -> str | None:
    """Where notices to a body go: its IG lead, else its data protection officer."""
    return org.ig_lead_email or org.dpo_email


def body_has_users(org) -> bool:
    """Whether anyone at `org` signs in to the service (an active account)."""
    from ..accounts.models import User

    return (
        db.session.scalar(
            sa.select(User.id).where(User.organisation_id == org.id, User.is_active_user).limit(1)
        )
        is not None
    )
