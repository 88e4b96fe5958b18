"""`python -m bench.load`: many people at once, against gunicorn on the loopback interface.

It creates (or reuses) a demo database (`--scale small` by default; `--database` sqlite or a
PostgreSQL URL), starts gunicorn with 2 sync workers (`--threads` for gthread workers) on a
free 127.0.0.1 port, then runs `--clients` threads for `--seconds`. Each client signs in once,
then loops over a weighted mix, pausing `--think` seconds on average between operations:
reading pages, reading the API with a Bearer token, saving a protocol section with its
version (the page's row_version, the API's If-Match), making s.164 requests through the API
and answering them, and now and then signing in afresh. The clients start spread over
`--ramp-up` seconds, as people arrive; `--ramp-up 0` starts them all at once (a stampede,
which must not fail either: requests wait, they do not fail). Every client has its own draft
agreement, so the only 409s are real.

The run is bounded in time and in requests (`--max-requests`); each request times out.
It prints the requests made, the errors by status (with the URL of every 5xx) and p50/p95/p99
per operation; `--write` adds a row to the load table in bench/RESULTS.md. The exit status
is 1 if any response was a 5xx.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shlex
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from .server import Client, Server, api_token, demo_email, fresh_totp_code, prepare_database
from .stats import markdown_table, percentile

RESULTS_HEADING = "## Load test"
IG_LEAD = "ig-lead.cardiff"  # a local authority's IG lead: drafts agreements, makes requests
POLICE = "ig-lead.police"  # the body asked: answers them
BOARD_OFFICER = "board-officer"  # the Cardiff and Vale board: makes s.137 requests
HEALTH = "ig-lead.health"  # the health board it asks: answers them
PAGES = [
    "/",
    "/agreements",
    "/organisations",
    "/requests/",
    "/requests/received",
    "/board-requests",
    "/board-requests?state=all",
]
API_READS = [
    "/api/v1/organisations?page_size=25",
    "/api/v1/protocols?page_size=25",
    "/api/v1/cooperation-requests?page_size=25",
    "/api/v1/board-requests?page_size=25",
]
BOARD_READS = [
    "/api/v1/board-requests?page_size=25",
    "/api/v1/board-requests?state=all&page_size=25",
    "/api/v1/board-requests/figures?board=board-cardiff-and-vale&financial_year=2025",
]
MIX = {  # operation: weight
    "sign-in": 1,
    "page read": 6,
    "API read": 6,
    "section save (page)": 2,
    "section save (API)": 2,
    "s.164 request (API)": 2,
    "s.164 answer (API)": 2,
    "s.137 read (API)": 2,
    "s.137 request (API)": 1,
    "s.137 answer (API)": 1,
}
REQUEST_TIMEOUT_S = 30
SHOW_5XX = 40  # URLs listed; the count of all of them is in the statuses


@dataclass
class Tally:
    """What every client saw; one lock, since the clients are threads."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: Counter = field(default_factory=Counter)  # "STATUS METHOD path"
    client_errors: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # no response at all
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def add(self, operation: str, method: str, path: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.requests += 1
            self.seconds[operation].append(elapsed)
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors[f"{status} {method} {path}"] += 1
            elif status >= 400:
                self.client_errors[f"{status} {operation}"] += 1

    @property
    def server_error_count(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class Http:
    """One simulated person: cookies (through bench's Client) or a Bearer token, JSON bodies."""

    def __init__(self, port: int, tally: Tally, token: str | None = None):
        self.port, self.tally, self.token = port, tally, token
        self.client = Client(port, token=token)

    def call(self, operation, method, path, *, form=None, json_body=None, headers=None):
        sent = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en", **(headers or {})}
        if self.client.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        body = None
        if form is not None:
            body, sent["Content-Type"] = (
                urlencode(form).encode(),
                "application/x-www-form-urlencoded",
            )
        elif json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            content = raw.read()
        except OSError as error:
            with self.tally.lock:
                self.tally.failures[f"{operation}: {type(error).__name__}"] += 1
            return None
        finally:
            connection.close()
        self.tally.add(operation, method, path, raw.status, time.perf_counter() - started)
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.client.cookies[key] = rest.split(";", 1)[0]
        return raw.status, {k.lower(): v for k, v in raw.getheaders()}, content


def _hidden(html: bytes, name: str) -> str | None:
    found = re.search(rb'name="' + name.encode() + rb'"[^>]*value="([^"]*)"', html)
    return found.group(1).decode() if found else None


# ---------------------------------------------------------------- one client


@dataclass
class Setup:
    port: int
    lead_token: str
    police_token: str
    board_token: str
    health_token: str
    protocols: list[int]


class LoadClient:
    """A person who signs in once, then does one operation of the mix after another."""

    def __init__(self, number: int, setup: Setup, tally: Tally):
        self.random = random.Random(number)  # noqa: S311 (a workload, not a secret)
        self.setup, self.tally = setup, tally
        self.protocol_id = setup.protocols[number % len(setup.protocols)]
        self.page = Http(setup.port, tally)
        self.signed_in_once = False
        self.lead_api = Http(setup.port, tally, setup.lead_token)
        self.police_api = Http(setup.port, tally, setup.police_token)
        self.board_api = Http(setup.port, tally, setup.board_token)
        self.health_api = Http(setup.port, tally, setup.health_token)
        self.sent: list[int] = []  # requests made by this client, to be answered
        self.board_sent: list[int] = []  # s.137 requests made by this client, to be answered
        self.number = number

    def sign_in(self) -> None:
        """The password, then a code from the app. A code works once and every client signs
        in as the one IG lead, so when the codes the server accepts now are all used the client
        keeps the session it has (the password step is still measured)."""
        page = Http(self.setup.port, self.tally)
        form = page.call("sign-in", "GET", "/sign-in")
        token = _hidden(form[2], "csrf_token") if form else None
        fields = {"email": demo_email(IG_LEAD), "password": _password(), "csrf_token": token or ""}
        page.call("sign-in", "POST", "/sign-in", form=fields)
        code = fresh_totp_code(demo_email(IG_LEAD))
        while code is None and not self.signed_in_once:
            time.sleep(1)  # the first sign-in must finish: everything else needs it
            code = fresh_totp_code(demo_email(IG_LEAD))
        if code is None:
            return
        form = page.call("sign-in", "GET", "/sign-in/code")
        token = _hidden(form[2], "csrf_token") if form else None
        fields = {"code": code, "csrf_token": token or ""}
        page.call("sign-in", "POST", "/sign-in/code", form=fields)
        self.page, self.signed_in_once = page, True

    def page_read(self) -> None:
        self.page.call("page read", "GET", self.random.choice(PAGES))

    def api_read(self) -> None:
        self.lead_api.call("API read", "GET", self.random.choice(API_READS))

    def section_save_page(self) -> None:
        url = f"/agreements/{self.protocol_id}/versions/1/sections/rights"
        shown = self.page.call("section save (page)", "GET", url)
        if not shown or shown[0] != 200:
            return
        fields = {
            "csrf_token": _hidden(shown[2], "csrf_token") or "",
            "row_version": _hidden(shown[2], "row_version") or "",
            "access_requests": f"Each partner answers within ten days ({time.time():.3f}).",
            "other_rights": "Each partner tells the others.",
            "complaints": "Through each partner's own procedure.",
        }
        self.page.call("section save (page)", "POST", url, form=fields)

    def section_save_api(self) -> None:
        url = f"/api/v1/protocols/{self.protocol_id}/versions/1/sections/rights"
        shown = self.lead_api.call("section save (API)", "GET", url)
        if not shown or shown[0] != 200:
            return
        body = {"content": {"complaints": f"Through each partner ({time.time():.3f})."}}
        headers = {"If-Match": shown[1].get("etag", "")}
        self.lead_api.call("section save (API)", "PATCH", url, json_body=body, headers=headers)

    def request_create(self) -> None:
        body = {
            "requesting_organisation": "la-cardiff",
            "requested_organisation": "police-south-wales",
            "request_type": "information",
            "function": "ssf-assessment",
            "details": "Any incidents at the family's address in the last year.",
            "purpose": "To complete a needs assessment for the child.",
            "subject_reference": f"LOAD-{self.number}-{len(self.sent)}",
        }
        made = self.lead_api.call(
            "s.164 request (API)", "POST", "/api/v1/cooperation-requests", json_body=body
        )
        if made and made[0] == 201:
            self.sent.append(json.loads(made[2])["id"])

    def request_answer(self) -> None:
        if not self.sent:
            return self.request_create()
        path = f"/api/v1/cooperation-requests/{self.sent.pop(0)}/response"
        body = {
            "outcome": "complied",
            "items": [
                {
                    "description": "Incident log for the address",
                    "nature": "fact",
                    "provided_on": datetime.now(UTC).date().isoformat(),
                    "provided_how": "Secure e-mail",
                }
            ],
        }
        self.police_api.call("s.164 answer (API)", "POST", path, json_body=body)

    def board_read(self) -> None:
        self.board_api.call("s.137 read (API)", "GET", self.random.choice(BOARD_READS))

    def board_request_create(self) -> None:
        body = {
            "board": "board-cardiff-and-vale",
            "qualifying_body": "lhb-cardiff-and-vale",
            "why_qualifying": (
                "The health board's health visiting service saw the child several times in the "
                "year before the incident under review."
            ),
            "information_specified": (
                f"Health visiting records for the child between January and September 2026 "
                f"(LOAD-{self.number}-{len(self.board_sent)})."
            ),
            "relates_to": ["s137-b"],
            "purpose": "child_practice_review",
            "review_reference": f"CPR-LOAD-{self.number}",
        }
        made = self.board_api.call(
            "s.137 request (API)", "POST", "/api/v1/board-requests", json_body=body
        )
        if made and made[0] == 201:
            self.board_sent.append(json.loads(made[2])["id"])

    def board_request_answer(self) -> None:
        if not self.board_sent:
            return self.board_request_create()
        path = f"/api/v1/board-requests/{self.board_sent.pop(0)}/response"
        body = {
            "outcome": "complied",
            "items": [
                {
                    "description": "Health visiting records",
                    "nature": "fact",
                    "provided_on": datetime.now(UTC).date().isoformat(),
                    "provided_how": "Secure e-mail",
                }
            ],
        }
        self.health_api.call("s.137 answer (API)", "POST", path, json_body=body)

    def run(self, start_at: float, deadline: float, think: float, budget) -> None:
        operations = {
            "sign-in": self.sign_in,
            "page read": self.page_read,
            "API read": self.api_read,
            "section save (page)": self.section_save_page,
            "section save (API)": self.section_save_api,
            "s.164 request (API)": self.request_create,
            "s.164 answer (API)": self.request_answer,
            "s.137 read (API)": self.board_read,
            "s.137 request (API)": self.board_request_create,
            "s.137 answer (API)": self.board_request_answer,
        }
        names, weights = list(MIX), list(MIX.values())
        time.sleep(max(0.0, start_at - time.monotonic()))
        self.sign_in()
        # Each operation once first (a request before its answer), then the weighted mix:
        # a short run still tries everything.
        tour = iter(names)
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            time.sleep(self.random.uniform(0, 2 * think))  # reading the page, typing
            operations[next(tour, None) or self.random.choices(names, weights)[0]]()


def _password() -> str:
    from .server import PASSWORD

    return PASSWORD


# ---------------------------------------------------------------- the run


def _draft_agreements(port: int, token: str, count: int, tally: Tally) -> list[int]:
    """One draft ISP per client (at most 50), led by Cardiff Council, made through the API."""
    api, ids = Http(port, Tally()), []
    api.token = token
    api.client.token = token
    for n in range(min(count, 50)):
        body = {
            "kind": "isp",
            "title": f"Load test agreement {n + 1}",
            "lead_organisation": "la-cardiff",
        }
        made = api.call("setup", "POST", "/api/v1/protocols", json_body=body)
        if not made or made[0] != 201:
            raise RuntimeError(f"could not make a draft agreement: {made and made[:1]}")
        ids.append(json.loads(made[2])["id"])
    return ids


def run_load(args) -> tuple[Tally, dict]:
    database = prepare_database(args.scale, None if args.database == "sqlite" else args.database)
    load_at_start = os.getloadavg()
    with Server(database, workers=2, threads=args.threads) as server:
        lead_token = api_token(database, demo_email(IG_LEAD))
        police_token = api_token(database, demo_email(POLICE))
        board_token = api_token(database, demo_email(BOARD_OFFICER))
        health_token = api_token(database, demo_email(HEALTH))
        tally = Tally()
        protocols = _draft_agreements(server.port, lead_token, args.clients, tally)
        setup = Setup(server.port, lead_token, police_token, board_token, health_token, protocols)
        budget = threading.Semaphore(args.max_requests)
        started = time.monotonic()
        deadline = started + args.seconds
        ramp_up = min(args.ramp_up, args.seconds / 2)
        threads = [
            threading.Thread(
                target=LoadClient(n, setup, tally).run,
                args=(started + ramp_up * n / args.clients, deadline, args.think, budget),
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        for thread in threads:  # an operation is a few requests, each with a timeout
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 4 * REQUEST_TIMEOUT_S)
        elapsed = time.monotonic() - started
    facts = {
        "database": database.dialect,
        "scale": args.scale,
        "elapsed_s": elapsed,
        "load_start": load_at_start,
        "load_end": os.getloadavg(),
        "clients": args.clients,
        "server": f"2 {'sync' if args.threads == 1 else f'gthread x {args.threads}'} workers",
        "pace": f"ramp-up {ramp_up:g} s, think {args.think:g} s",
    }
    return tally, facts


def report(tally: Tally, facts: dict) -> str:
    rows = []
    for operation in MIX:
        seconds = tally.seconds.get(operation)
        if not seconds:
            rows.append([operation, 0, "", "", ""])
            continue
        p = [f"{percentile(seconds, q) * 1000:.0f}" for q in (50, 95, 99)]
        rows.append([operation, len(seconds), *p])
    lines = [
        f"{tally.requests} requests in {facts['elapsed_s']:.1f} s "
        f"({tally.requests / max(facts['elapsed_s'], 0.001):.1f}/s) by {facts['clients']} clients, "
        f"{facts['database']} ({facts['scale']} scale), {facts['server']}, {facts['pace']}; "
        f"load {facts['load_start'][0]:.1f} / {facts['load_end'][0]:.1f}",
        "Statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())),
        "",
        markdown_table(["Operation", "Requests", "p50 ms", "p95 ms", "p99 ms"], rows, "lrrrr"),
    ]
    if tally.server_errors:
        lines += ["", "5xx responses:"]
        shown = tally.server_errors.most_common(SHOW_5XX)
        lines += [f"  {n} x {what}" for what, n in shown]
        if len(tally.server_errors) > SHOW_5XX:
            lines.append(f"  and {len(tally.server_errors) - SHOW_5XX} more URLs")
    if tally.client_errors:
        lines += ["", "4xx responses:"]
        lines += [f"  {n} x {what}" for what, n in tally.client_errors.most_common()]
    if tally.failures:
        lines += ["", "No response:"]
        lines += [f"  {n} x {what}" for what, n in tally.failures.most_common()]
    return "\n".join(lines)


def write_results(tally: Tally, facts: dict, command: str, path) -> None:
    """Add one row to the load table of bench/RESULTS.md (the table is made if missing)."""
    errors = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()) if s >= 400)
    saves = tally.seconds.get("section save (API)") or [0.0]
    row = [
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        f"`{command}`",
        facts["database"],
        tally.requests,
        errors or "none",
        f"{percentile(saves, 95) * 1000:.0f}",
        f"{facts['load_start'][0]:.1f} / {facts['load_end'][0]:.1f}",
    ]
    header = ["Date (UTC)", "Command", "Database", "Requests", "Errors", "Save p95 ms", "Load"]
    text = path.read_text() if path.exists() else ""
    table_row = markdown_table(header, [row], "lllrlrl").splitlines()[2]
    if RESULTS_HEADING not in text:
        intro = (
            f"\n{RESULTS_HEADING}\n\n`python -m bench.load` (`make load`): concurrent clients "
            "against gunicorn, 2 sync workers. Errors are statuses of 400 and above; Load is "
            "the machine's 1-minute load average at the start / end.\n\n"
        )
        table = "\n".join(markdown_table(header, [row], "lllrlrl").splitlines()[:2])
        text = text.rstrip("\n") + "\n" + intro + table + "\n"
    head, _sep, tail = text.partition(RESULTS_HEADING)
    lines = tail.split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("|"))
    lines.insert(last + 1, table_row)
    path.write_text(head + RESULTS_HEADING + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--scale", default="small", choices=("small", "wales"))
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--ramp-up", type=float, default=10, help="seconds over which the clients start"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a client's operations (s)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)"
    )
    parser.add_argument("--write", action="store_true", help="add a row to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.clients < 1 or not 0 < args.seconds <= 3600:
        parser.error("--clients must be at least 1 and --seconds between 0 and 3600")
    if args.ramp_up < 0 or args.think < 0 or args.threads < 1:
        parser.error("--ramp-up and --think must be 0 or more, --threads at least 1")
    tally, facts = run_load(args)
    print(report(tally, facts))
    if args.write:
        from .run import RESULTS

        given = shlex.join(argv if argv is not None else sys.argv[1:])
        command = "python -m bench.load " + re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", given)
        write_results(tally, facts, command.strip(), RESULTS)
    return 1 if tally.server_error_count else 0


if __name__ == "__main__":
    raise SystemExit(main())
