"""Yearly figures of an organisation's s.164 requests, sent and received, aggregated in SQL:
how many, how they were answered (declined by ground), the median working days to answer
and the share answered on time. A request counts in the year it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import S164_GROUNDS
from ..lifecycle.models import OPEN_STATES, Outcome, RequestState
from ..parties.models import Organisation
from .models import CooperationRequest

FIRST_YEAR = 2016  # the Act's Part 9 came into force in April 2016


@dataclass
class SideFigures:
    """The requests one organisation sent, or received, in a year."""

    total: int = 0
    open: int = 0
    withdrawn: int = 0
    complied: int = 0
    partly_by_ground: dict[str, int] = field(default_factory=dict)
    declined_by_ground: dict[str, int] = field(default_factory=dict)
    answered_on_time: int = 0
    median_working_days: float | None = None

    @property
    def partly(self) -> int:
        return sum(self.partly_by_ground.values())

    @property
    def declined(self) -> int:
        return sum(self.declined_by_ground.values())

    @property
    def answered(self) -> int:
        return self.complied + self.partly + self.declined

    @property
    def share_on_time(self) -> float | None:
        """The share of answered requests answered by their due date, 0 to 1."""
        return self.answered_on_time / self.answered if self.answered else None

    def rows(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for the chart and its table, in a fixed order."""
        rows = [
            ("complied", _("Complied with"), self.complied),
            *(
                (f"partly:{code}", _("Partly complied with, %(ground)s", ground=_ground(code)), n)
                for code, n in self.partly_by_ground.items()
            ),
            *(
                (f"declined:{code}", _("Declined, %(ground)s", ground=_ground(code)), n)
                for code, n in self.declined_by_ground.items()
            ),
            ("open", _("Not answered yet"), self.open),
            ("withdrawn", _("Withdrawn"), self.withdrawn),
        ]
        return rows


def _ground(code: str) -> str:
    return S164_GROUNDS[code].section_for(current_locale())


@dataclass
class Figures:
    organisation: Organisation
    year: int
    sent: SideFigures
    received: SideFigures


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def figures_for(org: Organisation, year: int) -> Figures:
    """Both sides' figures in four queries (a grouped count and a median for each side)."""
    return Figures(
        organisation=org,
        year=year,
        sent=_side(CooperationRequest.requesting_org_id, org.id, year),
        received=_side(CooperationRequest.requested_org_id, org.id, year),
    )


def _side(column, org_id: int, year: int) -> SideFigures:
    model = CooperationRequest
    start, end = year_range(year)
    where = (column == org_id, model.sent_on >= start, model.sent_on <= end)
    on_time = sa.func.sum(sa.case((model.answered_on <= model.due_date, 1), else_=0))
    rows = db.session.execute(
        sa.select(model.state, model.outcome, model.ground, sa.func.count(), on_time)
        .where(*where)
        .group_by(model.state, model.outcome, model.ground)
    ).all()
    figures = SideFigures(
        partly_by_ground={code: 0 for code in S164_GROUNDS.codes},
        declined_by_ground={code: 0 for code in S164_GROUNDS.codes},
    )
    for state, outcome, ground, count, in_time in rows:
        figures.total += count
        figures.answered_on_time += in_time or 0
        if state in OPEN_STATES:
            figures.open += count
        elif state == RequestState.WITHDRAWN:
            figures.withdrawn += count
        elif outcome == Outcome.COMPLIED:
            figures.complied += count
        elif outcome == Outcome.PARTLY_COMPLIED:
            figures.partly_by_ground[ground] += count
        elif outcome == Outcome.DECLINED:
            figures.declined_by_ground[ground] += count
    figures.median_working_days = _median(model.working_days_to_answer, where, figures.answered)
    return figures


def _median(column, where, count: int) -> float | None:
    """The median of a column over `count` rows, by reading the one or two middle values."""
    if not count:
        return None
    middle = db.session.scalars(
        sa.select(column)
        .where(*where, column.is_not(None))
        .order_by(column)
        .offset((count - 1) // 2)
        .limit(2 if count % 2 == 0 else 1)
    ).all()
    return sum(middle) / len(middle) if middle else None


def csv_rows(figures: Figures) -> list[list]:
    """One row per side and measure, for the CSV download."""
    rows = []
    for side, label in (("sent", _("Sent")), ("received", _("Received"))):
        data: SideFigures = getattr(figures, side)
        rows.append([figures.year, label, _("Requests"), data.total])
        rows.extend([figures.year, label, text, n] for _key, text, n in data.rows())
        rows.append(
            [
                figures.year,
                label,
                _("Median working days to answer"),
                _number(data.median_working_days),
            ]
        )
        share = data.share_on_time
        rows.append(
            [
                figures.year,
                label,
                _("Share answered on time (%)"),
                "" if share is None else round(share * 100),
            ]
        )
    return rows


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:.1f}"
