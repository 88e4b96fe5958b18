"""Accounts in a real browser: signing in and out, a wrong password, an administrator
creating a user who must then choose their own password, and API tokens."""

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.conftest import fresh_totp_code

NEW_PASSWORD = "heather lantern copper meadow"  # noqa: S105


def call_me(base: str, token: str) -> tuple[int, dict]:
    """GET /api/v1/me on the local test server with a bearer token: (status, body)."""
    request = urllib.request.Request(  # noqa: S310 (http on the local test server)
        f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_sign_in_see_account_and_sign_out(page, sign_in, make_live_user, check_a11y):
    email = make_live_user("la-cardiff", "ig_lead", name="Gwen Morgan")
    page.goto("/sign-in")
    check_a11y(page, "sign-in")
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Gwen Morgan")
    page.get_by_role("link", name=re.compile(r"Gwen Morgan\s*: your account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text(email)).to_be_visible()
    check_a11y(page, "my-account")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)
    check_a11y(page, "signed-out")
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_wrong_password_gives_one_message(page, make_live_user, check_a11y):
    email = make_live_user("police-south-wales", "practitioner")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page).to_have_title("Error: Sign in – ISP Manager")
    check_a11y(page, "sign-in-wrong-password")


def test_admin_creates_a_user_who_must_choose_a_password(page, sign_in, make_live_user, check_a11y):
    admin = make_live_user("la-cardiff", "admin", name="Alys Price")
    sign_in(page, admin)
    page.get_by_role("link", name="Users", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check_a11y(page, "admin-users")

    page.get_by_role("button", name="Create a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a user")
    check_a11y(page, "admin-create-user")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    check_a11y(page, "admin-create-user-errors")

    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Email address").fill("nia.newcomer@example.test")
    page.get_by_label("Organisation").select_option("la-gwynedd")
    page.get_by_label("Role").select_option("practitioner")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-panel")).to_contain_text("User created")
    one_time = page.get_by_label("One-time password for nia.newcomer@example.test").input_value()
    assert len(one_time) == 23
    check_a11y(page, "admin-user-created")

    page.get_by_role("link", name="View Nia Newcomer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia Newcomer")
    check_a11y(page, "admin-user")
    page.get_by_label("Role for Nia Newcomer").select_option("ig_lead")
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("Nia Newcomer is now: Information governance lead.")).to_be_visible()

    page.get_by_role("link", name="Back to users").click()
    page.get_by_label("Name or email address").fill("newcomer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Nia Newcomer")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 1 of 1 users")).to_be_visible()
    check_a11y(page, "admin-users-filtered")
    page.get_by_role("button", name="Sign out", exact=True).click()

    # the new user signs in with the one-time password and must choose their own
    sign_in(page, "nia.newcomer@example.test", one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    expect(page.get_by_text("one-time password, which works only once")).to_be_visible()
    check_a11y(page, "change-password-forced")
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Confirm new password").fill("password1234")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("too easy to guess")
    check_a11y(page, "change-password-errors")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    # now an IG lead, she must set up two-factor authentication before anything else
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    secret = "".join(page.locator("#totp-secret").inner_text().split())
    page.get_by_label("Code from your authenticator app").fill(
        fresh_totp_code("nia.newcomer@example.test", secret)
    )
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=2, name="Save your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have saved my recovery codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Nia Newcomer")
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_create_use_and_revoke_an_api_token(page, sign_in, make_live_user, live_server, check_a11y):
    email = make_live_user("lhb-cardiff-and-vale", "practitioner")
    sign_in(page, email)
    page.goto("/account")
    page.get_by_role("button", name="Create API token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    check_a11y(page, "my-account-token-error")
    page.get_by_label("Token name").fill("Case system")
    page.get_by_role("button", name="Create API token").click()
    expect(page.locator(".govuk-panel")).to_contain_text("API token created")
    token = page.get_by_label("Your API token").input_value()
    assert token.startswith("ispm_")
    check_a11y(page, "token-created")

    assert call_me(live_server, token)[0] == 200
    page.get_by_role("link", name="I have copied the token").click()
    row = page.get_by_role("row").filter(has_text="Case system")
    expect(row).to_contain_text(token[:12])
    expect(row).to_contain_text("Active")
    expect(row).not_to_contain_text("Never")  # it was just used
    expect(page.get_by_text(token)).to_have_count(0)
    check_a11y(page, "my-account-tokens")

    row.get_by_role("button", name="Revoke token Case system").click()
    expect(page.get_by_text("API token 'Case system'")).to_contain_text("has been revoked")
    expect(page.get_by_role("row").filter(has_text="Case system")).to_contain_text("Revoked")
    check_a11y(page, "my-account-token-revoked")
    assert call_me(live_server, token)[0] == 401


def test_api_me_reports_the_caller(make_live_user, live_instance, live_server):
    from tests.browser.conftest import flask_cli

    email = make_live_user("la-swansea", "auditor")
    token = (
        flask_cli(live_instance, "users", "token", email, "--label", "Journey")
        .strip()
        .splitlines()[-1]
    )
    status, body = call_me(live_server, token)
    assert status == 200
    assert (
        body["email"] == email
        and body["organisation"] == "la-swansea"
        and body["role"] == "auditor"
    )
    assert PASSWORD not in json.dumps(body)
