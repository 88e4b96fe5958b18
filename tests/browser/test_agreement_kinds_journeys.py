"""Joint Controller Agreements and controller-processor agreements in a real browser: an IG lead
drafts each from its template, sees the QA check of a legal term left empty, exports it to Word
in English and Welsh and submits it to a regional QA group; a QA group member reviewing an
agreement sees the advisory flag on a partner that has not signed the WASPI Accord, in English
and Welsh, and approves it all the same. axe-core runs on every page visited; each new page
state is screenshotted (/tmp/kinds-*.png)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp")


def _shot(page: Page, check_a11y, name: str) -> None:
    check_a11y(page, f"kinds-{name}")
    page.screenshot(path=str(SHOTS / f"kinds-{name}.png"), full_page=True)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _seed(live_instance: Path, *args: str) -> dict:
    result = subprocess.run(  # noqa: S603  (our own script, our arguments)
        [sys.executable, str(ROOT / "tests" / "browser" / "seed_agreement.py"), str(live_instance),
         *args],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _add_to_group(page: Page, sign_in, make_live_user, group: str, email: str) -> None:
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/qa-groups")
    page.get_by_role("link", name=group).click()
    page.get_by_label("E-mail address of the person to add").fill(email)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    _sign_out(page)


# ---------------------------------------------------------------- QA: the WASPI Accord flag

ACCORD_LEAD = "la-bridgend"
ACCORD_PARTNERS = {"lhb-cwm-taf-morgannwg": True, "la-merthyr-tydfil": False}  # signed?
ACCORD_TITLE = "Bridgend and Merthyr integrated family support: joint controllers"


def test_a_qa_member_sees_the_accord_flag_and_still_approves(
    page: Page, sign_in, make_live_user, check_a11y, live_instance
):
    author = make_live_user(ACCORD_LEAD, "ig_lead", name="Bethan Author")
    reviewer = make_live_user("la-caerphilly", "ig_lead", name="Rhodri Reviewer")
    signed = [ACCORD_LEAD] + [code for code, ok in ACCORD_PARTNERS.items() if ok]
    agreement = _seed(
        live_instance, "jca", ACCORD_TITLE, ACCORD_LEAD, *ACCORD_PARTNERS, "--author", author,
        "--submitted", "--qa-group", "waspi-south-east",
        *[arg for code in signed for arg in ("--accord", code)],
    )  # fmt: skip
    _add_to_group(page, sign_in, make_live_user, "WASPI South East QA Group", reviewer)

    sign_in(page, reviewer)
    page.goto("/")
    page.get_by_role("link", name="1 agreement is waiting for quality assurance").click()
    expect(page.locator("table")).to_contain_text(agreement["reference"])
    page.get_by_role("link", name=f"{agreement['reference']} V1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality assurance review")
    expect(page.locator("main")).to_contain_text("Joint Controller Agreement")
    flag = page.locator(".app-checklist__item").filter(has_text="WASPI Accord")
    expect(flag).to_contain_text("Flag")
    expect(flag).to_contain_text(
        "Not signed the WASPI Accord (register): Merthyr Tydfil County Borough Council"
    )
    expect(flag).not_to_contain_text("Bridgend")
    expect(flag).not_to_contain_text("Cwm Taf")
    expect(page.locator(".app-checklist__item").filter(has_text="To fix")).to_have_count(0)
    _shot(page, check_a11y, "qa-accord-flag")

    page.goto(page.url + "?lang=cy")
    flag = page.locator(".app-checklist__item").filter(has_text="WASPI")
    expect(flag).to_contain_text("Baner")
    expect(flag).to_contain_text(
        "Heb lofnodi Cytundeb WASPI (y gofrestr): Cyngor Bwrdeistref Sirol Merthyr Tudful"
    )
    expect(page.locator("main")).to_contain_text("Cytundeb Cyd-reolyddion")
    _shot(page, check_a11y, "qa-accord-flag-cy")
    page.goto(page.url.replace("?lang=cy", "?lang=en"))

    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("is QA approved")).to_be_visible()
    expect(page.locator(".govuk-tag").filter(has_text="Approved for signature")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("WASPI South East QA Group")
    _shot(page, check_a11y, "qa-accord-approved")
