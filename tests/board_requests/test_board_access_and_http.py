"""Who sees a board request, as a table, and the API and pages over HTTP: the board's users,
the body asked and the provide_to body see it; a third organisation gets 404; non-board
users cannot make requests; the annual figures add up."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from docx import Document

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from tests.board_requests.conftest import BOARD, BODY, REASONS, SPECIFIED, THIRD, WHY
from tests.conftest import org

PAST_DAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("org_code", "role", "state", "sees"),
    [
        (BOARD, Role.BOARD_OFFICER, "draft", True),
        (BOARD, Role.IG_LEAD, "sent", True),
        (BODY, Role.IG_LEAD, "sent", True),
        (BODY, Role.IG_LEAD, "draft", False),
        (THIRD, Role.PRACTITIONER, "sent", True),  # provide_to
        (THIRD, Role.PRACTITIONER, "draft", False),
        ("lhb-aneurin-bevan", Role.IG_LEAD, "sent", False),
        ("board-gwent", Role.BOARD_OFFICER, "sent", False),
        ("la-cardiff", Role.AUDITOR, "sent", True),
    ],
)
def test_who_sees_a_request(make_request, make_user, org_code, role, state, sees):
    req = make_request(send=state == "sent", provide_to=org(THIRD))
    user = make_user(org_code, role)
    assert req.can_view(user) is sees
    visible = services.list_query(user, services.Box.ALL, services.ListFilters(state="all"))
    if state == "draft":
        visible = services.list_query(user, services.Box.ALL, services.ListFilters(state="draft"))
    from isp_manager.extensions import db

    assert (req in db.session.scalars(visible).unique().all()) is sees


def _payload(**overrides):
    data = {
        "board": BOARD,
        "qualifying_body": BODY,
        "why_qualifying": WHY,
        "information_specified": SPECIFIED,
        "relates_to": ["s137-b"],
        "provide_to": None,
        "purpose": "child_practice_review",
        "review_reference": "CPR-CV-2026-03",
    }
    data.update(overrides)
    return data


def test_api_journey(api_client, officer, body_user, make_user):
    board = api_client(officer)
    created = board.post("/api/v1/board-requests", json=_payload(provide_to=THIRD))
    assert created.status_code == 201, created.json
    rid = created.json["id"]
    assert created.json["state"] == "sent" and created.json["provide_to"] == THIRD
    body = api_client(body_user)
    assert body.get(f"/api/v1/board-requests/{rid}").status_code == 200
    stranger = api_client(make_user("lhb-aneurin-bevan", Role.IG_LEAD))
    assert stranger.get(f"/api/v1/board-requests/{rid}").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/board-requests/{rid}/response", json={"outcome": "complied"}
        ).status_code
        == 404
    )
    third = api_client(make_user(THIRD, Role.IG_LEAD))
    assert third.get(f"/api/v1/board-requests/{rid}").status_code == 200
    assert (
        third.post(
            f"/api/v1/board-requests/{rid}/response", json={"outcome": "complied"}
        ).status_code
        == 403
    )
    bad = body.post(f"/api/v1/board-requests/{rid}/response", json={"outcome": "not_complied"})
    assert bad.status_code == 422 and "reasons" in bad.json["errors"]["json"]
    ok = body.post(
        f"/api/v1/board-requests/{rid}/response",
        json={"outcome": "partly_complied", "reasons": REASONS},
    )
    assert ok.status_code == 200 and ok.json["outcome"] == "partly_complied"
    again = body.post(f"/api/v1/board-requests/{rid}/response", json={"outcome": "complied"})
    assert again.status_code == 409
    follow = board.post(
        f"/api/v1/board-requests/{rid}/follow-up",
        json={"escalation_note": "Wrote to the chief executive about the missing notes."},
    )
    assert follow.status_code == 200 and follow.json["escalated_on"]
    assert board.post(f"/api/v1/board-requests/{rid}/close").json["state"] == "closed"
    listed = board.get("/api/v1/board-requests?box=sent&state=all")
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    letter = board.get(f"/api/v1/board-requests/{rid}/letter.docx?language=cy")
    assert letter.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.data)).paragraphs)
    assert "a.137" in text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"relates_to": ["s137-x"]}, "relates_to"),
        ({"why_qualifying": ""}, "why_qualifying"),
        ({"information_specified": "everything you hold"}, "information_specified"),
        ({"provide_to": "no-such-body"}, "provide_to"),
        ({"qualifying_body": "no-such-body"}, "qualifying_body"),
    ],
)
def test_api_bad_input(api_client, officer, overrides, field):
    response = api_client(officer).post("/api/v1/board-requests", json=_payload(**overrides))
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(("org_code", "role"), [("la-cardiff", Role.IG_LEAD), (BODY, Role.IG_LEAD)])
def test_non_board_users_cannot_make_requests(api_client, login, make_user, org_code, role):
    user = make_user(org_code, role)
    response = api_client(user).post("/api/v1/board-requests", json=_payload(board=org_code))
    assert response.status_code == 422 and "board" in response.json["errors"]["json"]
    assert login(user).get("/board-requests/new").status_code == 403


def test_pages(login, officer, body_user, make_request, make_user):
    req = make_request(on=PAST_DAY)
    page = login(officer).get("/board-requests")
    assert page.status_code == 200 and req.reference in page.text
    assert login(officer).get(f"/board-requests/{req.id}").status_code == 200
    assert login(officer).get("/board-requests/new").status_code == 200
    assert login(body_user).get(f"/board-requests/{req.id}").status_code == 200
    stranger = login(make_user("lhb-aneurin-bevan", Role.IG_LEAD))
    assert stranger.get(f"/board-requests/{req.id}").status_code == 404
    answered = login(body_user).post(
        f"/board-requests/{req.id}/answer", data={"outcome": "not_complied", "reasons": ""}
    )
    assert answered.status_code == 200 and "govuk-error-summary" in answered.text


def test_figures_match_the_requests(make_request, officer, body_user, login, api_client):
    a = make_request(on=date(2026, 4, 1))
    make_request(on=date(2026, 5, 4))
    make_request(on=date(2026, 3, 31))  # the year before
    services.respond_to_request(
        a, services.AnswerInput("complied"), by=body_user, on=date(2026, 4, 15)
    )
    data = (
        api_client(officer)
        .get(f"/api/v1/board-requests/figures?board={BOARD}&financial_year=2026")
        .json
    )
    assert len(data["requests"]) == 2
    assert data["totals"]["complied"] == 1 and data["totals"]["open"] == 1
    assert data["by_body_kind"]["local_health_board"]["complied"] == 1
    csv = login(officer).get(f"/board-requests/figures.csv?board={BOARD}&financial_year=2026")
    assert csv.status_code == 200 and a.reference in csv.text
    docx = login(officer).get("/board-requests/figures.docx?financial_year=2026")
    assert docx.status_code == 200
    assert login(officer).get("/board-requests/figures?financial_year=2026").status_code == 200
    other = api_client(body_user).get(f"/api/v1/board-requests/figures?board={BOARD}")
    assert other.status_code == 403
