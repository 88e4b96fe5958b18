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
POLICE = "ig-lead.police"
PRACTITIONER = "practitioner.cardiff"
REGISTER_P95_MS = 50.0
COOPERATION_P95_MS = 50.0
FIGURES_P95_MS = 200.0
AGREEMENT_P95_MS = 50.0
AGREEMENTS_CSV_P95_MS = 200.0


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
    Route("To-do home page (Cardiff IG lead)", "site.home", user=IG_LEAD, target_p95_ms=50.0),
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
        "Register: list (Cymraeg, Welsh alphabetical order)",
        "parties.register",
        lang="cy",
        target_p95_ms=REGISTER_P95_MS,
    ),
    Route(
        "Register: kind = school (Cymraeg)",
        "parties.register",
        params={"kind": "school"},
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
        "API: organisations list in Welsh order",
        path="/api/v1/organisations?page_size=25&lang=cy",
    ),
    Route(
        "API: organisations, kind = school", path="/api/v1/organisations?kind=school&page_size=25"
    ),
    Route("Audit log", "audit.index"),
    Route("API: audit events", path="/api/v1/audit-events?page_size=25"),
    # Agreements: the list, and the editor pages of the biggest agreement and of a small one
    # (the same queries for both shows the pages do not grow with partners and data items).
    Route("Agreements list", "protocols.index", user=IG_LEAD),
    *(
        Route(
            f"Agreement {what}: {size}",
            endpoint,
            args=args,
            find=find,
            user=IG_LEAD,
            target_p95_ms=AGREEMENT_P95_MS,
        )
        for size, find in (
            ("20 partners, 200 items", lambda c: _agreement(c, largest=True)),
            ("small", lambda c: _agreement(c, largest=False)),
        )
        for what, endpoint, args in (
            ("task list", "protocols.version", {}),
            ("section: partners", "protocols.section", {"code": "partners"}),
            ("section: data items", "protocols.section", {"code": "personal_information"}),
        )
    ),
    # s.164 requests at 200,000: the busiest body's inbox, the busiest council's outbox.
    Route(
        "Co-operation inbox (South Wales Police)",
        "cooperation.inbox",
        user=POLICE,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation inbox, overdue",
        "cooperation.inbox",
        params={"deadline": "overdue"},
        user=POLICE,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation inbox, all states, page 5",
        "cooperation.inbox",
        params={"state": "all", "page": 5},
        user=POLICE,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation outbox (Cardiff)",
        "cooperation.outbox",
        user=IG_LEAD,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation outbox, by reference",
        "cooperation.outbox",
        find=lambda c: _request(c, "reference"),
        user=IG_LEAD,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation request page",
        "cooperation.show",
        find=lambda c: _request(c, "request_id"),
        user=IG_LEAD,
        target_p95_ms=COOPERATION_P95_MS,
    ),
    Route(
        "Co-operation figures (Cardiff, this year)",
        "cooperation.figures",
        user=IG_LEAD,
        target_p95_ms=FIGURES_P95_MS,
    ),
    Route(
        "API: co-operation requests", path="/api/v1/cooperation-requests?page_size=25", user=POLICE
    ),
]


def _agreement(conn: sa.Connection, *, largest: bool) -> dict | None:
    """The demo agreement with 20 partners and 200 items, or the small one (protocols/demo.py)."""
    from isp_manager.protocols.demo import EXPORT_BENCH_TITLE, SMALL_BENCH_TITLE
    from isp_manager.protocols.models import Protocol, ProtocolVersion

    row = conn.execute(
        sa.select(Protocol.id, ProtocolVersion.number)
        .join(ProtocolVersion, ProtocolVersion.protocol_id == Protocol.id)
        .where(Protocol.title == (EXPORT_BENCH_TITLE if largest else SMALL_BENCH_TITLE))
        .where(ProtocolVersion.state == "active")
        .order_by(Protocol.id)
        .limit(1)
    ).first()
    return {"protocol_id": row.id, "number": row.number} if row else None


