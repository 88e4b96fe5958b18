"""The pages and the API speak for the services: bad input comes back naming the field (422,
nothing saved), a step the state does not allow is a 409, and lists filter, page and export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.cooperation.models import CooperationRequest
from isp_manager.extensions import db
from isp_manager.lifecycle.models import RequestState
from tests.cooperation.factories import REASONS

API = "/api/v1/cooperation-requests"
NEW_REQUEST = {
    "requesting_organisation": "la-cardiff",
    "requested_organisation": "lhb-cardiff-and-vale",
    "request_type": "information",
    "function": "ssf-assessment",
    "details": "Attendance at paediatric appointments since January 2026.",
    "purpose": "To complete the assessment of the child's needs for care and support.",
}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CooperationRequest))


# ----------------------------------------------------------------- API


def test_api_creates_and_sends_a_request(api_client, council_user):
    response = api_client(council_user).post(API, json={**NEW_REQUEST, "subject_reference": "CS-1"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "sent" and body["s164_basis"] == "s164-2-a"
    assert body["reference"].startswith("S164-")
    assert "working day" in body["due_explanation"]
    assert [e["type"] for e in body["timeline"]] == ["sent"]


def test_api_draft_is_not_sent(api_client, council_user):
    body = api_client(council_user).post(API, json={**NEW_REQUEST, "draft": True}).get_json()
    assert body["state"] == "draft" and body["due_date"] is None


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"requested_organisation": "police-dyfed-powys"}, "requested_organisation"),
        ({"requested_organisation": "nca"}, "requested_organisation"),
        ({"requested_organisation": "no-such-body"}, "requested_organisation"),
        ({"request_type": "gossip"}, "request_type"),
        ({"function": "s164-2-a"}, "function"),
        ({"function": "ssf-other"}, "function_description"),  # which other function?
        ({"details": ""}, "details"),
        ({"subject_reference": "Jane Smith"}, "subject_reference"),
        (
            {"urgent": True, "due_date": "2020-01-01", "urgent_reason": "Court"},
            "requested_due_date",
        ),
        ({"purpose": None}, "purpose"),
    ],
)
def test_api_refuses_bad_requests_naming_the_field(api_client, council_user, changes, field):
    client = api_client(council_user)
    db.session.commit()
    before = _count()
    response = client.post(API, json={**NEW_REQUEST, **changes})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert _count() == before


def test_api_refuses_a_request_from_a_non_council(api_client, make_user):
    police = make_user("police-south-wales", Role.IG_LEAD)
    client = api_client(police)
    db.session.commit()
    response = client.post(
        API, json={**NEW_REQUEST, "requesting_organisation": "police-south-wales"}
    )
    assert response.status_code == 422
    message = response.get_json()["errors"]["json"]["requesting_organisation"][0]
    assert "Only a local authority" in message
    # and on behalf of a council it does not belong to
    assert client.post(API, json=NEW_REQUEST).status_code == 403


@pytest.mark.parametrize(
    "answer, field",
    [
        ({"outcome": "declined", "ground": "s164-ground-a"}, "written_reasons"),
        ({"outcome": "declined", "written_reasons": REASONS}, "ground"),
        ({"outcome": "declined", "ground": "s164-ground-c", "written_reasons": REASONS}, "ground"),
        (
            {"outcome": "declined", "ground": "s164-ground-a", "written_reasons": "N/A"},
            "written_reasons",
        ),
        (
            {
                "outcome": "declined",
                "ground": "s164-ground-a",
                "written_reasons": "aaaaaaaaaaaaaaaaaaaaaaaa",
            },
            "written_reasons",
        ),
        ({"outcome": "ignored"}, "outcome"),
        ({}, "outcome"),
    ],
)
def test_api_refuses_an_unlawful_refusal(api_client, make_request, board_user, answer, field):
    req = make_request()
    client = api_client(board_user)
    db.session.commit()
    response = client.post(f"{API}/{req.id}/response", json=answer)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    db.session.refresh(req)
    assert req.state is RequestState.SENT


def test_api_answer_lifecycle_and_conflicts(api_client, make_request, council_user, board_user):
    req = make_request(on=None)  # sent today, answered today
    board, council = api_client(board_user), api_client(council_user)
    db.session.commit()
    assert board.post(f"{API}/{req.id}/clarification", json={"question": "Why?"}).status_code == 422
    body = board.post(
        f"{API}/{req.id}/clarification", json={"question": "Which years of records do you need?"}
    ).get_json()
    assert body["state"] == "awaiting_clarification"
    assert (
        council.post(
            f"{API}/{req.id}/clarification-answer", json={"answer": "From 2025."}
        ).status_code
        == 200
    )
    response = board.post(
        f"{API}/{req.id}/response",
        json={
            "outcome": "partly_complied",
            "ground": "s164-ground-b",
            "written_reasons": REASONS,
            "not_provided": "Consultation notes.",
            "items": [
                {
                    "description": "Appointment dates",
                    "nature": "fact",
                    "provided_on": date.today().isoformat(),
                    "provided_how": "Secure e-mail",
                }
            ],
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["outcome"] == "partly_complied" and body["letter_url"].endswith("/letter.docx")
    assert body["provided_items"][0]["nature"] == "fact"
    second = board.post(f"{API}/{req.id}/response", json={"outcome": "complied"})
    assert second.status_code == 409 and "second answer" in second.get_json()["message"]
    assert (
        council.post(f"{API}/{req.id}/withdraw", json={"reason": "No longer needed"}).status_code
        == 409
    )
    assert council.post(f"{API}/{req.id}/close").get_json()["state"] == "closed"


def test_api_withdrawn_request_cannot_be_answered(
    api_client, make_request, council_user, board_user
):
    req = make_request()
    council, board = api_client(council_user), api_client(board_user)
    db.session.commit()
    assert council.post(f"{API}/{req.id}/withdraw", json={"reason": ""}).status_code == 422
    assert (
        council.post(f"{API}/{req.id}/withdraw", json={"reason": "Family moved away"}).status_code
        == 200
    )
    response = board.post(
        f"{API}/{req.id}/response",
        json={"outcome": "declined", "ground": "s164-ground-a", "written_reasons": REASONS},
    )
    assert response.status_code == 409 and "withdrawn" in response.get_json()["message"]


def test_api_extension_is_asked_for_by_the_body_and_agreed_by_the_council(
    api_client, make_request, board_user, council_user
):
    req = make_request()
    board, council = api_client(board_user), api_client(council_user)
    db.session.commit()
    bad = board.post(
        f"{API}/{req.id}/extension-request",
        json={"new_due_date": "2027-01-07", "reason": "More time needed"},
    )
    assert bad.status_code == 422
    assert "after the current due date" in bad.get_json()["errors"]["json"]["new_due_date"][0]
    too_late = board.post(
        f"{API}/{req.id}/extension-request",
        json={"new_due_date": "2027-12-31", "reason": "More time needed"},
    )
    assert "60 working days" in too_late.get_json()["errors"]["json"]["new_due_date"][0]
    asked = board.post(
        f"{API}/{req.id}/extension-request",
        json={"new_due_date": "2027-01-20", "reason": "Records archived off site"},
    ).get_json()
    assert asked["due_date"] == "2027-01-08"  # not moved until agreed
    assert asked["extensions"][0]["state"] == "asked"
    again = board.post(
        f"{API}/{req.id}/extension-request",
        json={"new_due_date": "2027-01-21", "reason": "Records archived off site"},
    )
    assert again.status_code == 409 and "waiting for a decision" in again.get_json()["message"]
    own = board.post(f"{API}/{req.id}/extension-request/agreement")
    assert own.status_code == 403 and "cannot also agree it" in own.get_json()["message"]
    agreed = council.post(f"{API}/{req.id}/extension-request/agreement")
    body = agreed.get_json()
    assert agreed.status_code == 200 and body["due_date"] == "2027-01-20"
    assert body["extensions"][0]["state"] == "agreed"
    assert body["extensions"][0]["decided_by_side"] == "requester"
    assert "Extended by agreement" in body["due_explanation"]
    none_waiting = council.post(f"{API}/{req.id}/extension-request/refusal", json={"reason": "x"})
    assert none_waiting.status_code == 409


def test_api_council_refuses_or_grants_an_extension(
    api_client, make_request, board_user, council_user
):
    req = make_request()
    board, council = api_client(board_user), api_client(council_user)
    db.session.commit()
    board.post(
        f"{API}/{req.id}/extension-request",
        json={"new_due_date": "2027-01-20", "reason": "Records archived off site"},
    )
    no_reason = council.post(f"{API}/{req.id}/extension-request/refusal", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    refused = council.post(
        f"{API}/{req.id}/extension-request/refusal",
        json={"reason": "The court hearing cannot move."},
    ).get_json()
    assert refused["due_date"] == "2027-01-08"
    assert refused["extensions"][0]["refusal_reason"] == "The court hearing cannot move."
    by_board = board.post(
        f"{API}/{req.id}/extension",
        json={"new_due_date": "2027-01-15", "reason": "We would like more time"},
    )
    assert by_board.status_code == 403
    granted = council.post(
        f"{API}/{req.id}/extension",
        json={"new_due_date": "2027-01-15", "reason": "The hearing has moved a week"},
    ).get_json()
    assert granted["due_date"] == "2027-01-15"
    assert "Extended by the requesting body" in granted["due_explanation"]


def test_api_list_filters_and_paginates(api_client, make_request, board_user, council_user):
    made = [make_request() for _ in range(3)]
    services.respond_to_request(
        made[0], services.AnswerInput("complied"), by=board_user, on=date(2027, 1, 4)
    )
    client = api_client(council_user)
    db.session.commit()
    response = client.get(f"{API}?box=sent&state=open&page_size=1")
    assert response.status_code == 200
    assert '"total": 2' in response.headers["X-Pagination"]
    assert len(response.get_json()) == 1
    answered = client.get(f"{API}?state=answered").get_json()
    assert [r["reference"] for r in answered] == [made[0].reference]
    assert (
        client.get(f"{API}?reference={made[1].reference[-6:]}&state=all").get_json()[0]["id"]
        == made[1].id
    )
    assert client.get(f"{API}?box=nonsense").status_code == 422
    late = make_request(on=date(2026, 1, 5))
    db.session.commit()
    overdue = client.get(f"{API}?overdue=true").get_json()
    assert [(r["reference"], r["deadline"]) for r in overdue] == [(late.reference, "overdue")]


def test_openapi_documents_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/cooperation-requests" in paths
    assert "/api/v1/cooperation-requests/{request_id}/response" in paths


# ----------------------------------------------------------------- pages


FORM = {
    "request_type": "information",
    "function": "ssf-assessment",
    "details": "Attendance at paediatric appointments since January 2026.",
    "purpose": "To complete the assessment of the child's needs.",
    "contact_name": "Sian Council",
    "contact_email": "sian@cardiff.example.test",
}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"subject_reference": "Jane Smith"}, "not a name"),
        ({"details": ""}, "Say what you are asking for"),
        ({"request_type": ""}, "co-operation or for information"),
        (
            {"urgent": "y", "requested_due_date": ["1", "1", "2020"], "urgent_reason": "Court"},
            "before the request date",
        ),
        ({"requested_due_date": ["31", "2", "2027"]}, "must be a real date"),
    ],
)
def test_the_new_request_form_shows_errors_and_saves_nothing(
    login, council_user, db_session, changes, message
):
    db_session.commit()
    before = _count()
    response = login(council_user).post(
        "/requests/new?body=lhb-cardiff-and-vale", data={**FORM, **changes, "send": "Send"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert _count() == before


def test_the_new_request_form_refuses_a_body_that_cannot_be_asked(login, council_user):
    response = login(council_user).get("/requests/new?body=nca")
    assert response.status_code == 422
    assert "cannot be asked" in response.get_data(as_text=True)


def test_saving_a_draft_then_sending_it(login, council_user, db_session):
    db_session.commit()
    client = login(council_user)
    response = client.post(
        "/requests/new?body=lhb-cardiff-and-vale", data={**FORM, "save_draft": "Save"}
    )
    assert response.status_code == 303
    req = db.session.scalar(sa.select(CooperationRequest).order_by(CooperationRequest.id.desc()))
    assert req.state is RequestState.DRAFT
    assert client.post(f"/requests/{req.id}/send").status_code == 303
    db.session.refresh(req)
    assert req.state is RequestState.SENT and req.due_date is not None


def test_the_answer_form_keeps_the_answer_when_reasons_are_refused(
    login, make_request, board_user, db_session
):
    req = make_request()
    db_session.commit()
    response = login(board_user).post(
        f"/requests/{req.id}/respond",
        data={"outcome": "declined", "ground": "s164-ground-a", "written_reasons": "see above"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“see above” is not a reason" in page
    assert 'value="declined" checked' in page or "checked" in page


def test_the_answer_form_records_items_and_maps_item_errors(
    login, make_request, board_user, db_session
):
    req = make_request()
    db_session.commit()
    client = login(board_user)
    data = {
        "outcome": "complied",
        "items-0-description": "Appointment dates",
        "items-0-nature": "fact",
        "items-0-provided_on": ["5", "1", "2027"],
        "items-0-provided_how": "",
    }
    response = client.post(f"/requests/{req.id}/respond", data=data)
    assert response.status_code == 422
    assert "Item 1: say how it was provided" in response.get_data(as_text=True)


def test_csv_export_lists_the_box_and_neutralises_formulas(
    login, make_request, council_user, db_session
):
    req = make_request(subject_reference="CS-1")
    db_session.commit()
    text = login(council_user).get("/requests/sent.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Reference"
    assert rows[1][0] == req.reference and rows[1][2] == "Cardiff and Vale University Health Board"
    from isp_manager.csv_export import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"  # the one mechanism the export uses


def test_lists_filter_by_state_deadline_type_counterparty_and_reference(
    login, make_request, make_user, council_user, board_user, db_session
):
    first = make_request()
    second = make_request(request_type="co-operation")
    third = make_request(None, "police-south-wales", on=date(2026, 1, 5))  # overdue long since
    services.respond_to_request(
        first, services.AnswerInput("complied"), by=board_user, on=date(2027, 1, 4)
    )
    db_session.commit()
    client = login(council_user)

    def refs(query):
        page = client.get(f"/requests/sent?{query}").get_data(as_text=True)
        return {r.reference for r in (first, second, third) if r.reference in page}

    assert refs("") == {second.reference, third.reference}  # waiting for an answer
    assert refs("state=answered") == {first.reference}
    assert refs("state=all&request_type=co-operation") == {second.reference}
    assert refs("state=all&counterparty=police-south-wales") == {third.reference}
    assert refs(f"state=all&reference={second.reference.lower()}") == {second.reference}
    assert refs("deadline=overdue") == {third.reference}
    assert refs("state=nonsense") == {second.reference, third.reference}


def test_a_refusal_is_checked_before_it_is_sent(login, make_request, board_user, db_session):
    """Declining goes through a check page: outcome, ground cited by the request's type,
    written reasons and who decides, with Change buttons; only "Send response" records it."""
    req = make_request()
    db_session.commit()
    client = login(board_user)
    answer = {"outcome": "declined", "ground": "s164-ground-a", "written_reasons": REASONS}
    check = client.post(f"/requests/{req.id}/respond", data=answer)
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and "Check your decision before sending it" in page
    assert "SSWBA 2014, s.164(3)(a)" in page and "Huw Health" in page
    assert "Information governance lead" in page  # no job title: the role
    assert "Send response" in page and 'name="change" value="ground"' in page
    db_session.refresh(req)
    assert req.state is RequestState.SENT  # nothing recorded yet
    change = client.post(f"/requests/{req.id}/respond", data={**answer, "change": "ground"})
    assert "Record the answer" in change.get_data(as_text=True) and change.status_code == 200
    sent = client.post(f"/requests/{req.id}/respond", data={**answer, "confirm": "1"})
    assert sent.status_code == 303
    db_session.refresh(req)
    assert req.state is RequestState.ANSWERED and req.answered_by_id == board_user.id


def test_complying_is_recorded_without_a_check_page(login, make_request, board_user, db_session):
    req = make_request()
    db_session.commit()
    response = login(board_user).post(f"/requests/{req.id}/respond", data={"outcome": "complied"})
    assert response.status_code == 303


def test_api_answer_records_who_decided(api_client, make_request, board_user):
    board_user.job_title = "Head of Information Governance"
    req = make_request()
    client = api_client(board_user)
    db.session.commit()
    body = client.post(
        f"{API}/{req.id}/response",
        json={"outcome": "declined", "ground": "s164-ground-b", "written_reasons": REASONS},
    ).get_json()
    assert body["decided_by"] == {"name": "Huw Health", "title": "Head of Information Governance"}
    assert body["ground_citation"] == "SSWBA 2014, s.164(3)(b)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the name or code of the body you are asking."),
        ("Health Board", "More than one body matches"),
        ("no body has this name", "No body in the register matches"),
        ("bad\x00text", "No body in the register matches"),
    ],
)
def test_choosing_the_body_asked_explains_text_that_names_none(login, council_user, text, message):
    response = login(council_user).get("/requests/new", query_string={"body": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page


def test_a_body_named_by_its_name_goes_to_the_request_form_by_its_code(login, council_user):
    response = login(council_user).get(
        "/requests/new", query_string={"body": "Cardiff and Vale University Health Board"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/requests/new?body=lhb-cardiff-and-vale")


def test_the_first_step_offers_no_list_of_every_body(login, council_user):
    page = login(council_user).get("/requests/new").get_data(as_text=True)
    assert "<option" not in page and 'list="body-suggestions"' in page
