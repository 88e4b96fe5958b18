"""Reminders that `flask notify` sends about s.164 deadlines, each once per due date: "due
soon" to the body asked, "overdue" to both bodies. An agreed extension or a clarification
moves the due date, and so allows a fresh reminder for the new date.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..calendar import long_date, wales_today
from ..extensions import db
from ..i18n import current_locale
from ..lifecycle.models import CLOCK_RUNNING_STATES, DeadlineStatus
from ..mail import render_bilingual
from ..notifications import Reminder, SentReminder, reminder_source
from ..parties.contacts import request_contacts_for
from .models import CooperationRequest
from .services import due_soon_until, request_link

RECORD_TYPE = CooperationRequest.__tablename__
CHUNK = 500


def _threshold(status: DeadlineStatus, req: CooperationRequest) -> str:
    return f"{status.value}:{req.due_date.isoformat()}"


def _already_sent(ids: list[int]) -> set[tuple[str, str]]:
    sent = set()
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
def s164_deadline_reminders() -> Iterator[Reminder]:
    """Requests whose clock is running and that are due within S164_DUE_SOON_DAYS working
    days, or overdue, and have not had this reminder for this due date."""
    today = wales_today()
    requests = db.session.scalars(
        sa.select(CooperationRequest)
        .where(
            CooperationRequest.state.in_(CLOCK_RUNNING_STATES),
            CooperationRequest.due_date <= due_soon_until(today),
        )
        .options(
            joinedload(CooperationRequest.requesting_org),
            joinedload(CooperationRequest.requested_org),
        )
        .order_by(CooperationRequest.due_date, CooperationRequest.id)
    ).all()
    sent = _already_sent([r.id for r in requests])
    told = request_contacts_for({r.requested_org for r in requests})
    for req in requests:
        status = req.deadline_status(today, due_soon_until(today))
        threshold = _threshold(status, req)
        if (str(req.id), threshold) in sent:
            continue
        yield _reminder(req, status, threshold, told[req.requested_org_id].addresses)


def _reminder(
    req: CooperationRequest, status: DeadlineStatus, threshold: str, body_to: tuple[str, ...]
) -> Reminder:
    def values() -> dict:
        locale = current_locale()
        return {
            "ref": req.reference,
            "council": req.requesting_org.display_name(locale),
            "body": req.requested_org.display_name(locale),
            "due": long_date(req.due_date),
            "link": request_link(req),
        }

    if status is DeadlineStatus.DUE_SOON:
        to = body_to
        subject, body = render_bilingual(
            lambda: _("Due %(due)s: s.164 request %(ref)s from %(council)s", **values()),
            lambda: _(
                "The s.164 request %(ref)s from %(council)s to %(body)s is due on %(due)s.\n\n"
                "Answer it, ask for clarification or agree an extension: %(link)s",
                **values(),
            ),
        )
    else:
        to = (*body_to, req.contact_email)
        subject, body = render_bilingual(
            lambda: _("Overdue: s.164 request %(ref)s was due %(due)s", **values()),
            lambda: _(
                "The s.164 request %(ref)s from %(council)s to %(body)s was due on %(due)s and "
                "has not been answered.\n\n%(link)s",
                **values(),
            ),
        )
    return Reminder(
        record_type=RECORD_TYPE,
        record_id=str(req.id),
        threshold=threshold,
        to=tuple(dict.fromkeys(a for a in to if a)),
        subject=subject,
        body=body,
    )
