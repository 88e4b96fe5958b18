"""`python -m bench --two-servers --database-url postgresql://...`: two servers, one database.

It fills the PostgreSQL database afresh with a small register (the reference organisations,
an IG lead and a practitioner for each of `--organisations` of them, and agreements whose
review is overdue), starts two gunicorn instances on it (`--workers` each, the same
SECRET_KEY, each with an instance folder of its own, so nothing is shared but the
database), and sends each user's requests alternately to one and the other. It checks that:

- a session begun on one server carries over to the other, page after page, and signing out
  on one signs out on both;
- a CSRF token from one server's form is accepted by the other, and a forged one refused;
- a letterhead uploaded through one server is served, byte for byte, by the other;
- login throttling counts failures made on both servers together;
- `flask notify` run for both servers at the same moment sends each reminder once;
- each server's /metrics adds up the requests of all its workers (PROMETHEUS_MULTIPROC_DIR).

It prints one line a check and the time each page took; the exit status is 1 if any check
failed. tests/test_two_servers.py runs it on the suite's PostgreSQL server.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from .server import (
    BIN,
    OUT,
    PASSWORD,
    ROOT,
    Client,
    Database,
    Server,
    _env,
    csrf_token,
    fresh_totp_code,
)
from .stats import percentile

DOMAIN = "two.isp-manager.example"
PAGES = ["/", "/agreements", "/organisations", "/requests/received"]
MAX_FAILURES = 5
WRONG_PASSWORD = "not the password"  # noqa: S105
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SEED = r"""
import sys
from datetime import timedelta
import sqlalchemy as sa
from isp_manager import create_app
from isp_manager.accounts.models import Role, User
from isp_manager.accounts.passwords import hash_password
from isp_manager.calendar import wales_today
from isp_manager.db import utcnow
from isp_manager.extensions import db
from isp_manager.parties.models import Organisation
from isp_manager.parties.reference import seed_reference
from isp_manager.protocols import services
from isp_manager.protocols.models import VersionState
from bench.server import TOTP_SECRET

organisations, agreements, domain, password = (
    int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.stdin.read().strip()
)
app = create_app()
with app.app_context():
    db.drop_all()
    with db.engine.begin() as c:
        c.execute(sa.text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
    db.create_all()
    seed_reference()
    db.session.commit()
    hashed = hash_password(password)
    codes = ["la-cardiff", "lhb-cardiff-and-vale"]
    codes += db.session.scalars(
        sa.select(Organisation.code)
        .where(Organisation.is_active.is_(True), Organisation.code.notin_(codes))
        .where(Organisation.code.like("la-%"))
        .order_by(Organisation.code)
        .limit(max(0, organisations - 2))
    ).all()
    leads = {}
    for code in codes[:organisations]:
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
        organisation.ig_lead_email = f"ig.{code}@{domain}"
        for role in (Role.IG_LEAD, Role.PRACTITIONER):
            user = User(
                email=f"{role.value}.{code}@{domain}".replace("_", "-"),
                name=f"{role.value.replace('_', ' ').title()} of {organisation.name}",
                organisation=organisation, role=role, password_hash=hashed,
                # IG leads must have two-factor authentication: the bench's known key
                totp_secret=TOTP_SECRET if role == Role.IG_LEAD else None,
                totp_enabled_at=utcnow() if role == Role.IG_LEAD else None,
            )
            db.session.add(user)
            if role == Role.IG_LEAD:
                leads[code] = user
    db.session.add(User(email=f"throttled@{domain}", name="Throttled", organisation=organisation,
                        role=Role.PRACTITIONER, password_hash=hashed))
    db.session.flush()
    with app.test_request_context():
        lead_codes = list(leads)
        for n in range(agreements):
            code = lead_codes[n % len(lead_codes)]
            partner = lead_codes[(n + 1) % len(lead_codes)]
            protocol = services.create_protocol(
                kind="isp", title=f"Agreement {n + 1} for review", lead_organisation=code,
                partners=[partner], by=leads[code],
            )
            version = protocol.versions[0]
            version.sections[0].content = {"purpose": "Protect children at risk"}
            now = utcnow()
            version.approved_at, version.approved_by_id = now, leads[code].id
            version.review_date = wales_today() - timedelta(days=3)
            version.qa_group = "WASPI South QA Group"
            version.activated_at = now
            version.state = VersionState.ACTIVE
        db.session.commit()
print(len(leads))
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Run:
    checks: list[Check] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    sent: dict[int, int] = field(default_factory=dict)  # requests sent to each server's port
    timings: dict[str, float] = field(default_factory=dict)

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, bool(ok), detail))

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


