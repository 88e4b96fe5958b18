"""Decision records in a real browser: a Cardiff practitioner records a share decision through
every question page and check your answers (a name refused as the case number, paragraph 18
refused with consent relied on, one answer changed and back), then a not-share decision; the
IG lead finds both in the register, filters it, downloads the CSV, amends the share decision
with a reason and sees the history, in English and in Welsh; another organisation's IG lead
gets the 404 page for the record. axe-core runs on every page; full-page screenshots of the
main pages go to /tmp/decisions-*.png."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOTS = Path("/tmp")
RISK_WARNING = re.compile("call the police on 999")


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"decisions-{name}.png"), full_page=True)


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _answer(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _error_summary(page: Page, message: str | re.Pattern) -> None:
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name=message)).to_be_visible()


def _record_share_decision(page: Page, check_a11y) -> str:
    """Every question page of a share decision, with the two refusals and one change."""
    page.goto("/decisions")
    page.get_by_role("button", name="Record a decision").click()

    _heading(page, "Immediate risk")
    expect(page.get_by_text(RISK_WARNING)).to_have_count(0)
    check_a11y(page, "decision-immediate-risk")
    _answer(page, "Is a child at immediate risk of harm?", "Yes")
    _continue(page)

    # From here on every page says to call 999.
    _heading(page, "Who it is about")
    expect(page.get_by_text(RISK_WARNING)).to_be_visible()
    page.get_by_label("Case number or reference (optional)").fill("Jane Smith")
    _continue(page)
    _error_summary(page, re.compile("looks like a person's name"))
    expect(page).to_have_title(re.compile("^Error: "))
    check_a11y(page, "decision-subject-error")
    _shot(page, "question-error")
    page.get_by_role("link", name=re.compile("looks like a person's name")).click()
    expect(page.get_by_label("Case number or reference (optional)")).to_be_focused()
    page.get_by_label("Case number or reference (optional)").fill("CS-2026-00417")
    _continue(page)

    _heading(page, "Purpose")
    check_a11y(page, "decision-purpose")
    page.get_by_label("What would the information be shared for?").fill(
        "To let the health board plan a strategy discussion about the child."
    )
    _continue(page)

    _heading(page, "The information")
    page.get_by_label("Describe the information concerned").fill(
        "Dates of two home visits and the social worker's notes."
    )
    page.get_by_label("Fact", exact=True).check()
    page.get_by_label("Opinion", exact=True).check()
    check_a11y(page, "decision-information")
    _shot(page, "question")
    _continue(page)

    _heading(page, "Who would receive it")
    page.get_by_label("Organisation", exact=True).select_option(
        label="Cardiff and Vale University Health Board"
    )
    page.get_by_label("The roles of the people who receive it (optional)").fill(
        "Named nurse for safeguarding"
    )
    check_a11y(page, "decision-recipients")
    _continue(page)

    _heading(page, "Consent")
    _answer(page, "Was consent sought?", "Sought and given explicitly")
    check_a11y(page, "decision-consent")
    _continue(page)

    _heading(page, "Lawful basis")
    page.get_by_label("Article 6 lawful basis").select_option("art6-1-a")
    check_a11y(page, "decision-lawful-basis")
    _continue(page)

    _heading(page, "Special category and criminal offence data")
    _answer(page, "Is any of it special category data?", "Yes")
    page.get_by_label("Article 9 condition (special category data only)").select_option("art9-2-g")
    page.get_by_label(
        "DPA 2018 Schedule 1 condition, if the Article 9 condition needs one"
    ).select_option("sch1-p2-para18")
    _answer(page, "Is any of it criminal offence data?", "No")
    check_a11y(page, "decision-special-category")
    _continue(page)

    _heading(page, "Safeguarding condition")
    page.get_by_label(re.compile("consent would prejudice the provision")).check()
    page.get_by_label(re.compile("Appropriate policy document reference")).fill("APD-CARDIFF-2026")
    check_a11y(page, "decision-safeguarding-condition")
    _continue(page)

    _heading(page, "The principles")
    for label, text in (
        ("Necessary and proportionate", "Only the visit dates and notes the nurse needs."),
        ("Relevant", "All about the child's safety at home."),
        ("Adequate", "Enough for the nurse to understand the concern."),
        ("Accurate", "Notes are marked as the social worker's opinion."),
        ("Timely", "Shared before Friday's strategy discussion."),
        ("Secure", "Sent by secure e-mail to the named nurse."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    check_a11y(page, "decision-principles")
    _continue(page)

    _heading(page, "Advice")
    _answer(page, "Did you seek advice?", "Yes")
    page.get_by_label("If so, from whom?").fill("Our information governance lead")
    _answer(page, "Did you tell them who the individual is?", "No")
    check_a11y(page, "decision-advice")
    _continue(page)

    _heading(page, "Telling the individual")
    _answer(page, "Was the individual told about the decision?", "No")
    page.get_by_label("If not, why not?").fill("Telling the family would put the child at risk.")
    check_a11y(page, "decision-told")
    _continue(page)

    _heading(page, "Decision")
    _answer(page, "What did you decide?", "Share the information")
    page.get_by_label("Your reasons").fill(
        "The child is at risk of harm and the health board needs to know."
    )
    check_a11y(page, "decision-decision")
    _continue(page)

    _heading(page, "What was shared")
    page.get_by_label("What was shared?").fill("The visit dates and the notes of both visits.")
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("How was it shared, and how securely?").fill(
        "Secure e-mail to the named nurse's work address."
    )
    check_a11y(page, "decision-shared")
    _continue(page)

    _heading(page, "Agreement and request")
    check_a11y(page, "decision-links")
    _continue(page)

    # Check your answers: paragraph 18 cannot go with consent as the basis.
    _heading(page, "Check your answers")
    expect(page.get_by_text(RISK_WARNING)).to_be_visible()
    expect(page.get_by_text("CS-2026-00417")).to_be_visible()
    check_a11y(page, "decision-check")
    _shot(page, "check")
    page.get_by_role("button", name="Record the decision").click()
    _error_summary(page, re.compile("Schedule 1 paragraph 18 is for sharing without consent"))
    check_a11y(page, "decision-check-error")

    # Change the Article 6 basis: look, go back, then change it for real.
    change = page.get_by_role("link", name="Change Article 6 lawful basis")
    change.click()
    _heading(page, "Lawful basis")
    page.get_by_role("link", name="Back").click()
    _heading(page, "Check your answers")
    change.click()
    page.get_by_label("Article 6 lawful basis").select_option("art6-1-e")
    _continue(page)
    _heading(page, "Check your answers")
    expect(page.get_by_text("UK GDPR Art. 6(1)(e): Public task")).to_be_visible()
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_text(re.compile(r"Decision DEC-\d{4}-\d+ recorded\."))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text(RISK_WARNING)).to_be_visible()
    expect(page.get_by_text("Cardiff and Vale University Health Board")).to_be_visible()
    check_a11y(page, "decision-recorded")
    return reference


def _record_not_share_decision(page: Page) -> str:
    page.goto("/decisions")
    page.get_by_role("button", name="Record a decision").click()
    _answer(page, "Is a child at immediate risk of harm?", "No")
    _continue(page)
    expect(page.get_by_text(RISK_WARNING)).to_have_count(0)
    _continue(page)  # no case number
    page.get_by_label("What would the information be shared for?").fill(
        "A request from a youth club for the child's records."
    )
    _continue(page)
    page.get_by_label("Describe the information concerned").fill("The child's case file.")
    _continue(page)
    _continue(page)  # nobody receives it
    _answer(page, "Was consent sought?", "Sought and refused")
    _continue(page)
    for _page in ("lawful basis", "special category", "safeguarding condition", "principles"):
        _continue(page)
    _answer(page, "Did you seek advice?", "No")
    _continue(page)
    _answer(page, "Was the individual told about the decision?", "Yes")
    _continue(page)
    _answer(page, "What did you decide?", "Do not share")
    page.get_by_label("Your reasons").fill(
        "The youth club has no need for the case file to keep the child safe."
    )
    _continue(page)
    # Nothing was shared, so that page is skipped.
    _heading(page, "Agreement and request")
    _continue(page)
    _heading(page, "Check your answers")
    expect(page.get_by_role("heading", name="What was shared")).to_have_count(0)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(re.compile(r"Decision DEC-\d{4}-\d+ recorded\."))).to_be_visible()
    return page.get_by_role("heading", level=1).inner_text()


def _csv_rows(page: Page) -> list[list[str]]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "decisions.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_decisions_recorded_found_amended_and_hidden_from_other_bodies(
    page: Page, sign_in, make_live_user, check_a11y
):
    practitioner = make_live_user("la-cardiff", "practitioner", name="Rhian Jones")
    lead = make_live_user("la-cardiff", "ig_lead", name="Gwen Morgan")
    other = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Dafydd Price")

    sign_in(page, practitioner)
    share = _record_share_decision(page, check_a11y)
    share_url = page.url
    not_share = _record_not_share_decision(page)
    check_a11y(page, "decision-not-share-recorded")
    page.get_by_role("button", name="Sign out").click()

    # The IG lead finds both, filters, downloads.
    sign_in(page, lead)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Decisions").click()
    _heading(page, "Share and not-share decisions")
    expect(page.get_by_role("link", name=share)).to_be_visible()
    expect(page.get_by_role("link", name=not_share)).to_be_visible()
    check_a11y(page, "decision-register")
    _shot(page, "register")
    page.get_by_label("Decision", exact=True).select_option(label="Share the information")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=share)).to_be_visible()
    expect(page.get_by_role("link", name=not_share)).to_have_count(0)
    expect(page.get_by_text("Showing 1 to 1 of 1 decisions")).to_be_visible()
    check_a11y(page, "decision-register-filtered")
    rows = _csv_rows(page)
    assert rows[0][:4] == ["Reference", "Decided on", "Decided by", "Decision"]
    assert [r[0] for r in rows[1:]] == [share]
    assert rows[1][2:5] == ["Rhian Jones", "Share the information", "share"]
    page.get_by_role("link", name="Clear filters").click()
    assert {r[0] for r in _csv_rows(page)[1:]} == {share, not_share}

    # ... and amends how it was shared, with a reason.
    page.get_by_role("link", name=share).click()
    page.get_by_role("link", name="Amend What was shared").click()
    _heading(page, "What was shared")
    check_a11y(page, "decision-amend")
    page.get_by_label("How was it shared, and how securely?").fill(
        "Secure e-mail (Egress) to the named nurse's work address."
    )
    page.get_by_role("button", name="Add the amendment").click()
    _error_summary(page, "Give the reason for the amendment.")
    check_a11y(page, "decision-amend-error")
    page.get_by_label("Why are you amending the record?").fill(
        "The practitioner confirmed the e-mail went through Egress."
    )
    page.get_by_role("button", name="Add the amendment").click()
    expect(page.get_by_text(f"Amendment added to {share}.")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("Recorded by Rhian Jones")
    expect(history).to_contain_text("Amended by Gwen Morgan")
    expect(history).to_contain_text("The practitioner confirmed the e-mail went through Egress.")
    expect(history).to_contain_text("How was it shared, and how securely?")
    expect(history).not_to_contain_text("shared_how")
    expect(
        page.get_by_text("Secure e-mail (Egress) to the named nurse's work address.").first
    ).to_be_visible()
    check_a11y(page, "decision-amended")
    _shot(page, "recorded")

    # The same pages in Welsh.
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("#history")).not_to_contain_text("shared_how")
    check_a11y(page, "decision-amended-cy")
    _shot(page, "recorded-cy")
    page.goto("/decisions")
    check_a11y(page, "decision-register-cy")
    _shot(page, "register-cy")
    page.get_by_role("link", name="English").click()
    page.get_by_role("button", name="Sign out").click()

    # Another organisation's IG lead: not found, and no hint the record exists.
    sign_in(page, other)
    response = page.goto(share_url)
    assert response.status == 404
    _heading(page, "Page not found")
    expect(page.get_by_text(share)).to_have_count(0)
    check_a11y(page, "decision-not-found")
    page.goto("/decisions")
    expect(page.get_by_role("link", name=share)).to_have_count(0)


def test_draft_pages_and_check_your_answers_in_welsh(
    page: Page, sign_in, make_live_user, check_a11y
):
    sign_in(page, make_live_user("la-gwynedd", "practitioner"))
    page.get_by_role("link", name="Cymraeg").click()
    page.goto("/decisions")
    page.locator("form[action$='/decisions/new'] button").click()
    page.locator("input[name=immediate_risk][value=no]").check()
    page.locator("button[name=submit]").click()
    page.locator("button[name=submit]").click()
    check_a11y(page, "decision-question-cy")
    _shot(page, "question-cy")
    page.goto(page.url.rsplit("/", 1)[0] + "/check")
    check_a11y(page, "decision-check-cy")
    _shot(page, "check-cy")
