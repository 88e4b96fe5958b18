"""Joint Controller Agreements and controller-processor agreements in a real browser: an IG lead
drafts each from its template, sees the QA check of a legal term left empty, exports it to Word
in English and Welsh and submits it to a regional QA group; a QA group member reviewing an
agreement sees the advisory flag on a partner that has not signed the WASPI Accord, in English
and Welsh, and approves it all the same. axe-core runs on every page visited; each new page
state is screenshotted (/tmp/kinds-*.png)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp")


def _shot(page: Page, check_a11y, name: str) -> None:
    check_a11y(page, f"kinds-{name}")
    page.screenshot(path=str(SHOTS / f"kinds-{name}.png"), full_page=True)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _seed(live_instance: Path, *args: str) -> dict:
    result = subprocess.run(  # noqa: S603  (our own script, our arguments)
        [sys.executable, str(ROOT / "tests" / "browser" / "seed_agreement.py"), str(live_instance),
         *args],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _add_to_group(page: Page, sign_in, make_live_user, group: str, email: str) -> None:
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/qa-groups")
    page.get_by_role("link", name=group).click()
    page.get_by_label("E-mail address of the person to add").fill(email)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    _sign_out(page)


# ---------------------------------------------------------------- QA: the WASPI Accord flag

ACCORD_LEAD = "la-bridgend"
ACCORD_PARTNERS = {"lhb-cwm-taf-morgannwg": True, "la-merthyr-tydfil": False}  # signed?
ACCORD_TITLE = "Bridgend and Merthyr integrated family support: joint controllers"


def test_a_qa_member_sees_the_accord_flag_and_still_approves(
    page: Page, sign_in, make_live_user, check_a11y, live_instance
):
    author = make_live_user(ACCORD_LEAD, "ig_lead", name="Bethan Author")
    reviewer = make_live_user("la-caerphilly", "ig_lead", name="Rhodri Reviewer")
    signed = [ACCORD_LEAD] + [code for code, ok in ACCORD_PARTNERS.items() if ok]
    agreement = _seed(
        live_instance, "jca", ACCORD_TITLE, ACCORD_LEAD, *ACCORD_PARTNERS, "--author", author,
        "--submitted", "--qa-group", "waspi-south-east",
        *[arg for code in signed for arg in ("--accord", code)],
    )  # fmt: skip
    _add_to_group(page, sign_in, make_live_user, "WASPI South East QA Group", reviewer)

    sign_in(page, reviewer)
    page.goto("/")
    page.get_by_role("link", name="1 agreement is waiting for quality assurance").click()
    expect(page.locator("table")).to_contain_text(agreement["reference"])
    page.get_by_role("link", name=f"{agreement['reference']} V1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality assurance review")
    expect(page.locator("main")).to_contain_text("Joint Controller Agreement")
    flag = page.locator(".app-checklist__item").filter(has_text="WASPI Accord")
    expect(flag).to_contain_text("Flag")
    expect(flag).to_contain_text(
        "Not signed the WASPI Accord (register): Merthyr Tydfil County Borough Council"
    )
    expect(flag).not_to_contain_text("Bridgend")
    expect(flag).not_to_contain_text("Cwm Taf")
    expect(page.locator(".app-checklist__item").filter(has_text="To fix")).to_have_count(0)
    _shot(page, check_a11y, "qa-accord-flag")

    page.goto(page.url + "?lang=cy")
    flag = page.locator(".app-checklist__item").filter(has_text="WASPI")
    expect(flag).to_contain_text("Baner")
    expect(flag).to_contain_text(
        "Heb lofnodi Cytundeb WASPI (y gofrestr): Cyngor Bwrdeistref Sirol Merthyr Tudful"
    )
    expect(page.locator("main")).to_contain_text("Cytundeb Cyd-reolyddion")
    _shot(page, check_a11y, "qa-accord-flag-cy")
    page.goto(page.url.replace("?lang=cy", "?lang=en"))

    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("is QA approved")).to_be_visible()
    expect(page.locator(".govuk-tag").filter(has_text="Approved for signature")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("WASPI South East QA Group")
    _shot(page, check_a11y, "qa-accord-approved")


# ---------------------------------------------------------------- drafting a DPA and a JCA


def _save_complete(page: Page) -> None:
    # The success banner of the last save takes the focus once the page's script has run,
    # which scrolls the page: wait for it before clicking.
    page.wait_for_load_state("load")
    page.get_by_label("Yes, I’ve completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def _open_section(page: Page, task_list: str, name: str) -> None:
    page.goto(task_list)
    page.locator(".govuk-task-list").get_by_role("link", name=re.compile(re.escape(name))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def _start(page: Page, check_a11y, kind_label: str, title: str, shot: str) -> str:
    page.get_by_role("link", name="Agreements").first.click()
    page.get_by_role("button", name="Start an agreement").click()
    page.get_by_label(kind_label).check()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Start drafting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).to_contain_text(kind_label)
    _shot(page, check_a11y, shot)
    return page.url


# What each kind calls its parties on its pages (protocols/party_words.py).
WORDS = {
    "jca": {
        "add_label": "Add a joint controller from the register",
        "add": "Add joint controller",
        "save": "Save joint controller",
        "provides": "Which joint controller provides it?",
        "receive": "Which joint controllers receive it?",
    },
    "dpa": {
        "add_label": "Add a processor from the register",
        "add": "Add processor",
        "save": "Save details",
        "provides": "Who provides it: the controller or a processor?",
        "receive": "Who receives it?",
    },
}


def _add_parties(
    page: Page, task_list: str, section: str, parties: dict[str, str], words: dict
) -> None:
    _open_section(page, task_list, section)
    expect(page.locator("main")).not_to_contain_text("partner")
    for code, name in parties.items():
        page.get_by_label(words["add_label"]).select_option(label=name)
        page.get_by_role("button", name=words["add"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        _party_details(page, code, words)
    for name in parties.values():
        expect(page.locator("[id^=partner-]").filter(has_text=name)).to_be_visible()


def _party_details(page: Page, code: str, words: dict) -> None:
    page.get_by_label("Departments or teams").fill("Information governance")
    page.get_by_label("Owner or point of contact: name").fill(f"Contact at {code}")
    page.get_by_label("Owner or point of contact: e-mail address").fill(f"ig@{code}.example")
    page.get_by_label("Signatory without an account: name").fill(f"Signatory at {code}")
    page.get_by_label("Signatory: role").fill("Director of Social Services")
    page.get_by_role("button", name=words["save"]).click()


def _lead_details(page: Page, lead_name: str, code: str, words: dict) -> None:
    page.get_by_role("button", name=f"Change {lead_name}").click()
    _party_details(page, code, words)


def _review_date(page: Page) -> None:
    review = date.today() + timedelta(days=300)
    page.get_by_label("Day").fill(str(review.day))
    page.get_by_label("Month").fill(str(review.month))
    page.get_by_label("Year").fill(str(review.year))


def _word_text(page: Page, language: str | None = None) -> str:
    """The text of the Word download the page links to (in `language`, else the reader's)."""
    href = page.get_by_role("link", name=re.compile("Word")).first.get_attribute("href")
    if language:
        href += ("&" if "?" in href else "?") + f"language={language}"
    response = page.request.get(href)
    assert response.status == 200, response.text()[:300]
    doc = Document(io.BytesIO(response.body()))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells + [doc.core_properties.subject])