def _request(conn: sa.Connection, what: str) -> dict | None:
    """A closed request from Cardiff to South Wales Police: its id, or its reference to search."""
    row = conn.execute(
        sa.text(
            "SELECT r.id, r.reference FROM cooperation_requests r "
            "JOIN organisations a ON a.id = r.requesting_org_id AND a.code = 'la-cardiff' "
            "JOIN organisations b ON b.id = r.requested_org_id AND b.code = 'police-south-wales' "
            "WHERE r.state = 'closed' ORDER BY r.id DESC LIMIT 1"
        )
    ).first()
    if row is None:
        return None
    return (
        {"request_id": row.id}
        if what == "request_id"
        else {"reference": row.reference, "state": "all"}
    )


def _export_bench_protocol(conn: sa.Connection) -> dict | None:
    """The demo agreement with 20 partners and 200 data items (protocols/demo.py)."""
    from isp_manager.protocols.demo import EXPORT_BENCH_TITLE

    found = conn.execute(
        sa.text("SELECT id FROM protocols WHERE title = :title ORDER BY id LIMIT 1"),
        {"title": EXPORT_BENCH_TITLE},
    ).scalar()
    return {"protocol_id": found} if found else None


def _pending_import(conn: sa.Connection) -> dict | None:
    """The 30-page ISP waiting for Cardiff's IG lead to confirm (protocols/demo.py)."""
    found = conn.execute(
        sa.text("SELECT id FROM protocol_pending_imports ORDER BY id LIMIT 1")
    ).scalar()
    return {"import_id": found} if found else None


EXPORT_TARGET_MS = 1000.0
ROUTES += [
    Route(
        "Import review: 30-page ISP, 20 partners",
        "protocols.import_review",
        find=_pending_import,
        user=IG_LEAD,
        target_p95_ms=AGREEMENT_P95_MS,
    ),
    Route(
        "Register of current agreements",
        "agreements_register.index",
        user=IG_LEAD,
        target_p95_ms=AGREEMENT_P95_MS,
    ),
    Route(
        "Register of agreements: CSV",
        "agreements_register.download_csv",
        target_p95_ms=AGREEMENTS_CSV_P95_MS,
        requests=20,
    ),
    Route("Agreements due for review", "agreements_register.reviews_due", user=IG_LEAD),
    # The police IG lead is a member of the southern QA group (protocols/demo.py); at large
    # scale 43 submitted agreements wait for it.
    Route(
        "QA group queue (South Wales Police)",
        "qa_groups.queue",
        user=POLICE,
        target_p95_ms=AGREEMENT_P95_MS,
    ),
    Route("QA groups", "qa_groups.index"),
    Route("API: QA groups", path="/api/v1/qa-groups"),
    Route(
        "Word export: 20 partners, 200 data items",
        "agreements_register.export_docx",
        find=_export_bench_protocol,
        target_p95_ms=EXPORT_TARGET_MS,
        requests=20,
    ),
    Route(
        "API: Word export, 20 partners, 200 data items",
        path="/api/v1/protocols/{protocol_id}/export.docx",
        find=_export_bench_protocol,
        target_p95_ms=EXPORT_TARGET_MS,
        requests=20,
    ),
    *(
        Route(
            f"Word export: 20 partners, 200 data items ({label})",
            "agreements_register.export_docx",
            params={"language": language},
            find=_export_bench_protocol,
            target_p95_ms=EXPORT_TARGET_MS,
            requests=20,
        )
        for language, label in (("cy", "Cymraeg"), ("bilingual", "Cymraeg and English"))
    ),
]


DECISIONS_P95_MS = 50.0


def _busiest_decision(conn: sa.Connection) -> dict | None:
    """The newest amended share decision of Cardiff Council (decisions/demo.py's busiest)."""
    found = conn.execute(
        sa.text(
            "SELECT d.id FROM decisions d "
            "JOIN organisations o ON o.id = d.organisation_id AND o.code = 'la-cardiff' "
            "WHERE d.state = 'recorded' AND d.current_decision = 'share' AND EXISTS "
            "(SELECT 1 FROM decision_amendments a WHERE a.decision_id = d.id) "
            "ORDER BY d.id DESC LIMIT 1"
        )
    ).scalar()
    return {"decision_id": found} if found else None


