"""`python -m bench.throughput`: requests per second under concurrency, against the bare stack.

A server's capacity is the CPU each request costs. This starts the app under gunicorn (2 sync
workers, as `python -m bench` does, without counting queries) on the benchmark database,
captures each route's response as its user gets it, then starts a bare Flask app that answers
each of those paths with the captured bytes, under the same gunicorn settings. Both are
driven the same way: `--connections` clients at once (4 and 16 by default), each sending its
next request as soon as the last is answered, for `--seconds` per route. The ratio app/bare
is the share of the stack's capacity that the app's own work leaves: what profiling and
fixes should raise. Targets (at 16 connections): 5% for HTML lists, 8% for record pages and
API lists; and p99 no more than twice p50 at 4 connections.

The table goes to standard output and, with `--write`, to the throughput section of
bench/RESULTS.md for the database measured (one section per database).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shlex
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context

from .routes import ROUTES, Route
from .server import OUT, Client, Server, api_token, demo_email, prepare_database
from .stats import markdown_table, percentile

RESULTS_HEADING = "## Throughput"
CAPTURED = OUT / "captured-responses.json"

# (route name in bench/routes.py, what it is): the targets differ by what a page is.
LIST, RECORD, API = "list", "record", "API list"
TARGET_RATIO = {LIST: 0.05, RECORD: 0.08, API: 0.08}
THROUGHPUT_ROUTES: list[tuple[str, str]] = [
    ("To-do home page (Cardiff IG lead)", LIST),
    ("Register: list", LIST),
    ("Organisation: Cardiff Council", RECORD),
    ("Agreements list", LIST),
    ("Agreement task list: 20 partners, 200 items", RECORD),
    ("Agreement section: partners: 20 partners, 200 items", RECORD),
    ("Agreement task list: small", RECORD),
    ("Register of current agreements", LIST),
    ("Co-operation inbox (South Wales Police)", LIST),
    ("Co-operation outbox (Cardiff)", LIST),
    ("Co-operation request page", RECORD),
    ("Board requests: list (Cardiff and Vale board, open)", LIST),
    ("Board request page", RECORD),
    ("Decisions register (Cardiff)", LIST),
    ("Decision record with an amendment", RECORD),
    ("API: organisations list", API),
    ("API: co-operation requests", API),
    ("API: board requests", API),
    ("API: decisions", API),
]


@dataclass
class Run:
    """One route at one concurrency on one server."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000 if self.latencies else 0.0


# ---------------------------------------------------------------- the client


