"""Working days in Wales: Welsh bank holidays (substitute days included) and due dates."""

from datetime import date

import pytest

from isp_manager.calendar import (
    add_working_days,
    bank_holiday_name,
    due_date,
    holiday_list,
    is_working_day,
    restart_clock,
    working_days_between,
)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # early May bank holiday
        date(2026, 5, 25),  # spring bank holiday
        date(2026, 8, 31),  # summer bank holiday
        date(2026, 12, 25),  # Christmas Day (a Friday)
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday 2027
        date(2027, 3, 29),  # Easter Monday 2027
        date(2027, 12, 27),  # Christmas Day 2027 is a Saturday: substitute Monday
        date(2027, 12, 28),  # Boxing Day 2027 is a Sunday: substitute Tuesday
    ],
)
def test_welsh_bank_holidays_are_not_working_days(day):
    assert bank_holiday_name(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 12, 24), True),  # Christmas Eve is a working day
        (date(2026, 12, 26), False),  # Saturday
        (date(2026, 12, 27), False),  # Sunday
        (date(2026, 12, 29), True),
        (date(2026, 3, 17), True),  # St Patrick's Day: Northern Ireland only
        (date(2026, 7, 13), True),  # the Twelfth (observed): Northern Ireland only
        (date(2026, 8, 3), True),  # Scottish summer bank holiday, not Welsh
        (date(2026, 11, 30), True),  # St Andrew's Day: Scotland only
        (date(2026, 3, 2), True),  # the day after St David's Day is not a bank holiday
    ],
)
def test_working_days_ignore_other_nations_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 12, 22), 10, date(2027, 1, 8)),  # Christmas, 28 Dec substitute, New Year
        (date(2026, 12, 22), 1, date(2026, 12, 23)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2027, 3, 24), 5, date(2027, 4, 2)),  # Easter 2027: Good Friday and Easter Monday
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2026, 6, 5), 1, date(2026, 6, 8)),  # Friday to Monday
        (date(2026, 6, 6), 1, date(2026, 6, 8)),  # from a Saturday
        (date(2026, 6, 1), 0, date(2026, 6, 1)),
        (date(2026, 5, 22), 5, date(2026, 6, 1)),  # spring bank holiday 25 May
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days)[0] == expected


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 1), -1)


def test_due_date_explains_the_christmas_bank_holidays():
    due = due_date(date(2026, 12, 22), 10)
    assert due.date == date(2027, 1, 8)
    assert due.explanation == (
        "10 working days from 22 December 2026, not counting the bank holidays on "
        "25 and 28 December and 1 January"
    )


def test_due_date_explains_easter():
    due = due_date(date(2027, 3, 24), 5)
    assert due.date == date(2027, 4, 2)
    assert due.explanation == (
        "5 working days from 24 March 2027, not counting the bank holidays on 26 and 29 March"
    )


def test_due_date_without_holidays_says_weekends_are_not_counted():
    due = due_date(date(2026, 6, 1), 1)
    assert due == (date(2026, 6, 2), "1 working day from 1 June 2026, weekends not counted")


def test_due_date_with_one_holiday_is_singular():
    assert due_date(date(2026, 5, 22), 5).explanation.endswith(
        "not counting the bank holiday on 25 May"
    )


def test_holiday_list_groups_by_month():
    days = [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 3, 26)]
    assert holiday_list(days) == "25 and 28 December, 1 January and 26 March"


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2027, 1, 5), date(2027, 1, 8), 3),
        (date(2027, 1, 5), date(2027, 1, 5), 0),
        (date(2027, 1, 8), date(2027, 1, 5), 0),
        (date(2026, 12, 23), date(2026, 12, 29), 2),  # 24 and 29 December
        (date(2027, 3, 25), date(2027, 3, 30), 1),  # over Easter 2027
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_restarting_the_clock_moves_the_due_date_by_the_stopped_working_days():
    moved = restart_clock(date(2027, 1, 8), date(2027, 1, 5), date(2027, 1, 8))
    assert moved.date == date(2027, 1, 13)
    assert "3 working days" in moved.explanation
    assert "from 8 January 2027 to 13 January 2027" in moved.explanation


def test_restarting_the_clock_over_easter_counts_only_working_days():
    moved = restart_clock(date(2027, 3, 30), date(2027, 3, 25), date(2027, 3, 30))
    assert moved.date == date(2027, 3, 31)
    assert "1 working day" in moved.explanation
    assert "26 and 29 March" in moved.explanation


def test_restarting_the_clock_within_a_weekend_keeps_the_due_date():
    moved = restart_clock(date(2027, 3, 30), date(2027, 3, 27), date(2027, 3, 28))
    assert moved.date == date(2027, 3, 30)
    assert "stays 30 March 2027" in moved.explanation


def test_explanation_is_in_welsh_on_a_welsh_page(app):
    with app.test_request_context("/?lang=cy"):
        from flask_babel import force_locale

        with force_locale("cy"):
            text = due_date(date(2026, 12, 22), 10).explanation
    assert "Rhagfyr" in text  # Welsh month names from the locale data
