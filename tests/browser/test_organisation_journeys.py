"""An IG lead runs their organisation in a real browser, without the instance's administrator:
invites a person, who accepts by e-mailed link and signs in; changes their role and
deactivates them; edits the organisation's own details; reads and filters the audit log."""

import email
import re
from email import policy
from pathlib import Path

from playwright.sync_api import expect

INVITEE_PASSWORD = "violet harbour pencil thunder"  # noqa: S105


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/self-{name}.png", full_page=True)


def _invitation_link(outbox: Path, address: str) -> str:
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/invitations/\S+", body).group(0)
    raise AssertionError(f"no invitation to {address}")


def test_ig_lead_invites_someone_who_accepts_and_is_then_managed(
    page, browser, live_server, live_instance, sign_in, make_live_user, check_a11y
):
    lead = make_live_user("la-newport", "ig_lead", name="Rhian Lead")
    sign_in(page, lead)
    page.get_by_role("link", name="Your organisation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    check_a11y(page, "self-people")
    shot(page, "people")

    page.get_by_role("button", name="Invite someone").click()
    check_a11y(page, "self-invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    check_a11y(page, "self-invite-errors")
    shot(page, "invite-errors")
    page.get_by_label("Full name").fill("Owain Newydd")
    page.get_by_label("Email address").fill("owain.newydd@newport.example.test")
    role = page.get_by_label("Role")
    expect(role.locator("option[value=admin]")).to_have_count(0)
    role.select_option("practitioner")
    shot(page, "invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation has been sent to owain.newydd@")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitations waiting to be accepted")).to_be_visible()
    shot(page, "people-invited")

    # The invitee opens the e-mailed link in their own browser
    link = _invitation_link(live_instance / "outbox", "owain.newydd@newport.example.test")
    path = link[link.index("/invitations/") :]
    invitee_context = browser.new_context(base_url=live_server, locale="en-GB")
    invitee = invitee_context.new_page()
    invitee.goto(path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up your account")
    check_a11y(invitee, "self-accept")
    shot(invitee, "accept")
    invitee.get_by_label("Create a password").fill(INVITEE_PASSWORD)
    invitee.get_by_label("Confirm your password").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_text("Welcome, Owain Newydd")).to_be_visible()
    invitee.get_by_role("button", name="Sign out", exact=True).click()
    sign_in(invitee, "owain.newydd@newport.example.test", INVITEE_PASSWORD)
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Owain Newydd")
    invitee.get_by_role("button", name="Sign out", exact=True).click()

    # The link works once
    invitee.goto(path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        "This invitation link cannot be used"
    )
    expect(invitee.get_by_text("This invitation has already been used")).to_be_visible()
    check_a11y(invitee, "self-invitation-used")
    shot(invitee, "invitation-used")
    invitee_context.close()

    # The IG lead changes their role, then deactivates them
    page.reload()
    page.get_by_role("link", name="Owain Newydd").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Owain Newydd")
    check_a11y(page, "self-person")
    page.get_by_label("Role for Owain Newydd").select_option("ig_lead")
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("Owain Newydd is now: Information governance lead.")).to_be_visible()
    page.get_by_role("button", name="Deactivate Owain Newydd").click()
    expect(page.get_by_text("Owain Newydd has been deactivated.")).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate Owain Newydd")).to_be_visible()
    shot(page, "person")


def test_ig_lead_edits_details_and_reads_the_audit_log(page, sign_in, make_live_user, check_a11y):
    lead = make_live_user("la-torfaen", "ig_lead", name="Huw Lead")
    sign_in(page, lead)
    page.get_by_role("link", name="Your organisation").first.click()
    page.get_by_role("link", name="Organisation details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation details")
    check_a11y(page, "self-details")
    page.get_by_label("ICO registration number (optional)").fill("12")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the ICO registration number as it appears on the ICO register"
    )
    check_a11y(page, "self-details-errors")
    shot(page, "details-errors")
    page.get_by_label("ICO registration number (optional)").fill("Z7654321")
    page.get_by_label("Request contact: e-mail address (optional)").fill(
        "requests@torfaen.gov.wales"
    )
    page.get_by_role("button", name="Save details").click()
    expect(
        page.get_by_text("The details of Torfaen County Borough Council have been saved.")
    ).to_be_visible()
    shot(page, "details")

    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(
        page.get_by_text(
            re.compile(
                r"Torfaen County Borough Council's request contact (changed from .* to|set to) requests@torfaen\.gov\.wales\."
            )
        )
    ).to_be_visible()
    check_a11y(page, "self-audit")
    shot(page, "audit")
    page.get_by_label("What was done").select_option("organisation.updated")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(re.compile(r"Showing 1 to \d+ of \d+ events"))).to_be_visible()
    expect(page.locator(".app-timeline__title", has_text="Signed in")).to_have_count(0)
    shot(page, "audit-filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events as a spreadsheet (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "requests@torfaen.gov.wales" in content

    page.goto("/audit?lang=cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log archwilio")
    check_a11y(page, "self-audit-cy")
    shot(page, "audit-cy")