def _raw_request(port: int, path: str, cookies: dict[str, str], token: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Language: en"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if token:
        lines.append(f"Authorization: Bearer {token}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _hammer(port: int, request: bytes, threads: int, seconds: float, out) -> None:
    """One process of the driver: `threads` connections, each one request after another."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def loop():
        mine, codes = [], {}
        while True:
            started = time.perf_counter()
            if started >= deadline:
                break
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                    sock.sendall(request)
                    chunks = []
                    while chunk := sock.recv(65536):
                        chunks.append(chunk)
            except OSError:
                codes[0] = codes.get(0, 0) + 1
                continue
            mine.append(time.perf_counter() - started)
            head = chunks[0][:12] if chunks else b""
            status = int(head[9:12]) if head.startswith(b"HTTP/") and head[9:12].isdigit() else 0
            codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, statuses))


def drive(port: int, request: bytes, connections: int, seconds: float) -> Run:
    """`connections` clients at once for `seconds`, spread over up to 4 processes (one
    Python process cannot send thousands of requests a second to the bare app)."""
    processes = max(1, min(connections, 4, os.cpu_count() or 1))
    share = [connections // processes + (i < connections % processes) for i in range(processes)]
    context = get_context("fork")
    out = context.Queue()
    started = time.perf_counter()
    children = [
        context.Process(target=_hammer, args=(port, request, n, seconds, out)) for n in share
    ]
    for child in children:
        child.start()
    run = Run()
    for _ in children:
        latencies, statuses = out.get()
        run.latencies.extend(latencies)
        for code, n in statuses.items():
            run.statuses[code] = run.statuses.get(code, 0) + n
    for child in children:
        child.join()
    run.seconds = time.perf_counter() - started
    run.requests = len(run.latencies)
    return run


# ---------------------------------------------------------------- capture and the bare app


def capture(server: Server, database, routes: list[tuple[Route, str, str]]) -> dict:
    """Each route's response as its user gets it: what the bare app will serve."""
    clients: dict[tuple[str, bool], Client] = {}
    captured = {}
    for route, path, _what in routes:
        key = (route.user, route.is_api)
        if key not in clients:
            client = Client(server.port)
            if route.is_api:
                client.token = api_token(database, demo_email(route.user))
            else:
                client.sign_in(demo_email(route.user))
            clients[key] = client
        client = clients[key]
        response = client.get(path)
        captured[path] = {
            "status": response.status,
            "content_type": response.headers.get("content-type", "text/html"),
            "body": base64.b64encode(response.body).decode(),
            "user": route.user,
            "api": route.is_api,
        }
    return {"responses": captured, "clients": clients}


def bare_app():
    """A Flask app that answers each captured path with the captured bytes (the WSGI app
    gunicorn serves as the baseline: the stack with none of the service's own work)."""
    from flask import Flask, Response, request

    responses = {
        path: (base64.b64decode(r["body"]), r["status"], r["content_type"])
        for path, r in json.loads(CAPTURED.read_text()).items()
    }
    app = Flask("bare")

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    @app.route("/", defaults={"rest": ""})
    @app.route("/<path:rest>")
    def serve(rest):
        query = request.query_string.decode()
        body, status, content_type = responses.get(
            request.path + (f"?{query}" if query else ""), (b"", 404, "text/plain")
        )
        return Response(body, status=status, content_type=content_type)

    return app


# ---------------------------------------------------------------- the run


def _routes(app, only: str | None) -> list[tuple[Route, str, str]]:
    from .run import _resolve

    by_name = {r.name: r for r in ROUTES}
    chosen = [
        (by_name[name], what)
        for name, what in THROUGHPUT_ROUTES
        if name in by_name and (not only or only.lower() in name.lower())
    ]
    resolved = _resolve(app, [route for route, _what in chosen])
    return [
        (result.route, result.path, what)
        for result, (_route, what) in zip(resolved, chosen, strict=True)
        if not result.skipped
    ]


def run(args) -> tuple[list[dict], dict]:
    from .run import _bench_app, _data_counts

    database = prepare_database(args.scale, args.database_url)
    app = _bench_app(database)
    routes = _routes(app, args.only)
    data, version = _data_counts(app)
    load_at_start = os.getloadavg()[0]
    rows = []
    with Server(database, count_queries=False, name=f"{args.scale}-throughput") as server:
        got = capture(server, database, routes)
        clients = got["clients"]
        CAPTURED.write_text(json.dumps(got["responses"]))
        requests = {}
        for route, path, _what in routes:
            client = clients[(route.user, route.is_api)]
            requests[path] = _raw_request(server.port, path, client.cookies, client.token)
        app_runs = {
            (path, n): drive(server.port, requests[path], n, args.seconds)
            for _route, path, _what in routes
            for n in args.connections
        }
    with Server(
        database, count_queries=False, app="bench.throughput:bare_app()", name="bare"
    ) as bare:
        bare_runs = {
            (path, n): drive(bare.port, requests[path], n, args.seconds)
            for _route, path, _what in routes
            for n in args.connections
        }
    for route, path, what in routes:
        for n in args.connections:
            mine, base = app_runs[(path, n)], bare_runs[(path, n)]
            rows.append(
                {
                    "route": route.name,
                    "what": what,
                    "path": path,
                    "connections": n,
                    "app": mine,
                    "bare": base,
                    "ratio": mine.per_second / base.per_second if base.per_second else 0.0,
                }
            )
    facts = {
        "database": version,
        "scale": args.scale,
        "data": data,
        "load": (load_at_start, os.getloadavg()[0]),
        "seconds": args.seconds,
        "connections": args.connections,
    }
    return rows, facts


def _verdict(row: dict, rows: list[dict]) -> str:
    problems = []
    if row["app"].statuses.keys() - {200}:
        problems.append("HTTP " + ",".join(str(s) for s in sorted(row["app"].statuses)))
    if row["connections"] == max(r["connections"] for r in rows):
        if row["ratio"] < TARGET_RATIO[row["what"]]:
            problems.append(f"ratio < {TARGET_RATIO[row['what']]:.0%}")
    if row["connections"] == min(r["connections"] for r in rows):
        if row["app"].ms(99) > 2 * row["app"].ms(50):
            problems.append("p99 > 2 x p50")
    return "; ".join(problems) or "met"


def report(rows: list[dict], facts: dict, command: str) -> str:
    header = [
        "Route",
        "Kind",
        "Connections",
        "App req/s",
        "Bare req/s",
        "App / bare",
        "App p50 ms",
        "App p99 ms",
        "Bare p50 ms",
        "Result",
    ]
    table = [
        [
            r["route"],
            r["what"],
            r["connections"],
            f"{r['app'].per_second:,.0f}",
            f"{r['bare'].per_second:,.0f}",
            f"{r['ratio']:.1%}",
            f"{r['app'].ms(50):.1f}",
            f"{r['app'].ms(99):.1f}",
            f"{r['bare'].ms(50):.1f}",
            _verdict(r, [x for x in rows if x["route"] == r["route"]]),
        ]
        for r in rows
    ]
    load = facts["load"]
    return "\n".join(
        [
            f"{RESULTS_HEADING} ({facts['database']})",
            "",
            f"Command: `{command}`  ",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average (1 min) {load[0]:.1f} "
            f"at the start, {load[1]:.1f} at the end  ",
            f"Scale: {facts['scale']} ("
            + ", ".join(f"{n:,} {label}" for label, n in facts["data"].items())
            + ")  ",
            f"Each route, each server, each concurrency: {facts['seconds']:g} s of back-to-back "
            "requests; the app and the bare app under the same gunicorn (2 sync workers), the "
            "bare one answering with the app's captured bytes. Targets at "
            f"{max(facts['connections'])} connections: app/bare at least 5% for lists, 8% for "
            f"records and API lists; at {min(facts['connections'])}: p99 at most 2 x p50.",
            "",
            markdown_table(header, table, align="llrrrrrrrl"),
            "",
        ]
    )


def write_results(text: str, database: str, path) -> None:
    """Put the section for this database in bench/RESULTS.md, replacing its last one."""
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    heading = f"{RESULTS_HEADING} ({database.split()[0]}"
    kept = []
    skipping = False
    for line in current.splitlines():
        if line.startswith("## "):
            skipping = line.startswith(heading)
        if not skipping:
            kept.append(line)
    path.write_text("\n".join(kept).rstrip() + "\n\n" + text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scale", default="large")
    parser.add_argument("--database-url", help="PostgreSQL instead of SQLite in bench/out/")
    parser.add_argument("--seconds", type=float, default=5.0, help="per route and concurrency")
    parser.add_argument(
        "--connections",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[4, 16],
        help="comma-separated concurrencies (default 4,16)",
    )
    parser.add_argument("--only", help="only routes whose name contains this text")
    parser.add_argument("--write", action="store_true", help="put the table in bench/RESULTS.md")
    args = parser.parse_args(argv)
    rows, facts = run(args)
    command = "python -m bench.throughput " + " ".join(
        shlex.quote(a) for a in (argv or sys.argv[1:])
    )
    text = report(rows, facts, command.strip())
    print(text)
    if args.write:
        from .run import RESULTS

        write_results(text, facts["database"], RESULTS)
    failed = [r for r in rows if r["app"].statuses.keys() - {200}]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
