"""The lists of requests of any kind: the boxes, the "find a request" filters, the query that
reads them from the indexes, and the CSV rows.

A kind's differences are data: the parties (and so the sides of a box) come from its
RequestKind; what only one kind can be filtered by (s.164's request type) comes in as extra
WHERE clauses; what only one kind's CSV shows comes in as extra columns.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..calendar import long_date, wales_today
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from . import services as lifecycle
from .access import relation_clause
from .kinds import Party, Relation, RequestKind
from .models import OPEN_STATES, DeadlineStatus, RequestState

CASE_REFERENCE_MAX_LENGTH = 60  # the case_reference column's length


class Box(enum.StrEnum):
    RECEIVED = "received"  # requests made to the user's organisation (s.137: or for it)
    SENT = "sent"  # requests the user's organisation made
    ALL = "all"  # every request the user may see (for admins and auditors, all of them)


# The relations whose requests a box holds (None: every relation the user has).
BOX_RELATIONS: dict[Box, frozenset[Relation] | None] = {
    Box.SENT: frozenset({Relation.REQUESTER}),
    Box.RECEIVED: frozenset({Relation.BODY_ASKED, Relation.PROVIDE_TO}),
    Box.ALL: None,
}

OPEN = "open"  # the default state filter: waiting for an answer
ALL_STATES = "all"  # every state but draft: answered, closed and withdrawn ones too


@dataclass
class ListFilters:
    """What a list of requests is narrowed to. `extra` holds the kind's own WHERE clauses
    (s.164: its request type)."""

    state: str = OPEN
    deadline: DeadlineStatus | None = None
    counterparty: Any = None  # an Organisation: any other body the request names
    reference: str = ""
    case_reference: str = ""
    sent_from: date | None = None
    sent_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    extra: tuple = field(default_factory=tuple)


# (from field, to field, the message when the range ends before it starts)
DATE_RANGES = (
    (
        "sent_from",
        "sent_to",
        _l("The sent to date must be the same as or after the sent from date (%(start)s)"),
    ),
    (
        "due_from",
        "due_to",
        _l("The due to date must be the same as or after the due from date (%(start)s)"),
    ),
)


def check_filters(filters: ListFilters) -> None:
    """Refuse a date range that ends before it starts, naming the field of its end."""
    errors = {}
    for start_name, end_name, message in DATE_RANGES:
        start, end = getattr(filters, start_name), getattr(filters, end_name)
        if start and end and start > end:
            errors[end_name] = str(message) % {"start": long_date(start)}
    if errors:
        raise InvalidInput(errors=errors)


def case_reference_filter(model, text: str):
    """A WHERE clause for a search by the requester's own case reference, or None when `text`
    is blank. Case references have no set shape (CS-2026-00417, 417/26), so, like a reference
    typed in part, the text may be anywhere in it: trimmed, any case, wildcards taken as
    typed. The side's index narrows the search to the organisation's requests first."""
    text = (text or "").strip()[:CASE_REFERENCE_MAX_LENGTH]
    if not text:
        return None
    return sa.func.upper(model.case_reference).contains(text.upper(), autoescape=True)


# ----------------------------------------------------------------- the query


def _sides(kind: RequestKind, user, box: Box) -> list[tuple[Any, Party | None]]:
    """The WHERE clause of each side of the box, with the party the user's organisation is on
    that side (None: a reader of everything, on no side)."""
    model = kind.model
    if box is Box.ALL and user.can_read_everything:
        return [(sa.true(), None)]
    wanted = BOX_RELATIONS[box]
    sides = [
        (clause, party)
        for party in kind.parties
        if wanted is None or party.relation in wanted
        for clause in (relation_clause(model, user, party.relation),)
        if clause is not None
    ]
    return sides or [(sa.false(), None)]


def _counterparty_clause(kind: RequestKind, own: Party | None, org):
    """The other body named on the request, on any party but the user's own side."""
    columns = [getattr(kind.model, p.column) for p in kind.parties if p is not own]
    return sa.or_(*(column == org.id for column in columns))


def _state_clause(model, state: str, box: Box):
    if state == RequestState.DRAFT.value and box is not Box.RECEIVED:
        return model.state == RequestState.DRAFT
    if state == OPEN:
        return model.state.in_(OPEN_STATES)
    if state in {s.value for s in RequestState} - {RequestState.DRAFT.value}:
        return model.state == RequestState(state)
    return model.state != RequestState.DRAFT


