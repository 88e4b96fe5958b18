"""Who hears of a board request: the body asked's request contacts (parties.contacts, as for
s.164) and the body the information goes to; the steps' notices; the deadline reminders
`flask notify` sends for both kinds, each once per stage; and the warning the board sees
before sending to a body without users, or where nobody would be told."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from isp_manager.board_requests.models import BoardRequest
from isp_manager.calendar import add_working_days
from isp_manager.cooperation import services as s164
from isp_manager.extensions import db
from isp_manager.lifecycle import reminders
from isp_manager.lifecycle.models import RequestState
from isp_manager.mail import _pending
from isp_manager.notifications import SentReminder, send_due_reminders
from tests.board_requests.conftest import BODY, REQUEST_DAY, SPECIFIED, THIRD, WHY
from tests.conftest import bilingual, org
from tests.cooperation.factories import details as s164_details

NO_USERS = "la-vale-of-glamorgan"
BODY_ADDRESS = "ig@cav.example.test"
THIRD_ADDRESS = "ig@cardiff.example.test"
DUE = date(2027, 1, 22)  # 20 working days after REQUEST_DAY


def _queued() -> list:
    """The notices queued so far, forgotten once read."""
    messages = list(_pending())
    _pending().clear()
    return messages


def _to(message) -> list[str]:
    return [a.strip() for a in str(message["To"]).split(",")]


def _english(message) -> str:
    return bilingual(message)[1]


def _addresses(body=BODY_ADDRESS, third=THIRD_ADDRESS):
    org(BODY).ig_lead_email = body
    org(THIRD).ig_lead_email = third
    db.session.flush()


# ----------------------------------------------------------------- on sending


def test_sending_tells_the_bodys_request_contacts_and_the_body_it_goes_to(
    make_request, make_user, body_user
):
    _addresses()
    answering = make_user(BODY, Role.PRACTITIONER, name="Alys Answers")
    answering.answers_requests = True
    db.session.flush()
    _queued()
    req = make_request(provide_to=org(THIRD))
    asked, third = _queued()
    # The users who answer requests and the register's address; not every user of the body.
    assert _to(asked) == [answering.email, BODY_ADDRESS]
    assert body_user.email not in _to(asked)
    welsh, english = bilingual(asked)
    assert f"New s.137 request {req.reference}" in english
    assert f"/board-requests/{req.id}" in english and f"/board-requests/{req.id}" in welsh
    assert "Cardiff and Vale" in english
    assert _to(third) == [THIRD_ADDRESS]
    assert "information to come to you" in _english(third)
    # References and links only: nothing the board wrote goes by e-mail.
    for message in (asked, third):
        text = "".join(bilingual(message))
        assert WHY[:40] not in text and SPECIFIED[:40] not in text
        assert "CPR-CV-2026-03" not in text


def test_a_body_without_users_is_told_by_e_mail_how_to_answer(make_request):
    org(NO_USERS).ig_lead_email = "safeguarding@valeofglamorgan.example.test"
    db.session.flush()
    _queued()
    make_request(body=NO_USERS)
    [asked] = _queued()
    assert _to(asked) == ["safeguarding@valeofglamorgan.example.test"]
    assert (
        "Cardiff and Vale of Glamorgan Regional Safeguarding Board will send you the request letter"
        in (_english(asked))
    )


def test_a_draft_tells_nobody(make_request):
    _addresses()
    _queued()
    make_request(send=False)
    assert _queued() == []


def test_the_steps_tell_whoever_the_lifecycle_names(make_request, officer, body_user):
    _addresses()
    req = make_request(provide_to=org(THIRD), contact_email="bethan@board.example.test")
    _queued()
    services.ask_for_clarification(req, "Which child exactly?", by=body_user, on=REQUEST_DAY)
    services.give_clarification(req, "The child in the review.", by=officer, on=REQUEST_DAY)
    ext = services.ask_for_extension(
        req, date(2027, 2, 5), "The records are archived off site.", by=body_user, on=REQUEST_DAY
    )
    services.agree_extension(req, by=officer, on=REQUEST_DAY)
    asked, given, more_time, agreed = _queued()
    assert "bethan@board.example.test" in _to(asked) and officer.email in _to(asked)
    assert "asks for clarification" in _english(asked)
    assert _to(given) == [BODY_ADDRESS] and "clarification from" in _english(given)
    assert "asks for more time" in _english(more_time)
    assert "bethan@board.example.test" in _to(more_time)
    assert _to(agreed) == [BODY_ADDRESS] and "extension agreed" in _english(agreed)
    assert ext.new_due_date is not None
    for message in (asked, given, more_time, agreed):
        text = "".join(bilingual(message))
        assert "Which child" not in text and "archived off site" not in text
        assert req.reference in text


def test_a_refused_or_granted_extension_tells_the_body_asked(make_request, officer, body_user):
    _addresses()
    req = make_request()
    services.ask_for_extension(
        req, date(2027, 2, 5), "The records are archived off site.", by=body_user, on=REQUEST_DAY
    )
    _queued()
    services.refuse_extension(req, "The review panel meets next week.", by=officer)
    services.grant_extension(
        req, date(2027, 2, 12), "The panel moved its meeting.", by=officer, on=REQUEST_DAY
    )
    refused, granted = _queued()
    assert _to(refused) == [BODY_ADDRESS] and "extension refused" in _english(refused)
    assert _to(granted) == [BODY_ADDRESS] and "new due date" in _english(granted)


def test_answer_and_withdrawal_tell_the_body_the_information_goes_to(
    make_request, officer, body_user
):
    _addresses()
    answered = make_request(provide_to=org(THIRD))
    withdrawn = make_request(provide_to=org(THIRD))
    _queued()
    services.respond_to_request(
        answered, services.AnswerInput("complied"), by=body_user, on=REQUEST_DAY
    )
    services.withdraw_request(withdrawn, "The review has been stood down.", by=officer)
    answer, withdrawal = _queued()
    assert officer.email in _to(answer) and THIRD_ADDRESS in _to(answer)
    assert BODY_ADDRESS in _to(withdrawal) and THIRD_ADDRESS in _to(withdrawal)
    assert "stood down" not in "".join(bilingual(withdrawal))


# ----------------------------------------------------------------- reminders, both kinds


def _stages(monkeypatch, today) -> dict[str, set[tuple[str, str]]]:
    monkeypatch.setattr(reminders, "wales_today", lambda: today)
    found: dict[str, set[tuple[str, str]]] = {}
    for r in reminders.deadline_reminders():
        found.setdefault(r.record_type, set()).add((r.threshold.split(":")[0], r.record_id))
    return found


def test_board_reminders_due_soon_then_overdue_each_once(monkeypatch, make_request, officer):
    _addresses()
    req = make_request(contact_email="bethan@board.example.test")
    assert req.due_date == DUE  # a Friday
    before, soon, late = date(2027, 1, 18), date(2027, 1, 20), date(2027, 1, 25)
    # S137_DUE_SOON_DAYS is 3: on Monday 18th the Friday is 4 working days off, on the 20th 2.
    assert _stages(monkeypatch, before) == {}
    assert _stages(monkeypatch, soon) == {"board_requests": {("due_soon", str(req.id))}}
    [due_soon] = list(reminders.deadline_reminders())
    assert due_soon.to == (BODY_ADDRESS,)
    assert f"s.137 request {req.reference}" in bilingual(due_soon.subject)[1]
    _queued()
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0  # once per stage
    assert _stages(monkeypatch, soon) == {}
    assert _stages(monkeypatch, late) == {"board_requests": {("overdue", str(req.id))}}
    [overdue] = list(reminders.deadline_reminders())
    assert overdue.to == (BODY_ADDRESS, "bethan@board.example.test")
    assert bilingual(overdue.subject)[1].startswith("Overdue: s.137 request")
    assert send_due_reminders() == 1 and send_due_reminders() == 0
    sent = db.session.scalars(
        sa.select(SentReminder.threshold).where(
            SentReminder.record_type == "board_requests",
            SentReminder.record_id == str(req.id),
        )
    ).all()
    assert sorted(t.split(":")[0] for t in sent) == ["due_soon", "overdue"]
    for reminder in (due_soon, overdue):
        assert WHY[:40] not in reminder.body and SPECIFIED[:40] not in reminder.body
        assert f"/board-requests/{req.id}" in reminder.body


def test_one_run_reminds_of_both_kinds(monkeypatch, make_request, make_user):
    council_user = make_user("la-cardiff", Role.PRACTITIONER)
    _addresses()
    board_req = make_request()
    s164_req = s164.create_request(s164_details(), by=council_user, on=REQUEST_DAY)
    late = add_working_days(max(board_req.due_date, s164_req.due_date), 1)[0]
    assert _stages(monkeypatch, late) == {
        "board_requests": {("overdue", str(board_req.id))},
        "cooperation_requests": {("overdue", str(s164_req.id))},
    }
    assert send_due_reminders() == 2
    assert send_due_reminders() == 0


def test_each_kind_uses_its_own_due_soon_days(app, monkeypatch, make_request):
    _addresses()
    req = make_request()
    assert req.due_date == DUE
    four_before = date(2027, 1, 18)
    assert _stages(monkeypatch, four_before) == {}
    monkeypatch.setitem(app.config, "S137_DUE_SOON_DAYS", 5)
    assert _stages(monkeypatch, four_before) == {"board_requests": {("due_soon", str(req.id))}}


def test_no_board_reminder_once_answered_or_while_the_clock_is_stopped(
    monkeypatch, make_request, body_user
):
    answered = make_request()
    stopped = make_request()
    services.respond_to_request(
        answered, services.AnswerInput("complied"), by=body_user, on=REQUEST_DAY
    )
    services.ask_for_clarification(stopped, "Which child exactly?", by=body_user, on=REQUEST_DAY)
    assert stopped.state is RequestState.AWAITING_CLARIFICATION
    late = add_working_days(answered.due_date, 10)[0]
    assert _stages(monkeypatch, late) == {}


def test_the_notify_command_sends_board_reminders(app, monkeypatch, make_request, db_session):
    _addresses()
    req = make_request()
    db_session.commit()
    monkeypatch.setattr(reminders, "wales_today", lambda: add_working_days(req.due_date, 1)[0])
    result = app.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent." in result.output
    assert db.session.scalar(
        sa.select(SentReminder.id).where(
            SentReminder.record_type == BoardRequest.__tablename__,
            SentReminder.record_id == str(req.id),
        )
    )


# ----------------------------------------------------------------- the warning before sending

NO_USERS_ADDRESS = "safeguarding@valeofglamorgan.example.test"
NO_USERS_NAME = "Vale of Glamorgan Council"


def _form(body: str, **extra) -> dict:
    return {
        "qualifying_body": body,
        "why_qualifying": WHY,
        "information_specified": SPECIFIED,
        "relates_to": ["s137-b", "s137-c"],
        "provide_to": "",
        "purpose": "child_practice_review",
        "review_reference": "CPR-CV-2026-03",
        "protective_marking": "OFFICIAL",
        "submit": "Send the request",
        **extra,
    }


def _board_requests() -> list[BoardRequest]:
    return list(db.session.scalars(sa.select(BoardRequest)))


def _no_users_warning() -> str:
    return (
        f"{NO_USERS_NAME} has no users in this service: the request will go by e-mail to "
        f"{NO_USERS_ADDRESS}; download the letter to send it."
    )


def test_the_first_load_with_the_body_chosen_warns_of_a_body_without_users(
    login, officer, db_session
):
    org(NO_USERS).ig_lead_email = NO_USERS_ADDRESS
    db_session.commit()
    page = login(officer).get(f"/board-requests/new?body={NO_USERS}")
    assert page.status_code == 200
    assert _no_users_warning() in page.text
    assert f'value="{NO_USERS_NAME}"' in page.text  # and the body is named


def test_the_first_load_warns_that_nobody_would_be_told_and_how_to_fix_it(
    login, officer, db_session
):
    body = org(NO_USERS)
    body.ig_lead_email = body.dpo_email = None
    db_session.commit()
    page = login(officer).get(f"/board-requests/new?body={NO_USERS}").text
    assert f"Nobody at {NO_USERS_NAME} would be told of this request" in page
    assert "add a contact address to its entry in the register" in page


def test_a_body_with_users_shows_who_will_be_told_without_a_warning(
    login, officer, make_user, db_session
):
    _addresses()
    answering = make_user(BODY, Role.PRACTITIONER, name="Alys Answers")
    answering.answers_requests = True
    db_session.commit()
    page = login(officer).get(f"/board-requests/new?body={BODY}").text
    assert "Alys Answers" in page and BODY_ADDRESS in page
    assert "has no users" not in page and "Nobody at" not in page
    # Nothing is chosen yet: nothing is said about anyone.
    assert "Who at" not in login(officer).get("/board-requests/new").text


def test_sending_to_a_body_without_users_waits_for_the_check_step(login, officer, db_session):
    org(NO_USERS).ig_lead_email = NO_USERS_ADDRESS
    db_session.commit()
    client = login(officer)
    check = client.post("/board-requests/new", data=_form(NO_USERS))
    assert check.status_code == 200
    assert "Check who will be told before you send the request" in check.text
    assert _no_users_warning() in check.text
    assert f'name="told_checked" type="hidden" value="{NO_USERS}"' in check.text
    assert _board_requests() == []  # nothing saved on the check step
    sent = client.post("/board-requests/new", data=_form(NO_USERS, told_checked=NO_USERS))
    assert sent.status_code == 302
    [req] = _board_requests()
    assert req.state is RequestState.SENT and req.requested_org.code == NO_USERS


def test_a_check_for_another_body_does_not_count(login, officer, db_session):
    """Choosing another body after the check shows the check again, for that body."""
    body = org(NO_USERS)
    body.ig_lead_email = body.dpo_email = None
    db_session.commit()
    again = login(officer).post("/board-requests/new", data=_form(NO_USERS, told_checked=BODY))
    assert "Check who will be told" in again.text
    assert f"Nobody at {NO_USERS_NAME} would be told" in again.text
    assert _board_requests() == []


def test_a_wrong_request_is_not_passed_as_checked(login, officer, db_session):
    org(NO_USERS).ig_lead_email = NO_USERS_ADDRESS
    db_session.commit()
    page = login(officer).post("/board-requests/new", data=_form(NO_USERS, why_qualifying=""))
    assert "govuk-error-summary" in page.text
    assert "Check who will be told" not in page.text
    assert _no_users_warning() in page.text  # still shown beside the send button
    assert 'name="told_checked" type="hidden" value=""' in page.text
    assert _board_requests() == []


def test_a_body_with_users_is_sent_to_at_once_and_a_draft_needs_no_check(
    login, officer, body_user, db_session
):
    _addresses()
    db_session.commit()
    client = login(officer)
    assert client.post("/board-requests/new", data=_form(BODY)).status_code == 302
    draft = client.post("/board-requests/new", data=_form(NO_USERS, save_draft="Save as a draft"))
    assert draft.status_code == 302
    states = sorted(r.state.value for r in _board_requests())
    assert states == ["draft", "sent"]


def test_the_draft_page_warns_before_its_send_button(login, officer, make_request, db_session):
    org(NO_USERS).ig_lead_email = NO_USERS_ADDRESS
    draft = make_request(send=False, body=NO_USERS)
    db_session.commit()
    page = login(officer).get(f"/board-requests/{draft.id}").text
    assert _no_users_warning() in page
    assert page.index(_no_users_warning()) < page.index("Send request")
    # Once sent, the letter is there to download and the warning has done its work.
    services.send_request(draft, by=officer, on=REQUEST_DAY)
    db_session.commit()
    page = login(officer).get(f"/board-requests/{draft.id}").text
    assert _no_users_warning() not in page
    assert f"/board-requests/{draft.id}/letter.docx" in page
