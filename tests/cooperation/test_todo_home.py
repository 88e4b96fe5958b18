"""The to-do home page: counts per role that link to filtered lists, in a fixed number of
queries; answers are counted unread until someone at the requesting body opens them."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager import todo
from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.lifecycle.models import Outcome
from isp_manager.todo import Task, tasks_for

OVERDUE_DAY = date(2027, 1, 11)  # requests sent on 22 December 2026 were due 8 January
DUE_SOON_DAY = date(2027, 1, 6)


def _tasks(user, today):
    return {t.key: t for t in tasks_for(user, today)}


def _answer(req, by):
    services.respond_to_request(
        req, services.AnswerInput(outcome=Outcome.COMPLIED), by=by, on=date(2027, 1, 4)
    )


def test_requests_waiting_for_my_organisations_answer(app, make_request, board_user):
    make_request()
    make_request()
    with app.test_request_context():
        overdue = _tasks(board_user, OVERDUE_DAY)
        soon = _tasks(board_user, DUE_SOON_DAY)
    assert overdue["s164-received-overdue"].count == 2
    assert overdue["s164-received-overdue"].href == "/requests/received?deadline=overdue"
    assert overdue["s164-received-waiting"].count == 2
    assert "s164-received-due-soon" not in overdue
    assert soon["s164-received-due-soon"].count == 2
    assert soon["s164-received-due-soon"].href == "/requests/received?deadline=due_soon"
    assert "2 requests to your organisation are due soon" == soon["s164-received-due-soon"].label


def test_answers_waiting_for_my_reading(
    app, login, make_request, council_user, board_user, db_session
):
    req = make_request()
    _answer(req, board_user)
    with app.test_request_context():
        task = _tasks(council_user, DUE_SOON_DAY)["s164-answers-unread"]
        assert task.count == 1 and task.href == "/requests/sent?state=answered"
        assert "s164-answers-unread" not in _tasks(board_user, DUE_SOON_DAY)
    db_session.commit()
    assert login(council_user).get(f"/requests/{req.id}").status_code == 200
    with app.test_request_context():
        assert "s164-answers-unread" not in _tasks(council_user, DUE_SOON_DAY)


def test_an_auditor_reading_an_answer_does_not_mark_it_read(
    app, login, make_request, make_user, board_user, council_user, db_session
):
    req = make_request()
    _answer(req, board_user)
    db_session.commit()
    login(make_user("la-cardiff", Role.AUDITOR)).get(f"/requests/{req.id}")
    login(board_user).get(f"/requests/{req.id}")
    with app.test_request_context():
        assert _tasks(council_user, DUE_SOON_DAY)["s164-answers-unread"].count == 1


def test_the_home_page_shows_the_tasks_with_links(
    login, make_request, board_user, monkeypatch, db_session
):
    make_request()
    db_session.commit()
    monkeypatch.setattr(todo, "wales_today", lambda: OVERDUE_DAY)
    page = login(board_user).get("/")
    assert page.status_code == 200
    assert 'href="/requests/received?deadline=overdue"' in page.text
    assert "1 request to your organisation is overdue" in page.text
    welsh = login(board_user).get("/", headers={"Accept-Language": "cy"})
    assert welsh.status_code == 200


def test_nothing_to_do(login, make_user, db_session):
    page = login(make_user("la-cardiff", Role.PRACTITIONER)).get("/")
    assert 'data-testid="todo-empty"' in page.text


def test_a_source_can_lead_for_a_role(app, make_user):
    officer = make_user("la-cardiff", Role.BOARD_OFFICER)

    @todo.task_source(order=999, lead_for=(Role.BOARD_OFFICER,))
    def board_tasks(user, today):
        yield Task("board-requests", "Board", "3 board requests", 3, "/board-requests")

    try:
        with app.test_request_context():
            assert tasks_for(officer, DUE_SOON_DAY)[0].key == "board-requests"
            other = make_user("la-cardiff", Role.PRACTITIONER)
            assert tasks_for(other, DUE_SOON_DAY)[-1].key == "board-requests"
    finally:
        todo.TASK_SOURCES[:] = [s for s in todo.TASK_SOURCES if s.func is not board_tasks]


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.PRACTITIONER])
def test_home_page_queries_do_not_grow_with_the_data(
    login, make_request, board_user, make_user, count_queries, role, db_session
):
    user = make_user("lhb-cardiff-and-vale", role)
    make_request()
    db_session.commit()
    client = login(user)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for _ in range(5):
        make_request()
    db_session.commit()
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
    assert few.count <= 8, few.statements
