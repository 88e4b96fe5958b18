"""The s.137 rules, as tables: who may make a request, what a request must say, what an
answer needs; nothing is saved when a field is wrong."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from isp_manager.board_requests.models import BoardOutcome, BoardRequest
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.extensions import db
from isp_manager.lifecycle.models import RequestState
from tests.board_requests.conftest import BOARD, REASONS, REQUEST_DAY, details
from tests.conftest import org

ANSWER_DAY = date(2027, 1, 6)
PAST_DAY = date(2026, 11, 2)
PAST_ANSWER = date(2026, 11, 20)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BoardRequest))


@pytest.mark.parametrize(
    ("org_code", "role", "error"),
    [
        (BOARD, Role.BOARD_OFFICER, None),
        (BOARD, Role.IG_LEAD, PermissionDenied),
        (BOARD, Role.AUDITOR, PermissionDenied),
        ("la-cardiff", Role.BOARD_OFFICER, InvalidInput),
        ("la-cardiff", Role.IG_LEAD, InvalidInput),
        ("lhb-cardiff-and-vale", Role.PRACTITIONER, InvalidInput),
    ],
)
def test_only_board_officers_make_requests(make_user, org_code, role, error):
    user = make_user(org_code, role)
    body = "lhb-aneurin-bevan" if org_code == "lhb-cardiff-and-vale" else "lhb-cardiff-and-vale"
    before = _count()
    if error is None:
        req = services.create_request(details(body), by=user, on=REQUEST_DAY)
        assert req.state is RequestState.SENT and req.reference.startswith("S137-2026-")
        assert req.due_date == date(2027, 1, 22)  # 20 working days, bank holidays excluded
    else:
        with pytest.raises(error):
            services.create_request(details(body), by=user, on=REQUEST_DAY)
        assert _count() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"relates_to": ["s137-z"]}, "relates_to"),
        ({"relates_to": []}, "relates_to"),
        ({"why_qualifying": ""}, "why_qualifying"),
        ({"why_qualifying": "n/a"}, "why_qualifying"),
        ({"why_qualifying": "They may know."}, "why_qualifying"),
        ({"information_specified": "everything you hold"}, "information_specified"),
        (
            {
                "information_specified": "Please send all the information that you hold about the family."
            },
            "information_specified",
        ),
        ({"information_specified": "asdf asdf asdf"}, "information_specified"),
        ({"purpose": "gossip"}, "purpose"),
        ({"purpose": "other", "purpose_detail": ""}, "purpose_detail"),
        ({"review_reference": "Jane Smith"}, "review_reference"),
        ({"protective_marking": "SECRET"}, "protective_marking"),
        ({"body": None}, "qualifying_body"),
        ({"body": BOARD}, "qualifying_body"),
        ({"provide_to": "lhb-cardiff-and-vale"}, "provide_to"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(officer, overrides, field):
    if "provide_to" in overrides:
        overrides["provide_to"] = org(overrides["provide_to"])
    if "body" in overrides:
        overrides = {"body": overrides["body"]}
    before = _count()
    with pytest.raises(InvalidInput) as error:
        services.create_request(details(**overrides), by=officer, on=REQUEST_DAY)
    assert field in error.value.field_errors()
    assert all(m for m in error.value.field_errors()[field])
    assert _count() == before


def test_provide_to_a_third_body(make_request):
    req = make_request(provide_to=org("la-cardiff"))
    assert req.provide_to.code == "la-cardiff"


@pytest.mark.parametrize(
    ("outcome", "reasons", "ok"),
    [
        ("complied", None, True),
        ("partly_complied", REASONS, True),
        ("not_complied", REASONS, True),
        ("partly_complied", None, False),
        ("not_complied", "", False),
        ("not_complied", "confidential", False),
        ("declined", REASONS, False),
        ("", None, False),
    ],
)
def test_answers(make_request, body_user, outcome, reasons, ok):
    req = make_request()
    answer = services.AnswerInput(outcome=outcome, reasons=reasons)
    if ok:
        services.respond_to_request(req, answer, by=body_user, on=ANSWER_DAY)
        assert req.state is RequestState.ANSWERED and req.outcome is BoardOutcome(outcome)
        assert req.working_days_to_answer == 8
        assert req.ground is None
    else:
        with pytest.raises(InvalidInput) as error:
            services.respond_to_request(req, answer, by=body_user, on=ANSWER_DAY)
        assert set(error.value.field_errors()) & {"outcome", "reasons"}
        assert req.state is RequestState.SENT


def test_board_cannot_answer_for_a_body_except_on_its_behalf(make_request, officer, body_user):
    req = make_request()
    with pytest.raises(PermissionDenied):
        services.respond_to_request(req, services.AnswerInput("complied"), by=officer)
    with pytest.raises(PermissionDenied):
        services.record_answer_on_behalf(
            req,
            services.AnswerInput("complied"),
            services.ReceivedInput("Head teacher", ANSWER_DAY, "post"),
            by=body_user,
        )


def test_on_behalf_answer_needs_who_when_how(make_request, officer):
    req = make_request(body="la-cardiff")
    with pytest.raises(InvalidInput) as error:
        services.record_answer_on_behalf(
            req,
            services.AnswerInput("complied"),
            services.ReceivedInput("", None, "fax"),
            by=officer,
        )
    assert {"received_from", "received_on", "received_how"} <= set(error.value.field_errors())
    assert req.state is RequestState.SENT


def test_on_behalf_answer_is_dated_when_it_arrived(make_request, officer):
    req = make_request(body="la-cardiff", on=PAST_DAY)
    services.record_answer_on_behalf(
        req,
        services.AnswerInput("partly_complied", reasons=REASONS),
        services.ReceivedInput("Rhian Jones, head of service", PAST_ANSWER, "email"),
        by=officer,
    )
    assert req.answered_on == PAST_ANSWER and req.answered_on_behalf
    assert req.received_from.startswith("Rhian") and req.received_how.value == "email"


def test_follow_up_close_and_withdraw(make_request, officer, body_user):
    req = make_request()
    with pytest.raises(InvalidInput):
        services.record_follow_up(req, "", by=officer)
    services.record_follow_up(req, "Phoned the IG lead, who promised an answer.", by=officer)
    assert req.escalated_on is not None
    with pytest.raises(PermissionDenied):
        services.record_follow_up(req, "Trying to follow up as the body.", by=body_user)
    services.respond_to_request(req, services.AnswerInput("complied"), by=body_user, on=ANSWER_DAY)
    services.close_request(req, by=officer)
    assert req.state is RequestState.CLOSED
    with pytest.raises(Conflict):
        services.withdraw_request(req, "No longer needed.", by=officer)


def test_extension_and_clarification(make_request, officer, body_user):
    req = make_request()
    services.ask_for_clarification(
        req, "Which child do you mean exactly?", by=body_user, on=REQUEST_DAY
    )
    assert req.state is RequestState.AWAITING_CLARIFICATION
    services.give_clarification(
        req, "The child in review CPR-CV-2026-03.", by=officer, on=REQUEST_DAY
    )
    services.ask_for_extension(
        req, date(2027, 2, 5), "The records are archived off site.", by=body_user, on=REQUEST_DAY
    )
    with pytest.raises(PermissionDenied):
        services.agree_extension(req, by=body_user, on=REQUEST_DAY)
    services.agree_extension(req, by=officer, on=REQUEST_DAY)
    assert req.due_date == date(2027, 2, 5)
