"""s.137 tasks for the to-do home page, in one query. For a board: its requests overdue at
the bodies asked, and answers waiting for the board to read and close. For a body asked: the
board requests waiting for its answer. A board officer's home page leads with these."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..accounts.models import Role
from ..i18n import gettext as _
from ..i18n import ngettext
from ..lifecycle.models import CLOCK_RUNNING_STATES, RequestState
from ..todo import CountedTask, Task, count_in_one_query, counted_tasks, task_source
from .models import BoardRequest
from .services import due_soon_until

R = BoardRequest


def counts(user, today: date) -> dict[str, int]:
    """One query: the board's and the body's counts for the user's organisation, each from
    the index of its own side (by state and due date), never the two sides' rows OR-ed."""
    org = user.organisation_id
    running = R.state.in_(CLOCK_RUNNING_STATES)
    asked = (R.requested_org_id == org, running)
    return count_in_one_query(
        R,
        {
            "board_overdue": (R.requesting_org_id == org, running, R.due_date < today),
            "answered": (R.requesting_org_id == org, R.state == RequestState.ANSWERED),
            "waiting": asked,
            "overdue": (*asked, R.due_date < today),
            "due_soon": (*asked, R.due_date >= today, R.due_date <= due_soon_until(today)),
        },
    )


TASKS = (
    CountedTask(
        "s137-sent-overdue",
        lambda n: ngettext(
            "%(num)d of the board's requests is overdue",
            "%(num)d of the board's requests are overdue",
            n,
        ),
        "board_overdue",
        "board_requests.index",
        {"deadline": "overdue"},
        urgent=True,
    ),
    CountedTask(
        "s137-answers-to-close",
        lambda n: ngettext(
            "%(num)d answer to the board's requests is waiting to be read and closed",
            "%(num)d answers to the board's requests are waiting to be read and closed",
            n,
        ),
        "answered",
        "board_requests.index",
        {"state": RequestState.ANSWERED.value},
    ),
    CountedTask(
        "s137-received-overdue",
        lambda n: ngettext(
            "%(num)d board request to your organisation is overdue",
            "%(num)d board requests to your organisation are overdue",
            n,
        ),
        "overdue",
        "board_requests.index",
        {"deadline": "overdue"},
        urgent=True,
    ),
    CountedTask(
        "s137-received-due-soon",
        lambda n: ngettext(
            "%(num)d board request to your organisation is due soon",
            "%(num)d board requests to your organisation are due soon",
            n,
        ),
        "due_soon",
        "board_requests.index",
        {"deadline": "due_soon"},
    ),
    CountedTask(
        "s137-received-waiting",
        lambda n: ngettext(
            "%(num)d board request is waiting for your organisation's answer",
            "%(num)d board requests are waiting for your organisation's answer",
            n,
        ),
        "waiting",
        "board_requests.index",
    ),
)


@task_source(order=15, lead_for=(Role.BOARD_OFFICER,))
def s137_tasks(user, today: date) -> Iterator[Task]:
    if not user.can_read_everything:
        group = _("Section 137 requests from Safeguarding Boards")
        yield from counted_tasks(group, TASKS, counts(user, today))
