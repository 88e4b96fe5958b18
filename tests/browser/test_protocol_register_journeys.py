"""Register of current agreements, reviews and the Word export in a real browser: an anonymous
visitor finds the public register, filters it and downloads it as CSV; a partner's practitioner
signs in, sees the agreements due for review and downloads an agreement as a Word document,
which is read back. axe-core runs on every page; each new page is screenshotted."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
# Organisations the other journeys do not use, so that their lists are not changed.
LEAD = "lhb-aneurin-bevan"
GWENT_PARTNERS = ["la-newport", "police-gwent", "la-torfaen"]
ISP_TITLE = "Gwent MASH: sharing for children at risk & their families — “Gŵyl”"
DDA_TITLE = "Disclosure of school attendance to the Gwent youth justice service"


def seed(
    live_instance: Path, kind: str, title: str, lead: str, partners: list[str], review_days=300
):
    result = subprocess.run(  # noqa: S603  (our own script, our arguments)
        [sys.executable, str(ROOT / "tests" / "browser" / "seed_agreement.py"), str(live_instance),
         kind, title, lead, *partners, "--review-days", str(review_days),
         "--qa-group", "waspi-south-east"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def gwent_agreements(live_server, live_instance):
    isp = seed(live_instance, "isp", ISP_TITLE, LEAD, GWENT_PARTNERS, review_days=20)
    dda = seed(live_instance, "dda", DDA_TITLE, "la-newport", [LEAD, "la-torfaen"])
    return {"isp": isp, "dda": dda}


def _download(page: Page, link_name) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_anonymous_visitor_filters_the_register_and_downloads_it(
    page: Page, gwent_agreements, check_a11y
):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role(
        "link", name="Register of current agreements"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register of current agreements")
    table = page.locator("table.app-register-table")
    expect(table).to_contain_text(ISP_TITLE)
    expect(table).to_contain_text(DDA_TITLE)
    expect(table).to_contain_text("Aneurin Bevan University Health Board")
    expect(table).to_contain_text("Gwent Police (Chief Constable)")
    expect(table).to_contain_text("Review due")
    expect(page.get_by_role("link", name=re.compile("Word document"))).to_have_count(0)
    check_a11y(page, "register-of-agreements")

    page.get_by_label("Kind of agreement").select_option(label="Data Disclosure Agreement")
    page.get_by_label("Organisation involved").select_option(label="Torfaen County Borough Council")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Showing 1 to 1 of 1 agreements"))
    expect(table).to_contain_text(DDA_TITLE)
    expect(table).not_to_contain_text(ISP_TITLE)
    check_a11y(page, "register-of-agreements-filtered")

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Title or reference").fill("gwent mash")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Showing 1 to 1 of 1 agreements"))
    name, data = _download(page, "Download these agreements as a spreadsheet (CSV)")
    assert re.fullmatch(r"register-of-agreements-\d{4}-\d{2}-\d{2}\.csv", name)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Title", "Kind"]
    assert [r[1] for r in rows[1:]] == [ISP_TITLE]
    assert rows[1][0] == gwent_agreements["isp"]["reference"]
    assert (
        rows[1][5]
        == "Newport City Council; Gwent Police (Chief Constable); Torfaen County Borough Council"
    )


def test_partner_sees_reviews_due_and_downloads_the_word_document(
    page: Page, gwent_agreements, sign_in, make_live_user, check_a11y
):
    user = make_live_user("police-gwent", "practitioner", name="Gareth Morgan")
    sign_in(page, user)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reviews due").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements due for review")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ISP_TITLE)
    expect(rows.first).to_contain_text("in 20 days")
    check_a11y(page, "reviews-due")

    page.get_by_role("contentinfo").get_by_role(
        "link", name="Register of current agreements"
    ).click()
    row = page.locator("table.app-register-table tbody tr", has_text=ISP_TITLE)
    expect(row.get_by_role("link", name=ISP_TITLE, exact=True)).to_be_visible()
    check_a11y(page, "register-of-agreements-signed-in")
    name, data = _download(page, re.compile(r"Word document\s+of Gwent MASH"))
    reference = gwent_agreements["isp"]["reference"]
    assert name == f"{reference}-V1.docx"
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == [ISP_TITLE]
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert (cover["Status"], cover["Version"], cover["Reference"]) == ("Active", "V1", reference)
    assert cover["Lead organisation"] == "Aneurin Bevan University Health Board"
    assert cover["Quality assurance"] == "WASPI South East QA Group"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[1] == "1. Introduction to this Information Sharing Protocol"
    assert headings[-1] == "Appendix C: Partner organisations' signatures"
    signatures = next(
        t for t in doc.tables if [c.text for c in t.rows[0].cells][1:2] == ["Signatory"]
    )
    assert len(signatures.rows) == 5
    assert all("from their ISP Manager account on" in r.cells[2].text for r in signatures.rows[1:])
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"

    # The agreement the practitioner's force is not party to offers no download.
    other = page.locator("table.app-register-table tbody tr", has_text=DDA_TITLE)
    expect(other.get_by_role("link")).to_have_count(0)
