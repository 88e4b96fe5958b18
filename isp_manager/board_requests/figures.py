"""A board's annual figures for a financial year (April to March): each request made under
s.137(1), to whom, the dates, the outcome and the working days to answer; totals by outcome
and by kind of body. A request counts in the financial year it was sent. One query: the
requests of the year (through the board's figures index) as plain rows of only the columns
shown, the bodies asked joined; the totals are counted from those rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..calendar import wales_today
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import S137_RELATES, label
from ..lifecycle.models import OPEN_STATES, RequestState
from ..parties.models import Organisation, OrgKind
from .models import BoardOutcome, BoardRequest

FIRST_YEAR = 2016  # Part 7 of the Act came into force in April 2016
MAX_ROWS = 5000  # far above any board's year; the page says so if it is ever reached

# The totals, in the order the annual report lists them.
OPEN = "open"
WITHDRAWN = "withdrawn"
TOTAL_KEYS = (*(o.value for o in BoardOutcome), OPEN, WITHDRAWN)


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


def result_key(req) -> str:
    """open, withdrawn or the outcome's code: for a request or a figures row."""
    if req.state in OPEN_STATES:
        return OPEN
    if req.state == RequestState.WITHDRAWN:
        return WITHDRAWN
    return req.outcome.value


class FiguresBody:
    """The body asked, as the figures show it: code, names and kind (one per body)."""

    __slots__ = ("code", "name", "name_cy", "kind")

    def __init__(self, code: str, name: str, name_cy: str | None, kind: OrgKind):
        self.code, self.name, self.name_cy, self.kind = code, name, name_cy, kind

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def display_name(self, locale: str = "en") -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name


class FiguresRow:
    """One request of the year: only what the page, API, CSV and Word table show."""

    __slots__ = (
        "reference",
        "requested_org",
        "state",
        "outcome",
        "sent_on",
        "due_date",
        "answered_on",
        "working_days_to_answer",
        "answered_on_behalf",
        "relates_to",
        "review_reference",
        "result",
    )

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_on is None or self.due_date is None:
            return None
        return self.answered_on <= self.due_date


@dataclass
class BoardFigures:
    board: Organisation
    year: int
    requests: list[FiguresRow]
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


_ROW_COLUMNS = (
    BoardRequest.reference,
    BoardRequest.requested_org_id,
    BoardRequest.state,
    BoardRequest.outcome,
    BoardRequest.sent_on,
    BoardRequest.due_date,
    BoardRequest.answered_on,
    BoardRequest.working_days_to_answer,
    BoardRequest.answer_received_via.is_not(None),
    BoardRequest.relates_to,
    BoardRequest.review_reference,
    Organisation.code,
    Organisation.name,
    Organisation.name_cy,
    Organisation.kind,
)


def figures_for(board: Organisation, year: int) -> BoardFigures:
    """The year's requests of the board, oldest first, with the bodies asked; and the totals.
    One query of plain rows (the bodies joined), no ORM objects."""
    start, end = financial_year_range(year)
    model = BoardRequest
    result = db.session.execute(
        sa.select(*_ROW_COLUMNS)
        .join(Organisation, Organisation.id == model.requested_org_id)
        .where(
            model.requesting_org_id == board.id,
            model.sent_on >= start,
            model.sent_on <= end,
        )
        .order_by(model.sent_on, model.id)
        .limit(MAX_ROWS + 1)
    ).all()
    truncated = len(result) > MAX_ROWS
    bodies: dict[int, FiguresBody] = {}
    rows: list[FiguresRow] = []
    counts: Counter = Counter()
    kinds: dict[OrgKind, Counter] = {}
    open_states, withdrawn = OPEN_STATES, RequestState.WITHDRAWN
    for values in result[:MAX_ROWS]:
        (
            reference,
            org_id,
            state,
            outcome,
            sent_on,
            due_date,
            answered_on,
            working_days,
            on_behalf,
            relates_to,
            review_reference,
            code,
            name,
            name_cy,
            kind,
        ) = values
        body = bodies.get(org_id)
        if body is None:
            body = bodies[org_id] = FiguresBody(code, name, name_cy, kind)
        row = FiguresRow()
        row.reference, row.requested_org, row.state, row.outcome = (
            reference,
            body,
            state,
            outcome,
        )
        row.sent_on, row.due_date, row.answered_on = sent_on, due_date, answered_on
        row.working_days_to_answer, row.answered_on_behalf = working_days, on_behalf
        row.relates_to, row.review_reference = relates_to, review_reference
        if state in open_states:
            key = OPEN
        elif state == withdrawn:
            key = WITHDRAWN
        else:
            key = outcome.value
        row.result = key
        rows.append(row)
        counts[key] += 1
        kind_counts = kinds.get(kind)
        if kind_counts is None:
            kind_counts = kinds[kind] = Counter()
        kind_counts[key] += 1
    figures = BoardFigures(board=board, year=year, requests=rows, truncated=truncated)
    figures.totals = {key: counts.get(key, 0) for key in TOTAL_KEYS}
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
    "relates_to_label",
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
        _("Relates to: codes (s.137(3))"),
        _("Relates to"),
        _("Review reference"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def csv_rows(figures: BoardFigures) -> list[list]:
    """One row a request; each label is translated once, not once a row."""
    locale = current_locale()
    outcome_labels = {key: total_label(key) for key in TOTAL_KEYS}
    yes_no = {None: _yes_no(None), True: _yes_no(True), False: _yes_no(False)}
    body_columns: dict[int, tuple[str, str, str]] = {}
    rows = []
    for r in figures.requests:
        body = r.requested_org
        columns = body_columns.get(id(body))
        if columns is None:
            columns = body_columns[id(body)] = (
                body.code,
                body.display_name(locale),
                body.kind_label,
            )
        rows.append(
            [
                r.reference,
                *columns,
                r.sent_on.isoformat() if r.sent_on else "",
                r.due_date.isoformat() if r.due_date else "",
                r.answered_on.isoformat() if r.answered_on else "",
                r.result,
                outcome_labels[r.result],
                "" if r.working_days_to_answer is None else r.working_days_to_answer,
                yes_no[r.answered_on_time],
                yes_no[r.answered_on_behalf] if r.answered_on else "",
                " ".join(r.relates_to or []),
                "; ".join(label(S137_RELATES, code, locale) for code in r.relates_to or []),
                r.review_reference or "",
            ]
        )
    return rows


def figures_json(figures: BoardFigures) -> dict:
    """What FiguresSchema dumps (the API's documented shape), built directly: dumping thousands
    of rows field by field through marshmallow took most of the API's time."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "board": figures.board.code,
        "financial_year": figures.year,
        "requests": [
            {
                "reference": r.reference,
                "body": r.requested_org.code,
                "body_kind": r.requested_org.kind.value,
                "sent_on": day(r.sent_on),
                "due_date": day(r.due_date),
                "answered_on": day(r.answered_on),
                "outcome": r.result,
                "working_days_to_answer": r.working_days_to_answer,
                "answered_on_behalf": (
                    None if r.answered_on_behalf is None else bool(r.answered_on_behalf)
                ),
            }
            for r in figures.requests
        ],
        "totals": dict(figures.totals),
        "by_body_kind": {kind.value: totals for kind, totals in figures.by_body_kind.items()},
    }
