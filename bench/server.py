"""The database, the gunicorn server and the HTTP client of a benchmark run."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
PASSWORD = "bench demo password 2026"  # noqa: S105 (the demo accounts of a throwaway database)
# The demo administrators' and IG leads' two-factor key (the same throwaway database).
TOTP_SECRET = "MJSW4Y3IMRSW23ZNORXXI4BNNNSXSIBS"  # noqa: S105
# A code works once, and the load test's clients all sign in as one IG lead: the benchmark
# server accepts codes this many 30-second steps either side of now (the default is 1), so
# that up to this many sign-ins of one person a step can finish.
TOTP_WINDOW = 20
_steps_lock = threading.Lock()
_steps_used: dict[str, int] = {}


def fresh_totp_code(email: str) -> str | None:
    """A two-factor code not used for `email` before (this step's or a later one the server
    accepts), or None when all of those were used."""
    with _steps_lock:
        current = int(time.time() // 30)
        step = max(current, _steps_used.get(email, -1) + 1)
        if step > current + TOTP_WINDOW:
            return None
        _steps_used[email] = step
    return pyotp.TOTP(TOTP_SECRET).generate_otp(step)


SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
DEMO_DOMAIN = "demo.isp-manager.example"


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "TOTP_VALID_WINDOW": str(TOTP_WINDOW),
        **extra,
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["FLASK_APP"] = "isp_manager"
    return env


def flask(database_url: str, *args: str, stdin: str | None = None) -> str:
    """Run `flask <args>` against the benchmark database; its output, or an error."""
    result = subprocess.run(  # noqa: S603 (our own flask, fixed arguments)
        [str(BIN / "flask"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(database_url),
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# ---------------------------------------------------------------- the database


def schema_fingerprint() -> str:
    """Changes when the models or the demo data generators change, so a stale database
    is rebuilt rather than reused."""
    from sqlalchemy.schema import CreateIndex, CreateTable

    from isp_manager import models  # noqa: F401
    from isp_manager.extensions import db

    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        digest.update(str(CreateTable(table)).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            digest.update(str(CreateIndex(index)).encode())
    package = ROOT / "isp_manager"
    sources = [package / "demo_data.py", *package.glob("*/demo*.py"), *package.glob("*/data/*")]
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Database:
    scale: str
    url: str
    stamp: Path
    reused: bool = False
    built_in_s: float = 0.0

    @property
    def dialect(self) -> str:
        return self.url.split(":", 1)[0].split("+")[0]


def prepare_database(scale: str, url: str | None = None, *, rebuild: bool = False) -> Database:
    """The database for `scale`: reused when it was built from the same schema and
    generators, else (re)created with the models' schema and filled by `flask demo-data`."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{scale}.sqlite"
    url = url or f"sqlite:///{path}"
    for prefix in ("postgres://", "postgresql://"):  # psycopg 3, as the app's config does
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    stamp = OUT / f"{scale}-{hashlib.sha256(url.encode()).hexdigest()[:8]}.json"
    database = Database(scale, url, stamp)
    fingerprint = schema_fingerprint()
    if (
        not rebuild
        and stamp.exists()
        and json.loads(stamp.read_text()).get("fingerprint") == fingerprint
    ):
        database.reused = True
        _forget_used_codes(url)
        return database
    started = time.perf_counter()
    _create_schema(url, path if url.startswith("sqlite") else None)
    flask(
        url,
        "demo-data",
        "--scale",
        scale,
        "--password-stdin",
        "--totp-secret-stdin",
        stdin=f"{PASSWORD}\n{TOTP_SECRET}\n",
    )
    database.built_in_s = time.perf_counter() - started
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "scale": scale, "url": url}))
    return database