DPA_LEAD = ("la-wrexham", "Wrexham County Borough Council")
DPA_PROCESSOR = {"la-flintshire": "Flintshire County Council"}
DPA_TITLE = "North East Wales emergency duty team case records: hosting by Flintshire"


def test_an_ig_lead_drafts_a_controller_processor_agreement_exports_and_submits_it(
    page: Page, sign_in, make_live_user, check_a11y
):
    lead_code, lead_name = DPA_LEAD
    sign_in(page, make_live_user(lead_code, "ig_lead", name="Gwen Controller"))
    task_list = _start(page, check_a11y, "Controller-processor agreement", DPA_TITLE, "dpa-new")

    _add_parties(page, task_list, "Appendix A: Parties", DPA_PROCESSOR, WORDS["dpa"])
    expect(page.locator("[id^=partner-]").filter(has_text=lead_name)).to_contain_text("Controller")
    expect(page.locator("[id^=partner-]").filter(has_text="Flintshire")).to_contain_text(
        "Processor"
    )
    _lead_details(page, lead_name, lead_code, WORDS["dpa"])
    _shot(page, check_a11y, "dpa-parties")
    _save_complete(page)

    _open_section(page, task_list, "1. About this agreement")
    expect(page.get_by_label("What this agreement covers")).to_contain_text("Article 28(3)")
    _save_complete(page)  # the suggested wording is filled in

    _open_section(page, task_list, "2. The processing")
    page.get_by_label("Subject matter of the processing").fill(
        "Flintshire hosts the case records of Wrexham's out-of-hours social work service."
    )
    page.get_by_label("Duration of the processing").fill("From 1 April 2026 to 31 March 2029.")
    page.get_by_label("Nature and purpose of the processing").fill(
        "Storing and retrieving case records so that the duty team can respond out of hours."
    )
    _shot(page, check_a11y, "dpa-processing")
    _save_complete(page)

    _open_section(page, task_list, "3. Personal data and data subjects")
    page.get_by_label("Categories of data subjects").fill("Children and adults at risk\nCarers")
    page.get_by_role("button", name="Add a data item").click()
    page.get_by_label("Category of information").fill("Case notes of the out-of-hours service")
    page.get_by_label(WORDS["dpa"]["provides"]).select_option(label=lead_name)
    page.get_by_role("group", name=WORDS["dpa"]["receive"]).get_by_label(
        "Flintshire County Council"
    ).check()
    page.get_by_label(re.compile(r"Art. 6\(1\)\(e\)")).check()
    _shot(page, check_a11y, "dpa-data-item")
    page.get_by_role("button", name="Save data item").click()
    expect(page.locator("[id^=data-item-]")).to_contain_text("Case notes")
    _save_complete(page)

    _open_section(page, task_list, "4. The controller's obligations and rights")
    _save_complete(page)

    # the processor's obligations: the audit term is left empty for now
    _open_section(page, task_list, "5. The processor's obligations")
    page.get_by_label("Security of processing (Article 32)").fill(
        "Cyber Essentials Plus; encrypted at rest and in transit; access by named staff only."
    )
    page.get_by_label("Assisting with data subjects' rights").fill(
        "Flintshire passes any request to Wrexham within two working days."
    )
    page.get_by_label("Assisting with Articles 32 to 36").fill(
        "Flintshire reports a breach to Wrexham within 24 hours and helps with impact assessments."
    )
    _shot(page, check_a11y, "dpa-processor")
    page.get_by_label("No, I’ll come back to it later").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    _open_section(page, task_list, "6. Review")
    _review_date(page)
    _save_complete(page)

    _open_section(page, task_list, "Appendix B: Processing schedule")
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("What information is shared").fill("Case notes")
    page.get_by_label("Shared by").select_option(label=lead_name)
    page.get_by_label("Shared with").select_option(label="Flintshire County Council")
    page.get_by_label("How it is shared").fill("The hosted case system")
    page.get_by_label("Why it is shared").fill("Out-of-hours social work")
    page.get_by_role("button", name="Save row").click()
    expect(page.locator("[id^=flow-]")).to_contain_text("Case notes")
    _save_complete(page)

    page.goto(task_list)
    missing = page.locator(".app-checklist__item").filter(has_text="Article 28(3)(h) UK GDPR")
    expect(missing).to_contain_text("To fix")
    expect(missing).to_contain_text(
        "fill in “Information and audits, including inspections” in 5. The processor's obligations"
    )
    expect(page.locator(".app-checklist__item").filter(has_text="To fix")).to_have_count(2)
    _shot(page, check_a11y, "dpa-term-missing")
    missing.get_by_role("link").click()
    page.get_by_label("Information and audits, including inspections").fill(
        "Flintshire gives Wrexham what it needs to show compliance and allows audits on notice."
    )
    _save_complete(page)
    page.goto(task_list)
    expect(page.locator("#qa-checklist + p")).to_have_text("Every check passes.")
    _shot(page, check_a11y, "dpa-complete")

    english = _word_text(page, "en")
    assert DPA_TITLE in english and "Controller-processor agreement" in english
    assert "Article 28(3)(h) UK GDPR" not in english or "audits" in english
    assert "Flintshire gives Wrexham what it needs" in english
    welsh = _word_text(page, "cy")
    assert "Cytundeb rheolydd-prosesydd" in welsh and "Controller-processor agreement" not in welsh

    page.get_by_label("QA group").select_option(label="WASPI North QA Group")
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.get_by_text("has been submitted to WASPI North QA Group")).to_be_visible()
    _shot(page, check_a11y, "dpa-submitted")
    page.goto(task_list + "?lang=cy")
    expect(page.locator("main")).to_contain_text("Cytundeb rheolydd-prosesydd")
    expect(page.locator("main")).to_contain_text("Grŵp SA WASPI y Gogledd")
    _shot(page, check_a11y, "dpa-submitted-cy")
    page.goto(task_list + "?lang=en")


