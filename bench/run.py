"""`python -m bench --scale large`: time the key pages and API routes under gunicorn.

For the chosen scale it creates (or reuses, keyed by scale and fingerprinted by schema and
generators) a database under bench/out/, fills it with `flask demo-data`, starts gunicorn
(2 sync workers, free 127.0.0.1 port, BENCH_COUNT_QUERIES=1), signs in through the real
sign-in form and makes API tokens with `flask users token`, then requests each route
`--requests` times one after another after `--warmup` untimed requests. Times are the
client's: from opening the connection to the last byte of the body.

It then does the same with a few requests at the `--compare` scale (default: small), only
to show the SQL queries per request side by side: they should not grow with the data.
The table goes to standard output and, with the command, machine and date, to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from .routes import ROUTES, Route
from .server import (
    OUT,
    ROOT,
    SECRET_KEY,
    Client,
    Database,
    Server,
    api_token,
    demo_email,
    prepare_database,
)
from .stats import count_range, markdown_table, median, percentile

RESULTS = ROOT / "bench" / "RESULTS.md"
BUSY = " (other work was running on the machine: times are inflated)"
SCALES = ("small", "wales", "large", "decisions")


@dataclass
class RouteResult:
    route: Route
    path: str = ""
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    skipped: str | None = None

    @property
    def median_ms(self) -> float:
        return median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 95) * 1000

    @property
    def verdict(self) -> str:
        if self.statuses - {200}:
            return "HTTP " + ",".join(str(s) for s in sorted(self.statuses))
        target = self.route.target_p95_ms
        if target is None:
            return ""
        return "met" if self.p95_ms < target else "MISSED"


@dataclass
class ScaleRun:
    database: Database
    results: list[RouteResult]
    data: dict[str, int]
    database_version: str


def _bench_app(database: Database):
    from isp_manager import create_app

    instance = OUT / "instance"
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": SECRET_KEY},
        instance_path=instance,
    )


def _resolve(app, routes: list[Route]) -> list[RouteResult]:
    """Each route's path, or why it is skipped (no such endpoint yet, no such record)."""
    from flask import url_for
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import BuildError

    from isp_manager.db import transaction_intent
    from isp_manager.extensions import db

    results = []
    # Outside a request SQLite transactions take the write lock; these only read.
    with app.app_context(), transaction_intent(writes=False), db.engine.connect() as conn:
        for route in routes:
            result = RouteResult(route)
            found = route.find(conn) if route.find else {}
            if found is None:
                result.skipped = "no such record in the data"
            elif route.is_api:
                result.path = route.path.format(**found)
                try:
                    app.url_map.bind("localhost").match(result.path.split("?")[0], method="GET")
                except HTTPException:
                    result.skipped = f"no API route {result.path.split('?')[0]} yet"
            else:
                with app.test_request_context():
                    try:
                        result.path = url_for(
                            route.endpoint, **route.args, **found, **route.params, lang=route.lang
                        )
                    except BuildError:
                        result.skipped = f"no endpoint {route.endpoint} yet"
            results.append(result)
    return results


def _data_counts(app) -> tuple[dict[str, int], str]:
    from isp_manager.db import transaction_intent
    from isp_manager.extensions import db

    tables = {
        "organisations": "organisations",
        "users": "users",
        "audit events": "audit_events",
        "protocols": "protocols",
        "protocol data items": "protocol_data_items",
        "co-operation requests": "cooperation_requests",
        "decision records": "decisions",
        "board requests": "board_requests",
    }
    with app.app_context(), transaction_intent(writes=False), db.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        counts = {
            label: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for label, table in tables.items()
            if table in present
        }
        if conn.dialect.name == "sqlite":
            version = "SQLite " + conn.execute(sa.text("select sqlite_version()")).scalar_one()
        else:
            version = conn.execute(sa.text("show server_version")).scalar_one()
            version = f"PostgreSQL {version.split()[0]}"
    return counts, version


def run_scale(
    scale: str, *, url: str | None, requests: int, warmup: int, routes: list[Route], rebuild: bool
) -> ScaleRun:
    print(f"== {scale}: preparing the database", flush=True)
    database = prepare_database(scale, url, rebuild=rebuild)
    print(
        f"   {'reused' if database.reused else f'built in {database.built_in_s:.1f} s'}: {database.url}",
        flush=True,
    )
    app = _bench_app(database)
    results = _resolve(app, routes)
    data, version = _data_counts(app)
    with Server(database) as server:
        print(f"   gunicorn on 127.0.0.1:{server.port}, 2 workers", flush=True)
        clients: dict[tuple[str, bool], Client] = {}
        for result in results:
            if result.skipped:
                continue
            client = _client(clients, server, database, result.route)
            n = min(requests, result.route.requests or requests)
            for _ in range(warmup):
                client.get(result.path)
            for _ in range(n):
                response = client.get(result.path)
                result.seconds.append(response.seconds)
                result.statuses.add(response.status)
                if response.query_count is not None:
                    result.queries.append(response.query_count)
                if response.query_ms is not None:
                    result.sql_ms.append(response.query_ms)
            print(
                f"   {result.route.name:<48} p95 {result.p95_ms:7.1f} ms  "
                f"queries {count_range(result.queries):>5}  {result.verdict}",
                flush=True,
            )
    return ScaleRun(database, results, data, version)


