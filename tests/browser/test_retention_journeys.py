"""Retention in a real browser: Cardiff's IG lead sets the decision records' period, sees the
records past their review date, keeps one longer with a reason (a missing reason refused
first) and disposes of another after the confirmation page. axe-core runs on every page; a
screenshot of the due list goes to /tmp/retention-due.png."""

from __future__ import annotations

import json
import sqlite3
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.conftest import flask_cli
from tests.decisions.conftest import NOT_SHARE


def _record_decisions(live_server, live_instance, email, n) -> list[str]:
    token = flask_cli(live_instance, "users", "token", email).strip().splitlines()[-1]
    references = []
    for _ in range(n):
        request = urllib.request.Request(
            f"{live_server}/api/v1/decisions",
            data=json.dumps(NOT_SHARE).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request) as answer:
            references.append(json.load(answer)["reference"])
    # As if their period had run: their review date is in the past.
    with sqlite3.connect(live_instance / "live.sqlite") as conn:
        conn.executemany(
            "UPDATE decisions SET retention_review_on = '2026-01-05' WHERE reference = ?",
            [(r,) for r in references],
        )
    return references


def test_the_ig_lead_sets_a_period_extends_one_record_and_disposes_of_another(
    page: Page, make_live_user, live_server, live_instance, sign_in, check_a11y
):
    practitioner = make_live_user("la-cardiff", "practitioner")
    sign_in(page, make_live_user("la-cardiff", "ig_lead"))

    page.goto("/retention")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    page.get_by_role("link", name="Change Share and not-share decisions").click()
    check_a11y(page, "retention-period")
    page.get_by_label("Retention period, in months").fill("60")
    page.get_by_role("button", name="Save the period").click()
    expect(page.get_by_text("The retention period is saved")).to_be_visible()
    expect(page.get_by_text("60 months from the decision")).to_be_visible()

    kept, disposed = _record_decisions(live_server, live_instance, practitioner, 2)
    page.reload()

    due = page.get_by_role("table")
    expect(due.get_by_role("cell", name=kept, exact=True)).to_be_visible()
    expect(due.get_by_role("cell", name=disposed, exact=True)).to_be_visible()
    check_a11y(page, "retention-due")
    page.screenshot(path="/tmp/retention-due.png", full_page=True)

    page.get_by_role("link", name=f"Keep longer {kept}").click()
    page.get_by_role("button", name="Keep the record").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the reason")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2040")
    page.get_by_label("Why keep the record longer?").fill("A claim about this sharing is expected.")
    check_a11y(page, "retention-extend")
    page.get_by_role("button", name="Keep the record").click()
    expect(page.get_by_text("The record is kept until its new review date.")).to_be_visible()
    expect(page.get_by_role("cell", name=kept, exact=True)).to_have_count(0)

    page.get_by_role("link", name=f"Dispose of {disposed}").click()
    expect(page.get_by_text("removed from the service for good")).to_be_visible()
    check_a11y(page, "retention-dispose")
    page.get_by_role("button", name="Dispose of the record").click()
    expect(page.get_by_text("The record's personal data has been disposed of.")).to_be_visible()
    expect(page.get_by_role("cell", name=disposed, exact=True)).to_have_count(0)
