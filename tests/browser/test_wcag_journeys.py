"""WCAG 2.2 AA beyond what axe finds: reflow at 320 px, a visible cue on tables that scroll,
error links that reach the first box of a date, filter buttons that stand out from their
panel, a tab order that follows the layout, and a title for each step of a form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_board_journeys import _fill_request
from tests.browser.test_protocol_register_journeys import seed

# Every wide table sits in a labelled, focusable region; the page never scrolls sideways; a
# region whose table is cut off shows the hint above it and is described by it.
REFLOW = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  for (const table of document.querySelectorAll('table')) {
    const region = table.closest('.app-table-wrapper');
    if (!region) { problems.push(`a table is outside a region: ${table.caption?.textContent}`); continue; }
    if (region.getAttribute('role') !== 'region' || region.tabIndex !== 0 ||
        !(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')))
      problems.push('a table region is not labelled and focusable');
    if (region.scrollWidth > region.clientWidth + 1) {
      const hint = document.getElementById(region.getAttribute('aria-describedby') || '-');
      if (!hint || hint.hidden || !hint.textContent.trim())
        problems.push(`a table is cut off with no hint: ${table.caption?.textContent}`);
    }
  }
  return problems;
}"""


def assert_reflows(page: Page, what: str) -> None:
    problems = page.evaluate(REFLOW)
    assert not problems, f"{what} at {page.viewport_size['width']} px: {problems}"


@pytest.fixture(scope="module")
def agreement(live_server, live_instance):
    return seed(
        live_instance,
        "isp",
        "Early help for families in Newport",
        "la-newport",
        ["lhb-aneurin-bevan", "police-gwent"],
    )


def test_wide_pages_reflow_at_320_px_in_both_languages(
    page: Page, sign_in, make_live_user, check_a11y, agreement
):
    sign_in(page, make_live_user("la-newport", "admin"))
    page.goto("/account")
    page.get_by_label("Token name").fill("Case management system for the Newport team")
    page.get_by_role("button", name="Create API token").click()
    page.get_by_role("link", name="I have copied the token: back to your account").click()
    expect(page.get_by_role("region", name="Your API tokens")).to_be_visible()
    base = f"/agreements/{agreement['id']}/versions"
    pages = [
        "/account",
        "/admin/users",
        "/cookies",
        "/organisations",
        "/register-of-agreements",
        "/agreements/reviews",
        "/requests/all",
        base,
        f"{base}/1/sections/signatures",
    ]
    page.set_viewport_size({"width": 320, "height": 800})
    for lang in ("en", "cy"):
        for path in pages:
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            assert_reflows(page, f"{path} in {lang}")
    # Each table's region is reachable with the keyboard and named by its caption.
    page.goto(f"{base}/1/sections/signatures?lang=en")
    region = page.get_by_role("region", name="Signatures")
    region.focus()
    expect(region).to_be_focused()
    check_a11y(page, "wcag-signatures-320")
    page.goto("/cookies?lang=cy")
    check_a11y(page, "wcag-cookies-cy-320")
    page.goto("/register-of-agreements?lang=cy")
    check_a11y(page, "wcag-register-of-agreements-cy-320")
    page.goto(f"{base}?lang=en")
    check_a11y(page, "wcag-versions-320")


