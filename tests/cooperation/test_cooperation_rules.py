"""The rules of s.164 as tables: who can be asked, what a refusal needs, which steps the state
allows, and the database's own refusal of an unlawful refusal."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.cooperation.kind import S164
from isp_manager.cooperation.models import CooperationRequest, ProvidedItem
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.extensions import db
from isp_manager.lifecycle.models import Outcome, RequestState
from isp_manager.lifecycle.reasons import reasons_problem
from isp_manager.parties.models import OrgKind
from tests.cooperation.factories import REASONS, REQUEST_DAY, details


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CooperationRequest))


# ----------------------------------------------------------------- who can be asked

ASKABLE = [
    ("la-cardiff", "lhb-cardiff-and-vale", "s164-2-a"),  # its health board (s.162(4)(e))
    ("la-cardiff", "police-south-wales", "s164-2-a"),  # its police force (s.162(4)(a))
    ("la-cardiff", "pcc-south-wales", "s164-2-a"),
    ("la-cardiff", "nhs-wast", "s164-2-a"),  # an all-Wales NHS trust (s.162(4)(f))
    ("la-cardiff", "hmpps-wales", "s164-2-a"),
    ("la-cardiff", "lhb-betsi-cadwaladr", "s164-2-b"),  # a health board elsewhere
    ("la-cardiff", "la-swansea", "s164-2-b"),  # another council, no agreement
    ("la-gwynedd", "police-north-wales", "s164-2-a"),
    ("la-gwynedd", "lhb-cardiff-and-vale", "s164-2-b"),
    ("la-powys", "lhb-powys", "s164-2-a"),
    ("la-swansea", "lhb-swansea-bay", "s164-2-a"),
]


@pytest.mark.parametrize("council, body, basis", ASKABLE)
def test_bodies_that_can_be_asked_record_the_part_of_s164_2(make_user, council, body, basis):
    user = make_user(council, Role.PRACTITIONER)
    data = details(body, partner_function="Offender management: the licence conditions")
    req = services.create_request(data, by=user, on=REQUEST_DAY)
    assert req.s164_basis == basis
    assert req.basis_reason


REFUSED = [
    ("la-cardiff", "police-dyfed-powys", "does not include Cardiff"),
    ("la-cardiff", "police-north-wales", "not a relevant partner"),
    ("la-gwynedd", "police-south-wales", "not a relevant partner"),
    ("la-cardiff", "nca", "cannot be asked"),
    ("la-cardiff", "btpa", "cannot be asked"),
    ("la-cardiff", "prison-cardiff", "cannot be asked"),
    ("la-cardiff", "board-cardiff-and-vale", "cannot be asked"),
    ("la-cardiff", "la-cardiff", "itself"),
]


@pytest.mark.parametrize("council, body, why", REFUSED)
def test_bodies_that_cannot_be_asked_are_refused_with_who_can_be_asked_instead(
    make_user, council, body, why
):
    user = make_user(council, Role.PRACTITIONER)
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        services.create_request(details(body), by=user, on=REQUEST_DAY)
    message = " ".join(refused.value.errors["requested_organisation"])
    assert why in message
    if body != council:
        assert "instead" in message
    assert _count() == before


def test_youth_offending_teams_can_be_asked_only_for_their_own_area(make_org, council_user):
    cardiff_yot = make_org(
        kind=OrgKind.YOUTH_OFFENDING_TEAM, areas=["la-cardiff"], s28_category="s28-i"
    )
    swansea_yot = make_org(
        kind=OrgKind.YOUTH_OFFENDING_TEAM, areas=["la-swansea"], s28_category="s28-i"
    )
    ok = services.create_request(
        details(None, requested_organisation=cardiff_yot), by=council_user, on=REQUEST_DAY
    )
    assert ok.s164_basis == "s164-2-c"
    with pytest.raises(InvalidInput) as refused:
        services.create_request(
            details(None, requested_organisation=swansea_yot), by=council_user, on=REQUEST_DAY
        )
    assert "youth offending team" in refused.value.message


@pytest.mark.parametrize(
    "org_code, role",
    [
        ("police-south-wales", Role.IG_LEAD),
        ("lhb-cardiff-and-vale", Role.PRACTITIONER),
        ("board-cardiff-and-vale", Role.BOARD_OFFICER),
    ],
)
def test_only_a_local_authority_can_make_a_request(make_user, org_code, role):
    user = make_user(org_code, role)
    assert not services.can_make_requests(user)
    with pytest.raises(InvalidInput) as refused:
        services.create_request(details("la-cardiff"), by=user, on=REQUEST_DAY)
    assert "Only a local authority" in refused.value.errors["requesting_organisation"][0]


def test_an_auditor_cannot_make_a_request(make_user):
    auditor = make_user("la-cardiff", Role.AUDITOR)
    assert not services.can_make_requests(auditor)
    with pytest.raises(PermissionDenied):
        services.create_request(details(), by=auditor, on=REQUEST_DAY)


def test_a_request_is_made_for_the_users_own_council_only(make_user, council_user):
    from tests.conftest import org

    with pytest.raises(PermissionDenied):
        services.create_request(
            details(), by=council_user, requesting=org("la-swansea"), on=REQUEST_DAY
        )


# ----------------------------------------------------------------- bad request details


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"request_type": "gossip"}, "request_type"),
        ({"request_type": None}, "request_type"),
        ({"function": "ssf-nonsense"}, "function"),
        ({"details": "  "}, "details"),
        ({"purpose": ""}, "purpose"),
        ({"subject_reference": "Jane Smith"}, "subject_reference"),
        ({"subject_reference": "JANESMITH"}, "subject_reference"),
        ({"subject_reference": "=HYPERLINK(1)"}, "subject_reference"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"requested_organisation": None}, "requested_organisation"),
        (
            {
                "urgent": True,
                "requested_due_date": date(2026, 12, 21),
                "urgent_reason": "Court hearing",
            },
            "requested_due_date",
        ),
        (
            {
                "urgent": True,
                "requested_due_date": date(2027, 1, 8),
                "urgent_reason": "Court hearing",
            },
            "requested_due_date",
        ),
        (
            {"urgent": True, "requested_due_date": date(2026, 12, 24), "urgent_reason": ""},
            "urgent_reason",
        ),
        ({"urgent": False, "requested_due_date": date(2026, 12, 24)}, "urgent"),
    ],
)
def test_bad_details_are_refused_naming_the_field_and_nothing_is_saved(
    council_user, overrides, field
):
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        services.create_request(details(**overrides), by=council_user, on=REQUEST_DAY)
    assert field in refused.value.errors
    assert _count() == before


@pytest.mark.parametrize("reference", ["CS-2026-00417", "12345", "CH/2026/17", "MASH_2026.4"])
def test_case_references_are_accepted(council_user, reference):
    req = services.create_request(
        details(subject_reference=reference), by=council_user, on=REQUEST_DAY
    )
    assert req.subject_reference == reference


def test_an_urgent_request_carries_its_earlier_date_and_says_why(council_user):
    req = services.create_request(
        details(
            urgent=True,
            requested_due_date=date(2026, 12, 24),
            urgent_reason="Court hearing on 29 December",
        ),
        by=council_user,
        on=REQUEST_DAY,
    )
    assert req.due_date == date(2026, 12, 24)
    assert req.due_explanation.startswith(
        "Urgent: due 24 December 2026 (Court hearing on 29 December)"
    )
    assert "usual 8 January 2027" in req.due_explanation


def test_the_response_period_comes_from_configuration(app, monkeypatch, council_user):
    monkeypatch.setitem(app.config, "S164_RESPONSE_DAYS", {"co-operation": 5, "information": 10})
    req = services.create_request(
        details(request_type="co-operation"), by=council_user, on=REQUEST_DAY
    )
    assert req.due_date == date(2026, 12, 31)
    assert req.due_explanation.startswith("5 working days from 22 December 2026")


# ----------------------------------------------------------------- written reasons

BAD_REASONS = [
    None,
    "",
    "   ",
    "n/a",
    "N/A",
    "NA",
    "none",
    "None.",
    "nil",
    "refused",
    "Declined.",
    "see above",
    "See attached",
    "as discussed",
    "confidential",
    "Data protection.",
    "GDPR",
    "tbc",
    "-",
    "...",
    "x",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "no no no no no no no no no no no no",
    "refused refused refused refused refused refused refused",
    "asdf asdf asdf asdf asdf asdf asdf",
    "qwerty uiop qwerty uiop qwerty uiop qwerty",
    "lorem ipsum dolor sit amet consectetur adipiscing elit",
    "bcdf ghjk lmnp qrst bcdf ghjk lmnp qrst",
    "Complying would be incompatible with the person's own duties",
    "Complying would otherwise have an adverse effect on the exercise of the person's functions",
    "incompatible with our duties",
    "We cannot share this.",
    "Not our policy to share.",
    "1234567890 1234567890 1234567890",
]


@pytest.mark.parametrize("reasons", BAD_REASONS)
def test_token_blank_or_placeholder_reasons_are_refused(make_request, board_user, reasons):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.respond_to_request(
            req,
            services.AnswerInput(
                outcome="declined", ground="s164-ground-a", written_reasons=reasons
            ),
            by=board_user,
        )
    assert list(refused.value.errors) == ["written_reasons"]
    assert req.state is RequestState.SENT and req.outcome is None


@pytest.mark.parametrize(
    "reasons",
    [
        REASONS,
        "A court order made on 3 December 2026 forbids us to disclose these records to anyone.",
        "Mae gorchymyn llys a wnaed ar 3 Rhagfyr 2026 yn ein gwahardd rhag datgelu'r cofnodion hyn.",
    ],
)
def test_reasons_of_substance_are_accepted(reasons):
    assert reasons_problem(reasons, wording=S164.reasons_wording) is None


@pytest.mark.parametrize(
    "ground, outcome, field",
    [
        (None, "declined", "ground"),
        ("", "declined", "ground"),
        ("s164-ground-c", "declined", "ground"),
        ("s164-2-a", "declined", "ground"),
        ("incompatible", "partly_complied", "ground"),
        (None, "partly_complied", "ground"),
        ("s164-ground-a", "complied", "ground"),
        ("s164-ground-a", "maybe", "outcome"),
        ("s164-ground-a", None, "outcome"),
    ],
)
def test_a_refusal_needs_one_of_the_two_statutory_grounds(
    make_request, board_user, ground, outcome, field
):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.respond_to_request(
            req,
            services.AnswerInput(outcome=outcome, ground=ground, written_reasons=REASONS),
            by=board_user,
        )
    assert field in refused.value.errors
    assert req.state is RequestState.SENT


def test_a_refusal_without_reasons_reports_ground_and_reasons_together(make_request, board_user):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.respond_to_request(req, services.AnswerInput(outcome="declined"), by=board_user)
    assert set(refused.value.errors) == {"ground", "written_reasons"}
    message = refused.value.errors["ground"][0]  # the grounds in words, by their sections
    assert "s.164(1)(a)" in message and "s164-ground-a" not in message


def test_partly_complied_records_what_was_and_was_not_provided(make_request, board_user):
    req = make_request()
    answer = services.AnswerInput(
        outcome="partly_complied",
        ground="s164-ground-b",
        written_reasons=REASONS,
        not_provided="Notes of the consultation on 4 March 2026.",
        items=[
            services.ItemInput(
                "Dates of appointments attended", "fact", date(2027, 1, 4), "Secure e-mail"
            ),
            services.ItemInput(
                "Paediatrician's view on development", "opinion", date(2027, 1, 4), "Secure e-mail"
            ),
            services.ItemInput("Referral in 2019", "historical", date(2027, 1, 4), "Secure e-mail"),
        ],
    )
    services.respond_to_request(req, answer, by=board_user, on=date(2027, 1, 5))
    assert req.outcome is Outcome.PARTLY_COMPLIED and req.has_reasons_letter
    assert [i.nature.value for i in req.provided_items] == ["fact", "opinion", "historical"]
    assert req.not_provided.startswith("Notes of the consultation")


def test_a_complied_request_needs_no_ground(make_request, board_user):
    req = make_request()
    services.respond_to_request(
        req,
        services.AnswerInput(
            outcome="complied",
            items=[
                services.ItemInput("Appointment history", "fact", date(2027, 1, 4), "Secure e-mail")
            ],
        ),
        by=board_user,
        on=date(2027, 1, 4),
    )
    assert req.outcome is Outcome.COMPLIED and req.ground is None and not req.has_reasons_letter


@pytest.mark.parametrize(
    "answer, field",
    [
        (
            services.AnswerInput(
                "declined",
                "s164-ground-a",
                REASONS,
                items=[services.ItemInput("Records", "fact", date(2027, 1, 4), "Post")],
            ),
            "items",
        ),
        (
            services.AnswerInput(
                "complied", items=[services.ItemInput("", "fact", date(2027, 1, 4), "Post")]
            ),
            "items.0",
        ),
        (
            services.AnswerInput(
                "complied",
                items=[services.ItemInput("Records", "rumour", date(2027, 1, 4), "Post")],
            ),
            "items.0",
        ),
        (
            services.AnswerInput(
                "complied", items=[services.ItemInput("Records", "fact", date(2026, 12, 1), "Post")]
            ),
            "items.0",
        ),
        (
            services.AnswerInput(
                "complied", items=[services.ItemInput("Records", "fact", None, "Post")]
            ),
            "items.0",
        ),
        (
            services.AnswerInput(
                "complied", items=[services.ItemInput("Records", "fact", date(2027, 1, 4), "")]
            ),
            "items.0",
        ),
        (services.AnswerInput("complied", not_provided="Some of it"), "not_provided"),
    ],
)
def test_bad_items_provided_are_refused(make_request, board_user, answer, field):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.respond_to_request(req, answer, by=board_user, on=date(2027, 1, 5))
    assert field in refused.value.errors
    assert req.state is RequestState.SENT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProvidedItem)) == 0


# ----------------------------------------------------------------- guards


def _decline(req, by, on=date(2027, 1, 5)):
    services.respond_to_request(
        req,
        services.AnswerInput(outcome="declined", ground="s164-ground-a", written_reasons=REASONS),
        by=by,
        on=on,
    )


def test_a_sent_request_can_be_answered_straight_away(make_request, board_user):
    req = make_request()
    _decline(req, board_user)
    assert req.state is RequestState.ANSWERED


def test_a_second_answer_is_refused(declined, board_user):
    with pytest.raises(Conflict) as refused:
        _decline(declined, board_user)
    assert "second answer" in refused.value.message


def test_an_answer_to_a_withdrawn_request_is_refused(make_request, council_user, board_user):
    req = make_request()
    services.withdraw_request(req, "The family has moved to England.", by=council_user)
    with pytest.raises(Conflict) as refused:
        _decline(req, board_user)
    assert "withdrawn" in refused.value.message
    assert req.outcome is None


def test_answering_while_a_clarification_is_awaited_restarts_the_clock(make_request, board_user):
    req = make_request()
    services.ask_for_clarification(
        req, "Which years of records do you need?", by=board_user, on=date(2027, 1, 5)
    )
    _decline(req, board_user, on=date(2027, 1, 7))
    assert req.clock_stopped_on is None
    assert req.stopped_working_days == 2
    assert req.due_date == date(2027, 1, 12)


def test_after_a_clarification_the_request_is_back_where_it_was(
    make_request, board_user, council_user
):
    """Asking a question is not acknowledging: the request reads Sent again after the answer,
    unless the body asked had acknowledged it before."""
    req = make_request()
    services.ask_for_clarification(req, "Which years of records do you need?", by=board_user)
    assert req.acknowledged_at is None
    services.give_clarification(req, "All years.", by=council_user)
    assert req.state is RequestState.SENT and req.state.label == "Sent"
    services.acknowledge_request(req, by=board_user)
    services.ask_for_clarification(req, "Which of the two schools do you mean?", by=board_user)
    services.give_clarification(req, "Both.", by=council_user)
    assert req.state is RequestState.ACKNOWLEDGED


@pytest.mark.parametrize(
    "step, who, error",
    [
        ("acknowledge", "council", PermissionDenied),  # the requester does not acknowledge
        ("respond", "council", PermissionDenied),
        ("answer_clarification", "board", PermissionDenied),
        ("withdraw", "board", PermissionDenied),
        ("close", "council", Conflict),  # not answered yet
        ("answer_clarification", "council", Conflict),  # nothing asked
        ("send", "council", Conflict),  # already sent
        ("acknowledge", "auditor", PermissionDenied),
        (
            "acknowledge",
            "admin",
            PermissionDenied,
        ),  # admins read everything, act for their own body
        ("acknowledge", "other", PermissionDenied),
    ],
)
def test_guards(make_request, make_user, council_user, board_user, step, who, error):
    users = {
        "council": council_user,
        "board": board_user,
        "auditor": make_user("lhb-cardiff-and-vale", Role.AUDITOR),
        "admin": make_user("la-swansea", Role.ADMIN),
        "other": make_user("lhb-swansea-bay", Role.IG_LEAD),
    }
    req = make_request()
    by = users[who]
    calls = {
        "acknowledge": lambda: services.acknowledge_request(req, by=by),
        "respond": lambda: _decline(req, by),
        "answer_clarification": lambda: services.give_clarification(req, "All years.", by=by),
        "withdraw": lambda: services.withdraw_request(req, "No longer needed.", by=by),
        "close": lambda: services.close_request(req, by=by),
        "send": lambda: services.send_request(req, by=by),
    }
    with pytest.raises(error):
        calls[step]()
    assert req.state is RequestState.SENT


def test_a_draft_is_not_seen_by_the_body_asked(make_request, board_user, council_user):
    req = make_request(send=False)
    assert req.can_view(council_user) and not req.can_view(board_user)
    with pytest.raises(PermissionDenied):
        services.acknowledge_request(req, by=board_user)


def test_withdrawing_needs_a_reason(make_request, council_user):
    req = make_request()
    with pytest.raises(InvalidInput) as refused:
        services.withdraw_request(req, "  ", by=council_user)
    assert "reason" in refused.value.errors


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2027, 1, 4), None),
        (date(2027, 1, 6), "due_soon"),  # two working days before
        (date(2027, 1, 8), "due_soon"),
        (date(2027, 1, 11), "overdue"),
    ],
)
def test_due_soon_and_overdue_are_derived(make_request, today, expected):
    req = make_request()
    status = services.deadline_status(req, today)
    assert (status.value if status else None) == expected


# ----------------------------------------------------------------- the database's own check


@pytest.mark.parametrize(
    "values",
    [
        {"state": "answered", "outcome": "declined", "ground": None, "written_reasons": REASONS},
        {
            "state": "answered",
            "outcome": "declined",
            "ground": "s164-ground-a",
            "written_reasons": None,
        },
        {
            "state": "answered",
            "outcome": "declined",
            "ground": "s164-ground-a",
            "written_reasons": "   no   ",
        },
        {
            "state": "answered",
            "outcome": "partly_complied",
            "ground": None,
            "written_reasons": None,
        },
        {
            "state": "answered",
            "outcome": "declined",
            "ground": "s164-ground-z",
            "written_reasons": REASONS,
        },
        {"state": "answered", "outcome": None},
        {"state": "withdrawn", "withdrawal_reason": None},
        {"due_date": date(2026, 12, 1)},
    ],
)
def test_the_database_refuses_an_unlawful_refusal(make_request, values):
    req = make_request()
    values = {"answered_on": date(2027, 1, 5), **values}
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(
                sa.update(CooperationRequest)
                .where(CooperationRequest.id == req.id)
                .values(**values)
            )
