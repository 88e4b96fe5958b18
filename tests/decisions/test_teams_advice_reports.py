"""Teams, advice requests, the register's figures, CSV and Word summary, and what the audit
log shows of decision records: through the pages and the API."""

from __future__ import annotations

import csv
import html
import io
import zipfile

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from isp_manager.audit.models import AuditEvent
from isp_manager.decisions import advice, services
from isp_manager.decisions.models import AdviceRequest
from isp_manager.errors import InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.teams import services as teams
from isp_manager.teams.models import Team
from tests.decisions.conftest import NOT_SHARE, SHARE

# ----------------------------------------------------------------- teams


def test_the_ig_lead_makes_a_team_and_its_members_see_each_others_records(
    login, ig_lead, practitioner, colleague
):
    client = login(ig_lead)
    created = client.post("/teams", data={"name": "Youth offending team"})
    assert created.status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "Youth offending team"))
    for person in (practitioner, colleague):
        assert client.post(f"/teams/{team.id}", data={"email": person.email}).status_code == 302
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert practitioner.email in page and colleague.email in page
    decision = services.create_decision(dict(SHARE), by=practitioner)
    assert decision.team_id == team.id
    assert login(colleague).get(f"/decisions/{decision.id}").status_code == 200
    assert client.post(f"/teams/{team.id}/members/{colleague.id}/remove").status_code == 302
    assert login(colleague).get(f"/decisions/{decision.id}").status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.record_type == "teams")
    ).all()
    assert {"team.created", "team.member_added", "team.member_removed"} <= set(actions)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "  "}, "Enter the team&#39;s name"),
        ({"name": "x" * 121}, "Shorten the name"),
    ],
)
def test_a_team_needs_a_name(login, ig_lead, data, message):
    page = login(ig_lead).post("/teams", data=data)
    assert page.status_code == 422 and message in page.get_data(as_text=True)


def test_only_colleagues_can_join_and_names_are_unique(ig_lead, other_org_lead):
    team = teams.create_team("Hub", by=ig_lead)
    with pytest.raises(InvalidInput) as raised:
        teams.add_member(team, other_org_lead.email, by=ig_lead)
    assert "email" in raised.value.errors
    with pytest.raises(InvalidInput):
        teams.create_team("hub", by=ig_lead)


@pytest.mark.parametrize(
    "who", ["practitioner", "other_org_lead", "admin", "auditor"], ids=lambda w: w
)
def test_only_the_organisations_ig_lead_sees_its_teams(request, login, api_client, ig_lead, who):
    team = teams.create_team("Hub", by=ig_lead)
    user = request.getfixturevalue(who)
    assert login(user).get(f"/teams/{team.id}").status_code == 404
    listed = login(user).get("/teams")
    assert listed.status_code == 404 or "Hub" not in listed.get_data(as_text=True)
    assert api_client(user).get(f"/api/v1/teams/{team.id}").status_code == 404
    with pytest.raises((NotFound, PermissionDenied)):
        teams.add_member(team, user.email, by=user)


def test_teams_api(api_client, ig_lead, practitioner):
    client = api_client(ig_lead)
    made = client.post("/api/v1/teams", json={"name": "YOT"})
    assert made.status_code == 201
    team_id = made.get_json()["id"]
    added = client.post(f"/api/v1/teams/{team_id}/members", json={"email": practitioner.email})
    assert [m["email"] for m in added.get_json()["members"]] == [practitioner.email]
    assert client.patch(f"/api/v1/teams/{team_id}", json={"name": "YOT East"}).status_code == 200
    assert client.get("/api/v1/teams").get_json()[0]["name"] == "YOT East"
    assert client.delete(f"/api/v1/teams/{team_id}/members/{practitioner.id}").status_code == 204
    bad = client.post("/api/v1/teams", json={"name": ""})
    assert bad.status_code == 422 and "name" in bad.get_json()["errors"]["json"]


# ----------------------------------------------------------------- advice requests


@pytest.mark.parametrize(
    "question, words",
    [
        ("Can I share the notes about Jane Smith with the nurse?", "Jane Smith"),
        ("Mr Jones says the child is not safe. Should I share?", "Mr Jones"),
        ("Is CS-2026-00417 a case where we rely on para 18?", "CS-2026-00417"),
    ],
)
def test_a_question_that_identifies_the_individual_is_refused(
    login, practitioner, recorded, question, words
):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AdviceRequest))
    page = login(practitioner).post(
        f"/decisions/advice/new?decision={recorded.id}",
        data={"question": question, "decision": recorded.id},
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "There is a problem" in text and words in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AdviceRequest)) == before


