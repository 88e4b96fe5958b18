"""Reminders that `flask notify` sends about agreements whose review is coming or overdue.

Thresholds, for each active version: REVIEW_REMINDER_MONTHS (default 3) before the review
date, one month before, and overdue. Each goes once per threshold per version (the
SentReminder table guarantees it); when notify first runs inside a later threshold, only that
one goes. The reminder is for the lead organisation's information governance contact: its
registered IG lead e-mail, else the point of contact the agreement names for the lead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.routing import BuildError

from ..calendar import long_date, wales_today
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..mail import render_bilingual
from ..notifications import Reminder, SentReminder, reminder_source
from .models import Protocol, ProtocolPartner, ProtocolVersion, VersionState
from .qa import add_months
from .reviews import reminder_months

RECORD_TYPE = ProtocolVersion.__tablename__
OVERDUE = "review-overdue"
CHUNK = 500


def thresholds(months: int) -> list[tuple[str, int]]:
    """(threshold name, months before the review date), the most urgent first."""
    found = {1: "review-due-1-month"}
    found.setdefault(months, f"review-due-{months}-months")
    return sorted(((name, m) for m, name in found.items()), key=lambda t: t[1])


def threshold_for(review_date: date, today: date, months: int) -> str | None:
    """The most urgent threshold the review date has reached today, if any."""
    if review_date < today:
        return OVERDUE
    for name, before in thresholds(months):
        if review_date <= add_months(today, before):
            return name
    return None


def review_contact(version: ProtocolVersion) -> str | None:
    """The lead organisation's IG lead e-mail, else the lead's point of contact in the agreement."""
    protocol = version.protocol
    lead = protocol.lead_organisation
    if lead.ig_lead_email:
        return lead.ig_lead_email
    partner = version.partner_for(protocol.lead_organisation_id)
    return partner.contact_email if partner is not None else None


def _already_sent(ids: list[int]) -> set[tuple[str, str]]:
    sent: set[tuple[str, str]] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = [str(i) for i in ids[start : start + CHUNK]]
        rows = db.session.execute(
            sa.select(SentReminder.record_id, SentReminder.threshold).where(
                SentReminder.record_type == RECORD_TYPE, SentReminder.record_id.in_(chunk)
            )
        )
        sent.update((record_id, threshold) for record_id, threshold in rows)
    return sent


@reminder_source
def protocol_review_reminders() -> Iterator[Reminder]:
    """Active versions whose review date is within REVIEW_REMINDER_MONTHS, or past, and that
    have not had the reminder for the threshold they have reached."""
    today = wales_today()
    months = reminder_months()
    versions = db.session.scalars(
        sa.select(ProtocolVersion)
        .where(
            ProtocolVersion.state == VersionState.ACTIVE,
            ProtocolVersion.review_date.is_not(None),
            ProtocolVersion.review_date <= add_months(today, max(months, 1)),
        )
        .options(
            joinedload(ProtocolVersion.protocol).joinedload(Protocol.lead_organisation),
            selectinload(ProtocolVersion.partners).joinedload(ProtocolPartner.organisation),
        )
        .order_by(ProtocolVersion.review_date, ProtocolVersion.id)
    ).all()
    sent = _already_sent([v.id for v in versions])
    for version in versions:
        threshold = threshold_for(version.review_date, today, months)
        if threshold is None or (str(version.id), threshold) in sent:
            continue
        yield review_reminder(version, threshold)


def agreement_link(version: ProtocolVersion) -> str:
    base = current_app.config["SERVICE_URL"].rstrip("/")
    try:
        path = url_for("protocols.version", protocol_id=version.protocol_id, number=version.number)
    except (RuntimeError, BuildError):
        path = f"/agreements/{version.protocol_id}/versions/{version.number}"
    return base + path


def review_reminder(version: ProtocolVersion, threshold: str) -> Reminder:
    protocol = version.protocol

    def values() -> dict:
        return {
            "ref": protocol.reference,
            "v": version.label,
            "title": protocol.title,
            "lead": protocol.lead_organisation.display_name(current_locale()),
            "date": long_date(version.review_date),
            "link": agreement_link(version),
        }

    def subject() -> str:
        if threshold == OVERDUE:
            return _("Review overdue: %(ref)s %(title)s was due for review on %(date)s", **values())
        return _("Review due %(date)s: %(ref)s %(title)s", **values())

    def body() -> str:
        if threshold == OVERDUE:
            opening = _(
                "The review of %(title)s (%(ref)s %(v)s), led by %(lead)s, was due on %(date)s and is now overdue.",
                **values(),
            )
        else:
            opening = _(
                "The review of %(title)s (%(ref)s %(v)s), led by %(lead)s, is due by %(date)s.",
                **values(),
            )
        return "\n\n".join(
            [
                opening,
                version.protocol.kind.words.say("review_steps"),
                values()["link"],
            ]
        )

    subject_text, body_text = render_bilingual(subject, body)
    return Reminder(
        record_type=RECORD_TYPE,
        record_id=str(version.id),
        threshold=threshold,
        to=tuple(a for a in (review_contact(version),) if a),
        subject=subject_text,
        body=body_text,
    )
