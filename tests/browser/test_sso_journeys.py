"""Single sign-on in a real browser: an administrator adds an OpenID Connect provider (the test
provider of tests/sso, on loopback), a practitioner signs in with it from the sign-in page,
and someone whose domain it does not vouch for is told why they are not signed in."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.sso.oidc_provider import DOMAIN, running_provider
from tests.sso.oidc_provider import PASSWORD as PROVIDER_PASSWORD


@pytest.fixture(scope="module")
def oidc():
    with running_provider() as provider:
        yield provider


def sign_in_at_provider(page, login):
    expect(page.get_by_role("heading", name="Test provider")).to_be_visible()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to the test provider").click()


def test_a_practitioner_signs_in_with_their_organisations_account(
    page, sign_in, make_live_user, live_cli, oidc, check_a11y
):
    admin = make_live_user("la-cardiff", "admin")
    live_cli(
        "users",
        "create",
        "pat.jones@sso-council.test",
        "--name",
        "Pat Jones",
        "--org",
        "la-cardiff",
        "--role",
        "practitioner",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )

    # The administrator adds the provider, then registers the service with it.
    sign_in(page, admin)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Sign-in providers"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in providers")
    check_a11y(page, "sso-providers")
    page.get_by_role("button", name="Add a sign-in provider").click()
    page.get_by_label("Display name").fill("Test Council")
    page.get_by_label("Issuer URL").fill("not a url")
    page.get_by_label("Client ID").fill("to be registered")
    page.get_by_label("Client secret").fill("to-be-registered-secret")
    page.get_by_label("Organisation it serves").select_option("la-cardiff")
    page.get_by_label("E-mail domains it vouches for").fill(DOMAIN)
    page.get_by_role("button", name="Save provider").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the issuer as an https:// URL"
    )
    check_a11y(page, "sso-provider-invalid")
    page.get_by_label("Issuer URL").fill(oidc.issuer)
    page.get_by_label("Client secret").fill("to-be-registered-secret")
    page.get_by_role("button", name="Save provider").click()
    expect(page.get_by_text("Sign-in provider Test Council has been added.")).to_be_visible()
    check_a11y(page, "sso-provider")
    redirect_uri = (
        page.locator(".govuk-summary-list__row", has_text="Redirect URI")
        .locator(".govuk-summary-list__value")
        .inner_text()
        .strip()
    )
    assert redirect_uri.endswith("/callback")
    client_id, secret = oidc.register_client(redirect_uri)
    page.get_by_role("button", name="Change provider").click()
    page.get_by_label("Client ID").fill(client_id)
    page.get_by_label("Client secret").fill(secret)
    page.get_by_role("button", name="Save provider").click()
    expect(page.get_by_text("Sign-in provider Test Council has been saved.")).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)
    page.get_by_role("button", name="Sign out", exact=True).click()

    # The practitioner signs in with it from the sign-in page.
    page.goto("/sign-in")
    check_a11y(page, "sign-in-with-provider")
    page.get_by_role("button", name="Sign in with Test Council").click()
    sign_in_at_provider(page, "pat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Pat Jones")
    page.get_by_role("button", name="Sign out", exact=True).click()

    # Someone whose e-mail domain the provider does not vouch for is told so, on the page.
    page.context.clear_cookies()
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with Test Council").click()
    sign_in_at_provider(page, "outsider")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("You are not signed in")
    expect(summary).to_contain_text("cannot sign in people with email addresses of that domain")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)
    check_a11y(page, "sign-in-with-provider-refused")

    # The administrator disables the provider: the sign-in page no longer offers it.
    sign_in(page, admin)
    page.goto("/sign-in-providers")
    page.get_by_role("link", name="Test Council").click()
    page.get_by_role("button", name="Disable provider").click()
    expect(page.get_by_text("Test Council is disabled.")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.goto("/sign-in")
    expect(page.get_by_role("button", name="Sign in with Test Council")).to_have_count(0)
