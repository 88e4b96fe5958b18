"""Section 137 journeys in a real browser: the Cardiff and Vale Regional Safeguarding Board's
officer asks Cardiff and Vale University Health Board for information (bad input refused with
the error summary, the request letter downloaded); the health board answers partly complied
with; the board follows it up and closes it. A request to a body with no users is warned about
before sending and answered on the body's behalf by the board. The year's figures, with their
CSV and Word downloads. Another organisation's user gets a 404 on the request. The body asks
for a clarification and more time, the board answers and agrees, and the body answers. axe-core
runs on every page; screenshots go to /tmp/board-shots/ (the step pages' to /tmp/shots/steps/)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

SHOTS = Path("/tmp/board-shots")
STEP_SHOTS = Path("/tmp/shots/steps")

WHY = (
    "The health board provides the paediatric and emergency care the child received, so it is a "
    "qualifying body under s.137(1) whose functions the review examines."
)
SPECIFIED = (
    "Records of emergency department attendances and paediatric appointments for the child "
    "between 1 January 2025 and 31 March 2026, with the names of the teams involved."
)
REASONS = (
    "The mental health records of the child's mother are held under a separate duty of "
    "confidence and her consent has not been given, so they are withheld from the review."
)
FOLLOW_UP = "The board chair wrote to the health board's executive nurse director to ask again."


def _shoot(page: Page, check_a11y, name: str, folder: Path = SHOTS) -> None:
    """axe on the page as it is now, with its screenshot in /tmp/board-shots/ or `folder` (the
    fixture's module keeps the screenshot folder as a global, set here for this call only)."""
    shared = check_a11y.__globals__
    previous = shared["SHOTS"]
    shared["SHOTS"] = folder
    try:
        check_a11y(page, name)
    finally:
        shared["SHOTS"] = previous


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _download(page: Page, link: str | re.Pattern) -> tuple[str, bytes]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link, exact=isinstance(link, str)).click()
    download = download_info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _fill_request(page: Page, body: str, *, information: str = SPECIFIED) -> None:
    page.get_by_label("Which body are you asking?").fill(body)
    page.get_by_label("Why the board considers it a qualifying body").fill(WHY)
    page.get_by_label("The information asked for").fill(information)
    page.get_by_label("The qualifying person or body to whom the request is made").check()
    page.get_by_label("A function or activity of that person or body", exact=True).check()
    page.get_by_label("Child Practice Review").check()
    page.get_by_label("Review reference (optional)").fill("CPR-CV-2026-03")


def _open(page: Page, reference: str) -> None:
    """Find a request in the list by its reference (not by its place in the list)."""
    page.goto(f"/board-requests?state=all&reference={reference}")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=reference)).to_be_visible()