class Counted(Client):
    """A client that counts the requests it sends to each server (for the metrics check)."""

    def __init__(self, port: int, run: Run):
        super().__init__(port)
        self.run = run

    def request(self, method, path, body=None, files=None):
        self.run.sent[self.port] = self.run.sent.get(self.port, 0) + 1
        return super().request(method, path, body, files)


def _on(client: Client, port: int) -> Client:
    """The same person (cookies and all) talking to the server on `port`."""
    client.port = port
    return client


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.sections[0].header.paragraphs[0].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed(database_url: str, organisations: int, agreements: int) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", SEED, str(organisations), str(agreements), DOMAIN],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=_env(database_url), check=True,
        capture_output=True,
    )  # fmt: skip


def _sign_in(client: Client, email: str, form_port: int, post_port: int, password=PASSWORD):
    form = _on(client, form_port).get("/sign-in")
    token = csrf_token(form.body)
    response = _on(client, post_port).request(
        "POST", "/sign-in", {"email": email, "password": password, "csrf_token": token or ""}
    )
    if urlsplit(response.headers.get("location", "")).path == "/sign-in/code":
        # the second factor, its form from the same server, posted to the other
        page = _on(client, form_port).get("/sign-in/code")
        code = fresh_totp_code(email)
        while code is None:
            time.sleep(1)
            code = fresh_totp_code(email)
        response = _on(client, post_port).request(
            "POST", "/sign-in/code", {"code": code, "csrf_token": csrf_token(page.body) or ""}
        )
    return response


def check_sessions_and_csrf(run: Run, a: int, b: int, users: list[str], rounds: int) -> None:
    carried, failures = 0, []
    for email in users:
        client = Counted(a, run)
        signed_in = _sign_in(client, email, a, b)  # the form from A, the POST to B
        if signed_in.status != 302 or "/sign-in" in signed_in.headers.get("location", ""):
            failures.append(f"{email}: signing in with A's form on B gave {signed_in.status}")
            continue
        for n in range(rounds):
            for path in PAGES:
                port = (a, b)[(n + PAGES.index(path)) % 2]
                response = _on(client, port).get(path)
                run.page_seconds.append(response.seconds)
                if response.status != 200:
                    failures.append(f"{email}: {path} on {port} gave {response.status}")
                else:
                    carried += 1
    run.check(
        "sessions carry over",
        not failures and carried == len(users) * rounds * len(PAGES),
        f"{carried} pages, each server in turn, for {len(users)} users; "
        + ("; ".join(failures[:3]) or "every one signed in"),
    )
    run.check(
        "CSRF token of one server accepted by the other",
        not any("signing in" in f for f in failures),
        f"{len(users)} sign-ins posted to B with the token of A's form",
    )
    # A forged token is refused (so the check above means something).
    client = Counted(a, run)
    _on(client, a).get("/sign-in")
    forged = _on(client, b).request(
        "POST", "/sign-in", {"email": users[0], "password": PASSWORD, "csrf_token": "forged"}
    )
    run.check("a forged CSRF token is refused", forged.status == 400, f"HTTP {forged.status}")