@pytest.mark.parametrize(
    "question",
    [
        "Should Cardiff Council share a child's school reports with the Youth Offending Team?",
        "The parent refused consent. Can we rely on Article 6(1)(e) and Schedule 1 para 18?",
    ],
)
def test_ordinary_capitalised_words_are_not_taken_for_names(question):
    assert advice.name_like_text(question) == []


def test_the_ig_lead_is_told_answers_and_the_exchange_is_linked(
    login, practitioner, ig_lead, recorded, outbox
):
    asker = login(practitioner)
    sent = asker.post(
        "/decisions/advice/new",
        data={
            "question": "Can we share without consent when the parent refused?",
            "decision": recorded.id,
        },
    )
    assert sent.status_code == 302
    item = db.session.scalar(sa.select(AdviceRequest))
    assert item.decision_id == recorded.id
    mails = outbox()
    assert any(ig_lead.email in m["To"] for m in mails)
    lead = login(ig_lead)
    home = lead.get("/").get_data(as_text=True)
    assert "1 advice request is waiting for your answer" in home
    assert lead.post(f"/decisions/advice/{item.id}", data={"answer": " "}).status_code == 422
    assert (
        lead.post(
            f"/decisions/advice/{item.id}", data={"answer": "Yes: para 18 allows it here."}
        ).status_code
        == 302
    )
    assert "waiting for your answer" not in lead.get("/").get_data(as_text=True)
    shown = asker.get(f"/decisions/advice/{item.id}").get_data(as_text=True)
    assert "para 18 allows it here" in shown and f">{recorded.reference}</a>" in shown
    record = asker.get(f"/decisions/{recorded.id}").get_data(as_text=True)
    assert item.reference in record
    # The asker cannot answer; another organisation cannot see it.
    assert asker.post(f"/decisions/advice/{item.id}", data={"answer": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["colleague", "other_org_lead", "admin", "auditor"])
def test_others_cannot_see_an_advice_request(request, login, practitioner, who):
    item = advice.ask_advice("Is consent needed for a referral?", by=practitioner)
    user = request.getfixturevalue(who)
    assert login(user).get(f"/decisions/advice/{item.id}").status_code == 404
    with pytest.raises((NotFound, PermissionDenied)):
        advice.answer_advice(item, "Yes", by=user)


# ----------------------------------------------------------------- figures, CSV, Word


def test_figures_count_what_the_register_shows(login, ig_lead, practitioner, recorded):
    services.create_decision(dict(NOT_SHARE), by=practitioner)
    page = login(ig_lead).get("/decisions/figures").get_data(as_text=True)
    assert "Share and not-share decisions" in page and "Consent outcomes" in page
    assert "Data for the chart" in page and "Art. 6(1)(e)" in page or "6(1)(e)" in page
    figures = services.register_figures(ig_lead, services.RegisterFilters())
    assert figures.total == 2
    assert dict(figures.by_decision) == {"share": 1, "not_share": 1}
    assert dict(figures.by_consent) == {"not_sought": 1, "refused": 1}


def test_csv_has_labels_in_the_readers_language_and_codes_apart(login, ig_lead, recorded):
    refresh()  # the services fixed this test's locale; the page chooses its own
    exported = login(ig_lead).get("/decisions/export.csv?lang=cy")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][4] == "share" and rows[1][6] == "not_sought" and rows[1][8] == "art6-1-e"
    assert rows[1][3] != "Share"  # the label is Welsh
    assert rows[1][-2] == "lhb-cardiff-and-vale"


