"""The shared step pages on s.137 board requests, over HTTP: the body asked asks for a
clarification and for more time, the board answers, agrees, refuses or grants more time and
withdraws. The wrong side and an auditor are refused (403), another organisation gets a 404;
refused input names its field in the error summary and saves nothing; each step is audited
and tells the other side."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.board_requests import services
from isp_manager.extensions import db
from isp_manager.lifecycle import services as lifecycle
from isp_manager.lifecycle.models import ExtensionState, RequestState
from tests.board_requests.conftest import BODY, THIRD
from tests.conftest import bilingual, org

BASE = "/board-requests"
CONTACT = "reviews@board.example.test"
QUESTION = "Which of the siblings of the child does the review cover?"
CLARIFIED = "Only the child named in the review, not the siblings."
REASON = "The records are archived off site and take two weeks to retrieve."
BODY_NAME = "Cardiff and Vale University Health Board"


BODY_CONTACT = "ig@cav.example.test"


@pytest.fixture
def req(make_request):
    """A board request sent today to the health board (whose register address is
    BODY_CONTACT), to be provided to Cardiff Council."""
    org(BODY).ig_lead_email = BODY_CONTACT
    return make_request(on=None, provide_to=org(THIRD), contact_email=CONTACT)


@pytest.fixture
def people(officer, body_user, third_user, make_user):
    return {
        "board": officer,
        "body": body_user,
        "provide_to": third_user,
        "stranger": make_user("lhb-aneurin-bevan", Role.IG_LEAD),
        "other_board": make_user("board-gwent", Role.BOARD_OFFICER),
        "auditor": make_user("la-cardiff", Role.AUDITOR),
        "body_auditor": make_user(BODY, Role.AUDITOR),
    }


def _new_due(req):
    """A later due date within the limit."""
    limit = lifecycle.extension_limit(req, services.extension_limit_days())
    return min(req.due_date + timedelta(days=14), limit)


def _date_fields(day) -> dict:
    """The three boxes of the date (day, month, year) share the field's name."""
    return {"new_due_date": [str(day.day), str(day.month), str(day.year)]}


def _asked_clarification(req, body_user):
    services.ask_for_clarification(req, QUESTION, by=body_user)


def _asked_extension(req, body_user):
    services.ask_for_extension(req, _new_due(req), REASON, by=body_user)


def _audit_actions(req) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.action.like("board_request.%"), AuditEvent.record_id == str(req.id))
            .order_by(AuditEvent.id)
        )
    )


# The page of each step, who may open it (200) and who may not: the other side and anyone who
# only reads it (403), an organisation with nothing to do with it (404).
STEPS = {
    "clarification": ("body", None),
    "clarification-answer": ("board", _asked_clarification),
    "extension-request": ("body", None),
    "extension-request/decision": ("board", _asked_extension),
    "extension": ("board", None),
    "withdraw": ("board", None),
}
REFUSED = {
    "board": 403,
    "body": 403,
    "provide_to": 403,
    "stranger": 404,
    "other_board": 404,
    "auditor": 403,
    "body_auditor": 403,
}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", ["board", "body", *list(REFUSED)[2:]])
def test_who_may_open_each_step_page(login, req, people, step, who):
    side, prepare = STEPS[step]
    if prepare:
        prepare(req, people["body"])
        db.session.commit()
    expected = 200 if who == side else REFUSED[who]
    response = login(people[who]).get(f"{BASE}/{req.id}/{step}")
    assert response.status_code == expected
    posted = login(people[who]).post(f"{BASE}/{req.id}/{step}", data={})
    if who != side:
        assert posted.status_code == expected


def test_the_request_page_offers_each_side_its_steps(login, req, people):
    body_page = login(people["body"]).get(f"{BASE}/{req.id}").text
    assert f"{BASE}/{req.id}/clarification" in body_page
    assert f"{BASE}/{req.id}/extension-request" in body_page
    assert f"{BASE}/{req.id}/withdraw" not in body_page
    board_page = login(people["board"]).get(f"{BASE}/{req.id}").text
    assert f"{BASE}/{req.id}/extension" in board_page and "Give more time" in board_page
    assert f"{BASE}/{req.id}/withdraw" in board_page
    assert f"{BASE}/{req.id}/clarification" not in board_page
    for who in ("provide_to", "auditor"):
        page = login(people[who]).get(f"{BASE}/{req.id}").text
        assert f"{BASE}/{req.id}/extension" not in page
        assert f"{BASE}/{req.id}/withdraw" not in page


