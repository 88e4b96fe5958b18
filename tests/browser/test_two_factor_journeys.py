"""Two-factor authentication in a real browser: an IG lead sets it up by scanning the QR code
(the code computed here from the key shown under it), saves the recovery codes, signs in with
a code from the app and then with a recovery code (which works once); an IG lead resets a
colleague's two-factor authentication."""

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.conftest import fresh_totp_code

CODE_LABEL = "Code from your authenticator app"


def _wrong_code(secret: str) -> str:
    """A 6-digit code the app would not show around now."""
    import time

    import pyotp

    near = {pyotp.TOTP(secret).at(time.time() + 30 * k) for k in (-2, -1, 0, 1, 2)}
    return next(c for c in ("123456", "654321", "111111") if c not in near)


def _password_step(page, email):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page):
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_ig_lead_sets_up_two_factor_and_signs_in_with_a_code_then_a_recovery_code(
    page, make_live_user, check_a11y
):
    email = make_live_user("la-newport", "ig_lead", name="Eira Vaughan", two_factor=False)
    _password_step(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    check_a11y(page, "two-factor-set-up")
    page.goto("/agreements")  # nothing else opens until it is set up
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    secret = "".join(page.locator("#totp-secret").inner_text().split())
    page.get_by_label(CODE_LABEL).fill(_wrong_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    check_a11y(page, "two-factor-set-up-wrong-code")
    page.get_by_label(CODE_LABEL).fill(fresh_totp_code(email, secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Two-factor authentication is on")
    codes = page.locator(".app-recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 11 for code in codes)
    download = page.get_by_role("link", name="Download the codes as a text file")
    assert download.get_attribute("download") == "isp-manager-recovery-codes.txt"
    assert codes[0] in download.get_attribute("href")
    check_a11y(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved my recovery codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Eira Vaughan")
    _sign_out(page)

    # with a code from the app: a wrong one first
    _password_step(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check_a11y(page, "sign-in-code")
    right = fresh_totp_code(email, secret)
    page.get_by_label(CODE_LABEL).fill(_wrong_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    check_a11y(page, "sign-in-code-wrong")
    page.get_by_label(CODE_LABEL).fill(right)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Eira Vaughan")
    _sign_out(page)

    # the same code again is refused as replayed
    _password_step(page, email)
    page.get_by_label(CODE_LABEL).fill(right)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already been used")

    # with a recovery code instead
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    check_a11y(page, "sign-in-recovery-code")
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You have 9 left")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Eira Vaughan")
    page.goto("/account")
    expect(page.get_by_text("You have 9 recovery codes left.")).to_be_visible()
    check_a11y(page, "my-account-two-factor")
    _sign_out(page)

    # that recovery code works only once
    _password_step(page, email)
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "This recovery code has already been used"
    )
    check_a11y(page, "sign-in-recovery-code-used")


def test_ig_lead_resets_a_colleagues_two_factor(page, sign_in, make_live_user, check_a11y):
    lead = make_live_user("la-conwy", "ig_lead", name="Owain Lloyd")
    colleague = make_live_user("la-conwy", "practitioner", name="Siân Rees", two_factor=True)
    sign_in(page, lead)
    page.goto("/account")
    page.get_by_role("link", name="Two-factor authentication of your organisation's users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Two-factor authentication of your organisation's users"
    )
    row = page.get_by_role("row").filter(has_text="Siân Rees")
    expect(row).to_contain_text("On")
    check_a11y(page, "organisation-two-factor")
    row.get_by_role("button", name="Reset two-factor authentication of Siân Rees").click()
    expect(
        page.get_by_text("Two-factor authentication has been reset for Siân Rees")
    ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Siân Rees")).to_contain_text("Off")
    own = page.get_by_role("row").filter(has_text="Owain Lloyd")
    expect(own.get_by_role("button")).to_have_count(0)  # not their own
    check_a11y(page, "organisation-two-factor-reset")
    _sign_out(page)

    # the colleague (for whom it is optional) now signs in with the password alone
    _password_step(page, colleague)
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Siân Rees")
