"""Regional QA in a real browser: an administrator names the members of the WASPI South QA
Group; an agreement submitted to it waits on its members' to-do lists; a colleague of the
submitter who sits on the group cannot review it; a member from another body reviews and
approves it. axe-core runs on every page visited; each new page is screenshotted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
# Organisations the other journeys do not use, so that their lists are not changed.
LEAD = "lhb-hywel-dda"
PARTNERS = ["la-carmarthenshire", "la-pembrokeshire"]
TITLE = "Hywel Dda safeguarding adults: sharing between health and the councils"


def _seed_submitted(live_instance: Path, author: str) -> dict:
    result = subprocess.run(  # noqa: S603  (our own script, our arguments)
        [sys.executable, str(ROOT / "tests" / "browser" / "seed_agreement.py"), str(live_instance),
         "isp", TITLE, LEAD, *PARTNERS, "--author", author, "--submitted"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_group_member_reviews_and_a_colleague_of_the_submitter_cannot(
    page: Page, sign_in, make_live_user, check_a11y, live_instance
):
    author = make_live_user(LEAD, "ig_lead", name="Non Author")
    colleague = make_live_user(LEAD, "ig_lead", name="Dewi Colleague")
    reviewer = make_live_user("la-powys", "ig_lead", name="Ffion Reviewer")
    agreement = _seed_submitted(live_instance, author)
    version_url = f"/agreements/{agreement['id']}/versions/1"

    # an administrator adds a group, renames it, and puts both on the WASPI South QA Group
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.get_by_role("link", name="QA groups").first.click()
    expect(page.locator("table")).to_contain_text("WASPI South QA Group")
    check_a11y(page, "qa-groups-index")
    page.get_by_role("button", name="Add a QA group").click()
    page.get_by_role("button", name="Save QA group").click()  # no name: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the QA group")
    check_a11y(page, "qa-groups-new-errors")
    page.get_by_label("Name", exact=True).fill("WASPI Journey QA Group")
    page.get_by_label("Welsh name (optional)").fill("Grŵp SA WASPI y Daith")
    page.get_by_role("button", name="Save QA group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    page.get_by_role("link", name="Rename the QA group").click()
    check_a11y(page, "qa-groups-edit")
    page.get_by_label("Name", exact=True).fill("WASPI Journey Renamed QA Group")
    page.get_by_role("button", name="Save QA group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("WASPI Journey Renamed QA Group")
    page.goto("/qa-groups")
    page.get_by_role("link", name="WASPI South QA Group").click()
    for email in (colleague, reviewer, "nobody@example.test"):
        page.get_by_label("E-mail address of the person to add").fill(email)
        page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("no user with that e-mail")
    expect(page.locator("table")).to_contain_text("Dewi Colleague")
    expect(page.locator("table")).to_contain_text("Ffion Reviewer")
    check_a11y(page, "qa-groups-show")
    _sign_out(page)

    # the submitter's colleague sits on the group, but may not review it
    sign_in(page, colleague)
    page.goto("/qa-groups/queue")
    expect(page.get_by_role("status")).to_have_text("Nothing is waiting for your review.")
    check_a11y(page, "qa-groups-queue-empty")
    page.goto(version_url)
    expect(page.locator(".govuk-summary-list")).to_contain_text("WASPI South QA Group")
    expect(page.get_by_role("button", name="Review for quality assurance")).to_have_count(0)
    response = page.goto(version_url + "/qa")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("Only a member of the QA group")
    _sign_out(page)

    # a member from another body: told on the home page, reviews and approves it
    sign_in(page, reviewer)
    page.goto("/")
    page.get_by_role("link", name="1 agreement is waiting for quality assurance").click()
    expect(page.locator("table")).to_contain_text(agreement["reference"])
    check_a11y(page, "qa-groups-queue")
    page.get_by_role("link", name=f"{agreement['reference']} V1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality assurance review")
    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("is QA approved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("WASPI South QA Group")
    check_a11y(page, "qa-groups-approved-version")
    page.goto("/qa-groups/queue")
    expect(page.get_by_role("status")).to_have_text("Nothing is waiting for your review.")
    page.goto("/qa-groups?lang=cy")
    expect(page.locator("table")).to_contain_text("Grŵp SA WASPI y De")
    check_a11y(page, "qa-groups-index-cy")
    page.goto("/?lang=en")