JCA_LEAD = ("la-conwy", "Conwy County Borough Council")
JCA_PARTNERS = {
    "la-denbighshire": "Denbighshire County Council",
    "lhb-betsi-cadwaladr": "Betsi Cadwaladr University Health Board",
}
JCA_TITLE = "Conwy and Denbighshire integrated autism service: joint controllers"


def test_an_ig_lead_drafts_a_joint_controller_agreement_exports_and_submits_it(
    page: Page, sign_in, make_live_user, check_a11y
):
    lead_code, lead_name = JCA_LEAD
    sign_in(page, make_live_user(lead_code, "ig_lead", name="Ifan Lead"))
    task_list = _start(page, check_a11y, "Joint Controller Agreement", JCA_TITLE, "jca-new")

    _add_parties(page, task_list, "Appendix A: Joint controllers", JCA_PARTNERS, WORDS["jca"])
    for name in JCA_PARTNERS.values():
        expect(page.locator("[id^=partner-]").filter(has_text=name)).to_contain_text(
            "Joint controller"
        )
    _lead_details(page, lead_name, lead_code, WORDS["jca"])
    _shot(page, check_a11y, "jca-parties")
    _save_complete(page)

    _open_section(page, task_list, "1. About this agreement")
    _save_complete(page)
    _open_section(page, task_list, "2. Purpose of the joint processing")
    page.get_by_label("The purpose of the joint processing").fill(
        "One integrated autism service for children and adults in Conwy and Denbighshire."
    )
    page.get_by_label("Specific purposes").fill("Assessment and diagnosis\nSupport after diagnosis")
    _save_complete(page)

    # the respective responsibilities, party by party: the health board is forgotten at first
    _open_section(page, task_list, "3. Roles and relationships")
    page.get_by_label("Each joint controller's role and relationship with the data subjects").fill(
        "Conwy County Borough Council hosts the service and employs its social workers. "
        "Denbighshire County Council refers adults and children. "
        "Betsi Cadwaladr University Health Board provides the clinicians who diagnose."
    )
    page.get_by_label("Each joint controller's responsibilities for compliance").fill(
        "Conwy County Borough Council keeps the shared case record accurate and secure. "
        "Denbighshire County Council checks what it refers."
    )
    _shot(page, check_a11y, "jca-roles")
    _save_complete(page)

    _open_section(page, task_list, "4. Lawful basis")
    page.get_by_label(re.compile("Duty to safeguard and promote the welfare of children")).check()
    _save_complete(page)

    _open_section(page, task_list, "5. Personal information processed")
    page.get_by_label("Categories of data subjects").fill("People referred to the service")
    page.get_by_role("button", name="Add a data item").click()
    page.get_by_label("Category of information").fill("Referral and assessment record")
    page.get_by_label(WORDS["jca"]["provides"]).select_option(label=lead_name)
    for name in JCA_PARTNERS.values():
        page.get_by_role("group", name=WORDS["jca"]["receive"]).get_by_label(name).check()
    page.get_by_label(re.compile(r"Art. 6\(1\)\(e\)")).check()
    page.get_by_role("button", name="Save data item").click()
    expect(page.locator("[id^=data-item-]")).to_contain_text("Referral and assessment")
    _save_complete(page)

    _open_section(page, task_list, "6. Data subjects' rights and information")
    page.get_by_label("Who provides the information under Articles 13 and 14, and how").fill(
        "Conwy County Borough Council gives the privacy notice at referral, for all three."
    )
    for right in ("15: right of access", "16: right to rectification", "17: right to erasure",
                  "18: right to restriction of processing", "20: right to data portability",
                  "21: right to object"):  # fmt: skip
        page.get_by_label(f"Who answers requests under Article {right}").fill(
            "Conwy County Borough Council answers; the others send what they hold in five days."
        )
    _shot(page, check_a11y, "jca-rights")
    _save_complete(page)

    _open_section(page, task_list, "7. Contact point for data subjects")
    page.get_by_label("The contact point for data subjects").fill(
        "The Data Protection Officer of Conwy County Borough Council, dpo@conwy.example."
    )
    expect(page.get_by_label("Rights against each controller")).to_contain_text(
        "against each of the joint controllers"
    )
    _shot(page, check_a11y, "jca-contact")
    _save_complete(page)

    # the essence for data subjects: where it is published is written, the summary not yet
    _open_section(page, task_list, "8. The essence of the arrangement")
    page.get_by_label("Where and how it is made available").fill(
        "On each party's website and in the service's leaflet."
    )
    page.get_by_label("No, I’ll come back to it later").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    _open_section(page, task_list, "9. Information security and breaches")
    page.get_by_label("Security measures").fill("Each party's accredited systems; secure e-mail.")
    page.get_by_label("Who notifies a personal data breach").fill(
        "Conwy County Borough Council notifies the Commissioner and the people affected."
    )
    _save_complete(page)

    _open_section(page, task_list, "10. Review")
    _review_date(page)
    page.get_by_label("Review arrangements").fill("Conwy arranges the review with the others.")
    _save_complete(page)

    _open_section(page, task_list, "Appendix B: Information reference table")
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("What information is shared").fill("Referral and assessment record")
    page.get_by_label("Shared by").select_option(label=lead_name)
    page.get_by_label("Shared with").select_option(label="Betsi Cadwaladr University Health Board")
    page.get_by_label("How it is shared").fill("The shared case system")
    page.get_by_label("Why it is shared").fill("Diagnosis")
    page.get_by_role("button", name="Save row").click()
    _save_complete(page)

    page.goto(task_list)
    checks = page.locator(".app-checklist__item")
    essence = checks.filter(has_text="Article 26(2) UK GDPR: the essence")
    expect(essence).to_contain_text("To fix")
    expect(essence).to_contain_text(
        "fill in “Summary made available to data subjects” in 8. The essence of the arrangement"
    )
    unnamed = checks.filter(has_text="responsibilities for compliance” in 3.")
    expect(unnamed).to_contain_text("To fix")
    expect(unnamed).to_contain_text("Betsi Cadwaladr University Health Board not named")
    _shot(page, check_a11y, "jca-terms-missing")
    page.goto(task_list + "?lang=cy")
    essence_cy = checks.filter(has_text="Erthygl 26(2) GDPR y DU: mae hanfod")
    expect(essence_cy).to_contain_text("I'w gywiro")
    expect(essence_cy).to_contain_text("Crynodeb")
    _shot(page, check_a11y, "jca-terms-missing-cy")
    page.goto(task_list + "?lang=en")

    essence.get_by_role("link").click()
    page.get_by_label("Summary made available to data subjects").fill(
        "The three bodies run the autism service together and decide together how your "
        "information is used. Ask Conwy County Borough Council about it."
    )
    _save_complete(page)
    _open_section(page, task_list, "3. Roles and relationships")
    page.get_by_label("Each joint controller's responsibilities for compliance").fill(
        "Conwy County Borough Council keeps the shared case record accurate and secure. "
        "Denbighshire County Council checks what it refers. "
        "Betsi Cadwaladr University Health Board keeps its clinical records accurate."
    )
    _save_complete(page)
    page.goto(task_list)
    expect(page.locator("#qa-checklist + p")).to_have_text("Every check passes.")
    _shot(page, check_a11y, "jca-complete")

    english = _word_text(page, "en")
    assert JCA_TITLE in english and "Joint Controller Agreement" in english
    assert "Ask Conwy County Borough Council about it." in english
    welsh = _word_text(page, "cy")
    assert "Cytundeb Cyd-reolyddion" in welsh and "Joint Controller Agreement" not in welsh

    page.get_by_label("QA group").select_option(label="WASPI North QA Group")
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.get_by_text("has been submitted to WASPI North QA Group")).to_be_visible()
    _shot(page, check_a11y, "jca-submitted")