def _busiest_team(conn: sa.Connection) -> dict | None:
    """The first team of Cardiff Council (decisions/demo.py makes them)."""
    found = conn.execute(
        sa.text(
            "SELECT t.id FROM teams t "
            "JOIN organisations o ON o.id = t.organisation_id AND o.code = 'la-cardiff' "
            "ORDER BY t.id LIMIT 1"
        )
    ).scalar()
    return {"team": found} if found else None


# Decision records: Cardiff Council holds the most, and its IG lead sees all of them.
ROUTES += [
    Route(
        "Decisions register (Cardiff)",
        "decisions.register",
        user=IG_LEAD,
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route(
        "Decisions register, shared without consent sought, page 3",
        "decisions.register",
        params={"decision": "share", "consent_outcome": "not_sought", "page": 3},
        user=IG_LEAD,
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route(
        "Decisions register, one team, page 2",
        "decisions.register",
        find=_busiest_team,
        params={"page": 2},
        user=IG_LEAD,
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route(
        "Decisions register, Art. 6(1)(e) in 2026, Cymraeg",
        "decisions.register",
        params={"article6": "art6-1-e", "from": "2026-01-01", "to": "2026-12-31"},
        user=IG_LEAD,
        lang="cy",
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route(
        "Decisions register, a practitioner's own and their team's",
        "decisions.register",
        user=PRACTITIONER,
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route("Decisions figures (Cardiff)", "decisions.figures", user=IG_LEAD, requests=10),
    Route(
        "Decision record with an amendment",
        "decisions.show",
        find=_busiest_decision,
        user=IG_LEAD,
        target_p95_ms=DECISIONS_P95_MS,
    ),
    Route("API: decisions", path="/api/v1/decisions?page_size=25", user=IG_LEAD),
    Route(
        "API: decisions, shared",
        path="/api/v1/decisions?decision=share&page_size=25",
        user=IG_LEAD,
    ),
]

# s.137 board requests: the Cardiff and Vale board makes the most, and its officer sees them.
BOARD_OFFICER = "board-officer"
BOARD_LIST_P95_MS = 50.0


def _busiest_board_request(conn: sa.Connection) -> dict | None:
    row = conn.execute(
        sa.text(
            "SELECT r.id FROM board_requests r JOIN organisations o ON o.id = r.requesting_org_id "
            "WHERE o.code = 'board-cardiff-and-vale' AND r.state = 'closed' "
            "ORDER BY r.id DESC LIMIT 1"
        )
    ).first()
    return {"request_id": row.id} if row else None


ROUTES += [
    Route(
        "Board requests: list (Cardiff and Vale board, open)",
        "board_requests.index",
        user=BOARD_OFFICER,
        target_p95_ms=BOARD_LIST_P95_MS,
    ),
    Route(
        "Board requests: list, all states",
        "board_requests.index",
        params={"state": "all"},
        user=BOARD_OFFICER,
        target_p95_ms=BOARD_LIST_P95_MS,
    ),
    Route(
        "Board request page",
        "board_requests.show",
        find=_busiest_board_request,
        user=BOARD_OFFICER,
        target_p95_ms=BOARD_LIST_P95_MS,
    ),
    Route(
        "Board figures (Cardiff and Vale, last financial year)",
        "board_requests.figures",
        params={"financial_year": 2025},
        user=BOARD_OFFICER,
        target_p95_ms=FIGURES_P95_MS,
    ),
    Route(
        "API: board requests",
        path="/api/v1/board-requests?page_size=25",
        user=BOARD_OFFICER,
        target_p95_ms=BOARD_LIST_P95_MS,
    ),
    Route(
        "API: board figures",
        path="/api/v1/board-requests/figures?board=board-cardiff-and-vale&financial_year=2025",
        user=BOARD_OFFICER,
        target_p95_ms=FIGURES_P95_MS,
    ),
]
