"""Proof that the service scales out: two gunicorn instances on one PostgreSQL database, each
user's requests sent alternately to both (bench/two_servers.py, also `python -m bench
--two-servers`). Sessions, CSRF tokens, a letterhead upload, login throttling, `flask notify`
and the metrics of several workers behave as they do on one server."""

from __future__ import annotations

import os

import pytest

from bench.two_servers import report, run_two_servers

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="two servers share one PostgreSQL database: runs when TEST_DATABASE_URL is set",
)


def test_two_servers_behind_one_database_behave_as_one(fresh_database_url, tmp_path):
    # Two workers on A (so its metrics must add up two processes), one on B: the machine
    # that runs the suite may have two cores.
    run = run_two_servers(
        fresh_database_url,
        organisations=2,
        agreements=4,
        rounds=1,
        workers=2,
        workers_b=1,
        workdir=tmp_path,
    )
    print(report(run))
    names = [check.name for check in run.checks]
    assert names == [
        "sessions carry over",
        "CSRF token of one server accepted by the other",
        "a forged CSRF token is refused",
        "signing out on one server signs out on both",
        "a letterhead uploaded through one server is served by the other",
        "login throttling counts across both servers",
        "each server's metrics add up all its workers",
        "flask notify on both servers at once sends each reminder once",
    ]
    failed = [f"{c.name}: {c.detail}" for c in run.checks if not c.ok]
    assert failed == [], report(run)