def test_the_word_summary_is_one_document_with_the_decision(login, practitioner, recorded):
    response = login(practitioner).get(f"/decisions/{recorded.id}/summary.docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as docx:
        body = docx.read("word/document.xml").decode()
    assert recorded.reference in body and "CS-2026-00417" in body and "Share" in body


def test_a_share_decision_can_name_more_than_three_recipients(login, practitioner):
    draft = services.start_draft(by=practitioner)
    client = login(practitioner)
    codes = ["lhb-cardiff-and-vale", "police-south-wales", "la-swansea", "la-newport"]
    for n in range(1, 5):
        data = {f"recipient_{i}": c for i, c in enumerate(codes[:n])}
        page = client.post(
            f"/decisions/{draft.id}/recipients", data={**data, "add_recipient": "Add"}
        )
        assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    form = client.get(f"/decisions/{draft.id}/recipients").get_data(as_text=True)
    assert 'name="recipient_4"' in form
    assert sorted(services.record_values(draft)["recipients"]) == sorted(codes)


# ----------------------------------------------------------------- the audit log


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_the_audit_log_shows_decision_events_without_their_content(
    request, login, api_client, practitioner, recorded, who
):
    advice.ask_advice("Is consent needed for a referral?", decision=recorded, by=practitioner)
    db.session.commit()
    user = request.getfixturevalue(who)
    page = login(user).get("/audit?record_type=decisions").get_data(as_text=True)
    assert "decision.recorded" in page
    for secret in ("CS-2026-00417", "strategy discussion", "egress"):
        assert secret not in page
    listed = api_client(user).get("/api/v1/audit-events?record_type=decisions").get_json()
    recorded_event = next(e for e in listed if e["action"] == "decision.recorded")
    assert recorded_event["content_withheld"] is True
    assert recorded_event["after"]["purpose"] is None
    asked = api_client(user).get("/api/v1/audit-events?record_type=advice_requests").get_json()
    assert asked and "referral" not in str(asked)
    assert "referral" not in login(user).get("/audit").get_data(as_text=True)


# ----------------------------------------------------------------- bad input on the pages

NOT_SHARE_NO_REASONS = {**NOT_SHARE, "decision_reasons": None}


@pytest.mark.parametrize(
    "answers, step, slug",
    [
        ({**SHARE, "recipients": []}, "Who would receive it", "recipients"),
        ({**SHARE, "shared_what": None}, "What was shared", "shared"),
        (NOT_SHARE_NO_REASONS, "Decision", "decision"),
        (
            {**SHARE, "consent_outcome": "given_explicitly", "article6": "art6-1-a"},
            "Special category and criminal offence data",  # the Schedule 1 question
            "special-category",
        ),
        ({**SHARE, "para18_reason": None}, "Safeguarding condition", "safeguarding-condition"),
        (
            {**SHARE, "article9": None},
            "Special category and criminal offence data",
            "special-category",
        ),
    ],
    ids=["no-recipient", "no-what", "no-reasons", "para18-consent", "para18-no-reason", "no-art9"],
)
def test_check_your_answers_names_the_question_for_each_bad_input(
    login, practitioner, answers, step, slug
):
    draft = services.create_decision(dict(answers), by=practitioner, draft=True)
    page = login(practitioner).post(f"/decisions/{draft.id}/check")
    text = html.unescape(page.get_data(as_text=True))
    assert "There is a problem" in text and f"{step}: " in text
    assert f"/decisions/{draft.id}/{slug}?return=check" in text
    assert services.get_decision_for(practitioner, draft.id).is_draft


def test_the_register_tags_amended_records(login, ig_lead, practitioner, recorded):
    services.create_decision(dict(NOT_SHARE), by=practitioner)
    services.amend_decision(recorded, "Typo", {"shared_how": "By hand"}, by=practitioner)
    page = login(ig_lead).get("/decisions").get_data(as_text=True)
    assert page.count(">Amended<") == 1 or page.count("Amended") == 1


@pytest.mark.parametrize(
    ("language", "marking", "label"),
    [
        ("en", "OFFICIAL", "Reference"),
        ("cy", "SWYDDOGOL", "Cyfeirnod"),
        ("bilingual", "SWYDDOGOL / OFFICIAL", "Cyfeirnod"),
    ],
)
def test_the_word_summary_is_a4_in_the_language_asked_for(
    login, practitioner, recorded, language, marking, label
):
    from docx import Document

    refresh()
    response = login(practitioner).get(
        f"/decisions/{recorded.id}/summary.docx", query_string={"language": language}
    )
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.header.paragraphs[0].text == marking
    names = {"en": recorded.organisation.display_name("en")}
    names["cy"] = recorded.organisation.display_name("cy")
    names["bilingual"] = f"{names['cy']} / {names['en']}"
    assert doc.core_properties.author == names[language]
    tables = doc.tables if language != "bilingual" else doc.tables[0].rows[0].cells[0].tables
    assert tables[0].rows[0].cells[0].text == label
    if language == "bilingual":  # Welsh on the left, English on the right
        english = doc.tables[0].rows[0].cells[1].tables[0]
        assert english.rows[0].cells[0].text == "Reference"


def test_the_word_summary_refuses_a_language_not_offered(login, practitioner, recorded):
    response = login(practitioner).get(
        f"/decisions/{recorded.id}/summary.docx", query_string={"language": "de"}
    )
    assert response.status_code == 422
    assert "bilingual" in response.get_data(as_text=True)