def _client(clients: dict, server: Server, database: Database, route: Route) -> Client:
    key = (route.user, route.is_api)
    if key not in clients:
        if route.is_api:
            clients[key] = Client(server.port, token=api_token(database, demo_email(route.user)))
        else:
            clients[key] = Client(server.port)
            clients[key].sign_in(demo_email(route.user))
    return clients[key]


# ---------------------------------------------------------------- the report


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} CPUs (nproc){f', {cpu}' if cpu else ''}; Python {platform.python_version()}"


def report(
    main: ScaleRun,
    compare: ScaleRun | None,
    command: str,
    requests: int,
    warmup: int,
    load: tuple[float, float] = (0.0, 0.0),
) -> str:
    scale = main.database.scale
    header = [
        "Route",
        "Path",
        "n",
        "Median ms",
        "p95 ms",
        "Target p95",
        "Result",
        "SQL ms",
        f"Queries ({scale})",
    ]
    if compare:
        header.append(f"Queries ({compare.database.scale})")
    compare_by_name = {r.route.name: r for r in compare.results} if compare else {}
    rows, skipped, growing = [], [], []
    for r in main.results:
        if r.skipped:
            skipped.append(f"- {r.route.name}: {r.skipped}")
            continue
        row = [
            r.route.name,
            f"`{r.path}`",
            len(r.seconds),
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            f"< {r.route.target_p95_ms:.0f} ms" if r.route.target_p95_ms else "",
            r.verdict,
            f"{median(r.sql_ms):.1f}" if r.sql_ms else "",
            count_range(r.queries),
        ]
        if compare:
            other = compare_by_name.get(r.route.name)
            other_queries = count_range(other.queries) if other and not other.skipped else "-"
            row.append(other_queries)
            if other and other.queries and r.queries and max(r.queries) > max(other.queries):
                growing.append(r.route.name)
        rows.append(row)
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {_machine()}; load average (1 min) {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end{BUSY if max(load) > 1.5 else ''}  ",
        f"Database: {main.database_version} ({main.database.url.split('://')[0]}, "
        f"{'reused' if main.database.reused else 'built for this run'})  ",
        "Server: gunicorn, 2 sync workers, on 127.0.0.1  ",
        "Data: " + ", ".join(f"{n:,} {label}" for label, n in main.data.items()),
        "",
        f"Each route: {warmup} untimed requests, then {requests} timed ones, one at a time; time "
        "from connecting to the last byte, measured by the client. Queries: SQL statements per "
        "request (X-Query-Count, BENCH_COUNT_QUERIES=1), a range when requests differed; SQL ms: "
        "median time inside the driver's execute (X-Query-Time; SQLite computes the rest of a "
        "result while it is fetched, so a lower bound). The rest of a request's time is Python: "
        "the view, the template, the session.",
        "",
        markdown_table(header, rows, align="llrrrllrrr"),
    ]
    if growing:
        lines += ["", "Query counts grow with the data for: " + ", ".join(growing) + "."]
    elif compare:
        lines += ["", f"Query counts are the same at {compare.database.scale} and {scale} scale."]
    if skipped:
        lines += ["", "Not measured:", *skipped]
    return "\n".join(lines) + "\n"


def kept_sections(path: Path) -> str:
    """The sections other commands keep in the results file (the load test's and the
    throughput tables), which a new run of the page timings leaves in place."""
    if not path.exists():
        return ""
    text = path.read_text()
    starts = [i for i in (text.find("\n## Load test"), text.find("\n## Throughput")) if i >= 0]
    return "\n" + text[min(starts) :].lstrip("\n") if starts else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="large")
    parser.add_argument(
        "--compare", choices=(*SCALES, "none"), default="small",
        help="a second scale, only for its query counts (default: small)",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=50, help="timed requests per route")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per route first")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL instead of SQLite in bench/out/ (the database is emptied and refilled)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if fresh")
    parser.add_argument("--only", help="only routes whose name contains this text")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument(
        "--two-servers", action="store_true",
        help="two gunicorn instances on one PostgreSQL database (--database-url): sessions, "
        "CSRF, uploads, throttling, notify and metrics across both (see bench/two_servers.py)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="--two-servers: workers each")
    parser.add_argument("--rounds", type=int, default=3, help="--two-servers: page rounds a user")
    args = parser.parse_args(argv)
    if args.two_servers:
        from .two_servers import report as two_server_report
        from .two_servers import run_two_servers

        url = args.database_url or os.environ.get("DATABASE_URL", "")
        two = run_two_servers(url, rounds=args.rounds, workers=args.workers)
        print(two_server_report(two))
        return 0 if two.ok else 1
    routes = [r for r in ROUTES if not args.only or args.only.lower() in r.name.lower()]
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    main_run = run_scale(
        args.scale, url=args.database_url, requests=args.requests, warmup=args.warmup,
        routes=routes, rebuild=args.rebuild,
    )  # fmt: skip
    compare_run = None
    if args.compare not in ("none", args.scale):
        # Always SQLite in bench/out/: only its query counts are used, and they do not
        # depend on the database (transaction control is not counted).
        compare_run = run_scale(
            args.compare, url=None, requests=3, warmup=1, routes=routes, rebuild=args.rebuild
        )
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    load = (load_at_start, os.getloadavg()[0])
    text = report(main_run, compare_run, command.strip(), args.requests, args.warmup, load)
    print("\n" + text)
    if not args.no_save:
        RESULTS.write_text(text + kept_sections(RESULTS))
        print(
            f"Saved to {RESULTS.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s in all)."
        )
    missed = [r for r in main_run.results if r.verdict and r.verdict != "met"]
    return 1 if missed else 0
