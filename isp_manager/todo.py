"""The to-do home page: each domain contributes tasks (a label, a count, a link to a list).

A domain registers a task source, a function of (user, today) returning `Task`s; each source
runs a fixed number of queries whatever the data. The home page shows the tasks with a count,
grouped, in order; for the roles a source leads for (a board officer and the board's requests),
its tasks come first.

    @task_source(order=10, lead_for=(Role.BOARD_OFFICER,))
    def board_tasks(user, today) -> Iterable[Task]: ...

    tasks_for(user, today=None) -> list[Task]     every task with a count, leading ones first

Sources live in the domains' `todo` modules, listed in TASK_MODULES and imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import url_for

from .calendar import wales_today

TASK_MODULES = [
    "isp_manager.board_requests.todo",
    "isp_manager.cooperation.todo",
    "isp_manager.protocols.todo",
]


@dataclass(frozen=True)
class Task:
    key: str  # stable, for tests and the page: "s164-received-overdue"
    group: str  # the heading it goes under (translated)
    label: str  # what the count counts (translated)
    count: int
    href: str  # the filtered list
    urgent: bool = False  # shown as a warning (overdue)


TaskFunction = Callable[..., Iterable[Task]]


@dataclass(frozen=True)
class TaskSource:
    func: TaskFunction
    order: int
    lead_for: frozenset[str]


TASK_SOURCES: list[TaskSource] = []
_loaded = False


def task_source(*, order: int = 100, lead_for: Iterable[str] = ()) -> Callable:
    """Decorator: register a function (user, today) -> tasks. `order` places it on the page;
    for users whose role is in `lead_for` it comes before every other source."""

    def register(func: TaskFunction) -> TaskFunction:
        TASK_SOURCES.append(TaskSource(func, order, frozenset(str(r) for r in lead_for)))
        return func

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in TASK_MODULES:
            importlib.import_module(name)
        _loaded = True


def sources_for(user) -> list[TaskSource]:
    _load()
    role = str(user.role)
    return sorted(TASK_SOURCES, key=lambda s: (role not in s.lead_for, s.order))


def tasks_for(user, today: date | None = None) -> list[Task]:
    """The user's tasks that have something to do (count > 0), leading sources first."""
    today = today or wales_today()
    tasks: list[Task] = []
    for source in sources_for(user):
        tasks.extend(t for t in source.func(user, today) if t.count > 0)
    return tasks


@dataclass(frozen=True)
class CountedTask:
    """A task as data: its key, its label for a count (`label(n)`, an ngettext call), which
    of its source's counts it shows, the list it links to (an endpoint and its arguments)
    and whether it is urgent."""

    key: str
    label: Callable[[int], str]
    count: str
    endpoint: str
    args: dict = field(default_factory=dict)
    urgent: bool = False


def counted_tasks(group: str, tasks: Iterable[CountedTask], counts: dict[str, int]):
    """The `tasks` with their counts from `counts`, under the heading `group`."""
    for task in tasks:
        n = counts[task.count]
        href = url_for(task.endpoint, **task.args)
        yield Task(task.key, group, task.label(n), n, href, urgent=task.urgent)


def count_in_one_query(model, counts: dict[str, tuple]) -> dict[str, int]:
    """Several counts of `model`'s rows in one query, by name: each the rows meeting its
    conditions (each read from an index of its own, never OR-ed together)."""
    from .extensions import db

    def count(conditions: tuple):
        return sa.select(sa.func.count()).select_from(model).where(*conditions).scalar_subquery()

    row = db.session.execute(sa.select(*(count(c) for c in counts.values()))).one()
    return dict(zip(counts, (int(v or 0) for v in row), strict=True))
