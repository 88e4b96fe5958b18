"""Yearly figures, the deadline reminders `flask notify` sends (each once), and the notices
each side receives."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.cooperation import figures, services
from isp_manager.extensions import db
from isp_manager.lifecycle import reminders
from isp_manager.mail import flush_pending
from isp_manager.notifications import send_due_reminders
from tests.conftest import bilingual, org
from tests.cooperation.factories import REASONS, details


def _answer(req, by, outcome, on, ground=None):
    reasons = REASONS if ground else None
    services.respond_to_request(req, services.AnswerInput(outcome, ground, reasons), by=by, on=on)


@pytest.fixture
def year_of_requests(council_user, board_user, make_user):
    """Cardiff's 2026: five sent to the health board, one received from Swansea."""
    make = lambda on: services.create_request(details(), by=council_user, on=on)  # noqa: E731
    a = make(date(2026, 3, 2))  # due 16 March
    _answer(a, board_user, "complied", date(2026, 3, 4))  # 2 working days, on time
    b = make(date(2026, 3, 2))
    _answer(b, board_user, "declined", date(2026, 3, 23), "s164-ground-a")  # 15 days, late
    c = make(date(2026, 3, 2))
    _answer(c, board_user, "partly_complied", date(2026, 3, 6), "s164-ground-b")  # 4 days
    d = make(date(2026, 3, 2))
    _answer(d, board_user, "declined", date(2026, 3, 9), "s164-ground-a")  # 5 days
    make(date(2026, 5, 5))  # still open
    make(date(2025, 12, 1))  # another year
    swansea = make_user("la-swansea", Role.PRACTITIONER)
    services.create_request(details("la-cardiff"), by=swansea, on=date(2026, 2, 2))
    return a, b, c, d


def test_figures_count_outcomes_grounds_median_and_share_on_time(app, year_of_requests):
    result = figures.figures_for(org("la-cardiff"), 2026)
    sent = result.sent
    assert sent.total == 5 and sent.open == 1 and sent.answered == 4
    assert sent.complied == 1 and sent.partly == 1 and sent.declined == 2
    assert sent.declined_by_ground == {"s164-ground-a": 2, "s164-ground-b": 0}
    assert sent.partly_by_ground == {"s164-ground-a": 0, "s164-ground-b": 1}
    assert sent.median_working_days == 4.5  # 2, 4, 5, 15
    assert sent.share_on_time == 0.75
    assert result.received.total == 1 and result.received.open == 1
    board = figures.figures_for(org("lhb-cardiff-and-vale"), 2026)
    assert board.received.total == 5 and board.sent.total == 0
    assert board.received.median_working_days == 4.5


def test_figures_page_and_csv(login, council_user, year_of_requests, db_session):
    db_session.commit()
    client = login(council_user)
    page = client.get("/requests/figures?year=2026").get_data(as_text=True)
    assert "Section 164 figures for 2026" in page
    assert "Declined, s.164(1)(a) or (3)(a)" in page and "app-bar-chart__bar--40" in page  # 2 of 5
    assert "4.5" in page and "75%" in page
    # On a phone the data tables scroll sideways inside a focusable region.
    assert page.count('<div class="app-table-wrapper" role="region"') == page.count("<table")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/requests/figures.csv?year=2026")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == ["Year", "Requests", "Measure", "Value"]
    assert ["2026", "Sent", "Declined, s.164(1)(a) or (3)(a)", "2"] in rows
    assert ["2026", "Sent", "Median working days to answer", "4.5"] in rows
    assert ["2026", "Sent", "Share answered on time (%)", "75"] in rows


def test_a_council_cannot_see_another_bodys_figures(login, council_user, make_user, db_session):
    admin = make_user("nhs-velindre", Role.ADMIN)
    db_session.commit()
    assert (
        login(council_user).get("/requests/figures?organisation=lhb-cardiff-and-vale").status_code
        == 404
    )
    page = login(admin).get("/requests/figures?organisation=lhb-cardiff-and-vale&year=2026")
    assert page.status_code == 200 and "Cardiff and Vale University Health Board" in page.get_data(
        as_text=True
    )


# ----------------------------------------------------------------- reminders


@pytest.fixture
def contacts():
    org("lhb-cardiff-and-vale").ig_lead_email = "ig@cav.example.test"
    db.session.flush()


def _due(monkeypatch, today):
    monkeypatch.setattr(reminders, "wales_today", lambda: today)
    return {
        (r.threshold.split(":")[0], r.record_id)
        for r in reminders.deadline_reminders()
        if r.record_type == "cooperation_requests"
    }


def test_reminders_due_soon_then_overdue_each_once(
    app, monkeypatch, make_request, contacts, outbox
):
    req = make_request()  # due 8 January 2027
    with app.test_request_context():
        assert _due(monkeypatch, date(2027, 1, 4)) == set()
        assert _due(monkeypatch, date(2027, 1, 6)) == {("due_soon", str(req.id))}
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0  # once only
        assert _due(monkeypatch, date(2027, 1, 6)) == set()
        assert _due(monkeypatch, date(2027, 1, 11)) == {("overdue", str(req.id))}
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
        flush_pending()
    # the English half of each subject (Welsh comes first)
    subjects = {bilingual(str(m["Subject"]))[1]: m["To"] for m in outbox()}
    to_by_subject = {s: to for s, to in subjects.items() if "New s.164" not in s}
    assert len(to_by_subject) == 2, to_by_subject
    due_soon = next(s for s in to_by_subject if s.startswith("Due "))
    overdue = next(s for s in to_by_subject if s.startswith("Overdue"))
    assert req.reference in due_soon and req.reference in overdue
    assert to_by_subject[due_soon] == "ig@cav.example.test"  # the body asked
    assert (
        to_by_subject[overdue] == f"ig@cav.example.test, {req.contact_email}"
    )  # and the requester


