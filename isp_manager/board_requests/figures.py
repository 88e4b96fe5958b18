"""A board's annual figures for a financial year (April to March): each request made under
s.137(1), to whom, the dates, the outcome and the working days to answer; totals by outcome
and by kind of body. A request counts in the financial year it was sent. Two queries: the
requests of the year (through the board's figures index), and nothing else."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, load_only

from ..calendar import wales_today
from ..extensions import db
from ..i18n import current_locale
from ..lifecycle.models import OPEN_STATES, RequestState
from ..parties.models import Organisation, OrgKind
from .models import BOARD_OUTCOMES, BoardOutcome, BoardRequest

FIRST_YEAR = 2016  # Part 7 of the Act came into force in April 2016
MAX_ROWS = 5000  # far above any board's year; the page says so if it is ever reached

# The totals, in the order the annual report lists them.
OPEN = "open"
WITHDRAWN = "withdrawn"
TOTAL_KEYS = (*(o.value for o in BOARD_OUTCOMES), OPEN, WITHDRAWN)


def financial_year_of(day: date) -> int:
    """The financial year a day falls in, named by the year it starts (April 2026: 2026)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_range(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_label(year: int) -> str:
    return _("April %(start)s to March %(end)s", start=year, end=year + 1)


def total_label(key: str) -> str:
    if key == OPEN:
        return _("Not answered yet")
    if key == WITHDRAWN:
        return _("Withdrawn")
    return BoardOutcome(key).label


def result_key(req: BoardRequest) -> str:
    if req.state in OPEN_STATES:
        return OPEN
    if req.state == RequestState.WITHDRAWN:
        return WITHDRAWN
    return req.outcome.value


@dataclass
class BoardFigures:
    board: Organisation
    year: int
    requests: list[BoardRequest]
    totals: dict[str, int] = field(default_factory=dict)
    by_body_kind: dict[OrgKind, dict[str, int]] = field(default_factory=dict)
    truncated: bool = False

    @property
    def total(self) -> int:
        return len(self.requests)

    def chart_rows(self) -> list[tuple[str, str, int, int]]:
        """(key, label, count, percentage of the year's requests) for the chart and its table."""
        total = self.total or 1
        return [
            (key, total_label(key), self.totals[key], round(self.totals[key] * 100 / total))
            for key in TOTAL_KEYS
        ]


def figures_for(board: Organisation, year: int) -> BoardFigures:
    """The year's requests of the board, oldest first, with the bodies asked; and the totals."""
    start, end = financial_year_range(year)
    model = BoardRequest
    rows = list(
        db.session.scalars(
            sa.select(model)
            .where(
                model.requesting_org_id == board.id,
                model.sent_on >= start,
                model.sent_on <= end,
            )
            .options(
                load_only(
                    model.reference,
                    model.requested_org_id,
                    model.state,
                    model.outcome,
                    model.sent_on,
                    model.due_date,
                    model.answered_on,
                    model.working_days_to_answer,
                    model.answer_received_via,
                    model.relates_to,
                    model.purpose,
                    model.review_reference,
                ),
                joinedload(model.requested_org).load_only(
                    Organisation.code, Organisation.name, Organisation.name_cy, Organisation.kind
                ),
            )
            .order_by(model.sent_on, model.id)
            .limit(MAX_ROWS + 1)
        )
    )
    figures = BoardFigures(board=board, year=year, requests=rows[:MAX_ROWS])
    figures.truncated = len(rows) > MAX_ROWS
    counts = Counter(result_key(r) for r in figures.requests)
    figures.totals = {key: counts.get(key, 0) for key in TOTAL_KEYS}
    kinds: dict[OrgKind, Counter] = {}
    for req in figures.requests:
        kinds.setdefault(req.requested_org.kind, Counter())[result_key(req)] += 1
    figures.by_body_kind = {
        kind: {key: c.get(key, 0) for key in TOTAL_KEYS}
        for kind, c in sorted(kinds.items(), key=lambda kv: kv[0].label)
    }
    return figures


def current_financial_year() -> int:
    return financial_year_of(wales_today())


CSV_HEADER_KEYS = (
    "reference",
    "body_code",
    "body",
    "body_kind",
    "sent_on",
    "due_date",
    "answered_on",
    "outcome_code",
    "outcome",
    "working_days_to_answer",
    "on_time",
    "answered_on_behalf",
    "relates_to",
    "review_reference",
)


def csv_header() -> list[str]:
    return [
        _("Reference"),
        _("Body code"),
        _("Body asked"),
        _("Kind of body"),
        _("Sent on"),
        _("Due"),
        _("Answered on"),
        _("Outcome code"),
        _("Outcome"),
        _("Working days to answer"),
        _("Answered on time"),
        _("Answer recorded by the board"),
        _("Relates to (s.137(3))"),
        _("Review reference"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def csv_rows(figures: BoardFigures) -> list[list]:
    locale = current_locale()
    return [
        [
            r.reference,
            r.requested_org.code,
            r.requested_org.display_name(locale),
            r.requested_org.kind_label,
            r.sent_on.isoformat() if r.sent_on else "",
            r.due_date.isoformat() if r.due_date else "",
            r.answered_on.isoformat() if r.answered_on else "",
            result_key(r),
            total_label(result_key(r)),
            "" if r.working_days_to_answer is None else r.working_days_to_answer,
            _yes_no(r.answered_on_time),
            _yes_no(r.answered_on_behalf) if r.answered_on else "",
            " ".join(r.relates_to or []),
            r.review_reference or "",
        ]
        for r in figures.requests
    ]