def test_the_board_asks_the_health_board_which_partly_complies_and_is_followed_up(
    page: Page, sign_in, make_live_user, check_a11y
):
    officer = make_live_user("board-cardiff-and-vale", "board_officer", name="Siân Morgan")
    health = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Gareth Evans")
    outsider = make_live_user("lhb-swansea-bay", "ig_lead")

    sign_in(page, officer)
    _shoot(page, check_a11y, "board-home")
    page.goto("/board-requests")
    expect(page.get_by_role("heading", name="Board requests (s.137)")).to_be_visible()
    _shoot(page, check_a11y, "board-list")
    page.get_by_role("button", name="New request").click()
    expect(page.get_by_role("heading", name="New request under s.137")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Sent today, it is due on \d+ \w+ \d{4}"))).to_be_visible()
    _shoot(page, check_a11y, "board-new")

    # Nothing chosen: every field is named in the error summary.
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Choose the body you are asking, from the register.")
    ).to_have_attribute("href", "#qualifying_body")
    expect(
        summary.get_by_role("link", name=re.compile("Choose what the information relates to"))
    ).to_be_visible()
    expect(
        summary.get_by_role(
            "link", name="Choose which of the board's functions the information is for."
        )
    ).to_be_visible()

    # A vague request and a review name instead of its number are refused, field by field.
    _fill_request(
        page,
        "Cardiff and Vale University Health Board",
        information="Everything about the family that you hold on your systems.",
    )
    page.get_by_label("Review reference (optional)").fill("the Smith review")
    page.get_by_label("Who the information goes to").fill(
        "Cardiff and Vale University Health Board"
    )
    page.get_by_role("button", name="Send the request").click()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    vague = summary.get_by_role("link", name=re.compile("does not specify the information"))
    expect(vague).to_have_attribute("href", "#information_specified")
    expect(
        summary.get_by_role("link", name=re.compile("Enter the review's number"))
    ).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("Name a third body"))).to_be_visible()
    _shoot(page, check_a11y, "board-new-errors")
    vague.click()
    expect(page.get_by_label("The information asked for")).to_be_focused()

    # Put right and sent, to go to Cardiff Council.
    page.get_by_label("The information asked for").fill(SPECIFIED)
    page.get_by_label("Review reference (optional)").fill("CPR-CV-2026-03")
    page.get_by_label("Who the information goes to").fill("Cardiff Council")
    page.get_by_role("button", name="Send the request").click()
    # None of the health board's users answers requests yet and the register has no address
    # for it: the board checks that before the request goes.
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Check who will be told before you send the request"
    )
    expect(
        page.get_by_text(
            re.compile("Nobody at Cardiff and Vale University Health Board would be told")
        )
    ).to_be_visible()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile(r"Request S137-\d{4}-\d{6} saved\."))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    request_url = page.url
    expect(page.get_by_text("Sent", exact=True).first).to_be_visible()
    expect(page.get_by_text(WHY)).to_be_visible()
    expect(page.get_by_text(SPECIFIED)).to_be_visible()
    expect(page.get_by_text("Child Practice Review (CPR-CV-2026-03)")).to_be_visible()
    expect(page.get_by_text("Cardiff Council", exact=True)).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(r"to whom the request is made \((section |s\.)137\(\d\)\(a\)\)")
        )
    ).to_be_visible()
    _shoot(page, check_a11y, "board-request-sent")
    name, data = _download(page, "Request letter (Word)")
    assert name.endswith(".docx")
    letter = _docx_text(data)
    assert reference in letter and "Cardiff and Vale University Health Board" in letter
    assert SPECIFIED in letter
    _sign_out(page)

    # A third organisation's user cannot see it.
    sign_in(page, outsider)
    response = page.goto(request_url)
    assert response.status == 404
    assert page.request.get(request_url + "/letter.docx").status == 404
    page.goto(f"/board-requests?state=all&reference={reference}")
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    _sign_out(page)

    # The health board finds it and answers: partly complied with, with reasons.
    sign_in(page, health)
    page.goto("/board-requests")
    _shoot(page, check_a11y, "board-health-inbox")
    _open(page, reference)
    _shoot(page, check_a11y, "board-health-request")
    page.get_by_role("button", name="Answer the request").click()
    _shoot(page, check_a11y, "board-answer")
    page.get_by_label("Partly complied with").check()
    page.get_by_label("Reasons for anything not provided").fill("n/a")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary").get_by_role("link").first).to_have_attribute(
        "href", "#reasons"
    )
    _shoot(page, check_a11y, "board-answer-errors")
    page.get_by_label("Reasons for anything not provided").fill(REASONS)
    page.get_by_label("What was not provided (optional)").fill(
        "The mother's mental health records."
    )
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("heading", name="The answer")).to_be_visible()
    expect(page.get_by_text("Partly complied with").first).to_be_visible()
    _sign_out(page)

    # The board reads the answer, follows it up and closes it.
    sign_in(page, officer)
    _open(page, reference)
    expect(page.get_by_text(REASONS, exact=True)).to_be_visible()
    expect(page.get_by_text("The mother's mental health records.")).to_be_visible()
    _shoot(page, check_a11y, "board-answered")
    page.get_by_role("button", name="Record a follow-up").click()
    _shoot(page, check_a11y, "board-follow-up")
    page.get_by_label("How the board followed it up").fill("Rang")
    page.get_by_role("button", name="Record the follow-up").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name=re.compile("follow the request up")
        )
    ).to_have_attribute("href", "#escalation_note")
    page.get_by_label("How the board followed it up").fill(FOLLOW_UP)
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_role("heading", name="Follow-up")).to_be_visible()
    expect(page.get_by_text(FOLLOW_UP).first).to_be_visible()
    page.get_by_role("button", name="Close the request").click()
    expect(page.get_by_text("Closed").first).to_be_visible()
    expect(page.get_by_role("button", name="Record a follow-up")).to_have_count(0)
    _shoot(page, check_a11y, "board-closed")

    # Found again by typing the body: the register suggests bodies as the officer types.
    page.goto("/board-requests?state=all")
    body_filter = page.get_by_label("Another body on the request")
    body_filter.press_sequentially("Cardiff and Vale Univ", delay=20)
    suggested = page.locator("#counterparty-suggestions option")
    expect(suggested.first).to_have_attribute("value", "Cardiff and Vale University Health Board")
    body_filter.fill("Cardiff")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name=re.compile("More than one body matches"))
    ).to_have_attribute("href", "#counterparty")
    _shoot(page, check_a11y, "board-list-body-ambiguous")
    page.get_by_label("Another body on the request").fill(
        "Cardiff and Vale University Health Board"
    )
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=reference)).to_be_visible()
    _shoot(page, check_a11y, "board-list-by-body")

    # The year's figures show it, on the page and in both downloads.
    page.goto("/board-requests")
    page.get_by_role("link", name="Annual figures").click()
    expect(
        page.get_by_role(
            "heading", name=re.compile(r"Requests under s\.137: April \d{4} to March \d{4}")
        )
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Cardiff and Vale University Health Board")
    expect(row).to_contain_text("Partly complied with")
    _shoot(page, check_a11y, "board-figures")
    name, data = _download(page, "Download as CSV")
    assert name.startswith("board-cardiff-and-vale-s137-requests-") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any(reference in r for r in rows[1:]), rows[:3]
    name, data = _download(page, "Download the table for the annual report (Word)")
    assert name.endswith(".docx")
    assert reference in _docx_text(data)


def test_a_body_without_users_is_warned_of_and_the_board_records_its_answer(
    page: Page, sign_in, make_live_user, check_a11y
):
    officer = make_live_user("board-cardiff-and-vale", "board_officer")
    body = "South Wales Fire and Rescue Authority"

    # The register has no users and no contact address for the fire authority: nobody there
    # would hear of the request, and the board is told so, and how to fix it.
    nobody = re.compile(f"Nobody at {body} would be told of this request: it has no users")
    sign_in(page, officer)
    page.goto("/board-requests/new?body=fra-south-wales")
    expect(page.get_by_label("Which body are you asking?")).to_have_value(body)
    expect(page.get_by_text(nobody)).to_be_visible()
    expect(
        page.get_by_text(re.compile("add a contact address to its entry in the register"))
    ).to_be_visible()
    page.goto("/board-requests/new")
    _fill_request(page, body)
    page.get_by_label("Why the board considers it a qualifying body").fill("")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text(nobody)).to_be_visible()
    _shoot(page, check_a11y, "board-new-no-users-warning")
    # Sending waits for the check step: nothing is sent until the board has seen who is told.
    page.get_by_label("Why the board considers it a qualifying body").fill(WHY)
    page.get_by_role("button", name="Send the request").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Check who will be told before you send the request")
    expect(page.get_by_text(nobody)).to_be_visible()
    _shoot(page, check_a11y, "board-new-check-who-is-told")
    # Saved as a draft instead: the draft's page warns again beside its send button.
    page.get_by_role("button", name="Save as a draft").click()
    reference = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text("Not sent yet")).to_be_visible()
    expect(page.get_by_text(nobody)).to_be_visible()
    _shoot(page, check_a11y, "board-draft-no-users")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("link", name="Request letter (Word)")).to_be_visible()

    # The answer arrives by e-mail; the board records it on the body's behalf.
    _open(page, reference)
    page.get_by_role("button", name="Record an answer received by e-mail or post").click()
    _shoot(page, check_a11y, "board-on-behalf")
    page.get_by_role("button", name="Record the answer").click()
    summary = page.locator(".govuk-error-summary")
    # Every problem is reported at once: the outcome, who sent it, when and how it came.
    for message in (
        "Choose whether the request was",
        "Enter the name of the person at the body who sent",
        "Enter the date the answer was received",
        "Choose how the answer was received",
    ):
        expect(summary.get_by_role("link", name=re.compile(message))).to_be_visible()
    _shoot(page, check_a11y, "board-on-behalf-errors")
    page.get_by_label("Who sent the answer").fill("Station Manager Rhys Thomas, safeguarding lead")
    today = page.evaluate(
        "() => new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/London'}).formatToParts(new Date())"
    )
    parts = {p["type"]: p["value"] for p in today}
    arrived = page.get_by_role("group", name="When it arrived")
    arrived.get_by_label("Day").fill(parts["day"])
    arrived.get_by_label("Month").fill(parts["month"])
    arrived.get_by_label("Year").fill(parts["year"])
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("Complied with", exact=True).check()
    item = page.get_by_role("group", name="Item 1")
    item.get_by_label("What was provided").fill("Incident log for the family's address")
    item.get_by_label("Fact, opinion or historical").select_option("fact")
    item.get_by_label("Day").fill(parts["day"])
    item.get_by_label("Month").fill(parts["month"])
    item.get_by_label("Year").fill(parts["year"])
    item.get_by_label("How it was provided").fill("Secure e-mail")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("heading", name="The answer")).to_be_visible()
    expect(page.get_by_role("cell", name="Incident log for the family's address")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile("E-mail from Station Manager Rhys Thomas.*recorded by the board")
        )
    ).to_be_visible()
    _shoot(page, check_a11y, "board-answered-on-behalf")

    page.goto("/board-requests/figures")
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text(body)


