"""Section 164 journeys in a real browser: Cardiff Council asks Cardiff and Vale University
Health Board for information and downloads the request letter; the health board
acknowledges, asks for clarification, Cardiff answers, the health board declines with a
ground and reasons and both download the written-reasons letter; the figures page; a body
that cannot be asked is refused. axe-core runs on every page."""

from __future__ import annotations

import io
import re

from docx import Document
from playwright.sync_api import Page, expect

REASONS = (
    "Disclosing the records now would prejudice a live police investigation into the household, "
    "which South Wales Police has told the health board about in writing."
)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def _letter_text(page: Page) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the written-reasons letter")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-written-reasons.docx")
    return _docx_text(download)


def _docx_text(download) -> str:
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    return "\n".join(p.text for p in document.paragraphs)


def test_cardiff_asks_the_health_board_which_declines_with_written_reasons(
    page: Page, sign_in, make_live_user, check_a11y
):
    council = make_live_user("la-cardiff", "practitioner", name="Rhian Jones")
    health = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Dafydd Price")

    # Cardiff makes the request.
    sign_in(page, council)
    _menu(page, "Section 164 requests")
    page.get_by_role("link", name="Sent", exact=True).click()
    check_a11y(page, "s164-outbox-empty")
    page.get_by_role("button", name="Make a request").click()
    check_a11y(page, "s164-choose-body")
    # Nothing named: the page says what to do, not a silent reload.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Enter the name or code of the body you are asking.").click()
    expect(page.get_by_label("Which body are you asking?")).to_be_focused()
    # A part of the name that only one body has names it; the register suggests as one types.
    field = page.get_by_label("Which body are you asking?")
    field.press_sequentially("Cardiff and Vale Univ")
    expect(page.locator("#body-suggestions option").first).to_have_attribute(
        "value", re.compile("Cardiff and Vale University Health Board")
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/requests/new\?body=lhb-cardiff-and-vale$"))
    expect(
        page.get_by_text(
            re.compile(r"It can be asked under .*s\.164\(2\)\(a\): A relevant partner")
        )
    ).to_be_visible()
    expect(page.get_by_text("s164-2-a")).to_have_count(0)  # the citation, never the code
    expect(page.get_by_text(re.compile("is a relevant partner of Cardiff Council"))).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Information: if sent today, due .* working days from"))
    ).to_be_visible()
    check_a11y(page, "s164-new-request")
    page.get_by_label("Information", exact=True).check()
    page.get_by_label("Assessing needs for care and support").check()
    page.get_by_label("What are you asking for?", exact=True).fill(
        "Attendance at paediatric appointments since January 2026."
    )
    page.get_by_label("Why do you need it?").fill(
        "To complete the assessment of the child's needs."
    )
    page.get_by_label("Your case reference (optional)").fill("CS-2026-00417")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text(re.compile(r"Request S164-\d{4}-\d{6} sent to"))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text(re.compile(r"\d+ working days from")).first).to_be_visible()
    check_a11y(page, "s164-request-sent")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the request letter (Word document)").click()
    assert download_info.value.suggested_filename == f"{reference}-request.docx"
    letter = _docx_text(download_info.value)
    assert reference in letter and "Request for information under SSWBA 2014, s.164(3)" in letter
    _sign_out(page)

    # The health board acknowledges and asks for clarification.
    sign_in(page, health)
    page.goto("/requests/received")
    check_a11y(page, "s164-inbox")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(f"You have acknowledged request {reference}.")).to_be_visible()
    page.get_by_role("button", name="Ask for clarification").click()
    check_a11y(page, "s164-ask-clarification")
    page.get_by_label("What do you need made clear?").fill("Which years of records do you need?")
    page.get_by_role("button", name="Ask for clarification").click()
    expect(page.get_by_text("Awaiting clarification").first).to_be_visible()
    _sign_out(page)

    # Cardiff answers; the clock restarts.
    sign_in(page, council)
    page.goto("/requests/sent")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Give the clarification").click()
    expect(page.get_by_text("Which years of records do you need?")).to_be_visible()
    check_a11y(page, "s164-answer-clarification")
    page.get_by_label("Your answer").fill("From January 2025 to date.")
    page.get_by_role("button", name="Send the clarification").click()
    expect(page.get_by_text("Clarification given (clock restarted)")).to_be_visible()
    _sign_out(page)

    # The health board declines: first with a token reason, which is refused.
    sign_in(page, health)
    page.goto("/requests/received")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Answer the request").click()
    check_a11y(page, "s164-respond")
    page.get_by_label("Declined").check()
    page.get_by_label(re.compile(r"s\.164\(3\)\(a\)")).check()
    page.get_by_label("Written reasons").fill("n/a")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("is not a reason"))).to_be_visible()
    check_a11y(page, "s164-respond-error")
    page.get_by_label("Written reasons").fill(REASONS)
    page.get_by_role("button", name="Record the answer").click()
    # A refusal is a decision of the body: checked before it is sent.
    expect(page.get_by_role("heading", name=reference)).to_be_visible()
    expect(page.get_by_text("Check your decision before sending it").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"SSWBA 2014, s\.164\(3\)\(a\)"))).to_be_visible()
    expect(page.get_by_text("Dafydd Price, Information governance lead")).to_be_visible()
    check_a11y(page, "s164-respond-check")
    page.get_by_role("button", name="Change ground").click()
    page.get_by_label(re.compile(r"s\.164\(3\)\(b\)")).check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text(re.compile(r"SSWBA 2014, s\.164\(3\)\(b\)"))).to_be_visible()
    page.get_by_role("button", name="Send response").click()
    expect(page.get_by_text(f"Your answer to {reference} has been recorded.")).to_be_visible()
    check_a11y(page, "s164-declined")
    text = _letter_text(page)
    assert reference in text and "Cardiff Council" in text
    assert "SSWBA 2014, s.164(3)(b)" in text and REASONS in text
    assert "Dafydd Price" in text and "Information governance lead" in text
    _sign_out(page)

    # Cardiff sees the same timeline and the letter, then the year's figures.
    sign_in(page, council)
    page.goto("/requests/sent?state=all")
    page.get_by_role("link", name=reference).click()
    for step in (
        "Request sent",
        "Request acknowledged",
        "Clarification asked for (clock stopped)",
        "Answered",
    ):
        expect(page.get_by_role("heading", name=step, exact=True)).to_be_visible()
    assert REASONS in _letter_text(page)
    _menu(page, "Section 164 requests")
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", name=re.compile("Section 164 figures for"))).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile(r"Declined, s\.164\(1\)\(b\) or \(3\)\(b\) 1 100%"))
    ).to_be_visible()
    check_a11y(page, "s164-figures")


