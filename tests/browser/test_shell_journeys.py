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


# WCAG 1.4.12: with these overrides nothing may be lost (the largest spacing a user may set).
# Set through the CSS object model, which the Content-Security-Policy allows.
TEXT_SPACING = """() => {
  for (const el of document.querySelectorAll('*')) {
    el.style.setProperty('line-height', '1.5', 'important');
    el.style.setProperty('letter-spacing', '0.12em', 'important');
    el.style.setProperty('word-spacing', '0.16em', 'important');
    if (el.tagName === 'P') el.style.setProperty('margin-bottom', '2em', 'important');
  }
}"""


def test_the_header_keeps_every_link_on_screen_with_wide_text_spacing(
    page, make_live_user, sign_in, check_a11y
):
    email = make_live_user("la-cardiff", "practitioner", name="Angharad Llewellyn-Pritchard")
    sign_in(page, email)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/?lang=cy")
        page.evaluate(TEXT_SPACING)
        for name in ("English", "Allgofnodi"):
            box = (
                page.get_by_role("banner")
                .get_by_role("link", name=name)
                .or_(page.get_by_role("banner").get_by_role("button", name=name))
                .bounding_box()
            )
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                f"{name} is off-screen at {width} px: {box}"
            )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The service menu's label is on the navigation itself.
    expect(page.get_by_role("navigation", name="Dewislen y gwasanaeth")).to_be_attached()
    check_a11y(page, "header-text-spacing-cy-320")
