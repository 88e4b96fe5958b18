"""The body asked is told: its users who answer requests and the register's address."""

from __future__ import annotations

import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import PermissionDenied
from isp_manager.extensions import db
from isp_manager.mail import flush_pending
from isp_manager.parties import contacts
from tests.conftest import bilingual, org

BODY = "lhb-cardiff-and-vale"


def test_users_who_answer_and_the_register_address_are_the_contacts(make_user):
    body = org(BODY)
    body.ig_lead_email = "ig@cav.example.test"
    lead = make_user(BODY, Role.IG_LEAD, name="Ifan Lead")
    answering = make_user(BODY, Role.PRACTITIONER, name="Alys Answers")
    make_user(BODY, Role.PRACTITIONER, name="Not Told")
    gone = make_user(BODY, Role.PRACTITIONER, name="Gone", active=False)
    contacts.set_answers_requests(answering, True, by=lead)
    gone.answers_requests = True
    found = contacts.request_contacts(body)
    assert [u.name for u in found.users] == ["Alys Answers"]
    assert found.addresses == (answering.email, "ig@cav.example.test")
    assert found.has_users


def test_the_batched_lookup_runs_the_same_queries_for_many_bodies(make_user, count_queries):
    bodies = [org(BODY), org("la-cardiff"), org("police-south-wales")]
    for body in bodies:
        make_user(body, Role.PRACTITIONER).answers_requests = True
    db.session.flush()
    for body in bodies:
        db.session.refresh(body)
    with count_queries() as one:
        contacts.request_contacts_for(bodies[:1])
    with count_queries() as three:
        found = contacts.request_contacts_for(bodies)
    assert one.count == three.count == 2, three.statements
    assert all(len(found[b.id].users) == 1 for b in bodies)


def test_only_the_bodys_ig_lead_chooses_who_answers(make_user, db_session):
    user = make_user(BODY, Role.PRACTITIONER)
    for other in (
        make_user(BODY, Role.PRACTITIONER),  # not the IG lead
        make_user("la-cardiff", Role.IG_LEAD),  # another body's IG lead
        make_user(BODY, Role.AUDITOR),
    ):
        try:
            contacts.set_answers_requests(user, True, by=other)
        except PermissionDenied:
            pass
        else:  # pragma: no cover
            raise AssertionError(f"{other.role} could choose")
    assert user.answers_requests is False
    lead = make_user(BODY, Role.IG_LEAD)
    assert contacts.set_answers_requests(user, True, by=lead) is True
    assert contacts.set_answers_requests(user, True, by=lead) is False  # no change, no event
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.answers_requests_changed",
            AuditEvent.record_id == str(user.id),
        )
    ).all()
    assert len(events) == 1 and events[0].actor_id == lead.id
    assert events[0].after == {"answers_requests": True}


def test_the_ig_leads_page_sets_who_answers(login, make_user, db_session):
    lead = make_user(BODY, Role.IG_LEAD)
    alys = make_user(BODY, Role.PRACTITIONER, name="Alys Answers")
    page = login(lead).get("/organisation/who-answers-requests")
    assert page.status_code == 200 and "Alys Answers" in page.text
    response = login(lead).post(
        "/organisation/who-answers-requests", data={"answers": [str(alys.id)]}
    )
    assert response.status_code == 303
    db.session.refresh(alys)
    assert alys.answers_requests is True


def test_others_cannot_open_the_page(login, make_user, db_session):
    for user in (make_user(BODY, Role.PRACTITIONER), make_user(BODY, Role.BOARD_OFFICER)):
        assert login(user).get("/organisation/who-answers-requests").status_code == 403
        assert login(user).post("/organisation/who-answers-requests").status_code == 403


def test_the_new_request_is_mailed_to_the_users_who_answer_in_both_languages(
    app, make_request, make_user, outbox
):
    body = org(BODY)
    body.ig_lead_email = "ig@cav.example.test"
    alys = make_user(BODY, Role.PRACTITIONER)
    alys.answers_requests = True
    db.session.flush()
    with app.test_request_context():
        req = make_request()
        flush_pending()
    [mail] = outbox()
    assert mail["To"] == f"{alys.email}, ig@cav.example.test"
    welsh, english = bilingual(mail)
    assert req.reference in english and req.reference in welsh
    assert f"/requests/{req.id}" in english and f"/requests/{req.id}" in welsh
    assert "Cyngor Caerdydd" in welsh
    for secret in ("paediatric", "assessment of needs", "CS-2026-00417", "childrens.services"):
        assert secret not in english + welsh


def test_reminders_go_to_the_users_who_answer(app, monkeypatch, make_request, make_user):
    from datetime import date

    from isp_manager.lifecycle import reminders

    alys = make_user(BODY, Role.PRACTITIONER)
    alys.answers_requests = True
    db.session.flush()
    req = make_request()
    monkeypatch.setattr(reminders, "wales_today", lambda: date(2027, 1, 11))
    with app.test_request_context():
        [overdue] = list(reminders.deadline_reminders())
    assert overdue.to == (alys.email, req.contact_email)


def test_who_would_be_told(make_user, make_org):
    nobody = make_org()
    told = contacts.who_would_be_told(nobody)
    assert told.nobody and told.no_users
    with_address = make_org(ig_lead_email="ig@school.example.test")
    told = contacts.who_would_be_told(with_address)
    assert not told.nobody and told.no_users
    make_user(with_address, Role.PRACTITIONER)
    told = contacts.who_would_be_told(with_address)
    assert not told.no_users and told.no_user_answers and not told.nobody


def test_the_sender_is_warned_on_the_send_page(login, council_user, make_user, db_session):
    body = org(BODY)
    body.ig_lead_email = body.dpo_email = None
    db_session.commit()
    page = login(council_user).get(f"/requests/new?body={BODY}")
    assert "would be told of this request: it has no users in this service" in page.text
    assert "add a contact address to its entry in the register" in page.text
    answering = make_user(BODY, Role.PRACTITIONER, name="Alys Answers")
    answering.answers_requests = True
    db_session.commit()
    page = login(council_user).get(f"/requests/new?body={BODY}")
    assert "Nobody at" not in page.text and "Alys Answers" in page.text


def test_the_sender_is_told_the_body_has_no_users(login, council_user, make_request, db_session):
    body = org(BODY)
    body.ig_lead_email = "ig@cav.example.test"
    db_session.commit()
    page = login(council_user).get(f"/requests/new?body={BODY}")
    warning = "has no users in this service: the request will go by e-mail to ig@cav.example.test"
    assert warning in page.text
    draft = make_request(send=False)
    db_session.commit()
    page = login(council_user).get(f"/requests/{draft.id}")
    assert warning in page.text
    # A draft has no letter to download (s.164's letter is the written reasons of a refusal).
    assert f"/requests/{draft.id}/letter.docx" not in page.text