def _notices(outbox) -> dict[str, str]:
    """The English subject of each notice sent, and whom it went to."""
    return {bilingual(str(m["Subject"]))[1]: str(m["To"]) for m in outbox()}


def _sent_to(notices: dict[str, str], subject: str) -> str:
    return next(to for s, to in notices.items() if subject in s)


def test_clarification_asked_and_answered_in_the_pages(login, req, people, outbox):
    body, board = login(people["body"]), login(people["board"])
    page = body.get(f"{BASE}/{req.id}/clarification")
    assert req.information_specified in page.text
    assert "The clock stops until the board answers." in page.text
    asked = body.post(f"{BASE}/{req.id}/clarification", data={"question": QUESTION})
    assert asked.status_code == 303 and asked.location.endswith(f"{BASE}/{req.id}")
    assert "The clock has stopped" in body.get(asked.location).text
    db.session.refresh(req)
    assert req.state is RequestState.AWAITING_CLARIFICATION
    assert f"{BASE}/{req.id}/clarification-answer" in board.get(f"{BASE}/{req.id}").text
    page = board.get(f"{BASE}/{req.id}/clarification-answer")
    assert QUESTION in page.text
    answered = board.post(f"{BASE}/{req.id}/clarification-answer", data={"answer": CLARIFIED})
    assert answered.status_code == 303
    db.session.refresh(req)
    assert req.state is RequestState.SENT and req.clock_stopped_on is None  # not acknowledged
    assert _audit_actions(req)[-2:] == [
        "board_request.clarification_requested",
        "board_request.clarification_answered",
    ]
    notices = _notices(outbox)
    assert CONTACT in _sent_to(notices, f"{req.reference}: {BODY_NAME} asks for clarification")
    assert BODY_CONTACT in _sent_to(notices, f"{req.reference}: clarification from")


def test_extension_asked_for_and_agreed_in_the_pages(login, req, people, outbox):
    body, board = login(people["body"]), login(people["board"])
    new_due = _new_due(req)
    asked = body.post(
        f"{BASE}/{req.id}/extension-request", data={**_date_fields(new_due), "reason": REASON}
    )
    assert asked.status_code == 303
    db.session.refresh(req)
    assert req.pending_extension is not None and req.due_date < new_due
    shown = board.get(f"{BASE}/{req.id}").text
    assert "Agree or refuse the extension" in shown and "agrees or refuses it" in shown
    page = board.get(f"{BASE}/{req.id}/extension-request/decision")
    assert REASON in page.text
    agreed = board.post(f"{BASE}/{req.id}/extension-request/decision", data={"decision": "agree"})
    assert agreed.status_code == 303
    assert "You have agreed the extension." in board.get(agreed.location).text
    db.session.refresh(req)
    assert req.due_date == new_due and req.extensions[-1].state is ExtensionState.AGREED
    assert _audit_actions(req)[-2:] == [
        "board_request.extension_requested",
        "board_request.extension_agreed",
    ]
    notices = _notices(outbox)
    assert CONTACT in _sent_to(notices, "asks for more time")
    assert BODY_CONTACT in _sent_to(notices, "extension agreed, now due")


def test_extension_refused_and_more_time_granted_in_the_pages(login, req, people, outbox):
    board = login(people["board"])
    _asked_extension(req, people["body"])
    db.session.commit()
    refused = board.post(
        f"{BASE}/{req.id}/extension-request/decision",
        data={"decision": "refuse", "reason": "The review panel meets on the due date."},
    )
    assert refused.status_code == 303
    db.session.refresh(req)
    assert req.extensions[-1].state is ExtensionState.REFUSED
    new_due = _new_due(req)
    granted = board.post(
        f"{BASE}/{req.id}/extension",
        data={**_date_fields(new_due), "reason": "The panel has moved its meeting."},
    )
    assert granted.status_code == 303
    db.session.refresh(req)
    assert req.due_date == new_due and req.extensions[-1].state is ExtensionState.GRANTED
    assert _audit_actions(req)[-2:] == [
        "board_request.extension_refused",
        "board_request.extension_granted",
    ]
    notices = _notices(outbox)
    assert BODY_CONTACT in _sent_to(notices, "extension refused")
    assert BODY_CONTACT in _sent_to(notices, "new due date")


