"""The API's warning before sending, for both kinds of request: a draft read by someone who
may send it says who at the body asked would be told (as the pages do), and says so when the
body has no users or nobody at all would be told; once sent, or to the body asked, it is null."""

from __future__ import annotations

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services as s164
from isp_manager.extensions import db
from tests.board_requests.conftest import BODY
from tests.conftest import org
from tests.cooperation.factories import details as s164_details

NO_USERS = "la-vale-of-glamorgan"


def test_a_board_draft_says_who_at_the_body_would_be_told(
    api_client, officer, make_request, make_user
):
    make_user(BODY, Role.PRACTITIONER, name="Alys Answers").answers_requests = True
    org(BODY).ig_lead_email = "ig@cav.example.test"
    db.session.flush()
    draft = make_request(send=False)

    told = api_client(officer).get(f"/api/v1/board-requests/{draft.id}").json["who_would_be_told"]

    assert told["users"] == ["Alys Answers"]
    assert told["register_address"] == "ig@cav.example.test"
    assert (told["no_users"], told["nobody"], told["needs_check"]) == (False, False, False)


def test_a_board_draft_to_a_body_without_users_or_address_needs_a_check(
    api_client, officer, make_request
):
    org(NO_USERS).ig_lead_email = None
    org(NO_USERS).dpo_email = None
    db.session.flush()
    draft = make_request(send=False, body=NO_USERS)

    told = api_client(officer).get(f"/api/v1/board-requests/{draft.id}").json["who_would_be_told"]

    assert told == {
        "users": [],
        "register_address": None,
        "no_users": True,
        "nobody": True,
        "needs_check": True,
    }


def test_once_sent_or_to_the_body_asked_there_is_no_warning(
    api_client, officer, body_user, make_request
):
    draft = make_request(send=False)
    assert api_client(body_user).get(f"/api/v1/board-requests/{draft.id}").status_code == 404

    sent = make_request()
    for user in (officer, body_user):
        got = api_client(user).get(f"/api/v1/board-requests/{sent.id}").json
        assert got["who_would_be_told"] is None


def test_a_s164_draft_warns_as_its_page_does(api_client, make_user):
    sender = make_user("la-cardiff", Role.PRACTITIONER, name="Sian Sender")
    org(NO_USERS).ig_lead_email = "ig@vale.example.test"
    db.session.flush()
    draft = s164.create_request(
        s164_details(requested_organisation=org(NO_USERS)), by=sender, send=False
    )

    got = api_client(sender).get(f"/api/v1/cooperation-requests/{draft.id}").json

    assert got["who_would_be_told"]["no_users"] is True
    assert got["who_would_be_told"]["register_address"] == "ig@vale.example.test"
    assert got["who_would_be_told"]["needs_check"] is True


def test_the_openapi_document_describes_the_warning(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    assert set(schemas["WhoWouldBeTold"]["properties"]) == {
        "users",
        "register_address",
        "no_users",
        "nobody",
        "needs_check",
    }
