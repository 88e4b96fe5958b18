"""Reminders that `flask notify` sends about request deadlines, for every kind of request,
each once per due date: "due soon" (within the kind's {PREFIX}_DUE_SOON_DAYS working days) to
the body asked, "overdue" to the body asked and the requester. An agreed extension or a
clarification moves the due date, and so allows a fresh reminder for the new date.

Whom to tell at the body asked is parties.contacts' to decide, as for every notice; that a
reminder went out is kept in sent_reminders (by table, request and stage), as for protocol
reviews.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..calendar import long_date, wales_today
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..mail import render_bilingual
from ..notifications import Reminder, SentReminder, reminder_source
from ..parties.contacts import request_contacts_for
from .kinds import RequestKind, all_kinds
from .models import CLOCK_RUNNING_STATES, DeadlineStatus
from .notices import request_link, unique_addresses
from .services import due_soon_until

CHUNK = 500


def record_type(kind: RequestKind) -> str:
    """How sent_reminders names a kind's requests: its table."""
    return kind.model.__tablename__


def _threshold(status: DeadlineStatus, req) -> str:
    return f"{status.value}:{req.due_date.isoformat()}"


def _already_sent(kind: RequestKind, ids: list[int]) -> set[tuple[str, str]]:
    sent = set()
    for start in range(0, len(ids), CHUNK):
        chunk = [str(i) for i in ids[start : start + CHUNK]]
        rows = db.session.execute(
            sa.select(SentReminder.record_id, SentReminder.threshold).where(
                SentReminder.record_type == record_type(kind), SentReminder.record_id.in_(chunk)
            )
        )
        sent.update((record_id, threshold) for record_id, threshold in rows)
    return sent


@reminder_source
def deadline_reminders() -> Iterator[Reminder]:
    """Every kind's requests whose clock is running and that are due soon or overdue, and
    have not had this reminder for this due date."""
    today = wales_today()
    for kind in all_kinds():
        yield from kind_reminders(kind, today)


def kind_reminders(kind: RequestKind, today) -> Iterator[Reminder]:
    model = kind.model
    soon_until = due_soon_until(kind, today)
    requests = db.session.scalars(
        sa.select(model)
        .where(model.state.in_(CLOCK_RUNNING_STATES), model.due_date <= soon_until)
        .options(joinedload(model.requesting_org), joinedload(model.requested_org))
        .order_by(model.due_date, model.id)
    ).all()
    sent = _already_sent(kind, [r.id for r in requests])
    told = request_contacts_for({r.requested_org for r in requests})
    for req in requests:
        status = req.deadline_status(today, soon_until)
        threshold = _threshold(status, req)
        if (str(req.id), threshold) in sent:
            continue
        yield _reminder(kind, req, status, threshold, told[req.requested_org_id].addresses)


def _reminder(
    kind: RequestKind, req, status: DeadlineStatus, threshold: str, body_to: tuple[str, ...]
) -> Reminder:
    def values() -> dict:
        locale = current_locale()
        return {
            "kind": str(kind.label),
            "ref": req.reference,
            "council": req.requesting_org.display_name(locale),
            "body": req.requested_org.display_name(locale),
            "due": long_date(req.due_date),
            "link": request_link(req),
        }

    if status is DeadlineStatus.DUE_SOON:
        to = body_to
        subject, body = render_bilingual(
            lambda: _("Due %(due)s: %(kind)s %(ref)s from %(council)s", **values()),
            lambda: _(
                "The %(kind)s %(ref)s from %(council)s to %(body)s is due on %(due)s.\n\n"
                "Answer it, or ask for clarification or for more time: %(link)s",
                **values(),
            ),
        )
    else:
        to = (*body_to, req.contact_email)
        subject, body = render_bilingual(
            lambda: _("Overdue: %(kind)s %(ref)s was due %(due)s", **values()),
            lambda: _(
                "The %(kind)s %(ref)s from %(council)s to %(body)s was due on %(due)s and "
                "has not been answered.\n\n%(link)s",
                **values(),
            ),
        )
    return Reminder(
        record_type=record_type(kind),
        record_id=str(req.id),
        threshold=threshold,
        to=tuple(unique_addresses(to)),
        subject=subject,
        body=body,
    )