# ---------------------------------------------------------------- the register and the lists

IN_FORCE_DPA = "Monmouthshire case records hosted by Velindre: controller and processor"
IN_FORCE_JCA = "Powys integrated community resource teams: joint controllers"


def _download(page: Page, link_name) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_the_register_and_the_agreements_list_filter_by_the_new_kinds(
    page: Page, sign_in, make_live_user, check_a11y, live_instance
):
    import csv

    dpa = _seed(live_instance, "dpa", IN_FORCE_DPA, "la-monmouthshire", "nhs-velindre")
    jca = _seed(live_instance, "jca", IN_FORCE_JCA, "lhb-powys", "la-powys")

    page.goto("/register-of-agreements")
    table = page.locator("table.app-register-table")
    expect(table).to_contain_text(IN_FORCE_DPA)
    expect(table).to_contain_text(IN_FORCE_JCA)
    page.get_by_label("Kind of agreement").select_option(label="Controller-processor agreement")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Showing 1 to 1 of 1 agreements"))
    expect(table).to_contain_text(IN_FORCE_DPA)
    expect(table).to_contain_text(f"{dpa['reference']} · Controller-processor agreement")
    expect(table).to_contain_text("Storing case records for the controller.")  # its purpose
    expect(table).not_to_contain_text(IN_FORCE_JCA)
    _shot(page, check_a11y, "register-dpa")
    _name, data = _download(page, "Download these agreements as a spreadsheet (CSV)")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        (dpa["reference"], IN_FORCE_DPA, "Controller-processor agreement",
         "Storing case records for the controller.")
    ]  # fmt: skip

    page.goto("/register-of-agreements?kind=jca&lang=cy")
    expect(page.get_by_label("Math o gytundeb")).to_have_value("jca")
    expect(page.get_by_label("Math o gytundeb").locator("option:checked")).to_have_text(
        "Cytundeb Cyd-reolyddion"
    )
    expect(table).to_contain_text(f"{jca['reference']} · Cytundeb Cyd-reolyddion")
    expect(table).not_to_contain_text(IN_FORCE_DPA)
    expect(page.locator("main")).to_contain_text("Cytundebau Cyd-reolyddion a chytundebau")
    _shot(page, check_a11y, "register-jca-cy")
    page.goto("/register-of-agreements?lang=en")

    sign_in(page, make_live_user("lhb-powys", "ig_lead", name="Llinos Powys"))
    page.get_by_role("link", name="Agreements").first.click()
    expect(page.get_by_label("Kind").locator("option:checked")).to_have_text(
        "Any kind of agreement"
    )
    page.get_by_label("Kind").select_option(label="Joint Controller Agreement")
    page.get_by_role("button", name="Filter").click()
    rows_shown = page.locator("main table tbody tr")
    expect(rows_shown).to_have_count(1)
    expect(rows_shown).to_contain_text(IN_FORCE_JCA)
    expect(rows_shown).to_contain_text("Joint Controller Agreement")
    _shot(page, check_a11y, "agreements-jca")

    page.get_by_role("link", name=IN_FORCE_JCA).click()
    name, data = _download(page, re.compile("Word document"))
    assert name == f"{jca['reference']}-V1.docx"
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == [IN_FORCE_JCA]
    assert "Joint Controller Agreement" in [p.text for p in doc.paragraphs[:8]]
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cover["Status"] == "Active" and cover["Reference"] == jca["reference"]
    assert doc.core_properties.subject == "Joint Controller Agreement"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Appendix A: Joint controllers" in headings