def test_an_extension_allows_a_fresh_reminder_for_the_new_date(
    app, monkeypatch, make_request, board_user, council_user, contacts
):
    req = make_request()
    with app.test_request_context():
        _due(monkeypatch, date(2027, 1, 7))
        assert send_due_reminders() == 1
        services.ask_for_extension(
            req,
            date(2027, 1, 20),
            "Records are archived off site",
            by=board_user,
            on=date(2027, 1, 7),
        )
        assert _due(monkeypatch, date(2027, 1, 7)) == set()  # asked for: still due 8 January
        services.agree_extension(req, by=council_user, on=date(2027, 1, 7))
        assert _due(monkeypatch, date(2027, 1, 7)) == set()
        assert _due(monkeypatch, date(2027, 1, 18)) == {("due_soon", str(req.id))}


@pytest.mark.parametrize("step", ["clarification", "answered", "withdrawn"])
def test_no_reminder_while_the_clock_is_stopped_or_after_the_end(
    app, monkeypatch, make_request, council_user, board_user, step
):
    req = make_request()
    if step == "clarification":
        services.ask_for_clarification(
            req, "Which years do you need?", by=board_user, on=date(2027, 1, 4)
        )
    elif step == "answered":
        _answer(req, board_user, "complied", date(2027, 1, 4))
    else:
        services.withdraw_request(req, "No longer needed.", by=council_user)
    with app.test_request_context():
        assert _due(monkeypatch, date(2027, 1, 20)) == set()


# ----------------------------------------------------------------- notices to each side


def test_a_new_request_made_on_the_page_is_mailed_to_the_body_asked(
    login, council_user, contacts, outbox, db_session
):
    db_session.commit()
    response = login(council_user).post(
        "/requests/new?body=lhb-cardiff-and-vale",
        data={
            "request_type": "information",
            "function": "ssf-assessment",
            "details": "Attendance at paediatric appointments since January 2026.",
            "purpose": "To complete the assessment of the child's needs.",
            "subject_reference": "CS-2026-00417",
            "contact_name": "Sian Council",
            "contact_email": "sian@cardiff.example.test",
            "send": "Send request",
        },
    )
    assert response.status_code == 303
    [mail] = outbox()
    assert mail["To"] == "ig@cav.example.test"
    welsh, english = bilingual(mail)
    assert "New s.164 request S164-" in english
    assert "Cardiff Council" in english and "working days from" in english
    assert "Cyngor Caerdydd" in welsh and "diwrnod gwaith o" in welsh
    assert "/requests/" in english and "/requests/" in welsh
    assert "Cardiff Council" not in welsh and "working days" not in welsh
    assert "CS-2026-00417" not in english + welsh  # the case reference stays in the service


def test_the_answer_is_mailed_back_to_the_requester(
    api_client, make_request, board_user, outbox, db_session
):
    req = make_request(contact_email="sian@cardiff.example.test")
    client = api_client(board_user)
    db_session.commit()
    response = client.post(
        f"/api/v1/cooperation-requests/{req.id}/response",
        json={"outcome": "declined", "ground": "s164-ground-b", "written_reasons": REASONS},
    )
    assert response.status_code == 200
    [mail] = outbox()
    assert "sian@cardiff.example.test" in mail["To"]
    assert bilingual(mail["Subject"]) == (
        f"Atebwyd {req.reference}: gwrthodwyd",
        f"{req.reference} answered: declined",
    )


def test_nothing_is_mailed_when_the_answer_is_refused(
    api_client, make_request, board_user, outbox, db_session
):
    req = make_request()
    client = api_client(board_user)
    db_session.commit()
    response = client.post(
        f"/api/v1/cooperation-requests/{req.id}/response",
        json={"outcome": "declined", "ground": "s164-ground-b", "written_reasons": "refused"},
    )
    assert response.status_code == 422
    assert outbox() == []


def test_notices_carry_no_free_text(
    api_client, make_request, board_user, council_user, contacts, outbox, db_session
):
    req = make_request(on=None, contact_email="sian@cardiff.example.test")
    board, council = api_client(board_user), api_client(council_user)
    db_session.commit()
    question = "Is the child's mother still living at 12 Example Street?"
    board.post(f"/api/v1/cooperation-requests/{req.id}/clarification", json={"question": question})
    council.post(
        f"/api/v1/cooperation-requests/{req.id}/clarification-answer",
        json={"answer": "Yes, since May."},
    )
    bodies = [m.get_payload(decode=True).decode() for m in outbox()]
    assert len(bodies) == 3  # the new request, the question, the answer
    assert all("Example Street" not in b and "since May" not in b for b in bodies)
    assert all(req.reference in b and f"/requests/{req.id}" in b for b in bodies)
