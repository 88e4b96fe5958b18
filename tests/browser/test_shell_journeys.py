"""The pages everyone sees before signing in, in English and in Welsh."""

from playwright.sync_api import expect


def test_public_pages_are_accessible_in_both_languages(page, check_a11y):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Share information lawfully")
    check_a11y(page, "start")
    for link in ("Accessibility statement", "Privacy notice", "Cookies"):
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_a11y(page, link.lower().replace(" ", "-"))
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    check_a11y(page, "cookies-cy")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
