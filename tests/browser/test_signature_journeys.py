"""Signatures in a real browser: the lead's named signatory (a chief executive with an account,
not an IG lead) signs from their own account; Conwy's named officer has no account, so its IG
lead records the signature given on paper with a scan of the signed page; Appendix C then says
how each signed. axe-core runs on every page visited."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_protocol_journeys import _api_token, _draft_dda_by_api, _sign_out, _user_id

# Bodies the other journeys do not use, so that their lists are not changed.
LEAD = "lhb-betsi-cadwaladr"
COUNCIL = "la-conwy"
TITLE = "Disclosure of children's emergency attendances to Conwy"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_a_signatory_signs_from_their_account_and_a_paper_signature_is_recorded(
    page: Page, sign_in, make_live_user, check_a11y, live_server, live_cli, tmp_path
):
    author = make_live_user(LEAD, "ig_lead", name="Gwen Author")
    chief = make_live_user(LEAD, "practitioner", name="Jo Whitehead")
    council_ig = make_live_user(COUNCIL, "ig_lead", name="Huw Evans")
    tokens = {
        code: _api_token(live_cli, e) for code, e in ((LEAD, author), (LEAD + "-chief", chief))
    }
    signatories = {LEAD: _user_id(live_server, tokens[LEAD + "-chief"]), COUNCIL: None}
    pid = _draft_dda_by_api(
        live_server,
        tokens[LEAD],
        signatories,
        {COUNCIL: "Rhun ap Iorwerth"},
        lead=LEAD,
        partners=(COUNCIL,),
        title=TITLE,
    )
    version_url = f"/agreements/{pid}/versions/1"

    # the lead submits it; a member of the North Wales QA group from another body approves it
    sign_in(page, author)
    page.goto(version_url)
    page.get_by_label("QA group").select_option(label="WASPI North QA Group")
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.get_by_text("has been submitted to")).to_be_visible()
    _sign_out(page)
    reviewer = make_live_user("la-gwynedd", "ig_lead", name="Reviewer Gwynedd")
    sign_in(page, make_live_user(COUNCIL, "admin"))
    page.goto("/qa-groups")
    page.get_by_role("link", name="WASPI North QA Group").click()
    page.get_by_label("E-mail address of the person to add").fill(reviewer)
    page.get_by_role("button", name="Add to the group").click()
    _sign_out(page)
    sign_in(page, reviewer)
    page.goto(version_url)
    page.get_by_role("button", name="Review for quality assurance").click()
    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("is QA approved")).to_be_visible()
    _sign_out(page)

    # the council's IG lead may not sign for the chief executive, nor from their own account
    sign_in(page, council_ig)
    page.goto("/")
    expect(page.locator("body")).to_contain_text("record your signatory's paper signature")
    page.goto(version_url)
    expect(page.get_by_role("button", name="Sign for your organisation")).to_have_count(0)
    page.get_by_role("button", name="Record a signature given on paper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a signature given on paper")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rhun ap Iorwerth")
    check_a11y(page, "protocols-sign-on-paper")
    page.get_by_role("button", name="Record the signature").click()  # nothing given: errors
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date the signatory signed the page")
    expect(summary).to_contain_text("Confirm that the signatory signed it on paper")
    check_a11y(page, "protocols-sign-on-paper-errors")
    not_a_scan = tmp_path / "page.gif"
    not_a_scan.write_bytes(b"GIF89a not a scan")
    scan = tmp_path / "signed page.pdf"
    scan.write_bytes(PDF)
    from datetime import date

    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Scan of the signed page").set_input_files(str(not_a_scan))
    page.get_by_label(re.compile("I confirm that the signatory named")).check()
    page.get_by_role("button", name="Record the signature").click()
    expect(summary).to_contain_text("The scan must be a PDF, PNG or JPEG file")
    page.get_by_label("Scan of the signed page").set_input_files(str(scan))
    page.get_by_label(re.compile("I confirm that the signatory named")).check()
    page.get_by_role("button", name="Record the signature").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Signed")
    _sign_out(page)

    # the chief executive sees it on their to-do list and signs from their own account
    sign_in(page, chief)
    page.goto("/")
    expect(page.locator("body")).to_contain_text("1 agreement is waiting for your signature")
    page.goto(version_url)
    page.get_by_role("button", name="Sign for your organisation").click()
    expect(page.locator(".govuk-summary-list").last).to_contain_text("Jo Whitehead")
    check_a11y(page, "protocols-sign-from-account")
    page.get_by_label(re.compile("I confirm that I am authorised")).check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("is active")).to_be_visible()

    # Appendix C says how each partner signed; the scan downloads as a PDF
    page.locator(".govuk-task-list").get_by_role(
        "link", name=re.compile("Signatures|signatures")
    ).first.click()
    table = page.locator("table")
    expect(table).to_contain_text(
        re.compile(r"Signed by Jo Whitehead, Director, from their ISP Manager account on \d")
    )
    expect(table).to_contain_text(
        re.compile(
            r"Signed on paper by Rhun ap Iorwerth, Director, on \d+ \w+ \d{4}; recorded by "
            r"Huw Evans, Information governance lead, on \d+ \w+ \d{4} \(scan held\)"
        )
    )
    check_a11y(page, "protocols-section-signatures-both-ways")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the scan")).click()
    assert download.value.suggested_filename == "signed page.pdf"
    assert download.value.path().read_bytes() == PDF

    # the same in Welsh
    page.goto(page.url + "?lang=cy")
    expect(page.locator("table")).to_contain_text("o'u cyfrif ISP Manager")
    expect(page.locator("table")).to_contain_text("Llofnodwyd ar bapur gan Rhun ap Iorwerth")
    page.goto(page.url.split("?")[0] + "?lang=en")