def _order(model, state: str) -> tuple:
    if state == RequestState.DRAFT.value:
        return (model.created_at.desc(), model.id.desc())
    if state in (OPEN, *(s.value for s in OPEN_STATES)):
        return (model.due_date, model.id)
    return (model.due_date.desc(), model.id.desc())


def _conditions(kind: RequestKind, box: Box, filters: ListFilters, today: date) -> list:
    model = kind.model
    conditions = [_state_clause(model, filters.state, box)]
    if filters.deadline is not None:
        soon = lifecycle.due_soon_until(kind, today)
        conditions.append(lifecycle.deadline_clause(model, filters.deadline, today, soon))
    for column, start, end in (
        (model.sent_on, filters.sent_from, filters.sent_to),
        (model.due_date, filters.due_from, filters.due_to),
    ):
        if start is not None:
            conditions.append(column >= start)
        if end is not None:
            conditions.append(column <= end)
    for clause in (
        lifecycle.reference_filter(model, filters.reference),
        case_reference_filter(model, filters.case_reference),
        *filters.extra,
    ):
        if clause is not None:
            conditions.append(clause)
    return conditions


def _relationship_key(model, column: str) -> str:
    """The name of the many-to-one relationship held in `column` (requested_org_id:
    requested_org)."""
    return next(
        rel.key
        for rel in sa.inspect(model).relationships
        if rel.direction.name == "MANYTOONE" and [c.key for c in rel.local_columns] == [column]
    )


def party_relationships(kind: RequestKind) -> list:
    """The relationship attribute of each party (requesting_org, requested_org, provide_to)."""
    return [getattr(kind.model, _relationship_key(kind.model, p.column)) for p in kind.parties]


def list_query(
    kind: RequestKind,
    user,
    box: Box,
    filters: ListFilters,
    today: date | None = None,
    *,
    first: int | None = None,
) -> sa.Select:
    """The requests of `kind` in a box, filtered, with every party loaded; open ones by due
    date, the earliest first, the rest by due date, the latest first; drafts newest first.

    Each side of the box (what the body asked, what it was asked, what goes to it) reads its
    own (organisation, state, due date) index. With `first` (a page's offset plus its size),
    only the first `first` rows are promised: a box with several sides then reads each side's
    first rows only, instead of every request of the body being read and sorted, and orders
    them together."""
    today = today or wales_today()
    model = kind.model
    conditions = _conditions(kind, box, filters, today)
    sides = [
        sa.and_(clause, _counterparty_clause(kind, party, filters.counterparty))
        if filters.counterparty is not None
        else clause
        for clause, party in _sides(kind, user, box)
    ]
    order = _order(model, filters.state)
    stmt = sa.select(model).options(*(joinedload(r) for r in party_relationships(kind)))
    if len(sides) == 1:
        return stmt.where(sides[0], *conditions).order_by(*order)
    if first is None:
        return stmt.where(sa.or_(*sides), *conditions).order_by(*order)
    # The sides never share a request, so together their first rows hold the list's first rows.
    firsts = [
        sa.select(model.id).where(side, *conditions).order_by(*order).limit(first).subquery()
        for side in sides
    ]
    ids = sa.union_all(*(sa.select(side.c.id) for side in firsts))
    return stmt.where(model.id.in_(ids)).order_by(*order)


def api_page(kind: RequestKind, user, box: Box, filters: ListFilters, pagination) -> list:
    """One page of a request list for the API: the filters checked (a 422 naming the field),
    the total in the pagination header (counted side by side) and the page's requests."""
    check_filters(filters)
    today = wales_today()
    pagination.item_count = count_requests(kind, user, box, filters, today)
    page, size = pagination.page, pagination.page_size
    rows = list_query(kind, user, box, filters, today, first=page * size)
    return db.session.scalars(rows.limit(size).offset((page - 1) * size)).unique().all()


def all_requests(kind: RequestKind, user, box: Box, filters: ListFilters, today: date) -> list:
    """Every request list_query selects (for a CSV download of the list)."""
    return db.session.scalars(list_query(kind, user, box, filters, today)).unique().all()


def page_of(kind: RequestKind, user, box: Box, filters: ListFilters, today: date):
    """The page of a list the request asks for (pagination.paginate): its rows read from each
    side's first rows, its total counted side by side."""
    from ..pagination import paginate

    return paginate(
        list_query(kind, user, box, filters, today),
        first_rows=lambda n: list_query(kind, user, box, filters, today, first=n),
        count=lambda: count_requests(kind, user, box, filters, today),
    )


