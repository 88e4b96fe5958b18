"""s.164 tasks for the to-do home page, in one query: requests waiting for my organisation's
answer (overdue, due soon, all), and answers to my organisation's requests nobody has read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import url_for

from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..lifecycle.models import CLOCK_RUNNING_STATES, UNREAD_ANSWER_PREDICATE
from ..todo import Task, task_source
from .models import CooperationRequest
from .services import due_soon_until

R = CooperationRequest


def counts(user, today: date) -> dict[str, int]:
    """One query: the four counts for the user's organisation, each from an index of its own
    side (requests waiting for the organisation by state and due date; its unread answers
    from their partial index), never from the rows of both sides OR-ed together."""
    org = user.organisation_id
    waiting = (R.requested_org_id == org, R.state.in_(CLOCK_RUNNING_STATES))

    def count(*conditions):
        return sa.select(sa.func.count()).select_from(R).where(*conditions).scalar_subquery()

    row = db.session.execute(
        sa.select(
            count(*waiting),
            count(*waiting, R.due_date < today),
            count(*waiting, R.due_date >= today, R.due_date <= due_soon_until(today)),
            count(R.requesting_org_id == org, sa.text(UNREAD_ANSWER_PREDICATE)),
        )
    ).one()
    return dict(
        zip(("waiting", "overdue", "due_soon", "unread"), (int(v or 0) for v in row), strict=True)
    )


@task_source(order=20)
def s164_tasks(user, today: date) -> Iterator[Task]:
    if user.can_read_everything:
        return
    n = counts(user, today)
    group = _("Section 164 requests")
    yield Task(
        "s164-received-overdue",
        group,
        ngettext(
            "%(num)d request to your organisation is overdue",
            "%(num)d requests to your organisation are overdue",
            n["overdue"],
        ),
        n["overdue"],
        url_for("cooperation.inbox", deadline="overdue"),
        urgent=True,
    )
    yield Task(
        "s164-received-due-soon",
        group,
        ngettext(
            "%(num)d request to your organisation is due soon",
            "%(num)d requests to your organisation are due soon",
            n["due_soon"],
        ),
        n["due_soon"],
        url_for("cooperation.inbox", deadline="due_soon"),
    )
    yield Task(
        "s164-received-waiting",
        group,
        ngettext(
            "%(num)d request is waiting for your organisation's answer",
            "%(num)d requests are waiting for your organisation's answer",
            n["waiting"],
        ),
        n["waiting"],
        url_for("cooperation.inbox"),
    )
    yield Task(
        "s164-answers-unread",
        group,
        ngettext(
            "%(num)d answer to your organisation's requests has not been read",
            "%(num)d answers to your organisation's requests have not been read",
            n["unread"],
        ),
        n["unread"],
        url_for("cooperation.outbox", state="answered"),
    )