def _create_schema(url: str, sqlite_path: Path | None) -> None:
    """The schema straight from the models (what the migrations must match; a test checks
    that), so the benchmark measures the code as it is even before its migration exists."""
    if sqlite_path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    code = (
        "import sqlalchemy as sa\n"
        "from isp_manager import create_app\n"
        "from isp_manager.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.drop_all()\n"
        "    if db.engine.dialect.name == 'postgresql':\n"
        "        with db.engine.begin() as c:\n"
        "            c.execute(sa.text('DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE'))\n"
        "    db.create_all()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(url), check=True)  # noqa: S603


def _forget_used_codes(url: str) -> None:
    """A reused database remembers the two-factor codes the last run used (a code works once);
    this run's clients start again from the codes of now."""
    code = (
        "import sqlalchemy as sa\n"
        "from isp_manager import create_app\n"
        "from isp_manager.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.session.execute(sa.text('UPDATE users SET totp_last_step = NULL'))\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(url), check=True)  # noqa: S603


def api_token(database: Database, email: str) -> str:
    """A new API token for `email`, made with the command line as an operator would."""
    output = flask(database.url, "users", "token", email, "--label", "benchmark")
    return output.strip().splitlines()[-1].strip()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with `workers` sync workers (gthread ones with `threads` > 1) on a free
    127.0.0.1 port, counting queries."""

    def __init__(
        self,
        database: Database,
        workers: int = 2,
        threads: int = 1,
        *,
        app: str | None = None,
        count_queries: bool = True,
        env: dict[str, str] | None = None,
        name: str | None = None,
        instance: Path | None = None,
        config_file: Path | None = None,
    ):
        self.database = database
        self.workers, self.threads = workers, threads
        self.app = app  # another WSGI app to serve in the same way (the throughput baseline)
        self.count_queries = count_queries
        self.extra_env = env or {}
        self.port = free_port()
        self.log = OUT / f"gunicorn-{name or database.scale}.log"
        self.instance = instance or OUT / "instance"
        self.config_file = config_file
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        instance = self.instance
        instance.mkdir(parents=True, exist_ok=True)
        command = [
            str(BIN / "gunicorn"),
            *(["--config", str(self.config_file)] if self.config_file else []),
            "--workers", str(self.workers),
            *(["--worker-class", "gthread", "--threads", str(self.threads)]
              if self.threads > 1 else []),
            "--bind", f"127.0.0.1:{self.port}",
            "--log-level", "warning",
            self.app or f"isp_manager:create_app(instance_path={str(instance)!r})",
        ]  # fmt: skip
        counting = {"BENCH_COUNT_QUERIES": "1"} if self.count_queries else {}
        env = _env(self.database.url, **counting, **self.extra_env)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 (fixed command)
                command, cwd=ROOT, env=env, stdout=log, stderr=log
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()  # a server that never answered is not left running
            raise
        return self

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                if Client(self.port).get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


# ---------------------------------------------------------------- the client


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def query_count(self) -> int | None:
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None

    @property
    def query_ms(self) -> float | None:
        value = self.headers.get("x-query-time")
        return float(value) if value is not None else None


@dataclass
class Client:
    """A minimal HTTP client: one connection per request (gunicorn's sync workers close
    them anyway), its own cookies, optional bearer token, no redirects followed."""

    port: int
    token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        """`body` as a form; with `files` (field: (filename, bytes, content type)) multipart."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if files is not None:
            data, headers["Content-Type"] = _multipart(body or {}, files)
        elif body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            elapsed = time.perf_counter() - started
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
        finally:
            connection.close()
        return Response(raw.status, response_headers, content, elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def sign_in(self, email: str, password: str = PASSWORD, path: str = "/sign-in") -> None:
        """Through the real sign-in form, CSRF token and all."""
        form = self.get(path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', form.body)
        fields = {"email": email, "password": password}
        if match:
            fields["csrf_token"] = match.group(1).decode()
        response = self.request("POST", path, fields)
        if response.status != 302:
            raise RuntimeError(f"signing in as {email} failed: HTTP {response.status}")
        location = urlsplit(response.headers.get("location", "")).path
        if location == "/sign-in/code":
            code = fresh_totp_code(email)
            while code is None:
                time.sleep(1)
                code = fresh_totp_code(email)
            form = self.get(location)
            match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', form.body)
            fields = {"code": code, **({"csrf_token": match.group(1).decode()} if match else {})}
            response = self.request("POST", location, fields)
            location = urlsplit(response.headers.get("location", "")).path
        if location.startswith(path):
            raise RuntimeError(f"signing in as {email} was refused")


def _multipart(fields: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----bench{os.urandom(8).hex()}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def csrf_token(html: bytes) -> str | None:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1).decode() if match else None


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"
