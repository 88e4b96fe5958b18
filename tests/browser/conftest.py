"""Browser journeys: the real app in its own process, driven by Playwright in Chromium,
with axe-core run on every page a journey visits (any violation fails the test) and any
Content-Security-Policy violation reported by the browser failing it too.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "journey password for tests 2026"
# The administrators and IG leads made by make_live_user have two-factor authentication with
# this secret; sign_in() enters a code for it.
TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
TWO_FACTOR_ROLES = {"admin", "ig_lead"}
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
_numbers = itertools.count(1)

expect.set_options(timeout=10_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_instance(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("live-instance")


@pytest.fixture(scope="session")
def live_server(live_instance):
    """Base URL of the running app (own SQLite database, migrated schema, reference data)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    # The server logs every request: to a file, because a pipe nobody reads fills up after a
    # few hundred requests and then blocks the server for good.
    log_path = live_instance / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "browser" / "serve.py"),
            str(live_instance),
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the app did not start:\n" + log_path.read_text()) from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("the app did not answer within 60 seconds")
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def flask_cli(live_instance: Path, *args: str, stdin: str | None = None) -> str:
    """Run `flask <args>` against the live server's database; returns its output."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{live_instance / 'live.sqlite'}",
        "SECRET_KEY": "journeys",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "isp_manager", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def live_cli(live_instance, live_server):
    """live_cli(*args, stdin=None) -> output of `flask <args>` against the live database."""

    def _run(*args: str, stdin: str | None = None) -> str:
        return flask_cli(live_instance, *args, stdin=stdin)

    return _run


@pytest.fixture(scope="session")
def make_live_user(live_instance, live_server):
    """make_live_user(org_code, role) -> e-mail of a new user (password PASSWORD; administrators
    and IG leads also have two-factor authentication with TOTP_SECRET, unless two_factor=False)."""

    def _make(
        org_code: str = "la-cardiff",
        role: str = "ig_lead",
        *,
        name: str | None = None,
        two_factor: bool | None = None,
    ) -> str:
        n = next(_numbers)
        email = f"{role.replace('_', '-')}-{org_code}-{n}@example.test"
        with_secret = role in TWO_FACTOR_ROLES if two_factor is None else two_factor
        secret_args = ("--totp-secret-stdin",) if with_secret else ()
        flask_cli(
            live_instance,
            "users",
            "create",
            email,
            "--name",
            name or f"{role.replace('_', ' ').title()} {n}",
            "--org",
            org_code,
            "--role",
            role,
            "--password-stdin",
            *secret_args,
            stdin=PASSWORD + "\n" + (TOTP_SECRET + "\n" if with_secret else ""),
        )
        return email

    return _make


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()
    assert not csp_errors, f"Content-Security-Policy violations: {csp_errors}"


def _is_govuk_conditional_reveal(page: Page, violation: dict) -> bool:
    """GOV.UK Frontend's radios with a conditional reveal set aria-expanded on the radio (as the
    Design System documents), which axe reports; only that is let through."""
    if violation["id"] != "aria-allowed-attr":
        return False
    return all(
        page.evaluate(
            "(s) => !!document.querySelector(s)?.matches('.govuk-radios__input[aria-controls]')",
            node["target"][0],
        )
        for node in violation["nodes"]
    )


def check_a11y(page: Page, name: str | None = None) -> None:
    """Run axe-core on the page as it is now; fail on any violation. Saves a screenshot."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}
        })"""
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if not _is_govuk_conditional_reveal(page, v)
    ]
    if name:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert not violations, f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"


@pytest.fixture(name="check_a11y")
def check_a11y_fixture():
    return check_a11y


def sign_in(page: Page, email: str, password: str = PASSWORD, secret: str = TOTP_SECRET) -> None:
    """Sign in through the real sign-in page, with a code from the app when one is asked for."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    code_field = page.get_by_label("Code from your authenticator app")
    expect(page.get_by_role("button", name="Sign out").or_(code_field)).to_be_visible()
    if code_field.is_visible():
        from tests.conftest import fresh_totp_code

        page.get_by_label("Code from your authenticator app").fill(fresh_totp_code(email, secret))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in
