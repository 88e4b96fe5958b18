"""Working days in Wales: weekends and Welsh bank holidays are not counted.

Bank holidays come from the `holidays` package (England and Wales rules, Welsh subdivision),
computed offline, substitute days included (Boxing Day 2026 falls on a Saturday, so Monday
28 December 2026 is a bank holiday). Every due date comes with an explanation a person can
check by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date

WALES_TZ = ZoneInfo("Europe/London")
SATURDAY = 5


class DueDate(NamedTuple):
    """A date worked out in working days, with how it was worked out."""

    date: date
    explanation: str


def wales_today() -> date:
    """Today's date in Wales (the local date, not the UTC one)."""
    return datetime.now(WALES_TZ).date()


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="WLS", years=year).items())


def bank_holiday_name(day: date) -> str | None:
    """The name of the Welsh bank holiday on that day, or None."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(start: date, working_days: int) -> tuple[date, list[date]]:
    """The date `working_days` working days after `start` (start itself not counted), and
    the weekday bank holidays passed over on the way."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day, counted, skipped = start, 0, []
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
        elif day.weekday() < SATURDAY:
            skipped.append(day)
    return day, skipped


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    return _count_working_days(start, end)[0]


def _count_working_days(start: date, end: date) -> tuple[int, list[date]]:
    count, day, skipped = 0, start, []
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
        elif day.weekday() < SATURDAY:
            skipped.append(day)
    return count, skipped


def _locale() -> str:
    try:
        from flask_babel import get_locale

        return str(get_locale() or "en")
    except (ImportError, RuntimeError):
        return "en"


def _(text: str, **values) -> str:  # named for the message extractor
    """Translated when a Flask app is active (pages, mail); plain English otherwise."""
    try:
        from .i18n import gettext as flask_gettext

        return flask_gettext(text, **values)
    except (ImportError, RuntimeError, KeyError):
        return text % values


def ngettext(singular: str, plural: str, num: int, **values) -> str:
    try:
        from .i18n import ngettext as flask_ngettext

        return flask_ngettext(singular, plural, num, **values)
    except (ImportError, RuntimeError, KeyError):
        return (singular if num == 1 else plural) % {"num": num, **values}


def long_date(day: date) -> str:
    """22 December 2026 (in Welsh when the page is in Welsh)."""
    return format_date(day, "d MMMM yyyy", locale=_locale())


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def holiday_list(days: list[date]) -> str:
    """'25 and 28 December and 1 January': days grouped by month. No year: the days always
    lie within a few weeks of a date the explanation gives in full."""
    groups: list[tuple[tuple[int, int], list[date]]] = []
    for day in sorted(days):
        if groups and groups[-1][0] == (day.year, day.month):
            groups[-1][1].append(day)
        else:
            groups.append(((day.year, day.month), [day]))
    locale = _locale()
    parts = []
    for _month, group in groups:
        month = format_date(group[0], "MMMM", locale=locale)
        parts.append(f"{_join([str(d.day) for d in group])} {month}")
    return _join(parts)


def _holidays_clause(skipped: list[date]) -> str:
    if not skipped:
        return _("weekends not counted")
    return ngettext(
        "not counting the bank holiday on %(days)s",
        "not counting the bank holidays on %(days)s",
        len(skipped),
        days=holiday_list(skipped),
    )


def due_date(start: date, working_days: int) -> DueDate:
    """The date `working_days` working days after `start`, e.g. 8 January 2027 with
    "10 working days from 22 December 2026, not counting the bank holidays on 25 and 28
    December and 1 January"."""
    end, skipped = add_working_days(start, working_days)
    explanation = ngettext(
        "%(num)s working day from %(start)s, %(holidays)s",
        "%(num)s working days from %(start)s, %(holidays)s",
        working_days,
        start=long_date(start),
        holidays=_holidays_clause(skipped),
    )
    return DueDate(end, explanation)


def restart_clock(due: date, stopped_on: date, restarted_on: date) -> DueDate:
    """The due date after the clock stopped on `stopped_on` and restarted on `restarted_on`:
    it moves on by the working days the clock was stopped."""
    stopped, skipped_while_stopped = _count_working_days(stopped_on, restarted_on)
    moved, skipped_after_due = add_working_days(due, stopped)
    if stopped == 0:
        return DueDate(
            due,
            _(
                "The clock stopped on %(stopped)s and restarted without a working day passing, "
                "so the due date stays %(due)s",
                stopped=long_date(stopped_on),
                due=long_date(due),
            ),
        )
    return DueDate(
        moved,
        ngettext(
            "The clock stopped from %(stopped)s to %(restarted)s, %(num)s working day "
            "(%(holidays)s), so the due date moves from %(old)s to %(new)s",
            "The clock stopped from %(stopped)s to %(restarted)s, %(num)s working days "
            "(%(holidays)s), so the due date moves from %(old)s to %(new)s",
            stopped,
            stopped=long_date(stopped_on),
            restarted=long_date(restarted_on),
            holidays=_holidays_clause(sorted(set(skipped_while_stopped + skipped_after_due))),
            old=long_date(due),
            new=long_date(moved),
        ),
    )


def working_days_explanation(start: date, due: date) -> str:
    """How `due` follows from `start` in working days, worked out again from the two dates
    (a due date always falls on a working day), in the current language."""
    return due_date(start, working_days_between(start, due)).explanation


def clock_restart_explanation(old_due: date, new_due: date) -> str:
    """Why a due date moved from `old_due` to `new_due` after the clock stopped for a
    clarification: it moves on by the working days the clock was stopped, which are the
    working days between the two dates."""
    stopped, skipped = _count_working_days(old_due, new_due)
    if stopped == 0:
        return _(
            "The clock stopped and restarted without a working day passing, so the due date "
            "stays %(due)s",
            due=long_date(old_due),
        )
    return ngettext(
        "The clock was stopped for %(num)s working day while a clarification was awaited, so "
        "the due date moves from %(old)s to %(new)s (%(holidays)s)",
        "The clock was stopped for %(num)s working days while a clarification was awaited, so "
        "the due date moves from %(old)s to %(new)s (%(holidays)s)",
        stopped,
        old=long_date(old_due),
        new=long_date(new_due),
        holidays=_holidays_clause(skipped),
    )
