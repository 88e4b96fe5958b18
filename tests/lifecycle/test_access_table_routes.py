"""Every API route of every kind of request answers as the one access table says.

The expectations are not written by hand: for each kind, each action with a route, each kind of
user (every party of the kind, its auditors, a third organisation, an administrator and an
auditor elsewhere) and a draft and a sent request, the table (`lifecycle.access.can`) says
whether the user may see the request (otherwise 404: it is not revealed to exist) and whether
they may act (otherwise 403). A user the table allows gets neither: the state machine or the
input may still refuse them (409, 422), never a 5xx.
"""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services as board
from isp_manager.cooperation import services as s164
from isp_manager.extensions import db
from isp_manager.lifecycle.access import ACCESS, Action, can
from tests.board_requests.conftest import details as board_details
from tests.conftest import org
from tests.cooperation.factories import REQUEST_DAY
from tests.cooperation.factories import details as s164_details

REASON = "The records are held in two archives and the second is only searchable by hand."
LATER = "2027-02-26"

# (method, path under the kind's API prefix, JSON body): one per action.
ROUTES = {
    Action.VIEW: ("GET", "", None),
    Action.LETTER: ("GET", "/letter.docx", None),
    Action.SEND: ("POST", "/send", None),
    Action.ACKNOWLEDGE: ("POST", "/acknowledge", None),
    Action.ASK_CLARIFICATION: (
        "POST",
        "/clarification",
        {"question": "Which dates of attendance does the request cover, please?"},
    ),
    Action.ANSWER_CLARIFICATION: (
        "POST",
        "/clarification-answer",
        {"answer": "Attendances between January and September 2026, as the request says."},
    ),
    Action.ASK_EXTENSION: (
        "POST",
        "/extension-request",
        {"new_due_date": LATER, "reason": REASON},
    ),
    Action.AGREE_EXTENSION: ("POST", "/extension-request/agreement", None),
    Action.REFUSE_EXTENSION: ("POST", "/extension-request/refusal", {"reason": REASON}),
    Action.GRANT_EXTENSION: ("POST", "/extension", {"new_due_date": LATER, "reason": REASON}),
    Action.RESPOND: ("POST", "/response", {"outcome": "complied"}),
    Action.RECORD_ON_BEHALF: (
        "POST",
        "/response-on-behalf",
        {
            "outcome": "complied",
            "received_from": "Records manager",
            "received_on": "2026-12-23",
            "received_how": "email",
        },
    ),
    Action.CLOSE: ("POST", "/close", None),
    Action.WITHDRAW: ("POST", "/withdraw", {"reason": REASON}),
}


def _s164_request(users, *, send: bool):
    return s164.create_request(s164_details(), by=users["requester"], send=send, on=REQUEST_DAY)


def _board_request(users, *, send: bool):
    return board.create_request(
        board_details(provide_to=org("la-cardiff")),
        by=users["requester"],
        send=send,
        on=date(2026, 12, 22),
    )


# Each kind: its API prefix, the actions it has a route for, its users and a request factory.
KINDS = {
    "s164": {
        "prefix": "/api/v1/cooperation-requests",
        "actions": [a for a in ROUTES if a is not Action.RECORD_ON_BEHALF],
        "users": {
            "requester": ("la-cardiff", Role.IG_LEAD),
            "requester_practitioner": ("la-cardiff", Role.PRACTITIONER),
            "requester_auditor": ("la-cardiff", Role.AUDITOR),
            "body_asked": ("lhb-cardiff-and-vale", Role.IG_LEAD),
            "body_auditor": ("lhb-cardiff-and-vale", Role.AUDITOR),
            "third": ("lhb-swansea-bay", Role.IG_LEAD),
            "admin": ("nhs-velindre", Role.ADMIN),
            "auditor": ("nhs-wast", Role.AUDITOR),
        },
        "make": _s164_request,
    },
    "s137": {
        "prefix": "/api/v1/board-requests",
        "actions": list(ROUTES),
        "users": {
            "requester": ("board-cardiff-and-vale", Role.BOARD_OFFICER),
            "requester_auditor": ("board-cardiff-and-vale", Role.AUDITOR),
            "body_asked": ("lhb-cardiff-and-vale", Role.IG_LEAD),
            "body_auditor": ("lhb-cardiff-and-vale", Role.AUDITOR),
            "provide_to": ("la-cardiff", Role.IG_LEAD),
            "third": ("lhb-swansea-bay", Role.IG_LEAD),
            "admin": ("nhs-velindre", Role.ADMIN),
            "auditor": ("nhs-wast", Role.AUDITOR),
        },
        "make": _board_request,
    },
}

