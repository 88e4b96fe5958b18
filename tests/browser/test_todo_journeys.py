"""The body asked is told: its IG lead marks who answers requests; the sender is warned while
nobody would be told; the user who answers sees the request on the home page's to-do list."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

BODY = "lhb-cardiff-and-vale"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_ig_lead_marks_who_answers_and_the_body_sees_the_request(
    page: Page, sign_in, make_live_user, check_a11y
):
    council = make_live_user("la-cardiff", "practitioner", name="Gwen Sender")
    lead = make_live_user(BODY, "ig_lead", name="Nia Lead")
    alys = make_live_user(BODY, "practitioner", name="Alys Answers")

    # Nobody at the health board answers requests yet: the sender is warned.
    sign_in(page, council)
    page.goto(f"/requests/new?body={BODY}")
    expect(
        page.get_by_text(re.compile("Nobody at Cardiff and Vale .* would be told"))
    ).to_be_visible()
    check_a11y(page, "todo-send-warning")
    _sign_out(page)

    # The health board's IG lead chooses who answers.
    sign_in(page, lead)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Who answers requests"
    ).click()
    check_a11y(page, "todo-who-answers")
    page.get_by_label(re.compile("Alys Answers")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: who answers requests.")).to_be_visible()
    expect(page.get_by_label(re.compile("Alys Answers"))).to_be_checked()
    _sign_out(page)

    # The sender now sees who will be told, and sends.
    sign_in(page, council)
    page.goto(f"/requests/new?body={BODY}")
    told = page.get_by_test_id("who-would-be-told")
    expect(told.get_by_text("Alys Answers")).to_be_visible()
    expect(page.get_by_text(re.compile("would be told of this request"))).to_have_count(0)
    page.get_by_label("Information", exact=True).check()
    page.get_by_label("Assessing needs for care and support").check()
    page.get_by_label("What are you asking for?", exact=True).fill(
        "School attendance records for the autumn term of 2026."
    )
    page.get_by_label("Why do you need it?").fill(
        "To complete the assessment of the child's needs."
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text(re.compile(r"Request S164-\d{4}-\d{6} sent to"))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text()
    _sign_out(page)

    # The user who answers sees it waiting on the home page, and follows the link to it.
    sign_in(page, alys)
    page.goto("/")
    todo = page.get_by_test_id("todo")
    # (a s.137 request to the same body, from another journey, has a link of its own)
    waiting = todo.get_by_role(
        "link", name=re.compile(r"^\d+ requests? (is|are) waiting for your organisation's answer")
    )
    expect(waiting).to_be_visible()
    page.screenshot(path="/tmp/shots/todo-home.png", full_page=True)
    check_a11y(page, "todo-home")
    waiting.click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