def check_sign_out(run: Run, a: int, b: int, email: str) -> None:
    client = Counted(a, run)
    _sign_in(client, email, a, a)
    page = _on(client, a).get("/agreements")
    form = csrf_token(page.body)
    out = _on(client, b).request("POST", "/sign-out", {"csrf_token": form or ""})
    after = _on(client, a).get("/agreements")
    run.check(
        "signing out on one server signs out on both",
        page.status == 200 and out.status in (302, 303) and after.status == 302,
        f"before {page.status}, sign-out on B {out.status}, then A gave {after.status}",
    )


def check_letterhead(run: Run, a: int, b: int, lead_email: str) -> None:
    client = Counted(a, run)
    _sign_in(client, lead_email, a, a)
    data = _docx(f"HEADED PAPER {time.time_ns()}")
    form = _on(client, a).get("/requests/letterhead")
    upload = _on(client, b).request(
        "POST",
        "/requests/letterhead",
        {"csrf_token": csrf_token(form.body) or ""},
        files={"letterhead": ("Headed paper.docx", data, DOCX)},
    )
    served = _on(client, a).get("/requests/letterhead/letterhead.docx")
    run.check(
        "a letterhead uploaded through one server is served by the other",
        upload.status == 303 and served.status == 200 and served.body == data,
        f"upload on B {upload.status}; download from A {served.status}, "
        f"{len(served.body)} of {len(data)} bytes, {'same' if served.body == data else 'DIFFERENT'}",
    )


def check_throttling(run: Run, a: int, b: int) -> None:
    email = f"throttled@{DOMAIN}"
    client = Counted(a, run)
    statuses = []
    for n in range(MAX_FAILURES):
        port = (a, b)[n % 2]
        statuses.append(_sign_in(client, email, port, port, password=WRONG_PASSWORD).status)
    refused = _sign_in(client, email, a, a).status  # even the right password, now
    refused_b = _sign_in(client, email, b, b).status
    run.check(
        "login throttling counts across both servers",
        all(s != 429 for s in statuses) and refused == 429 and refused_b == 429,
        f"{MAX_FAILURES} wrong passwords alternately on A and B: {statuses}; "
        f"then the right one: A {refused}, B {refused_b}",
    )