def test_withdrawn_in_the_page(login, req, people, outbox):
    board = login(people["board"])
    withdrawn = board.post(
        f"{BASE}/{req.id}/withdraw", data={"reason": "The review was stood down."}
    )
    assert withdrawn.status_code == 303
    assert "The request has been withdrawn." in board.get(withdrawn.location).text
    db.session.refresh(req)
    assert req.state is RequestState.WITHDRAWN
    assert _audit_actions(req)[-1] == "board_request.withdrawn"
    assert BODY_CONTACT in _sent_to(_notices(outbox), f"{req.reference} withdrawn by")
    assert board.get(f"{BASE}/{req.id}/withdraw").status_code == 409


# Refused input: (step, who, data, field named in the error summary).
BAD_INPUT = [
    ("clarification", "body", {"question": ""}, "question"),
    ("clarification-answer", "board", {"answer": " "}, "answer"),
    ("extension-request", "body", {"reason": REASON}, "new_due_date"),
    ("extension-request", "body", "too_late", "new_due_date"),
    ("extension-request/decision", "board", {}, "decision"),
    ("extension-request/decision", "board", {"decision": "refuse"}, "reason"),
    ("extension", "board", "no_reason", "reason"),
    ("withdraw", "board", {"reason": "no"}, "reason"),
]


@pytest.mark.parametrize(("step", "who", "data", "field"), BAD_INPUT)
def test_bad_input_names_the_field_and_saves_nothing(login, req, people, step, who, data, field):
    _side, prepare = STEPS[step]
    if prepare:
        prepare(req, people["body"])
        db.session.commit()
    if data == "too_late":
        data = {**_date_fields(req.due_date + timedelta(days=400)), "reason": REASON}
    elif data == "no_reason":
        data = {**_date_fields(_new_due(req)), "reason": ""}
    state, due, extensions = req.state, req.due_date, len(req.extensions)
    actions = _audit_actions(req)
    response = login(people[who]).post(f"{BASE}/{req.id}/{step}", data=data)
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text and "There is a problem" in response.text
    assert f'href="#{field}' in response.text
    db.session.expire_all()
    assert (req.state, req.due_date, len(req.extensions)) == (state, due, extensions)
    assert _audit_actions(req) == actions


def test_the_step_pages_speak_welsh(login, req, people):
    from flask_babel import refresh

    refresh()
    page = login(people["body"]).get(f"{BASE}/{req.id}/clarification?lang=cy").text
    refresh()
    assert '<html lang="cy"' in page
    assert "Mae&#39;r cloc yn stopio nes bydd y bwrdd yn ateb." in page
    assert "Bwrdd Iechyd Prifysgol Caerdydd a&#39;r Fro" in page
    assert "The clock stops" not in page


# ----------------------------------------------------------------- the same steps in the API

API = "/api/v1/board-requests"


def test_the_api_steps_are_the_shared_ones(api_client, req, people):
    body, board = api_client(people["body"]), api_client(people["board"])
    stranger = api_client(people["stranger"])
    url = f"{API}/{req.id}"
    assert stranger.post(f"{url}/clarification", json={"question": QUESTION}).status_code == 404
    assert board.post(f"{url}/clarification", json={"question": QUESTION}).status_code == 403
    empty = body.post(f"{url}/clarification", json={"question": ""})
    assert empty.status_code == 422 and "question" in empty.json["errors"]["json"]
    asked = body.post(f"{url}/clarification", json={"question": QUESTION})
    assert asked.status_code == 200 and asked.json["state"] == "awaiting_clarification"
    answered = board.post(f"{url}/clarification-answer", json={"answer": CLARIFIED})
    assert answered.json["state"] == "sent"  # asking a question is not acknowledging
    new_due = _new_due(req)
    more = body.post(
        f"{url}/extension-request", json={"new_due_date": new_due.isoformat(), "reason": REASON}
    )
    assert more.status_code == 200 and more.json["extensions"][-1]["state"] == "asked"
    assert body.post(f"{url}/extension-request/agreement").status_code == 403
    agreed = board.post(f"{url}/extension-request/agreement")
    assert agreed.status_code == 200 and agreed.json["due_date"] == new_due.isoformat()
    assert board.post(f"{url}/extension-request/refusal", json={"reason": "x"}).status_code == 409
    withdrawn = board.post(f"{url}/withdraw", json={"reason": "The review was stood down."})
    assert withdrawn.json["state"] == "withdrawn"


def test_each_kind_describes_the_shared_routes_in_its_own_words(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    board = paths["/api/v1/board-requests/{request_id}/extension"]["post"]
    council = paths["/api/v1/cooperation-requests/{request_id}/extension"]["post"]
    assert board["summary"] == "The board gives more time of its own accord."
    assert council["summary"].startswith("The requesting council gives more time")
    assert board["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BoardRequest"
    }
