"""The routes the benchmark times, with their targets.

Pages are named by Flask endpoint (resolved with url_for, so a moved URL still works);
API routes by the paths api-contract.md fixes. A route whose endpoint does not exist yet,
or whose record the data does not hold, is reported as skipped rather than failing the run.
Records are picked from the data by `find`, a function of a SQLAlchemy connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

ADMIN = "admin"
IG_LEAD = "ig-lead.cardiff"
REGISTER_P95_MS = 50.0


@dataclass(frozen=True)
class Route:
    name: str
    endpoint: str | None = None  # a page: Flask endpoint
    path: str | None = None  # an API route: path, may hold {placeholders} filled by `find`
    params: dict = field(default_factory=dict)  # query string
    args: dict = field(default_factory=dict)  # url_for arguments
    find: Callable[[sa.Connection], dict | None] | None = None  # more arguments, from the data
    user: str = ADMIN  # which demo account asks (pages: signed in; API: its token)
    lang: str = "en"
    target_p95_ms: float | None = None
    requests: int | None = None  # fewer for slow routes (exports)

    @property
    def is_api(self) -> bool:
        return self.path is not None


ROUTES: list[Route] = [
    Route("Register: list", "parties.register", target_p95_ms=REGISTER_P95_MS),
    Route(
        'Register: search "cardiff"',
        "parties.register",
        params={"q": "cardiff"},
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        'Register: search "ysgol gynradd" (Cymraeg)',
        "parties.register",
        params={"q": "ysgol gynradd"},
        lang="cy",
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "Register: kind = school",
        "parties.register",
        params={"kind": "school"},
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "Register: schools in Cardiff",
        "parties.register",
        params={"kind": "school", "area": "la-cardiff"},
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "Organisation: Cardiff Council",
        "parties.detail",
        args={"code": "la-cardiff"},
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "Organisation: South Wales Police",
        "parties.detail",
        args={"code": "police-south-wales"},
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "API: relevant partners of Cardiff",
        path="/api/v1/organisations/la-cardiff/relevant-partners",
    ),
    Route("API: organisations list", path="/api/v1/organisations?page_size=25"),
    Route(
        "API: organisations, kind = school", path="/api/v1/organisations?kind=school&page_size=25"
    ),
    Route("Audit log", "audit.index"),
    Route("API: audit events", path="/api/v1/audit-events?page_size=25"),
]
