"""Who sees and does what, page by page and route by route: anonymous, each role, both bodies,
and a third organisation (which gets 404: the request is not revealed to exist)."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.extensions import db
from tests.cooperation.factories import REASONS, REQUEST_DAY, details

WHO = {
    "council": ("la-cardiff", Role.PRACTITIONER),  # the requesting authority
    "council_ig": ("la-cardiff", Role.IG_LEAD),
    "board": ("lhb-cardiff-and-vale", Role.IG_LEAD),  # the body asked
    "board_practitioner": ("lhb-cardiff-and-vale", Role.PRACTITIONER),
    "third": ("lhb-swansea-bay", Role.IG_LEAD),  # another organisation
    "other_council": ("la-swansea", Role.PRACTITIONER),
    "police": ("police-south-wales", Role.IG_LEAD),
    "auditor": ("nhs-wast", Role.AUDITOR),
    "admin": ("nhs-velindre", Role.ADMIN),
    "board_auditor": ("lhb-cardiff-and-vale", Role.AUDITOR),
}


@pytest.fixture
def world(make_user, db_session):
    users = {name: make_user(code, role) for name, (code, role) in WHO.items()}
    council, board = users["council"], users["board"]
    sent = services.create_request(details(), by=council, on=REQUEST_DAY)
    draft = services.create_request(details(), by=council, send=False, on=REQUEST_DAY)
    declined = services.create_request(details(), by=council, on=REQUEST_DAY)
    services.respond_to_request(
        declined,
        services.AnswerInput("declined", "s164-ground-b", REASONS),
        by=board,
        on=date(2027, 1, 4),
    )
    db_session.commit()  # the pages' own rollbacks on 4xx must not undo the set-up
    return {"users": users, "sent": sent, "draft": draft, "declined": declined}


def _client(app, login, world, who):
    return app.test_client() if who == "anonymous" else login(world["users"][who])


# (path, who, status): every page of the package, as each kind of user.
PAGE_TABLE = [
    # lists, figures and the new-request pages: signed-in users only
    *[
        (path, "anonymous", 302)
        for path in (
            "/requests/",
            "/requests/received",
            "/requests/sent",
            "/requests/all",
            "/requests/sent.csv",
            "/requests/new",
            "/requests/figures",
            "/requests/figures.csv",
            "/requests/letterhead",
            "/requests/{sent}",
            "/requests/{declined}/letter.docx",
        )
    ],
    *[
        ("/requests/received", who, 200)
        for who in ("council", "board", "third", "auditor", "admin", "police")
    ],
    ("/requests/new", "council", 200),
    ("/requests/new", "council_ig", 200),
    ("/requests/new", "board", 403),
    ("/requests/new", "police", 403),
    ("/requests/new", "auditor", 403),
    ("/requests/new", "admin", 403),  # an administrator of a health body is not a council
    ("/requests/figures", "board_practitioner", 200),
    ("/requests/letterhead", "council", 403),
    ("/requests/letterhead", "council_ig", 200),
    ("/requests/letterhead", "board", 200),
    ("/requests/letterhead", "admin", 200),
    ("/requests/letterhead", "auditor", 403),
    # one request: both bodies, auditors and admins see it; anyone else gets 404
    *[
        ("/requests/{sent}", who, 200)
        for who in (
            "council",
            "council_ig",
            "board",
            "board_practitioner",
            "auditor",
            "admin",
            "board_auditor",
        )
    ],
    *[("/requests/{sent}", who, 404) for who in ("third", "other_council", "police")],
    ("/requests/{draft}", "council", 200),
    ("/requests/{draft}", "board", 404),  # a draft is not sent yet
    ("/requests/{draft}", "auditor", 200),
    ("/requests/999999", "admin", 404),
    *[
        ("/requests/{declined}/letter.docx", who, 200)
        for who in ("council", "board", "auditor", "admin")
    ],
    *[("/requests/{declined}/letter.docx", who, 404) for who in ("third", "police")],
    ("/requests/{sent}/letter.docx", "council", 409),  # nothing declined: no letter
    # steps: the right side only; 403 for the other side and read-only users; 409 for the state
    ("/requests/{sent}/respond", "board", 200),
    ("/requests/{sent}/respond", "board_practitioner", 200),
    ("/requests/{sent}/respond", "council", 403),
    ("/requests/{sent}/respond", "board_auditor", 403),
    ("/requests/{sent}/respond", "admin", 403),
    ("/requests/{sent}/respond", "third", 404),
    ("/requests/{declined}/respond", "board", 409),  # a second answer
    ("/requests/{sent}/clarification", "board", 200),
    ("/requests/{sent}/clarification", "council", 403),
    ("/requests/{sent}/clarification", "third", 404),
    ("/requests/{sent}/clarification-answer", "council", 409),  # nothing was asked
    ("/requests/{sent}/extension", "council", 200),
    ("/requests/{sent}/extension", "board", 403),  # the council gives more time
    ("/requests/{sent}/extension-request", "board", 200),  # the body asked asks for it
    ("/requests/{sent}/extension-request", "council", 403),
    ("/requests/{sent}/extension-request/decision", "council", 409),  # nothing asked for
    ("/requests/{sent}/extension", "auditor", 403),
    ("/requests/{sent}/withdraw", "council", 200),
    ("/requests/{sent}/withdraw", "board", 403),
    ("/requests/{sent}/withdraw", "third", 404),
    ("/requests/{declined}/withdraw", "council", 409),
]


@pytest.mark.parametrize("path, who, status", PAGE_TABLE)
def test_page_access(app, login, world, path, who, status):
    url = path.format(sent=world["sent"].id, draft=world["draft"].id, declined=world["declined"].id)
    response = _client(app, login, world, who).get(url)
    assert response.status_code == status, response.data[:500]
    if status == 302:
        assert "/sign-in" in response.headers["Location"]


# (method, path, who, status) for the state-changing posts.
POST_TABLE = [
    ("/requests/{sent}/acknowledge", "anonymous", 302),
    ("/requests/{sent}/acknowledge", "council", 403),
    ("/requests/{sent}/acknowledge", "third", 404),
    ("/requests/{sent}/acknowledge", "auditor", 403),
    ("/requests/{sent}/acknowledge", "board", 303),
    ("/requests/{draft}/acknowledge", "board", 404),
    ("/requests/{draft}/send", "council", 303),
    ("/requests/{draft}/send", "auditor", 403),
    ("/requests/{sent}/send", "council", 409),
    ("/requests/{declined}/close", "council", 303),
    ("/requests/{declined}/close", "board", 403),
    ("/requests/{sent}/close", "council", 409),
]


@pytest.mark.parametrize("path, who, status", POST_TABLE)
def test_post_access(app, login, world, path, who, status):
    url = path.format(sent=world["sent"].id, draft=world["draft"].id, declined=world["declined"].id)
    assert _client(app, login, world, who).post(url).status_code == status


API = "/api/v1/cooperation-requests"
API_TABLE = [
    ("GET", "", "council", 200),
    ("GET", "/{sent}", "council", 200),
    ("GET", "/{sent}", "board", 200),
    ("GET", "/{sent}", "auditor", 200),
    ("GET", "/{sent}", "admin", 200),
    ("GET", "/{sent}", "third", 404),
    ("GET", "/{sent}", "police", 404),
    ("GET", "/{draft}", "board", 404),
    ("GET", "/{declined}/letter.docx", "council", 200),
    ("GET", "/{declined}/letter.docx", "board", 200),
    ("GET", "/{declined}/letter.docx", "third", 404),
    ("POST", "/{sent}/acknowledge", "board", 200),
    ("POST", "/{sent}/acknowledge", "council", 403),
    ("POST", "/{sent}/acknowledge", "auditor", 403),
    ("POST", "/{sent}/acknowledge", "third", 404),
    ("POST", "/{declined}/acknowledge", "board", 409),
    ("POST", "/{sent}/close", "council", 409),
    ("POST", "/{declined}/close", "council", 200),
    ("POST", "/{draft}/send", "council", 200),
    ("POST", "/{draft}/send", "board", 404),
]


@pytest.mark.parametrize("method, path, who, status", API_TABLE)
def test_api_access(api_client, world, method, path, who, status):
    url = API + path.format(
        sent=world["sent"].id, draft=world["draft"].id, declined=world["declined"].id
    )
    client = api_client(world["users"][who])
    db.session.commit()
    response = client.open(url, method=method, json={} if method == "POST" else None)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize("path", ["", "/{sent}", "/{sent}/response", "/{sent}/acknowledge"])
def test_api_without_a_token_is_401(client, world, path):
    url = API + path.format(sent=world["sent"].id)
    method = "GET" if path in ("", "/{sent}") else "POST"
    assert client.open(url, method=method, json={}).status_code == 401


@pytest.mark.parametrize(
    "who, visible",
    [
        ("council", {"sent", "draft", "declined"}),
        ("board", {"sent", "declined"}),
        ("third", set()),
        ("auditor", {"sent", "draft", "declined"}),
    ],
)
def test_the_api_list_shows_only_what_the_caller_may_see(api_client, world, who, visible):
    client = api_client(world["users"][who])
    response = client.get(f"{API}?state=all&page_size=100")
    listed = {r["reference"] for r in response.get_json()}
    drafts = client.get(f"{API}?state=draft&page_size=100").get_json()
    listed |= {r["reference"] for r in drafts}
    assert listed == {world[name].reference for name in visible}


def test_the_request_page_shows_both_sides_the_same_timeline(login, world):
    url = f"/requests/{world['declined'].id}"
    for who in ("council", "board"):
        page = login(world["users"][who]).get(url).get_data(as_text=True)
        assert world["declined"].reference in page
        assert "Both bodies see this timeline." in page
        assert "Request sent" in page and "Answered" in page
        assert "SSWBA 2014, s.164(3)(b)" in page  # an information request
        assert "s.164(4)" not in page
        assert "Download the written-reasons letter" in page


def test_actions_offered_follow_side_and_role(login, world):
    url = f"/requests/{world['sent'].id}"
    board_page = login(world["users"]["board"]).get(url).get_data(as_text=True)
    council_page = login(world["users"]["council"]).get(url).get_data(as_text=True)
    auditor_page = login(world["users"]["auditor"]).get(url).get_data(as_text=True)
    assert "Answer the request" in board_page and "Acknowledge" in board_page
    assert "Withdraw the request" not in board_page
    assert "Withdraw the request" in council_page and "Answer the request" not in council_page
    assert "Ask for more time" in board_page and "Give more time" not in board_page
    assert "Give more time" in council_page and "Ask for more time" not in council_page
    for action in (
        "Answer the request",
        "Acknowledge",
        "Withdraw the request",
        "Ask for more time",
        "Give more time",
    ):
        assert action not in auditor_page


def test_lists_show_each_body_its_own_requests(login, world):
    reference = world["sent"].reference
    assert reference in login(world["users"]["council"]).get("/requests/sent").get_data(
        as_text=True
    )
    assert reference in login(world["users"]["board"]).get("/requests/received").get_data(
        as_text=True
    )
    assert reference not in login(world["users"]["board"]).get("/requests/sent").get_data(
        as_text=True
    )
    assert reference not in login(world["users"]["third"]).get("/requests/all?state=all").get_data(
        as_text=True
    )
    assert reference in login(world["users"]["auditor"]).get("/requests/all").get_data(as_text=True)
    draft = world["draft"].reference
    assert draft not in login(world["users"]["board"]).get("/requests/received?state=all").get_data(
        as_text=True
    )
    assert draft in login(world["users"]["council"]).get("/requests/sent?state=draft").get_data(
        as_text=True
    )
