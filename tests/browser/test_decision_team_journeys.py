"""Teams, advice requests and the IG lead's register in a real browser, at Ceredigion: the IG
lead makes a team and adds two practitioners; one records a not-share decision and asks the IG
lead about it (a name refused, then sent); the teammate finds the record through the team
filter; the IG lead sees the request on the home page, answers it, filters the register by
team, reads the figures, downloads the CSV and the Word summary; an instance admin sees the
decision's events in the audit log without its content. Nothing assumes the record is the
newest or on the first page: each is reached by its reference or its link. axe-core runs on
every new page; screenshots go to /tmp/decisions-team-*.png."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_decision_journeys import _heading, _record_not_share_decision

ORG = "la-ceredigion"


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=f"/tmp/decisions-team-{name}.png", full_page=True)


def _download(page: Page, link: str) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    return Path(info.value.path())


def test_teams_advice_and_the_ig_leads_register(page: Page, sign_in, make_live_user, check_a11y):
    lead = make_live_user(ORG, "ig_lead", name="Nia Evans")
    author = make_live_user(ORG, "practitioner", name="Owain Hughes")
    mate = make_live_user(ORG, "practitioner", name="Cerys Lloyd")
    outsider = make_live_user(ORG, "practitioner", name="Iwan Rees")
    admin = make_live_user(ORG, "admin")
    team_name = f"Youth offending team {author.split('-')[-1].split('@')[0]}"

    # The IG lead makes the team.
    sign_in(page, lead)
    page.goto("/decisions")
    page.get_by_role("link", name="Teams", exact=True).last.click()
    _heading(page, "Teams")
    page.get_by_role("button", name="Save team").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the team's name.")
    check_a11y(page, "teams-error")
    page.get_by_label("Team name").fill(team_name)
    page.get_by_role("button", name="Save team").click()
    _heading(page, team_name)
    for email in (author, mate):
        page.get_by_label("E-mail address of the person to add").fill(email)
        page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("cell", name=author)).to_be_visible()
    expect(page.get_by_role("cell", name=mate)).to_be_visible()
    check_a11y(page, "team")
    _shot(page, "team")
    page.get_by_role("button", name="Sign out").click()

    # The practitioner records a decision and asks about it without naming anyone.
    sign_in(page, author)
    reference = _record_not_share_decision(page)
    record_url = page.url
    page.get_by_role("link", name="Ask your IG lead about this decision").click()
    _heading(page, "Ask your IG lead")
    check_a11y(page, "advice-new")
    page.get_by_label("Your question").fill("Can Sian Williams's youth worker see the file?")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("alert")).to_contain_text("seems to name someone")
    check_a11y(page, "advice-new-error")
    _shot(page, "advice-error")
    page.get_by_label("Your question").fill(
        "A youth club asked for the child's case file. Was not sharing it right?"
    )
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text(re.compile(r"Your question ADV-\d{4}-\d+ has gone"))).to_be_visible()
    advice_ref = page.get_by_role("heading", level=1).inner_text()
    advice_url = page.url
    check_a11y(page, "advice-open")
    page.get_by_role("button", name="Sign out").click()

    # The teammate finds it through the team filter; someone outside the team cannot open it.
    sign_in(page, mate)
    page.goto("/decisions")
    page.get_by_label("Team").select_option(label=team_name)
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=reference).click()
    _heading(page, reference)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, outsider)
    assert page.goto(record_url).status == 404
    page.get_by_role("button", name="Sign out").click()

    # The IG lead: the notice on the home page, the answer, the register, figures and exports.
    sign_in(page, lead)
    page.goto("/")
    _shot(page, "home")
    page.get_by_role("link", name=re.compile("waiting for your answer")).click()
    _heading(page, "Advice requests")
    check_a11y(page, "advice-list")
    page.get_by_role("link", name=advice_ref).click()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your answer.")
    page.get_by_label("Your answer").fill("Yes: the club showed no need for it.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    check_a11y(page, "advice-answered")
    _shot(page, "advice-answered")

    page.goto("/decisions")
    page.get_by_label("Team").select_option(label=team_name)
    page.get_by_label("Consent").select_option(label="Sought and refused")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    check_a11y(page, "register-team")
    _shot(page, "register")
    text = _download(page, "Download as CSV").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    mine = next(r for r in rows[1:] if r[0] == reference)
    header = rows[0]
    assert mine[header.index("Decision code")] == "not_share"
    assert mine[header.index("Consent code")] == "refused"
    assert mine[header.index("Team")] == team_name

    page.get_by_role("link", name="Figures and charts for these decisions").click()
    _heading(page, "Decision figures")
    expect(page.get_by_role("table").first).to_contain_text("Do not share")
    check_a11y(page, "figures")
    _shot(page, "figures")
    page.get_by_role("link", name="Cymraeg").click()
    check_a11y(page, "figures-cy")
    _shot(page, "figures-cy")
    page.get_by_role("link", name="English").click()

    page.goto(record_url)
    docx = _download(page, "Download a one-page summary (Word)")
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode()
    assert reference in body and "Do not share" in body
    page.get_by_role("button", name="Sign out").click()

    # The instance's admin: the events, never the content.
    sign_in(page, admin)
    assert page.goto(record_url).status == 404
    assert page.goto(advice_url).status == 404
    page.goto("/audit?record_type=advice_requests")
    expect(
        page.locator(".app-timeline__title").filter(has_text="Advice given").first
    ).to_be_visible()
    expect(page.get_by_text("the club showed no need")).to_have_count(0)
    expect(page.get_by_text("A youth club asked")).to_have_count(0)
    check_a11y(page, "audit-withheld")
    _shot(page, "audit")
