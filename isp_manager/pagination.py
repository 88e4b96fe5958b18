"""Offset pagination for list pages: two queries per page (the rows and the total)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app, request, url_for

from .extensions import db

# The last page number a list answers: far past any list, and (page - 1) * page size stays
# well inside the 64-bit OFFSET both databases take.
MAX_PAGE = 1_000_000


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    total_is_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)

    def govuk_pagination(self, endpoint: str, **params) -> dict:
        """Parameters for the govukPagination macro, keeping the current filters."""
        if self.pages <= 1:
            return {}

        def href(number: int) -> str:
            return url_for(endpoint, **{**params, "page": number})

        items = []
        for number in range(1, self.pages + 1):
            near = abs(number - self.page) <= 1 or number in (1, self.pages)
            if near:
                items.append(
                    {"number": number, "href": href(number), "current": number == self.page}
                )
            elif items and not items[-1].get("ellipsis"):
                items.append({"ellipsis": True})
        result = {"items": items}
        if self.page > 1:
            result["previous"] = {"href": href(self.page - 1)}
        if self.page < self.pages:
            result["next"] = {"href": href(self.page + 1)}
        return result


def page_number() -> int:
    """The page asked for in ?page=: 1 if it is not a number; past MAX_PAGE there is no page."""
    try:
        number = max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1
    if number > MAX_PAGE:
        abort(404)
    return number


def count_rows(stmt: sa.Select, *, cap: int | None = None) -> tuple[int, bool]:
    """How many rows `stmt` selects; with `cap`, counting stops just past it (for logs that
    grow without end, where an exact total would cost more than the page itself)."""
    counted = stmt.order_by(None)
    if cap is not None:
        counted = counted.limit(cap + 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
    if cap is not None and total > cap:
        return cap, True
    return total, False


def paginate(
    stmt: sa.Select,
    *,
    page: int | None = None,
    per_page: int | None = None,
    count_cap: int | None = None,
    first_rows: Callable[[int], sa.Select] | None = None,
    count: Callable[[], int] | None = None,
) -> Page:
    """Run `stmt` for one page. The total comes from a COUNT over the same filters, or from
    `count()` when the list knows a cheaper way to the same number.

    `first_rows(n)`, when given, is a statement whose first n rows are stmt's first n, cheaper
    to run for some lists; the page's rows are read from it."""
    page = page or page_number()
    per_page = per_page or current_app.config["PAGE_SIZE"]
    if count is not None:
        total, capped = count(), False
    else:
        total, capped = count_rows(stmt, cap=count_cap)
    rows_stmt = first_rows(page * per_page) if first_rows else stmt
    rows = (
        db.session.scalars(rows_stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    )
    return Page(items=list(rows), total=total, page=page, per_page=per_page, total_is_capped=capped)


def api_page(stmt: sa.Select, pagination_parameters) -> list:
    """One page of an API list: flask-smorest's page and size in, its item count set (for the
    X-Pagination header), the page's rows out."""
    page = paginate(stmt, page=pagination_parameters.page, per_page=pagination_parameters.page_size)
    pagination_parameters.item_count = page.total
    return page.items
