"""s.164 tasks for the to-do home page, in one query: requests waiting for my organisation's
answer (overdue, due soon, all), and answers to my organisation's requests nobody has read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from ..i18n import gettext as _
from ..i18n import ngettext
from ..lifecycle.models import CLOCK_RUNNING_STATES, UNREAD_ANSWER_PREDICATE
from ..todo import CountedTask, Task, count_in_one_query, counted_tasks, task_source
from .models import CooperationRequest
from .services import due_soon_until

R = CooperationRequest


def counts(user, today: date) -> dict[str, int]:
    """One query: the four counts for the user's organisation, each from an index of its own
    side (requests waiting for the organisation by state and due date; its unread answers
    from their partial index), never from the rows of both sides OR-ed together."""
    org = user.organisation_id
    waiting = (R.requested_org_id == org, R.state.in_(CLOCK_RUNNING_STATES))
    return count_in_one_query(
        R,
        {
            "waiting": waiting,
            "overdue": (*waiting, R.due_date < today),
            "due_soon": (*waiting, R.due_date >= today, R.due_date <= due_soon_until(today)),
            "unread": (R.requesting_org_id == org, sa.text(UNREAD_ANSWER_PREDICATE)),
        },
    )


TASKS = (
    CountedTask(
        "s164-received-overdue",
        lambda n: ngettext(
            "%(num)d request to your organisation is overdue",
            "%(num)d requests to your organisation are overdue",
            n,
        ),
        "overdue",
        "cooperation.inbox",
        {"deadline": "overdue"},
        urgent=True,
    ),
    CountedTask(
        "s164-received-due-soon",
        lambda n: ngettext(
            "%(num)d request to your organisation is due soon",
            "%(num)d requests to your organisation are due soon",
            n,
        ),
        "due_soon",
        "cooperation.inbox",
        {"deadline": "due_soon"},
    ),
    CountedTask(
        "s164-received-waiting",
        lambda n: ngettext(
            "%(num)d request is waiting for your organisation's answer",
            "%(num)d requests are waiting for your organisation's answer",
            n,
        ),
        "waiting",
        "cooperation.inbox",
    ),
    CountedTask(
        "s164-answers-unread",
        lambda n: ngettext(
            "%(num)d answer to your organisation's requests has not been read",
            "%(num)d answers to your organisation's requests have not been read",
            n,
        ),
        "unread",
        "cooperation.outbox",
        {"state": "answered"},
    ),
)


@task_source(order=20)
def s164_tasks(user, today: date) -> Iterator[Task]:
    if not user.can_read_everything:
        yield from counted_tasks(_("Section 164 requests"), TASKS, counts(user, today))
