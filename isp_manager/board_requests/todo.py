"""s.137 tasks for the to-do home page, in one query. For a board: its requests overdue at
the bodies asked, and answers waiting for the board to read and close. For a body asked: the
board requests waiting for its answer. A board officer's home page leads with these."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import url_for

from ..accounts.models import Role
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..lifecycle.models import CLOCK_RUNNING_STATES, RequestState
from ..todo import Task, task_source
from .models import BoardRequest
from .services import due_soon_until

R = BoardRequest


def counts(user, today: date) -> dict[str, int]:
    """One query: the board's and the body's counts for the user's organisation, each from
    the index of its own side (by state and due date), never the two sides' rows OR-ed."""
    org = user.organisation_id
    running = R.state.in_(CLOCK_RUNNING_STATES)
    mine = (R.requesting_org_id == org, running)
    asked = (R.requested_org_id == org, running)

    def count(*conditions):
        return sa.select(sa.func.count()).select_from(R).where(*conditions).scalar_subquery()

    row = db.session.execute(
        sa.select(
            count(*mine, R.due_date < today),
            count(R.requesting_org_id == org, R.state == RequestState.ANSWERED),
            count(*asked),
            count(*asked, R.due_date < today),
            count(*asked, R.due_date >= today, R.due_date <= due_soon_until(today)),
        )
    ).one()
    names = ("board_overdue", "answered", "waiting", "overdue", "due_soon")
    return dict(zip(names, (int(v or 0) for v in row), strict=True))


@task_source(order=15, lead_for=(Role.BOARD_OFFICER,))
def s137_tasks(user, today: date) -> Iterator[Task]:
    if user.can_read_everything:
        return
    n = counts(user, today)
    group = _("Section 137 requests from Safeguarding Boards")
    yield Task(
        "s137-sent-overdue",
        group,
        ngettext(
            "%(num)d of the board's requests is overdue",
            "%(num)d of the board's requests are overdue",
            n["board_overdue"],
        ),
        n["board_overdue"],
        url_for("board_requests.index", deadline="overdue"),
        urgent=True,
    )
    yield Task(
        "s137-answers-to-close",
        group,
        ngettext(
            "%(num)d answer to the board's requests is waiting to be read and closed",
            "%(num)d answers to the board's requests are waiting to be read and closed",
            n["answered"],
        ),
        n["answered"],
        url_for("board_requests.index", state=RequestState.ANSWERED.value),
    )
    yield Task(
        "s137-received-overdue",
        group,
        ngettext(
            "%(num)d board request to your organisation is overdue",
            "%(num)d board requests to your organisation are overdue",
            n["overdue"],
        ),
        n["overdue"],
        url_for("board_requests.index", deadline="overdue"),
        urgent=True,
    )
    yield Task(
        "s137-received-due-soon",
        group,
        ngettext(
            "%(num)d board request to your organisation is due soon",
            "%(num)d board requests to your organisation are due soon",
            n["due_soon"],
        ),
        n["due_soon"],
        url_for("board_requests.index", deadline="due_soon"),
    )
    yield Task(
        "s137-received-waiting",
        group,
        ngettext(
            "%(num)d board request is waiting for your organisation's answer",
            "%(num)d board requests are waiting for your organisation's answer",
            n["waiting"],
        ),
        n["waiting"],
        url_for("board_requests.index"),
    )