def test_a_table_cut_off_by_a_narrow_screen_says_it_scrolls(
    page: Page, sign_in, make_live_user, check_a11y, agreement
):
    sign_in(page, make_live_user("la-newport", "ig_lead"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/agreements")
    region = page.get_by_role("region", name="Agreements")
    expect(region).to_be_visible()
    hint = page.get_by_text("Scroll the table sideways to see all its columns")
    expect(hint).to_be_visible()
    expect(region).to_have_attribute("aria-describedby", re.compile("table-hint-"))
    assert_reflows(page, "/agreements")
    check_a11y(page, "wcag-agreements-375-hint")
    # Wide enough for the whole table: no hint. In Welsh the hint is in Welsh.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(hint).to_be_hidden()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/agreements?lang=cy")
    expect(page.get_by_text("Sgroliwch y tabl i'r ochr i weld ei holl golofnau")).to_be_visible()


def test_a_date_error_link_moves_to_the_day_box(page: Page, sign_in, make_live_user, check_a11y):
    officer = make_live_user("board-cardiff-and-vale", "board_officer")
    sign_in(page, officer)
    page.goto("/board-requests/new")
    _fill_request(page, "Cardiff and Vale University Health Board")
    send = page.get_by_role("button", name="Send the request")
    saved = page.get_by_text(re.compile(r"Request S137-\d{4}-\d{6} saved\."))
    send.click()
    # A body nobody at which would be told is checked first (another journey may have named
    # the health board's request contacts, and then it is sent at once).
    expect(send.or_(saved)).to_be_visible()
    if not saved.is_visible():
        send.click()
    expect(saved).to_be_visible()
    page.get_by_role("button", name="Give more time").click()
    page.get_by_role("button", name="Grant the extension").click()
    link = page.locator(".govuk-error-summary").get_by_role("link").first
    expect(link).to_have_attribute("href", "#new_due_date-day")
    link.click()
    expect(page.locator("#new_due_date-day")).to_be_focused()
    check_a11y(page, "wcag-extension-date-error")

    # Section 8 of an agreement: a date that is no date.
    lead = make_live_user("la-cardiff", "ig_lead")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, lead)
    _start_agreement(page, "Date links in Cardiff")
    page.locator(".govuk-task-list").get_by_role(
        "link", name=re.compile("Review of this Information Sharing Protocol")
    ).click()
    page.get_by_label("Day").fill("45")
    page.get_by_label("Month").fill("13")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Day").press("Enter")
    link = page.locator(".govuk-error-summary").get_by_role("link").first
    expect(link).to_have_attribute("href", "#review_date-day")
    link.click()
    expect(page.get_by_label("Day")).to_be_focused()
    check_a11y(page, "wcag-review-date-error")


def _start_agreement(page: Page, title: str) -> None:
    page.goto("/agreements")
    page.get_by_role("button", name="Start an agreement").click()
    page.get_by_label("Information Sharing Protocol").check()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Start drafting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


COLOURS = """(selector) => {
  const button = document.querySelector(selector);
  const panel = button.closest('.app-filter');
  const style = getComputedStyle(button);
  return {button: style.backgroundColor, border: style.borderTopColor,
          borderWidth: parseFloat(style.borderTopWidth), panel: getComputedStyle(panel).backgroundColor};
}"""


def _luminance(colour: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", colour)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_filter_buttons_stand_out_from_their_panel(page: Page, sign_in, make_live_user, check_a11y):
    sign_in(page, make_live_user("la-cardiff", "admin"))
    for path in ("/agreements", "/admin/users", "/organisations", "/register-of-agreements"):
        page.goto(path)
        colours = page.evaluate(COLOURS, ".app-filter .govuk-button")
        assert colours["button"] != colours["panel"], f"{path}: {colours}"
        # WCAG 1.4.11: the button's edge has 3:1 against the panel.
        edge = colours["border"] if colours["borderWidth"] >= 1 else colours["button"]
        assert _contrast(edge, colours["panel"]) >= 3, f"{path}: {colours}"
    check_a11y(page, "wcag-filter-button")


def test_submit_for_quality_assurance_comes_where_it_is_drawn(
    page: Page, sign_in, make_live_user, check_a11y
):
    sign_in(page, make_live_user("la-cardiff", "ig_lead"))
    _start_agreement(page, "Keyboard order in Cardiff")
    submit = page.get_by_role("button", name="Submit for quality assurance")
    first_section = page.locator(".govuk-task-list a").first
    # Drawn at the top right, beside the sections...
    assert submit.bounding_box()["y"] < first_section.bounding_box()["y"] + 200
    # ...and reached with the keyboard before them.
    page.get_by_role("heading", level=1).click()
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if page.evaluate("document.activeElement.matches('.govuk-task-list a')"):
            break
    assert any("Submit for quality assurance" in text for text in reached), reached
    check_a11y(page, "wcag-task-list-order")


def test_each_step_of_a_new_request_has_its_own_title(page: Page, sign_in, make_live_user):
    sign_in(page, make_live_user("la-cardiff", "practitioner"))
    for lang, first, second in (
        ("en", "Who to ask – Make a request", "The request – Make a request"),
        ("cy", "Pwy i'w holi – Gwneud cais", "Y cais – Gwneud cais"),
    ):
        page.goto(f"/requests/new?lang={lang}")
        expect(page).to_have_title(re.compile("^" + re.escape(first)))
        page.goto(f"/requests/new?body=lhb-cardiff-and-vale&lang={lang}")
        expect(page).to_have_title(re.compile("^" + re.escape(second)))


def test_the_accessibility_statement_says_what_was_tested(page: Page, check_a11y):
    page.goto("/accessibility")
    main = page.locator("main")
    for text in (
        "partially compliant",
        "December 2026",
        "axe-core",
        "1280 and 375 pixels wide",
        "320 pixels wide",
        "keyboard alone",
        "Content that is not accessible",
    ):
        expect(main).to_contain_text(text)
    check_a11y(page, "wcag-accessibility-statement")
    page.goto("/accessibility?lang=cy")
    expect(main).to_contain_text("Rhagfyr 2026")
    check_a11y(page, "wcag-accessibility-statement-cy")
