"""The organisations register in a real browser: browse, search, filter, a council's relevant
partners and a police force's councils, in English and Welsh; an admin adds a youth
offending team; a council's IG lead records an agreement with another council."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def results(page):
    return page.locator("#results-count")


def test_browse_search_and_filter_the_register(page, check_a11y):
    page.goto("/organisations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(results(page)).to_contain_text("Showing 1 to 25 of 78 organisations")
    check_a11y(page, "register-list")

    page.get_by_role("link", name="Next").click()
    expect(results(page)).to_contain_text("Showing 26 to 50 of 78 organisations")

    # Welsh name, typed without the circumflex
    page.get_by_label("Name").fill("gar")
    page.get_by_role("button", name="Search").click()
    expect(results(page)).to_contain_text("1 organisation matches “gar”")
    expect(page.get_by_role("link", name="Carmarthenshire County Council")).to_be_visible()
    expect(page.get_by_text("Cyngor Sir Gâr")).to_be_visible()
    check_a11y(page, "register-search-welsh")

    # English name
    page.get_by_label("Name").fill("Swansea")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Swansea Council")).to_be_visible()
    expect(page.get_by_role("link", name="Swansea Bay University Health Board")).to_be_visible()

    # A search full of HTML and SQL is shown back as text
    page.get_by_label("Name").fill("<b>x</b>' OR 1=1 --")
    page.get_by_role("button", name="Search").click()
    expect(results(page)).to_have_text(re.compile(r"No organisations match “<b>x</b>' OR 1=1 --”"))

    # Filter by kind
    page.get_by_label("Name").fill("")
    page.get_by_label("Kind of organisation", exact=True).select_option(label="Local Health Board")
    page.get_by_role("button", name="Search").click()
    expect(results(page)).to_contain_text("Showing 1 to 7 of 7 organisations")
    expect(page.get_by_role("link", name="Betsi Cadwaladr University Health Board")).to_be_visible()
    expect(page.get_by_role("link", name="Cardiff Council")).to_have_count(0)
    check_a11y(page, "register-filter-kind")

    # ... and by area as well
    page.get_by_label("Council area").select_option(label="Powys County Council")
    page.get_by_role("button", name="Search").click()
    expect(results(page)).to_contain_text("Showing 1 to 1 of 1 organisations")
    expect(page.get_by_role("link", name="Powys Teaching Health Board")).to_be_visible()


def test_council_partners_and_police_councils_in_both_languages(page, check_a11y):
    page.goto("/organisations?q=cardiff")
    page.get_by_role("link", name="Cardiff Council", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cardiff Council")
    partners = page.locator("#relevant-partners-table")
    expect(partners).to_contain_text(
        "South Wales Police (Chief Constable): police area includes Cardiff (s.162(4)(a))"
    )
    expect(partners).to_contain_text(
        "Welsh Ambulance Services University NHS Trust: provides services in Cardiff (s.162(4)(f))"
    )
    expect(partners).not_to_contain_text("North Wales Police")
    check_a11y(page, "council-detail")

    partners.get_by_role("link", name="South Wales Police (Chief Constable)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "South Wales Police (Chief Constable)"
    )
    councils = page.locator("#partner-of-table")
    for area in ("Bridgend", "Cardiff", "Swansea", "Vale of Glamorgan"):
        expect(councils).to_contain_text(f"police area includes {area} (s.162(4)(a))")
    expect(councils.get_by_role("row")).to_have_count(8)  # header and seven councils
    check_a11y(page, "police-detail")

    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Heddlu De Cymru")
    expect(page.locator("#partner-of-table")).to_contain_text(
        "Heddlu De Cymru: mae ardal yr heddlu yn cynnwys Caerdydd (a.162(4)(a))"
    )
    check_a11y(page, "police-detail-cy")
    page.goto("/organisations")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    check_a11y(page, "register-list-cy")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_admin_adds_a_youth_offending_team(page, check_a11y, sign_in, make_live_user):
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/organisations")
    page.get_by_role("button", name="Add an organisation").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an organisation")
    check_a11y(page, "organisation-add")

    # Nothing filled in: the error summary names each field
    page.get_by_role("button", name="Add organisation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a code for the organisation")
    expect(summary).to_contain_text("Enter the organisation's name")
    expect(summary).to_contain_text("Select the kind of organisation")
    expect(summary).to_contain_text("Select the nation the organisation is in")
    check_a11y(page, "organisation-add-errors")

    page.get_by_label("Code").fill("yot-cardiff-west")
    page.get_by_label("Name", exact=True).fill("Cardiff West Youth Justice Service")
    page.get_by_label("Welsh name (optional)").fill(
        "Gwasanaeth Cyfiawnder Ieuenctid Gorllewin Caerdydd"
    )
    page.get_by_label("Kind of organisation", exact=True).select_option(
        label="Youth offending team"
    )
    page.get_by_label("Nation", exact=True).select_option(label="Wales")
    page.get_by_label("Section 28 category (optional)").select_option("s28-i")
    page.get_by_label("Cardiff Council").check()
    page.get_by_label("ICO registration number (optional)").fill("ZA123456")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Designated person for the WASPI Accord (optional)").fill("Alex Morgan")
    page.get_by_label("Who signed the Declaration of Acceptance and Participation (optional)").fill(
        "Rhian Price"
    )
    page.get_by_label("Their role (optional)").fill("Head of Youth Justice")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Cardiff West Youth Justice Service has been added to the register."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Cardiff West Youth Justice Service")
    expect(
        page.get_by_text(
            "Children Act 2004, s.28(1)(g): A youth offending team for an area in Wales"
        )
    ).to_be_visible()
    expect(page.get_by_text("Signed 1 April 2024")).to_be_visible()
    expect(page.get_by_text("Rhian Price, Head of Youth Justice")).to_be_visible()
    expect(
        page.get_by_text("under s.164(2)(c) by the councils of its area: Cardiff Council")
    ).to_be_visible()
    check_a11y(page, "organisation-added")

    page.goto("/organisations?q=cyfiawnder")
    expect(page.get_by_role("link", name="Cardiff West Youth Justice Service")).to_be_visible()

    page.goto("/organisations/yot-cardiff-west")
    page.get_by_role("button", name="Change details").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value(
        "Cardiff West Youth Justice Service"
    )
    check_a11y(page, "organisation-edit")


def test_ig_lead_records_an_agreement_with_another_council(
    page, check_a11y, sign_in, make_live_user
):
    sign_in(page, make_live_user("la-newport", "ig_lead"))
    page.goto("/organisations/la-newport")
    expect(page.get_by_role("heading", name="Record an agreement")).to_be_visible()
    page.get_by_label("Other council").select_option(label="Monmouthshire County Council")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Notes (optional)").fill("Joint emergency duty team")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The agreement with Monmouthshire County Council has been recorded."
    )
    expect(page.locator("#relevant-partners-table")).to_contain_text(
        "Monmouthshire County Council: co-operation agreed on 3 February 2025 (s.162(4)(b))"
    )
    check_a11y(page, "council-agreement-recorded")

    page.goto("/organisations/la-monmouthshire")
    expect(page.locator("#relevant-partners-table")).to_contain_text(
        "Newport City Council: co-operation agreed on 3 February 2025 (s.162(4)(b))"
    )
    expect(page.get_by_role("heading", name="Record an agreement")).to_have_count(0)

    page.goto("/organisations/la-newport")
    page.get_by_role("link", name=re.compile("End the agreement with Monmouthshire")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "End the agreement with Monmouthshire County Council"
    )
    check_a11y(page, "agreement-end")
    page.get_by_role("button", name="End agreement").click()
    expect(page.locator("#relevant-partners-table")).not_to_contain_text("Monmouthshire")
    expect(page.get_by_text(re.compile("Ended on"))).to_be_visible()


def test_law_catalogue_in_both_languages_with_verify_marks_for_admins(
    page, check_a11y, sign_in, make_live_user
):
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="The law catalogue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The law catalogue")
    row = page.locator("#provision-relevant_partner-rp-ga")
    expect(row).to_contain_text("SSWBA 2014, s.162(4)(ga)")
    expect(row).to_contain_text("Y Comisiwn Addysg Drydyddol ac Ymchwil")
    expect(row.locator(".govuk-tag")).to_have_text("Verify")
    expect(page.locator("#provision-relevant_partner-rp-a .govuk-tag")).to_have_count(0)
    expect(page.locator("#verify-explanation")).to_be_visible()
    check_a11y(page, "law-catalogue")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Y catalog cyfraith")
    check_a11y(page, "law-catalogue-cy")


def test_practitioner_reads_the_law_catalogue_without_verify_marks(page, sign_in, make_live_user):
    sign_in(page, make_live_user("la-cardiff", "practitioner"))
    page.goto("/law")
    expect(page.locator("#provision-s164_who-s164-2-c")).to_contain_text("s.164(2)(c)")
    expect(page.locator("main .govuk-tag")).to_have_count(0)
