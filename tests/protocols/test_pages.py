"""The agreement pages: who may open each (anonymous, every role, party and non-party), what
they show, and how refusals come back (error summaries, 409 on stale forms)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import refresh
from protocol_helpers import LEAD, join_qa_group, section_rv, table_rv

from isp_manager.accounts.models import Role
from isp_manager.extensions import db
from isp_manager.protocols import services, workflow
from isp_manager.protocols.models import VersionState

ACTORS = [
    "anonymous",
    "author",
    "signatory",
    "lead_colleague",
    "partner_ig",
    "partner_practitioner",
    "partner_board_officer",
    "outsider_ig",
    "outsider_practitioner",
    "auditor",
    "admin",
    "qa_member",
]
# Members of the QA group versions are submitted to: the lead's colleague (never its reviewer:
# same organisation as the submitter) and an IG lead of a body that is no party (the reviewer).
QA_MEMBERS = {"lead_colleague", "qa_member"}


@pytest.fixture
def as_actor(app, login, make_user):
    def _client(actor, author, version=None):
        if actor == "anonymous":
            return app.test_client()
        if actor == "author":
            return login(author)
        if actor == "signatory":  # Cardiff Council's named signatory (an account, not IG lead)
            return login(version.partners[1].signatory_user)
        org, role = {
            "lead_colleague": (LEAD, Role.IG_LEAD),
            "partner_ig": ("la-cardiff", Role.IG_LEAD),
            "partner_practitioner": ("la-cardiff", Role.PRACTITIONER),
            "partner_board_officer": ("police-south-wales", Role.BOARD_OFFICER),
            "outsider_ig": ("la-swansea", Role.IG_LEAD),
            "outsider_practitioner": ("la-swansea", Role.PRACTITIONER),
            "auditor": ("la-swansea", Role.AUDITOR),
            "admin": ("la-swansea", Role.ADMIN),
            "qa_member": ("la-swansea", Role.IG_LEAD),
        }[actor]
        user = make_user(org, role)
        if actor in QA_MEMBERS:
            join_qa_group(user)
        db.session.commit()  # a refused request rolls back; the user must outlive it
        return login(user)

    return _client


READERS = {
    "author",
    "signatory",
    "lead_colleague",
    "partner_ig",
    "partner_practitioner",
    "partner_board_officer",
    "auditor",
    "admin",
}
IG_LEADS = {"author", "lead_colleague", "partner_ig", "outsider_ig", "qa_member"}
AUTHORS = {"author", "lead_colleague"}


def _expect(actor, allowed, *, visible=READERS):
    if actor == "anonymous":
        return 302
    if actor not in visible:
        return 404
    return 200 if actor in allowed else 403


# (page, state the version is in, who gets 200, words the page shows)
PAGES = [
    ("version", "draft", READERS, "Quality assurance checklist"),
    (
        "section:introduction",
        "draft",
        READERS,
        "1. Introduction to this Information Sharing Protocol",
    ),
    ("section:partners", "active", READERS, "South Wales Police"),
    ("versions", "active", READERS, "Versions of"),
    ("compare", "active", READERS, "Compare V1 with V1"),
    # a partner's own IG lead names its signatory (and changes nothing else)
    ("edit_partner", "draft", AUTHORS | {"partner_ig"}, "Signatory: role"),
    ("data_item_new", "draft", AUTHORS, "Add a data item"),
    ("flow_new", "draft", AUTHORS, "Add a row"),
    ("withdraw", "draft", AUTHORS, "Why is the agreement being withdrawn?"),
    ("new_version", "active", AUTHORS, "Start a new version"),
    ("qa", "submitted", {"qa_member"}, "Quality assurance review"),
    ("sign", "qa_approved", {"signatory"}, "Sign on behalf of"),
]


def _url(page, version):
    base = f"/agreements/{version.protocol_id}"
    v = f"{base}/versions/{version.number}"
    if page.startswith("section:"):
        return f"{v}/sections/{page.split(':')[1]}"
    return {
        "version": v,
        "versions": f"{base}/versions",
        "compare": f"{base}/compare",
        "edit_partner": f"{v}/partners/{version.partners[1].id}",
        "data_item_new": f"{v}/data-items/new",
        "flow_new": f"{v}/flows/new",
        "withdraw": f"{base}/withdraw",
        "new_version": f"{base}/new-version",
        "qa": f"{v}/qa",
        "sign": f"{v}/sign",
    }[page]


@pytest.mark.parametrize(("page", "state", "allowed", "words"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("actor", ACTORS)
def test_page_access_table(version_in, as_actor, page, state, allowed, words, actor):
    version, author = version_in(state)
    db.session.commit()
    response = as_actor(actor, author, version).get(_url(page, version))
    # QA group members read the agreements submitted to their group, and no others
    qa_reader = {"qa_member"} if state not in ("draft", "withdrawn") else set()
    if allowed is READERS:
        allowed = READERS | qa_reader
    expected = _expect(actor, allowed, visible=READERS | qa_reader)
    assert response.status_code == expected, (page, actor, response.status_code)
    if expected == 200:
        assert words in response.text
    if expected == 302:
        assert "/sign-in" in response.headers["Location"]
    if expected == 404:
        assert version.protocol.title not in response.text


@pytest.mark.parametrize("actor", ACTORS)
def test_list_and_start_pages(version_in, as_actor, actor):
    version, author = version_in("draft")
    db.session.commit()
    client = as_actor(actor, author, version)
    listing = client.get("/agreements")
    if actor == "anonymous":
        assert listing.status_code == 302
        return
    assert listing.status_code == 200
    assert (version.protocol.title in listing.text) == (actor in READERS)
    start = client.get("/agreements/new")
    assert start.status_code == (200 if actor in IG_LEADS else 403)
    assert ("Start an agreement" in listing.text) == (actor in IG_LEADS)


def test_a_wrong_section_code_or_row_is_404(version_in, login):
    version, author = version_in("draft")
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    assert client.get(f"{v}/sections/nonsense").status_code == 404
    assert client.get(f"{v}/data-items/99999").status_code == 404
    assert client.get(f"{v}/partners/99999").status_code == 404
    assert client.get(f"/agreements/{version.protocol_id}/versions/9").status_code == 404


def test_frozen_version_pages_are_read_only_and_posts_are_409(version_in, login):
    version, author = version_in("active")
    db.session.commit()
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    page = client.get(f"{v}/sections/rights")
    assert "shown read-only" in page.text and "<textarea" not in page.text
    assert "Each answers." in page.text
    response = client.post(f"{v}/sections/rights", data={"complaints": "x", "row_version": "1"})
    assert response.status_code == 409 and "Start a new version" in response.text
    assert client.get(f"{v}/data-items/new").status_code == 409


def test_start_page_creates_and_redirects_or_shows_errors(login, ig):
    client = login(ig(LEAD))
    bad = client.post("/agreements/new", data={"title": ""})
    assert bad.status_code == 422
    assert (
        "Choose the kind of agreement" in bad.text and "Enter a title for the agreement" in bad.text
    )
    good = client.post("/agreements/new", data={"kind": "dda", "title": "A&E attendances"})
    assert good.status_code == 302
    page = client.get(good.headers["Location"])
    assert "A&amp;E attendances" in page.text and "Data Disclosure Agreement" in page.text
    assert "Appendix A: Parties" in page.text


def test_section_page_saves_marks_complete_and_refuses_stale_forms(version_in, login):
    version, author = version_in("draft")
    db.session.commit()
    client = login(author)
    url = f"/agreements/{version.protocol_id}/versions/1/sections/rights"
    form = client.get(url).text
    row_version = re.search(r'name="row_version" type="hidden" value="(\d+)"', form) or re.search(
        r'name="row_version"[^>]*value="(\d+)"', form
    )
    seen = int(row_version.group(1))
    saved = client.post(
        url,
        data={
            "access_requests": "Each partner answers.",
            "other_rights": "Tell others.",
            "complaints": "",
            "is_complete": "yes",
            "row_version": str(seen),
        },
    )
    assert saved.status_code == 302
    stale = client.post(
        url, data={"access_requests": "Overwrite", "other_rights": "x", "row_version": str(seen)}
    )
    assert stale.status_code == 409
    assert "Someone else saved changes to this section" in stale.text
    db.session.expire_all()
    assert version.section("rights").content["access_requests"] == "Each partner answers."
    missing = client.post(
        url,
        data={
            "access_requests": "",
            "other_rights": "x",
            "is_complete": "yes",
            "row_version": str(section_rv(version, "rights")),
        },
    )
    assert missing.status_code == 422
    assert (
        "There is a problem" in missing.text and "Subject access requests is needed" in missing.text
    )


def test_submit_with_failures_lists_them_linked_to_sections(draft_isp, login):
    version, author = draft_isp()
    db.session.commit()
    client = login(author)
    response = client.post(
        f"/agreements/{version.protocol_id}/versions/1/submit", data={"etag": version.etag}
    )
    assert response.status_code == 422
    assert "This agreement cannot be submitted yet" in response.text
    assert "<title>Error: " in response.text
    assert "Choose the QA group to review this agreement" in response.text
    assert (
        f'href="/agreements/{version.protocol_id}/versions/1/sections/introduction"'
        in response.text
    )
    db.session.expire_all()
    assert version.state == VersionState.DRAFT


def test_qa_page_return_needs_comments_then_returns(version_in, login, ig):
    version, _author = version_in("submitted")
    reviewer = ig("la-cardiff")
    db.session.commit()
    client = login(reviewer)
    url = f"/agreements/{version.protocol_id}/versions/1/qa"
    refused = client.post(url, data={"decision": "return", "comments": "", "etag": version.etag})
    assert refused.status_code == 422 and "Enter your comments" in refused.text
    done = client.post(
        url,
        data={
            "decision": "return",
            "comments": "Say more about training",
            "section-obligations": "Name the training",
            "etag": version.etag,
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert version.state == VersionState.RETURNED
    section = login(_author).get(
        f"/agreements/{version.protocol_id}/versions/1/sections/obligations"
    )
    assert "Name the training" in section.text


def test_sign_page_needs_the_confirmation_and_takes_no_typed_name(version_in, login, ig):
    version, author = version_in("qa_approved")
    signatory = version.partners[0].signatory_user
    db.session.commit()
    client = login(signatory)
    url = f"/agreements/{version.protocol_id}/versions/1/sign"
    page = client.get(url)
    assert signatory.name in page.text and "Director" in page.text
    assert 'name="name"' not in page.text and 'name="role"' not in page.text
    typed = {"name": "Ceri", "role": "Chief Executive", "etag": version.etag}
    refused = client.post(url, data=typed)
    assert refused.status_code == 422 and "Confirm that you are authorised" in refused.text
    assert client.post(url, data=typed | {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    signature = version.signatures[0]
    assert (signature.name, signature.role, signature.method) == (
        signatory.name,
        "Director",
        "account",
    )
    again = client.get(url)
    assert again.status_code == 302  # already signed: back to the agreement with a message


def test_compare_page_marks_added_and_removed_lines_in_words(version_in, login):
    version, author = version_in("active")
    new = workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)
    services.save_section(
        new,
        "rights",
        {"access_requests": "Each partner answers within ten days."},
        by=author,
        expected_row_version=section_rv(new, "rights"),
    )
    services.add_partner(new, "nhs-wast", by=author, expected_row_version=table_rv(new, "partners"))
    db.session.commit()
    page = login(author).get(f"/agreements/{version.protocol_id}/compare?old=1&new=2")
    assert page.status_code == 200
    assert "Removed:</strong> Each answers." in page.text
    assert "Added:</strong> Each partner answers within ten days." in page.text
    assert re.search(r"Added:</strong> Welsh Ambulance", page.text)
    assert "<ins" in page.text and "<del" in page.text
    assert "No change" in page.text and "Changed" in page.text
    assert (
        login(author).get(f"/agreements/{version.protocol_id}/compare?old=1&new=5").status_code
        == 404
    )


def test_withdraw_page(version_in, login):
    version, author = version_in("active")
    db.session.commit()
    client = login(author)
    url = f"/agreements/{version.protocol_id}/withdraw"
    assert client.post(url, data={"reason": "", "etag": version.etag}).status_code == 422
    done = client.post(url, data={"reason": "Merged into the regional ISP", "etag": version.etag})
    assert done.status_code == 302
    page = client.get(f"/agreements/{version.protocol_id}/versions/1")
    assert "Merged into the regional ISP" in page.text and "Withdrawn" in page.text


# page, state, who acts, what they typed: each form that moves a version on
VERSION_FORMS = [
    ("submit", "draft", "author", {"qa_group": "waspi-south"}),
    ("qa", "submitted", "reviewer", {"decision": "return", "comments": "Typed comments"}),
    ("qa", "submitted", "reviewer", {"decision": "approve", "comments": "Typed approval"}),
    ("sign", "qa_approved", "signatory", {"confirm": "y"}),
    ("new_version", "active", "author", {"change_summary": "Typed summary"}),
    ("withdraw", "active", "author", {"reason": "Typed reason"}),
]


@pytest.mark.parametrize(("page", "state", "who", "typed"), VERSION_FORMS)
@pytest.mark.parametrize(
    ("etag", "words"),
    [
        (None, "We could not tell which version of this agreement"),
        ("", "We could not tell which version of this agreement"),
        ("not-an-etag", "We could not tell which version of this agreement"),
        ('"999999.1"', "This agreement has changed since you last loaded it"),
    ],
)
def test_a_version_form_without_its_etag_is_a_conflict_and_changes_nothing(
    version_in, login, ig, complete_isp, page, state, who, typed, etag, words
):
    version, author = complete_isp() if page == "submit" else version_in(state)
    user = {
        "reviewer": lambda: ig("la-cardiff"),
        "signatory": lambda: version.partners[1].signatory_user,
    }.get(who, lambda: author)()
    db.session.commit()

    def shape():
        return (
            version.state,
            version.row_version,
            len(version.protocol.versions),
            len(version.signatures),
            len(version.qa_reviews),
        )

    before = shape()
    url = f"{_url(page, version)}" if page != "submit" else f"{_url('version', version)}/submit"
    posted = typed | ({} if etag is None else {"etag": etag})
    response = login(user).post(url, data=posted)
    assert response.status_code == 409
    assert "There is a problem" in response.text and words in response.text
    for value in typed.values():
        if value.startswith("Typed"):
            assert value in response.text  # what was typed is shown again
    db.session.expire_all()
    assert shape() == before


def test_partner_sub_forms(draft_isp, login):
    version, author = draft_isp(partners=["la-cardiff"])
    db.session.commit()
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    section = f"{v}/sections/partners"
    rv = section_rv(version, "partners")
    add = {"action": "add_partner", "new_partner": "police-south-wales"}
    added = client.post(section, data=add | {"row_version": rv})
    assert added.status_code == 302 and "/partners/" in added.headers["Location"]
    rv = section_rv(version, "partners")
    duplicate = client.post(section, data=add | {"row_version": rv})
    assert duplicate.status_code == 422
    assert "South Wales Police (Chief Constable) is already a party" in duplicate.text
    assert 'href="#new_partner"' in duplicate.text  # the error summary links to the select
    none_chosen = client.post(section, data={"action": "add_partner", "row_version": rv})
    assert none_chosen.status_code == 422 and "Choose the organisation to add" in none_chosen.text
    partner = version.partners[-1]
    bad_email = client.post(
        f"{v}/partners/{partner.id}", data={"contact_email": "nope", "row_version": rv}
    )
    assert bad_email.status_code == 422 and "correct format" in bad_email.text
    removed = client.post(f"{v}/partners/{partner.id}/remove", data={"row_version": rv})
    assert removed.status_code == 302
    db.session.expire_all()
    assert [p.organisation.code for p in version.partners] == [LEAD, "la-cardiff"]


def test_data_item_and_flow_sub_forms(draft_isp, login):
    version, author = draft_isp()
    db.session.commit()
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    lead, council = version.partners[0], version.partners[1]
    rv = section_rv(version, "personal_information")
    bad = client.post(f"{v}/data-items/new", data={"category": "", "row_version": rv})
    assert bad.status_code == 422 and "Enter the category of information" in bad.text
    ok = client.post(
        f"{v}/data-items/new",
        data={
            "category": "School attendance",
            "source_partner_id": str(council.id),
            "recipient_partner_ids": [str(lead.id)],
            "article6": ["art6-1-e"],
            "row_version": rv,
        },
    )
    assert ok.status_code == 302
    flow = client.post(
        f"{v}/flows/new",
        data={
            "what": "Attendance figures",
            "from_partner_id": str(council.id),
            "to_partner_id": str(lead.id),
            "method": "Secure e-mail",
            "purpose": "Spot children missing education",
            "row_version": section_rv(version, "information_flows"),
        },
    )
    assert flow.status_code == 302
    section = client.get(f"{v}/sections/information_flows").text
    assert "Attendance figures" in section and "Spot children missing education" in section


def test_review_date_in_the_past_on_the_page(draft_isp, login):
    version, author = draft_isp()
    db.session.commit()
    past = date.today() - timedelta(days=3)
    response = login(author).post(
        f"/agreements/{version.protocol_id}/versions/1/sections/review",
        data={
            "review_date": [str(past.day), str(past.month), str(past.year)],
            "review_arrangements": "x",
            "row_version": section_rv(version, "review"),
        },
    )
    assert (
        response.status_code == 422
        and "The review date must be today or in the future" in response.text
    )


def test_pages_in_welsh_show_the_templates_welsh_text(version_in, login):
    version, author = version_in("draft")
    db.session.commit()
    client = login(author)
    refresh()  # the test's app context remembers the language the fixtures were built in
    page = client.get(f"/agreements/{version.protocol_id}/versions/1/sections/introduction?lang=cy")
    assert page.status_code == 200 and 'lang="cy"' in page.text
    assert "1. Cyflwyniad i&#39;r Protocol Rhannu Gwybodaeth hwn" in page.text
    assert "Cadwch y diben yn benodol" in page.text
    refresh()
    task_list = client.get(f"/agreements/{version.protocol_id}/versions/1?lang=cy").text
    assert "Atodiad B: Tabl cyfeirio gwybodaeth" in task_list


def test_active_partners_section_points_to_a_new_version(version_in, login):
    version, author = version_in("active")
    db.session.commit()
    page = login(author).get(f"/agreements/{version.protocol_id}/versions/1/sections/partners")
    assert "To add or remove a partner, start a new version" in page.text
    assert "Add partner" not in page.text


def test_data_items_section_shows_each_item_as_a_table_row(version_in, login):
    version, author = version_in("draft")
    item = version.data_items[0]
    db.session.commit()
    v = f"/agreements/{version.protocol_id}/versions/1"
    page = login(author).get(f"{v}/sections/personal_information").text
    assert page.count('id="data-item-') == 1 and "1 data item" in page
    row = page[page.index(f'id="data-item-{item.id}"') :]
    row = row[: row.index("</tr>")]
    for text in (
        "Health history",
        "Special category data",
        "Cardiff and Vale University Health Board",
        "Cardiff Council, Vale of Glamorgan Council, South Wales Police",
        "Art. 6(1)(e)",
        "Art. 9(2)(g)",
        "para 18",
        "APD-2026-01",
    ):
        assert text in row, text
    assert (
        f'name="action" value="change_data_item:{item.id}" class="app-link-button">Change'
        '<span class="govuk-visually-hidden"> Health history'
    ) in row
    assert f'name="action" value="remove_data_item:{item.id}"' in row
    assert 'Remove<span class="govuk-visually-hidden"> Health history' in row

    read_only, _ = version_in("active")
    db.session.commit()
    page = (
        login(author)
        .get(f"/agreements/{read_only.protocol_id}/versions/1/sections/personal_information")
        .text
    )
    assert "Health history" in page and "remove_" not in page and "change_" not in page
    assert ">Change<" not in page


@pytest.mark.parametrize("row_version", [None, "", "abc"])
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("sections/rights", {"other_rights": "Overwritten", "access_requests": "x"}),
        ("data-items/new", {"category": "Overwritten"}),
        ("flows/new", {"what": "Overwritten"}),
        ("partner:edit", {"contact_name": "Overwritten"}),
    ],
)
def test_a_form_without_its_row_version_is_a_conflict_and_saves_nothing(
    draft_isp, login, path, data, row_version
):
    version, author = draft_isp()
    db.session.commit()
    counters = [(s.code, s.row_version) for s in version.sections]
    v = f"/agreements/{version.protocol_id}/versions/1"
    if path == "partner:edit":
        path = f"partners/{version.partners[1].id}"
    posted = dict(data) | ({} if row_version is None else {"row_version": row_version})
    response = login(author).post(f"{v}/{path}", data=posted)
    assert response.status_code == 409
    assert "There is a problem" in response.text
    assert "We could not tell which version of this section" in response.text
    assert "Overwritten" in response.text  # what was typed is shown again, to copy
    db.session.expire_all()
    assert [(s.code, s.row_version) for s in version.sections] == counters
    assert not version.data_items and not version.flows
    assert "Overwritten" not in str(version.section("rights").content)
    assert version.partners[1].contact_name != "Overwritten"


def _section_post(client, version, code, data):
    url = f"/agreements/{version.protocol_id}/versions/1/sections/{code}"
    return client.post(url, data=data | {"row_version": str(section_rv(version, code))})


@pytest.mark.parametrize(
    ("code", "typed", "action", "goes_to"),
    [
        ("partners", {"controller_relationship": "Joint controllers"}, "add_partner", "/partners/"),
        ("partners", {"controller_relationship": "Joint controllers"}, "remove_partner", "/remove"),
        ("personal_information", {"consent": "Not relied on"}, "add_data_item", "/data-items/new"),
        ("personal_information", {"consent": "Not relied on"}, "remove_data_item", "/remove"),
        ("information_flows", {}, "add_flow", "/flows/new"),
        ("information_flows", {}, "remove_flow", "/remove"),
        ("partners", {"controller_relationship": "Joint controllers"}, "change_partner", ""),
        ("personal_information", {"consent": "Not relied on"}, "change_data_item", ""),
        ("information_flows", {}, "change_flow", ""),
    ],
)
def test_every_button_on_a_section_page_keeps_what_was_typed(
    version_in, login, code, typed, action, goes_to
):
    version, author = version_in("draft")
    db.session.commit()
    client = login(author)
    record = (
        {
            "partner": lambda: version.partners[-1],
            "data_item": lambda: version.data_items[0],
            "flow": lambda: version.flows[0],
        }.get(action.partition("_")[2])
        if not action.startswith("add")
        else None
    )
    pressed = f"{action}:{record().id}" if record else action
    if action.startswith("change"):  # on to the record's own page
        kind = {"partner": "partners", "data_item": "data-items", "flow": "flows"}
        goes_to = f"/{kind[action.partition('_')[2]]}/{record().id}"
    page = client.get(f"/agreements/{version.protocol_id}/versions/1/sections/{code}").text
    assert f'name="action" value="{pressed}"' in page and page.count("<form") == 2  # + sign out
    shape = (len(version.partners), len(version.data_items), len(version.flows))
    data = typed | {"action": pressed, "data_subjects": "Children"}
    data |= {"new_partner": "nhs-wast"} if record is None else {}
    response = _section_post(client, version, code, data)
    assert response.status_code == 302 and goes_to in response.headers["Location"]
    if action.startswith("change"):
        assert response.headers["Location"].endswith(goes_to)
        assert client.get(response.headers["Location"]).status_code == 200
    db.session.expire_all()
    for name, value in typed.items():
        assert version.section(code).content[name] == value
    if not action.startswith("add"):  # nothing changes before the record's own page
        assert (len(version.partners), len(version.data_items), len(version.flows)) == shape


def test_removing_asks_for_confirmation_then_removes(version_in, login):
    version, author = version_in("draft")
    db.session.commit()
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    item, flow, partner = version.data_items[0], version.flows[0], version.partners[-1]
    for url, question, section in [
        (
            f"{v}/data-items/{item.id}/remove",
            "the data item ‘Health history",
            "personal_information",
        ),
        (f"{v}/flows/{flow.id}/remove", "row 1 (‘", "information_flows"),
        (f"{v}/partners/{partner.id}/remove", "South Wales Police (Chief Constable)?", "partners"),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert "Are you sure you want to remove " + question in page.text.replace("&#39;", "'")
        assert "govuk-button--warning" in page.text and "Yes, remove it" in page.text
        assert f'href="{v}/sections/{section}">Cancel</a>' in page.text
    db.session.expire_all()
    assert (len(version.data_items), len(version.flows), len(version.partners)) == (1, 1, 4)
    stale = client.post(f"{v}/flows/{flow.id}/remove", data={"row_version": "0"})
    assert stale.status_code == 409 and "Someone else saved changes" in stale.text
    done = client.post(
        f"{v}/flows/{flow.id}/remove",
        data={"row_version": section_rv(version, "information_flows")},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/information_flows")
    db.session.expire_all()
    assert not version.flows