QUESTION = "Do you need the records of the health visiting team as well as the hospital?"
CLARIFIED = "Yes: the health visiting records are the ones the review needs most."
MORE_TIME = "The health visiting records before 2026 are archived off site."


def _london_date(page: Page, days_ahead: int) -> dict[str, str]:
    """Day, month and year `days_ahead` days from today in Wales, as the boxes take them."""
    parts = page.evaluate(
        """(days) => new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/London',
            day: 'numeric', month: 'numeric', year: 'numeric'})
            .formatToParts(new Date(Date.now() + days * 86400000))""",
        days_ahead,
    )
    return {p["type"]: p["value"] for p in parts}


def test_the_body_asks_for_clarification_and_more_time_and_the_board_answers_and_agrees(
    page: Page, sign_in, make_live_user, check_a11y
):
    officer = make_live_user("board-cardiff-and-vale", "board_officer", name="Nia Rees")
    health = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Owain Hughes")

    sign_in(page, officer)
    page.goto("/board-requests/new")
    _fill_request(page, "Cardiff and Vale University Health Board")
    page.get_by_role("button", name="Send the request").click()
    # Nobody at the health board answers requests yet: the board checks who is told, and sends.
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Check who will be told before you send the request"
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile(r"Request S137-\d{4}-\d{6} saved\."))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    # The board cannot ask itself for clarification or more time: it gives more time.
    expect(page.get_by_role("button", name="Ask for clarification")).to_have_count(0)
    expect(page.get_by_role("button", name="Give more time")).to_be_visible()
    _sign_out(page)

    # The health board asks what it needs made clear; an empty question is refused.
    sign_in(page, health)
    _open(page, reference)
    expect(page.get_by_role("button", name="Withdraw the request")).to_have_count(0)
    page.get_by_role("button", name="Ask for clarification").click()
    expect(page.get_by_text("The clock stops until the board answers.")).to_be_visible()
    expect(page.get_by_text(SPECIFIED)).to_be_visible()
    _shoot(page, check_a11y, "board-ask-clarification", STEP_SHOTS)
    page.get_by_role("button", name="Ask for clarification").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#question")
    _shoot(page, check_a11y, "board-ask-clarification-errors", STEP_SHOTS)
    page.get_by_label("What do you need made clear?").fill(QUESTION)
    page.get_by_role("button", name="Ask for clarification").click()
    expect(page.get_by_text("The clock has stopped until it is answered.")).to_be_visible()
    expect(page.get_by_text("Awaiting clarification").first).to_be_visible()
    _sign_out(page)

    # The board answers; the clock restarts.
    sign_in(page, officer)
    _open(page, reference)
    page.get_by_role("button", name="Give the clarification").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    _shoot(page, check_a11y, "board-answer-clarification", STEP_SHOTS)
    page.get_by_label("Your answer").fill(CLARIFIED)
    page.get_by_role("button", name="Send the clarification").click()
    expect(page.get_by_text("Your answer has been sent. The clock has restarted.")).to_be_visible()
    _sign_out(page)

    # The health board asks for more time: a date too far off is refused, then one is sent.
    sign_in(page, health)
    _open(page, reference)
    page.get_by_role("button", name="Ask for more time").click()
    _shoot(page, check_a11y, "board-ask-extension", STEP_SHOTS)
    too_late = _london_date(page, 400)
    page.get_by_label("Day").fill(too_late["day"])
    page.get_by_label("Month").fill(too_late["month"])
    page.get_by_label("Year").fill(too_late["year"])
    page.get_by_label("Why is more time needed?").fill(MORE_TIME)
    page.get_by_role("button", name="Ask for the extension").click()
    expect(
        summary.get_by_role("link", name=re.compile("The new due date can be no later than"))
    ).to_have_attribute("href", re.compile("#new_due_date"))
    _shoot(page, check_a11y, "board-ask-extension-errors", STEP_SHOTS)
    new_due = _london_date(page, 45)
    page.get_by_label("Day").fill(new_due["day"])
    page.get_by_label("Month").fill(new_due["month"])
    page.get_by_label("Year").fill(new_due["year"])
    page.get_by_role("button", name="Ask for the extension").click()
    expect(page.get_by_text("Your request for more time has been sent.")).to_be_visible()
    expect(page.get_by_role("button", name="Agree or refuse the extension")).to_have_count(0)
    _sign_out(page)

    # The board agrees it: the due date moves.
    sign_in(page, officer)
    _open(page, reference)
    expect(page.get_by_text(re.compile("asked on .* for more time"))).to_be_visible()
    _shoot(page, check_a11y, "board-extension-asked", STEP_SHOTS)
    page.get_by_role("button", name="Agree or refuse the extension").click()
    expect(page.get_by_text(MORE_TIME)).to_be_visible()
    _shoot(page, check_a11y, "board-decide-extension", STEP_SHOTS)
    page.get_by_role("button", name="Send the decision").click()
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#decision")
    page.get_by_label("Agree the new due date").check()
    page.get_by_role("button", name="Send the decision").click()
    expect(page.get_by_text("You have agreed the extension.")).to_be_visible()
    expect(page.get_by_text(re.compile("Extended by agreement"))).to_be_visible()
    # The other steps the board may take, seen before it is answered.
    page.get_by_role("button", name="Give more time").click()
    _shoot(page, check_a11y, "board-give-more-time", STEP_SHOTS)
    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("button", name="Withdraw the request").click()
    _shoot(page, check_a11y, "board-withdraw", STEP_SHOTS)
    _sign_out(page)

    # The health board answers.
    sign_in(page, health)
    _open(page, reference)
    page.get_by_role("button", name="Answer the request").click()
    page.get_by_label("Complied with", exact=True).check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("heading", name="The answer")).to_be_visible()
    expect(page.get_by_role("button", name="Ask for more time")).to_have_count(0)
    _shoot(page, check_a11y, "board-answered-after-extension", STEP_SHOTS)
