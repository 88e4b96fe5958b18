"""Importing an existing ISP from Word in a real browser: a refused file, then a document in
another layout; the review page shows what was matched and not; a partner is confirmed, one
changed and one left out; the draft is created. axe-core runs on each page; each is screenshotted."""

from __future__ import annotations

import io

import docx
from playwright.sync_api import Page, expect


def _document(path) -> None:
    doc = docx.Document()
    doc.add_paragraph("Adults at risk in Gwent", style="Title")
    doc.add_paragraph(
        "Section 1 – Introduction to this Information Sharing Protocol", style="Heading 1"
    )
    doc.add_paragraph("Partners work together to protect adults at risk.")
    doc.add_paragraph("Adult protection enquiries", style="List Bullet")
    doc.add_paragraph("2. The information sharing partner organisations", style="Heading 1")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Organisation"
    table.rows[0].cells[1].text = "Contact"
    for name in ("Cardiff and Vale UHB", "Vale of Glamorgan Council", "Gwent Widgets Ltd"):
        table.add_row().cells[0].text = name
    doc.add_paragraph("9) Funding arrangements", style="Heading 1")
    doc.add_paragraph("Each partner meets its own costs.")
    doc.add_paragraph("8 — Review", style="Heading 1")
    doc.add_paragraph("To be reviewed by 1 April 2028.")
    doc.add_paragraph("Appendix B: Information reference table", style="Heading 1")
    flows = doc.add_table(rows=2, cols=3)
    for cell, text in zip(flows.rows[0].cells, ("What is shared", "From", "Why"), strict=True):
        cell.text = text
    for cell, text in zip(
        flows.rows[1].cells, ("Adult protection referral", "Gwent Police", "Safety"), strict=True
    ):
        cell.text = text
    out = io.BytesIO()
    doc.save(out)
    path.write_bytes(out.getvalue())


def test_import_an_isp_from_word(page: Page, sign_in, make_live_user, check_a11y, tmp_path):
    lead = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Ceri Importer")
    sign_in(page, lead)
    page.get_by_role("link", name="Agreements").first.click()
    page.get_by_role("button", name="Import from Word").click()
    check_a11y(page, "protocols-import-upload")

    pdf = tmp_path / "agreement.docx"
    pdf.write_bytes(b"%PDF-1.7 not a Word document")
    page.get_by_label("Information Sharing Protocol").check()
    page.get_by_label("The agreement as a Word document (.docx)").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a Word document")
    check_a11y(page, "protocols-import-upload-errors")

    document = tmp_path / "gwent.docx"
    _document(document)
    page.get_by_label("Information Sharing Protocol").check()
    page.get_by_label("The agreement as a Word document (.docx)").set_input_files(str(document))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the imported agreement")
    expect(page.get_by_label("Title")).to_have_value("Adults at risk in Gwent")
    expect(page.locator("main")).to_contain_text("Not on the register")
    expect(page.locator("main")).to_contain_text("9) Funding arrangements")
    expect(page.locator("main")).to_contain_text("Each partner meets its own costs.")
    flows = page.locator(".govuk-summary-list__row", has_text="Information flows")
    expect(flows).to_contain_text("Adult protection referral")
    check_a11y(page, "protocols-import-review")

    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    check_a11y(page, "protocols-import-review-errors")

    page.get_by_label("Title").fill("Adults at risk in Gwent")
    vale = page.get_by_label("Organisation on the register for Vale of Glamorgan Council")
    expect(vale).to_have_value("la-vale-of-glamorgan")  # confirmed as matched
    page.get_by_label("Organisation on the register for Gwent Widgets Ltd").select_option(
        "la-cardiff"
    )
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("gwent.docx")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adults at risk in Gwent")
    check_a11y(page, "protocols-import-created")