def _notify(database_url: str, instance: Path) -> subprocess.Popen:
    env = _env(database_url, MAIL_SERVER="")
    code = (
        "from isp_manager import create_app\n"
        f"app = create_app(instance_path={str(instance)!r})\n"
        "from isp_manager.notifications import notify_command\n"
        "with app.app_context():\n"
        "    notify_command.main(args=[], standalone_mode=False)\n"
    )
    return subprocess.Popen(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def start_notify(instances: list[Path], database_url: str) -> list[subprocess.Popen]:
    """`flask notify` for each server's instance at the same moment (as two timers would)."""
    for instance in instances:
        (instance / "outbox").mkdir(parents=True, exist_ok=True)
        for old in (instance / "outbox").glob("*.eml"):
            old.unlink()
    return [_notify(database_url, instance) for instance in instances]


def check_notify(
    run: Run, database_url: str, instances: list[Path], agreements: int, processes
) -> None:
    outputs = [p.communicate(timeout=120) for p in processes]
    counts = []
    for (out, err), process in zip(outputs, processes, strict=True):
        found = re.search(r"(\d+) reminder\(s\) sent", out)
        counts.append(int(found.group(1)) if found and process.returncode == 0 else -1)
        if process.returncode != 0:
            print(err, file=sys.stderr)
    files = sum(len(list((i / "outbox").glob("*.eml"))) for i in instances)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        recorded = conn.execute(sa.text("SELECT count(*) FROM sent_reminders")).scalar_one()
    engine.dispose()
    run.check(
        "flask notify on both servers at once sends each reminder once",
        sum(counts) == agreements and files == agreements and recorded == agreements,
        f"{agreements} reminders due; the two runs sent {counts}, {files} messages in their "
        f"outboxes, {recorded} recorded as sent",
    )


def check_metrics(run: Run, ports: list[int]) -> None:
    details, ok = [], True
    for port in ports:
        body = Client(port).get("/metrics").body.decode()
        counted = sum(
            float(value)
            for labels, value in re.findall(
                r"^ispm_http_requests_total\{([^}]*)\} (\S+)$", body, re.M
            )
            if 'endpoint="site.health"' not in labels
        )
        sent = run.sent.get(port, 0)
        ok = ok and counted == sent
        details.append(f"port {port}: sent {sent}, counted {counted:.0f}")
    run.check("each server's metrics add up all its workers", ok, "; ".join(details))


@contextmanager
def _both(*servers: Server):
    """Start the servers at the same time (each takes seconds to import the app); stop all."""
    errors: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.__enter__()
        except BaseException as error:  # reported once all have started or failed
            errors.append(error)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        if errors:
            raise errors[0]
        yield servers
    finally:
        for server in servers:
            server.__exit__(None, None, None)


def run_two_servers(
    database_url: str,
    *,
    organisations: int = 4,
    agreements: int = 6,
    rounds: int = 3,
    workers: int = 2,
    workers_b: int | None = None,
    workdir: Path = OUT,
) -> Run:
    """Seed the database, start the two servers, run every check; the checks' results."""
    if not database_url.startswith(("postgresql", "postgres:")):
        raise SystemExit(
            "--two-servers needs a PostgreSQL database: --database-url postgresql://..."
        )
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url.removeprefix(prefix)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    seed(database_url, organisations, agreements)
    seeded = time.perf_counter()
    database = Database("two-servers", database_url, OUT / "two-servers.json")
    instances = [workdir / "instance-a", workdir / "instance-b"]
    config = ROOT / "deploy" / "gunicorn.conf.py"
    run = Run()

    def server(name: str, instance: Path, workers: int) -> Server:
        metrics_dir = workdir / f"metrics-{name}"
        return Server(
            database, workers=workers, name=name, instance=instance, config_file=config,
            env={
                "METRICS_ENABLED": "1", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
                "LOGIN_MAX_FAILURES": str(MAX_FAILURES), "LOG_FORMAT": "json",
            },
        )  # fmt: skip

    first = server("a", instances[0], workers)
    second = server("b", instances[1], workers_b or workers)
    notifying = start_notify(instances, database_url)  # while the servers start
    try:
        with _both(first, second):
            serving = time.perf_counter()
            a, b = first.port, second.port
            leads = [f"ig-lead.{c}@{DOMAIN}" for c in ("la-cardiff", "lhb-cardiff-and-vale")]
            practitioners = [
                f"practitioner.{c}@{DOMAIN}" for c in ("la-cardiff", "lhb-cardiff-and-vale")
            ]
            check_sessions_and_csrf(run, a, b, leads + practitioners, rounds)
            check_sign_out(run, a, b, practitioners[0])
            check_letterhead(run, a, b, leads[1])
            check_throttling(run, a, b)
            check_metrics(run, [a, b])
            checked = time.perf_counter()
        check_notify(run, database_url, instances, agreements, notifying)
    finally:
        for process in notifying:
            if process.poll() is None:
                process.kill()
    run.timings = {
        "seed": seeded - started,
        "start servers": serving - seeded,
        "requests": checked - serving,
        "notify (after the requests)": time.perf_counter() - checked,
    }
    return run


def report(run: Run) -> str:
    lines = ["Two gunicorn servers, one PostgreSQL database:"]
    for check in run.checks:
        lines.append(f"  [{'ok' if check.ok else 'FAILED'}] {check.name}: {check.detail}")
    if run.page_seconds:
        lines.append(
            f"  pages: {len(run.page_seconds)}, p50 {percentile(run.page_seconds, 50) * 1000:.0f} ms, "
            f"p95 {percentile(run.page_seconds, 95) * 1000:.0f} ms"
        )
    if run.timings:
        lines.append("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in run.timings.items()))
    return "\n".join(lines)


__all__ = ["run_two_servers", "report", "Run", "BIN"]