def count_requests(
    kind: RequestKind, user, box: Box, filters: ListFilters, today: date | None = None
) -> int:
    """How many requests list_query selects: one count per side, added up, each read from
    that side's own index without touching the rows or the bodies (a count over the sides
    OR-ed together reads every row of a busy body's requests from the table)."""
    today = today or wales_today()
    conditions = _conditions(kind, box, filters, today)
    counts = [
        sa.select(sa.func.count())
        .select_from(kind.model)
        .where(
            sa.and_(clause, _counterparty_clause(kind, party, filters.counterparty))
            if filters.counterparty is not None
            else clause,
            *conditions,
        )
        .scalar_subquery()
        for clause, party in _sides(kind, user, box)
    ]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return int(db.session.scalar(sa.select(total)) or 0)


# ----------------------------------------------------------------- CSV


@dataclass(frozen=True)
class Column:
    """One CSV column: its heading (a lazy string) and its cell for a request."""

    header: Any
    value: Callable[[Any], Any]


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def csv_table(
    kind: RequestKind,
    requests: Iterable,
    today: date,
    *,
    details: Sequence[Column] = (),
    answer: Sequence[Column] = (),
) -> tuple[list[str], Iterable[list]]:
    """The heading and rows of a list's CSV: every column common to the kinds, labels in the
    reader's language with the codes beside them in their own columns; the kind's `details`
    after the bodies, its `answer` columns after the outcome."""
    soon = lifecycle.due_soon_until(kind, today)
    locale = current_locale()

    def body(party: Party):
        key = _relationship_key(kind.model, party.column)

        def cell(req):
            org = getattr(req, key)
            return org.display_name(locale) if org is not None else ""

        return Column(party.label, cell)

    def deadline(req):
        status = req.deadline_status(today, soon)
        return status.label if status else ""

    def on_time(req):
        value = req.answered_on_time
        return "" if value is None else (_("Yes") if value else _("No"))

    columns = [
        Column(_l("Reference"), lambda r: r.reference),
        *(body(p) for p in kind.parties),
        *details,
        Column(_l("Requester’s case reference"), lambda r: r.case_reference or ""),
        Column(_l("State"), lambda r: r.state.label),
        Column(_l("State code"), lambda r: r.state.value),
        Column(_l("Deadline"), deadline),
        Column(_l("Sent on"), lambda r: _iso(r.sent_on)),
        Column(_l("Due date"), lambda r: _iso(r.due_date)),
        Column(_l("Answered on"), lambda r: _iso(r.answered_on)),
        Column(_l("Outcome"), lambda r: r.outcome.label if r.outcome else ""),
        Column(_l("Outcome code"), lambda r: r.outcome.value if r.outcome else ""),
        *answer,
        Column(_l("On time"), on_time),
    ]
    header = [str(c.header) for c in columns]
    return header, ([c.value(req) for c in columns] for req in requests)


def csv_download(kind: RequestKind, box: Box, requests, today: date, **columns):
    """A list as a CSV download (csv_table, with the kind's own `details` and `answer`
    columns), named for the kind, the box and the day: s164-requests-sent-2026-05-01.csv."""
    from ..csv_export import csv_response

    header, rows = csv_table(kind, requests, today, **columns)
    return csv_response(f"{kind.code}-requests-{box.value}-{today.isoformat()}.csv", header, rows)


# ----------------------------------------------------------------- the case reference field

# A case or file number: letters, digits, spaces and - / . _ with at least one digit (so a
# name cannot be entered by mistake).
CASE_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9 \-/._]*$")


def clean_case_reference(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None


def case_reference_problem(value: str | None) -> str | None:
    """Why a case reference typed on a new request cannot be kept, or None when it can."""
    text = clean_case_reference(value)
    if text is None:
        return None
    if len(text) > CASE_REFERENCE_MAX_LENGTH:
        return _(
            "Your case reference must be %(max)s characters or fewer.",
            max=CASE_REFERENCE_MAX_LENGTH,
        )
    if not CASE_REFERENCE.match(text):
        return _(
            "Enter your case reference, like SW/2026/0417, not a name: letters, numbers, "
            "spaces and - / . or _ only, with at least one number."
        )
    return None