def test_a_body_that_cannot_be_asked_is_refused_with_who_can_be_asked_instead(
    page: Page, sign_in, make_live_user, check_a11y
):
    sign_in(page, make_live_user("la-cardiff", "ig_lead"))
    page.goto("/requests/new")
    page.get_by_label("Which body are you asking?").fill("Dyfed-Powys Police (Chief Constable)")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text(re.compile("does not include Cardiff")).first).to_be_visible()
    expect(page.get_by_text(re.compile("instead")).first).to_be_visible()
    check_a11y(page, "s164-refused-body")


def test_a_police_user_cannot_make_a_request(page: Page, sign_in, make_live_user):
    sign_in(page, make_live_user("police-south-wales", "ig_lead"))
    page.goto("/requests/")
    expect(page.get_by_role("button", name="Make a request")).to_have_count(0)
    response = page.goto("/requests/new")
    assert response.status == 403
    expect(page.get_by_text("Only a local authority")).to_be_visible()


def test_letterhead_upload_extension_asked_for_and_agreed_and_withdrawal(
    page: Page, sign_in, make_live_user, check_a11y, tmp_path
):
    lead = make_live_user("lhb-swansea-bay", "ig_lead")
    sign_in(page, lead)
    page.goto("/requests/letterhead")
    check_a11y(page, "s164-letterhead")
    letterhead = tmp_path / "letterhead.docx"
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Swansea Bay UHB"
    document.save(letterhead)
    page.get_by_label("Letterhead template (.docx)").set_input_files(str(letterhead))
    page.get_by_role("button", name="Upload").click()
    expect(
        page.get_by_text("The letterhead of Swansea Bay University Health Board has been saved.")
    ).to_be_visible()
    _sign_out(page)

    council = make_live_user("la-swansea", "practitioner")
    sign_in(page, council)
    page.goto("/requests/new?body=lhb-swansea-bay")
    page.get_by_label("Co-operation", exact=True).check()
    page.get_by_label("Safeguarding children and adults at risk").check()
    page.get_by_label("What are you asking for?", exact=True).fill(
        "Attendance at a strategy discussion on Monday."
    )
    page.get_by_label("Why do you need it?").fill("To plan protective action for the child.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text(re.compile(r"saved as a draft"))).to_be_visible()
    page.get_by_role("button", name="Send request").click()
    reference = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Give more time").click()
    check_a11y(page, "s164-extension")
    page.get_by_role("button", name="Grant the extension").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_a11y(page, "s164-extension-error")
    page.get_by_role("link", name="Back to the request").click()
    _sign_out(page)

    # The health board asks for more time; a date past the limit is refused with why.
    sign_in(page, lead)
    page.goto("/requests/received")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Ask for more time").click()
    check_a11y(page, "s164-ask-extension")
    due = page.get_by_text(re.compile("no later than")).inner_text()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2030")
    page.get_by_label("Why is more time needed?").fill("The records are archived off site.")
    page.get_by_role("button", name="Ask for the extension").click()
    expect(
        page.get_by_role("link", name=re.compile("working days from the request date"))
    ).to_be_visible()
    limit = re.search(r"no later than (\d+) (\w+) (\d{4})", due)
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]  # fmt: skip
    page.get_by_label("Day").fill(limit.group(1))
    page.get_by_label("Month").fill(str(months.index(limit.group(2)) + 1))
    page.get_by_label("Year").fill(limit.group(3))
    page.get_by_role("button", name="Ask for the extension").click()
    expect(page.get_by_text(re.compile("Your request for more time has been sent"))).to_be_visible()
    expect(page.get_by_role("heading", name="Extension asked for")).to_be_visible()
    expect(page.get_by_role("button", name="Agree or refuse the extension")).to_have_count(0)
    _sign_out(page)

    # The council agrees it: the due date moves.
    sign_in(page, council)
    page.goto("/requests/sent")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Agree or refuse the extension").click()
    check_a11y(page, "s164-decide-extension")
    page.get_by_label("Agree the new due date").check()
    page.get_by_role("button", name="Send the decision").click()
    expect(page.get_by_text("You have agreed the extension.")).to_be_visible()
    expect(page.get_by_role("heading", name="Extension agreed")).to_be_visible()
    expect(
        page.get_by_text(re.compile(f"Extended by agreement .* to {limit.group(0)[14:]}"))
    ).to_be_visible()
    page.get_by_role("button", name="Withdraw the request").click()
    check_a11y(page, "s164-withdraw")
    page.get_by_label("Why are you withdrawing the request?").fill(
        "The family has moved to England."
    )
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.get_by_text("The request has been withdrawn.")).to_be_visible()
    check_a11y(page, "s164-withdrawn")
