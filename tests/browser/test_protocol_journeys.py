"""Agreement journeys in a real browser: draft a three-partner ISP led by Cardiff and Vale UHB,
submit it to a regional QA group, QA-approve it as a member of the group, have each partner sign, and see it active.
axe-core runs on every page visited; each new page is screenshotted."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

PARTNERS = {
    "la-cardiff": "Cardiff Council",
    "la-vale-of-glamorgan": "Vale of Glamorgan Council",
    "police-south-wales": "South Wales Police (Chief Constable)",
}


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _save_complete(page: Page) -> None:
    page.get_by_label("Yes, I’ve completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def _open_section(page: Page, name: str) -> None:
    page.locator(".govuk-task-list").get_by_role("link", name=re.compile(name)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_three_partner_isp_from_draft_to_active(page: Page, sign_in, make_live_user, check_a11y):
    lead = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Ceri Lead")
    partner_leads = {
        code: make_live_user(code, "ig_lead", name=f"IG lead {name}")
        for code, name in PARTNERS.items()
    }

    sign_in(page, lead)
    page.get_by_role("link", name="Agreements").first.click()
    check_a11y(page, "protocols-index-empty")
    page.get_by_role("button", name="Start an agreement").click()
    check_a11y(page, "protocols-start")
    page.get_by_role("button", name="Start drafting").click()  # nothing chosen: errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of agreement")
    check_a11y(page, "protocols-start-errors")
    page.get_by_label("Information Sharing Protocol").check()
    page.get_by_label("Title").fill("Safeguarding children in Cardiff & the Vale — “Ymuno”")
    page.get_by_role("button", name="Start drafting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safeguarding children in Cardiff & the Vale — “Ymuno”"
    )
    expect(page.locator(".govuk-task-list")).to_contain_text("Not started")
    check_a11y(page, "protocols-task-list-new")
    task_list = page.url

    _open_section(page, "Introduction")
    check_a11y(page, "protocols-section-introduction")
    page.get_by_label("Specific purposes for sharing").fill(
        "Child protection enquiries\nMulti-agency risk assessment"
    )
    _save_complete(page)

    _open_section(page, "The information sharing partner organisations")
    check_a11y(page, "protocols-section-partners")
    relationship = page.get_by_label("Controller relationship")
    relationship.fill("Each partner is a separate controller.")
    for code, name in PARTNERS.items():
        page.get_by_label("Add a partner organisation from the register").select_option(label=name)
        page.get_by_role("button", name="Add partner").click()  # keeps what was typed above
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        if code == "la-cardiff":
            check_a11y(page, "protocols-partner")
        page.get_by_label("Departments or teams").fill("Safeguarding team")
        page.get_by_label("Owner or point of contact: name").fill(f"Contact at {name}")
        page.get_by_label("Owner or point of contact: e-mail address").fill(
            f"contact@{code}.example"
        )
        # each partner's IG lead is its signatory, and signs from their account
        page.get_by_label("Signatory with an account").select_option(label=f"IG lead {name}")
        page.get_by_label("Signatory: role").fill("Head of Information Governance")
        page.get_by_role("button", name="Save partner").click()
        expect(page.locator("[id^=partner-]").filter(has_text=name)).to_be_visible()
    # "Change" is a button of the section's form: what was typed is kept as a draft
    relationship.fill("Each partner is a separate controller of what it holds.")
    page.get_by_role("button", name="Change Cardiff and Vale University Health Board").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    page.get_by_label("Owner or point of contact: name").fill("Ceri Lead")
    page.get_by_label("Owner or point of contact: e-mail address").fill("ig@cav.example")
    page.get_by_label("Signatory with an account").select_option(label="Ceri Lead")
    page.get_by_label("Signatory: role").fill("Executive Medical Director")
    page.get_by_role("button", name="Save partner").click()
    expect(relationship).to_have_value("Each partner is a separate controller of what it holds.")
    check_a11y(page, "protocols-section-partners-filled")
    _save_complete(page)

    _open_section(page, "Specific organisational")
    _save_complete(page)  # the suggested wording is filled in

    _open_section(page, "Legislative and statutory powers")
    page.get_by_label(re.compile("Duty to safeguard and promote the welfare of children")).check()
    page.get_by_label(re.compile("Local authority's duty to investigate")).check()
    check_a11y(page, "protocols-section-legislation")
    _save_complete(page)

    _open_section(page, "Personal information to be shared")
    page.get_by_role("button", name="Add a data item").click()
    check_a11y(page, "protocols-data-item")
    page.get_by_label("Category of information").fill(
        "Health history relevant to the child's safety"
    )
    page.get_by_label(re.compile("This is special category data")).check()
    page.get_by_label("Which partner provides it?").select_option(
        label="Cardiff and Vale University Health Board"
    )
    for name in PARTNERS.values():
        page.get_by_role("group", name="Which partners receive it?").get_by_label(name).check()
    page.get_by_label(re.compile(r"Art. 6\(1\)\(e\)")).check()
    page.get_by_label(re.compile(r"Art. 9\(2\)\(g\)")).check()
    page.get_by_label(re.compile(r"Pt.2 para 18")).check()
    page.get_by_role("button", name="Save data item").click()
    # Paragraph 18 needs one of the para 18(2) reasons for not relying on consent.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose why consent is not relied on"
    )
    check_a11y(page, "protocols-data-item-error")
    page.get_by_label(re.compile("would prejudice the provision of the protection")).check()
    page.get_by_role("button", name="Save data item").click()
    expect(page.locator("#data-item-1, [id^=data-item-]").first).to_contain_text(
        "Safeguarding of children"
    )
    page.get_by_label("Whose information is shared (data subject groups)").fill(
        "Children at risk\nTheir parents and carers"
    )
    page.get_by_role("button", name="Add a data item").click()  # a second, removed again
    page.get_by_label("Category of information").fill("Added by mistake")
    page.get_by_role("button", name="Save data item").click()
    page.get_by_role("button", name="Remove Added by mistake").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove the data item ‘Added by mistake’?"
    )
    check_a11y(page, "protocols-confirm-remove")
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("[id^=data-item-]")).to_have_count(2)
    page.get_by_role("button", name="Remove Added by mistake").click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("removed")
    expect(page.locator("[id^=data-item-]")).to_have_count(1)
    expect(page.get_by_label("Whose information is shared (data subject groups)")).to_have_value(
        "Children at risk\nTheir parents and carers"
    )
    check_a11y(page, "protocols-section-personal-information")
    _save_complete(page)

    page.goto(task_list)
    expect(page.locator("#qa-checklist + p")).to_contain_text("things to fix")
    page.get_by_role("link", name=re.compile("appropriate policy document")).click()
    subjects = page.get_by_label("Whose information is shared (data subject groups)")
    subjects.fill("Children at risk\nTheir parents, carers and siblings")
    page.get_by_role("button", name=re.compile("Change Health history")).click()
    page.get_by_label("Appropriate policy document reference").fill("CAV-APD-2026")
    page.get_by_role("button", name="Save data item").click()
    expect(subjects).to_have_value("Children at risk\nTheir parents, carers and siblings")

    for name in ("Data subjects' rights", "Information security"):
        page.goto(task_list)
        _open_section(page, name)
        _save_complete(page)

    _open_section(page, "Review of this Information Sharing Protocol")
    review = date.today() + timedelta(days=300)
    page.get_by_label("Day").fill(str(review.day))
    page.get_by_label("Month").fill(str(review.month))
    page.get_by_label("Year").fill(str(review.year))
    check_a11y(page, "protocols-section-review")
    _save_complete(page)

    _open_section(page, "Information reference table")
    page.get_by_role("button", name="Add a row").click()
    check_a11y(page, "protocols-flow")
    page.get_by_label("What information is shared").fill("Referral with health history")
    page.get_by_label("Shared by").select_option(label="Cardiff and Vale University Health Board")
    page.get_by_label("Shared with").select_option(label="Cardiff Council")
    page.get_by_label("How it is shared").fill("Secure e-mail")
    page.get_by_label("Why it is shared").fill("To protect the child")
    page.get_by_role("button", name="Save row").click()
    page.get_by_role("button", name="Change Row 1").focus()  # by keyboard, no script needed
    page.keyboard.press("Enter")
    page.get_by_label("How often").fill("Each referral")
    page.get_by_role("button", name="Save row").click()
    expect(page.locator("[id^=flow-]")).to_contain_text("Each referral")
    check_a11y(page, "protocols-section-flows")
    _save_complete(page)

    expect(page.locator("#qa-checklist + p")).to_have_text("Every check passes.")
    check_a11y(page, "protocols-task-list-complete")
    page.get_by_label("QA group").select_option(label="WASPI South QA Group")
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.get_by_text("has been submitted to WASPI South QA Group")).to_be_visible()
    check_a11y(page, "protocols-task-list-submitted")
    _sign_out(page)

    # QA by a member of the group (Cardiff Council's IG lead), whom an administrator adds
    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/qa-groups")
    page.get_by_role("link", name="WASPI South QA Group").click()
    page.get_by_label("E-mail address of the person to add").fill(partner_leads["la-cardiff"])
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    _sign_out(page)
    sign_in(page, partner_leads["la-cardiff"])
    page.goto(task_list)
    page.get_by_role("button", name="Review for quality assurance").click()
    check_a11y(page, "protocols-qa")
    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("is QA approved")).to_be_visible()
    expect(page.locator(".govuk-tag").filter(has_text="Approved for signature")).to_be_visible()

    # each partner signs, the lead last
    signers = [partner_leads[c] for c in PARTNERS] + [lead]
    for number, email in enumerate(signers):
        if number:
            _sign_out(page)
            sign_in(page, email)
            page.goto(task_list)
        page.get_by_role("button", name="Sign for your organisation").click()
        if number == 0:
            check_a11y(page, "protocols-sign")
        page.get_by_label(re.compile("I confirm that I am authorised")).check()
        page.get_by_role("button", name="Sign the agreement").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Signed")
    expect(page.get_by_text("is active")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("4 of 4 partners have signed")
    check_a11y(page, "protocols-task-list-active")
    page.get_by_role(
        "link",
        name=re.compile("Partner organisations’ signatures|Partner organisations' signatures"),
    ).click()
    expect(page.locator("table")).to_contain_text("IG lead South Wales Police")
    expect(page.locator("table")).not_to_contain_text("Not signed yet")
    check_a11y(page, "protocols-section-signatures")
    page.get_by_role("link", name="Agreements").first.click()
    expect(page.locator("table")).to_contain_text("Active")
    check_a11y(page, "protocols-index")


# ---------------------------------------------------------------- a DDA, a new version, compare, withdraw


def _api_token(live_cli, email: str) -> str:
    return live_cli("users", "token", email).strip().splitlines()[-1]


def _api(base: str, token: str, method: str, path: str, body=None, etag: str | None = None):
    import json
    import urllib.request

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if etag:
        headers["If-Match"] = etag
    data = json.dumps(body).encode() if body is not None else None
    # the live test server on 127.0.0.1 only
    req = urllib.request.Request(
        base + "/api/v1/protocols" + path, data=data, method=method, headers=headers
    )  # noqa: S310
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
        return json.loads(response.read() or b"null"), response.headers.get("ETag")


def _user_id(base: str, token: str) -> int:
    import json
    import urllib.request

    req = urllib.request.Request(  # noqa: S310  (the live test server on 127.0.0.1 only)
        base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["id"]


def _draft_dda_by_api(
    base: str,
    token: str,
    signatories: dict[str, int | None],
    officers: dict | None = None,
    *,
    lead: str = "lhb-cardiff-and-vale",
    partners: tuple[str, ...] = ("la-cardiff", "la-vale-of-glamorgan"),
    title: str = "Disclosure of A&E attendances of children to councils",
) -> int:
    """A DDA from Cardiff and Vale UHB to two councils, drafted through the API (as another
    system would); the browser then takes it through QA, signatures and a new version."""
    created, _ = _api(
        base,
        token,
        "POST",
        "",
        {
            "kind": "dda",
            "title": title,
            "lead_organisation": lead,
            "partners": list(partners),
        },
    )
    pid = created["id"]
    v = f"/{pid}/versions/1"
    version, _ = _api(base, token, "GET", v)
    for partner in version["partners"]:
        _, etag = _api(base, token, "GET", f"{v}/sections/partners")
        _api(
            base,
            token,
            "PATCH",
            f"{v}/partners/{partner['id']}",
            {
                "contact_name": "Contact",
                "contact_email": "ig@example.org",
                "signatory_user_id": signatories[partner["organisation"]],
                "signatory_role": "Director",
            }
            | (
                {"signatory_name": officers[partner["organisation"]]}
                if partner["organisation"] in (officers or {})
                else {}
            ),
            etag,
        )
    _api(
        base,
        token,
        "POST",
        f"{v}/data-items",
        {
            "category": "A&E attendances of children",
            "is_special_category": True,
            "source_partner": lead,
            "recipients": list(partners),
            "article6": ["art6-1-e"],
            "article9": ["art9-2-h"],
            "schedule1": ["sch1-p1-para2"],
        },
    )
    _api(
        base,
        token,
        "POST",
        f"{v}/flows",
        {
            "what": "Weekly list of attendances",
            "from_partner": lead,
            "to_partner": partners[0],
            "method": "Secure file transfer",
            "frequency": "Weekly",
            "purpose": "Early help",
        },
    )
    review = (date.today() + timedelta(days=250)).isoformat()
    contents = {
        "about": {"agreement_statement": "Under WASPI."},
        "purpose": {
            "purpose": "Early help for children who attend A&E often.",
            "purposes": ["Early help"],
        },
        "parties": {"controller_relationship": "Separate controllers."},
        "lawful_basis": {"legal_powers": ["power-s28-ca2004"]},
        "data": {"data_subjects": ["Children attending A&E"]},
        "security": {"security_measures": "Encrypted.", "retention": "One year."},
        "rights": {"access_requests": "Each party answers."},
        "breaches": {"breaches": "Within a day.", "complaints": "Each party's procedure."},
        "escalation": {"escalation": "IG leads decide."},
        "review": {"review_date": review, "review_arrangements": "The discloser arranges it."},
        "partners": {},
        "information_flows": {},
    }
    for code, content in contents.items():
        _, etag = _api(base, token, "GET", f"{v}/sections/{code}")
        _api(
            base,
            token,
            "PATCH",
            f"{v}/sections/{code}",
            {"content": content, "is_complete": True},
            etag,
        )
    return pid


def test_dda_new_version_compare_and_withdraw(
    page: Page, sign_in, make_live_user, check_a11y, live_server, live_cli
):
    lead = make_live_user("lhb-cardiff-and-vale", "ig_lead", name="Dafydd Lead")
    council = make_live_user("la-cardiff", "ig_lead", name="Cardiff IG Lead")
    vale = make_live_user("la-vale-of-glamorgan", "ig_lead", name="Vale IG Lead")
    tokens = {
        code: _api_token(live_cli, email)
        for code, email in (
            ("lhb-cardiff-and-vale", lead),
            ("la-cardiff", council),
            ("la-vale-of-glamorgan", vale),
        )
    }
    signatories = {code: _user_id(live_server, token) for code, token in tokens.items()}
    pid = _draft_dda_by_api(live_server, tokens["lhb-cardiff-and-vale"], signatories)

    sign_in(page, lead)
    page.goto(f"/agreements/{pid}/versions/1")
    expect(page.get_by_text("Data Disclosure Agreement", exact=False).first).to_be_visible()
    check_a11y(page, "protocols-dda-task-list")
    page.locator(".govuk-task-list").get_by_role("link", name="Appendix A: Parties").click()
    expect(page.locator("body")).to_contain_text("Discloser")
    check_a11y(page, "protocols-dda-parties")
    page.goto(f"/agreements/{pid}/versions/1")
    page.locator(".govuk-task-list").get_by_role("link", name="5. Data to be disclosed").click()
    page.get_by_role("button", name=re.compile("Change A&E attendances")).click()
    expect(page.get_by_label("Which partner provides it?").locator("option")).to_have_count(
        2
    )  # the discloser only
    page.goto(f"/agreements/{pid}/versions/1")
    page.get_by_role("button", name="Submit for quality assurance").click()  # no QA group
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the QA group to review this agreement"
    )
    check_a11y(page, "protocols-submit-no-qa-group")
    page.get_by_label("QA group").select_option(label="WASPI South QA Group")
    page.get_by_role("button", name="Submit for quality assurance").click()
    expect(page.get_by_text("has been submitted to WASPI South QA Group")).to_be_visible()
    _sign_out(page)

    sign_in(page, make_live_user("la-cardiff", "admin"))
    page.goto("/qa-groups")
    page.get_by_role("link", name="WASPI South QA Group").click()
    page.get_by_label("E-mail address of the person to add").fill(council)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    _sign_out(page)

    sign_in(page, council)
    page.goto(f"/agreements/{pid}/versions/1")
    page.get_by_role("button", name="Review for quality assurance").click()
    page.get_by_label("Return it to the authors with comments").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your comments")
    check_a11y(page, "protocols-qa-errors")
    page.get_by_label("Approve: it meets the QA checklist").check()
    page.get_by_role("button", name="Record decision").click()
    for email in (council, vale, lead):
        if email != council:
            _sign_out(page)
            sign_in(page, email)
            page.goto(f"/agreements/{pid}/versions/1")
        page.get_by_role("button", name="Sign for your organisation").click()
        page.get_by_label(re.compile("I confirm that I am authorised")).check()
        page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("is active")).to_be_visible()

    # a year later: a new version changing two sections, compared with the active one
    page.get_by_role("button", name="Start a new version").click()
    check_a11y(page, "protocols-new-version")
    page.get_by_label("What will change in the new version? (optional)").fill(
        "Monthly instead of weekly"
    )
    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_text("V2 started as a draft")).to_be_visible()
    page.locator(".govuk-task-list").get_by_role("link", name="6. Information security").click()
    page.get_by_label("Retention and disposal").fill("Six months, then secure deletion.")
    page.get_by_label("Yes, I’ve completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    page.locator(".govuk-task-list").get_by_role(
        "link", name="2. Purpose of the disclosure"
    ).click()
    page.get_by_label("The purpose of the disclosure").fill(
        "Early help for children who attend A&E three times in a year."
    )
    page.get_by_label("Yes, I’ve completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="All versions").click()
    expect(page.locator("table")).to_contain_text("Monthly instead of weekly")
    check_a11y(page, "protocols-versions")
    page.get_by_role("link", name=re.compile("Compare with V1")).click()
    expect(page.get_by_role("status")).to_contain_text(
        "3 sections changed"
    )  # purpose, security, review date
    expect(
        page.locator("ins").filter(has_text="Six months, then secure deletion.")
    ).to_contain_text("Added:")
    expect(page.locator("del").filter(has_text="One year.")).to_contain_text("Removed:")
    check_a11y(page, "protocols-compare")
    page.goto(f"/agreements/{pid}/versions/1")
    expect(
        page.locator(".govuk-tag").filter(has_text="Active")
    ).to_be_visible()  # V1 unchanged and in force

    page.get_by_role("link", name="Withdraw this agreement").click()
    page.get_by_role("button", name="Withdraw the agreement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    check_a11y(page, "protocols-withdraw-errors")
    page.get_by_label("Why is the agreement being withdrawn?").fill(
        "The councils now receive this through the regional hub."
    )
    page.get_by_role("button", name="Withdraw the agreement").click()
    expect(page.get_by_text("has been withdrawn")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text("regional hub")
    check_a11y(page, "protocols-withdrawn")