CASES = [
    pytest.param(kind, action, who, sent, id=f"{kind}-{action.value}-{who}-{state}")
    for kind, spec in KINDS.items()
    for action in spec["actions"]
    for who in spec["users"]
    for sent, state in ((False, "draft"), (True, "sent"))
]


def test_every_action_has_a_route():
    assert set(ROUTES) == set(ACCESS)


@pytest.mark.parametrize(("kind", "action", "who", "sent"), CASES)
def test_route_answers_as_the_access_table_says(
    kind, action, who, sent, make_user, api_client, db_session
):
    spec = KINDS[kind]
    users = {name: make_user(code, role) for name, (code, role) in spec["users"].items()}
    req = spec["make"](users, send=sent)
    db_session.commit()  # the route's own rollback on a refusal must not undo the set-up
    user = users[who]
    method, path, body = ROUTES[action]
    url = f"{spec['prefix']}/{req.id}{path}"
    client = api_client(user)
    response = (
        client.open(url, method=method, json=body) if body else client.open(url, method=method)
    )
    db.session.expire_all()

    if not can(user, Action.VIEW, req):
        assert response.status_code == 404, response.get_data(as_text=True)
    elif not can(user, action, req):
        assert response.status_code == 403, response.get_data(as_text=True)
    else:
        assert response.status_code in (200, 201, 409, 422), response.get_data(as_text=True)


# The pages: (method, path under the kind's page prefix), by kind where the kinds differ.
PAGES = {
    Action.VIEW: ("GET", ""),
    Action.SEND: ("POST", "/send"),
    Action.ACKNOWLEDGE: ("POST", "/acknowledge"),
    Action.ASK_CLARIFICATION: ("GET", "/clarification"),
    Action.ANSWER_CLARIFICATION: ("GET", "/clarification-answer"),
    Action.ASK_EXTENSION: ("GET", "/extension-request"),
    Action.AGREE_EXTENSION: ("GET", "/extension-request/decision"),
    Action.REFUSE_EXTENSION: ("GET", "/extension-request/decision"),
    Action.GRANT_EXTENSION: ("GET", "/extension"),
    Action.CLOSE: ("POST", "/close"),
    Action.WITHDRAW: ("GET", "/withdraw"),
}
KIND_PAGES = {
    "s164": {"prefix": "/requests", **PAGES, Action.RESPOND: ("GET", "/respond")},
    "s137": {
        "prefix": "/board-requests",
        **PAGES,
        Action.LETTER: ("GET", "/letter.docx"),
        Action.RESPOND: ("GET", "/answer"),
        Action.RECORD_ON_BEHALF: ("GET", "/answer-on-behalf"),
    },
}
PAGE_CASES = [
    pytest.param(kind, action, who, sent, id=f"{kind}-{action.value}-{who}-{state}")
    for kind, pages in KIND_PAGES.items()
    for action in pages
    if action != "prefix"
    for who in KINDS[kind]["users"]
    for sent, state in ((False, "draft"), (True, "sent"))
]


@pytest.mark.parametrize(("kind", "action", "who", "sent"), PAGE_CASES)
def test_page_answers_as_the_access_table_says(
    kind, action, who, sent, make_user, login, db_session
):
    spec = KINDS[kind]
    users = {name: make_user(code, role) for name, (code, role) in spec["users"].items()}
    req = spec["make"](users, send=sent)
    db_session.commit()
    user = users[who]
    method, path = KIND_PAGES[kind][action]
    response = login(user).open(f"{KIND_PAGES[kind]['prefix']}/{req.id}{path}", method=method)
    db.session.expire_all()

    if not can(user, Action.VIEW, req):
        assert response.status_code == 404, response.get_data(as_text=True)[:500]
    elif not can(user, action, req):
        assert response.status_code == 403, response.get_data(as_text=True)[:500]
    else:
        assert response.status_code in (200, 302, 303, 409), response.get_data(as_text=True)[:500]
