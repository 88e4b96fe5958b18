"""Find a s.137 request: the boxes of a board and of a body (what it was asked and what goes to
it), by reference, the board's own case reference, body, state and the dates sent and due, on
the pages, in the CSV and in the API; never another organisation's request."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from flask_babel import force_locale, gettext, refresh

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from isp_manager.errors import InvalidInput
from isp_manager.extensions import db
from isp_manager.lifecycle import lists
from isp_manager.lifecycle.models import RequestState
from tests.board_requests.conftest import BODY, REASONS, THIRD, details
from tests.conftest import org

API = "/api/v1/board-requests"
JAN, FEB, MAR = date(2026, 1, 12), date(2026, 2, 9), date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _forget_language():
    """The tests share one app context, where Flask-Babel keeps the language last chosen."""
    refresh()
    yield
    refresh()


@pytest.fixture
def stranger(make_user):
    return make_user("lhb-aneurin-bevan", Role.IG_LEAD, name="Alun Aneurin")


@pytest.fixture
def other_board(make_user):
    return make_user("board-gwent", Role.BOARD_OFFICER, name="Gwen Gwent")


@pytest.fixture
def three(make_request):
    """January: to the health board; February: to it, for the council; March: to the police."""
    return [
        make_request(on=JAN, case_reference="CPR/2026/0101"),
        make_request(on=FEB, case_reference="cpr/2026/0202", provide_to=org(THIRD)),
        make_request(body="police-south-wales", on=MAR, case_reference="FILE 303"),
    ]


def refs(user, box=services.Box.ALL, **filters) -> set[str]:
    stmt = services.list_query(user, box, services.ListFilters(**filters), date(2026, 4, 1))
    return {r.reference for r in db.session.scalars(stmt).unique()}


def _refs(reqs, *indexes) -> set[str]:
    return {reqs[i].reference for i in indexes}


# ----------------------------------------------------------------- the service


def test_the_boxes_of_a_board_a_body_asked_and_the_body_it_goes_to(
    three, officer, body_user, third_user
):
    every = lists.ALL_STATES
    assert refs(officer, services.Box.SENT, state=every) == _refs(three, 0, 1, 2)
    assert refs(officer, services.Box.RECEIVED, state=every) == set()
    assert refs(body_user, services.Box.RECEIVED, state=every) == _refs(three, 0, 1)
    assert refs(body_user, services.Box.SENT, state=every) == set()
    assert refs(third_user, services.Box.RECEIVED, state=every) == _refs(three, 1)
    assert refs(third_user, services.Box.ALL, state=every) == _refs(three, 1)


@pytest.mark.parametrize(
    "filters, found",
    [
        ({"case_reference": "CPR/2026/0101"}, {0}),
        ({"case_reference": "cpr/2026"}, {0, 1}),
        ({"case_reference": " 303 "}, {2}),
        ({"case_reference": "%"}, set()),
        ({"sent_from": FEB}, {1, 2}),
        ({"sent_from": FEB, "sent_to": FEB}, {1}),
        ({"due_from": date(2026, 2, 1), "due_to": date(2026, 3, 1)}, {0}),  # 20 working days
        ({"counterparty": "police-south-wales"}, {2}),
        ({"counterparty": THIRD}, {1}),  # the body the information goes to
        ({"counterparty": BODY, "sent_from": FEB}, {1}),
    ],
)
def test_find_a_board_request(three, officer, filters, found):
    if "counterparty" in filters:
        filters = {**filters, "counterparty": org(filters["counterparty"])}
    assert refs(officer, state=lists.ALL_STATES, **filters) == _refs(three, *found)


def test_a_body_finds_by_the_other_bodies_on_its_requests(three, body_user, third_user):
    board = org("board-cardiff-and-vale")
    assert refs(body_user, state="all", counterparty=board) == _refs(three, 0, 1)
    assert refs(body_user, state="all", counterparty=org(THIRD)) == _refs(three, 1)
    assert refs(third_user, state="all", counterparty=org(BODY)) == _refs(three, 1)


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidInput) as error:
        services.check_filters(services.ListFilters(sent_from=FEB, sent_to=JAN))
    assert list(error.value.errors) == ["sent_to"]


def test_a_bad_case_reference_is_refused_and_nothing_saved(officer):
    with pytest.raises(InvalidInput) as error:
        services.create_request(details(case_reference="Jane Jones"), by=officer)
    assert "case_reference" in error.value.errors
    assert db.session.scalar(db.select(db.func.count()).select_from(services.BoardRequest)) == 0


def _finish_every_way(make_request, officer, body_user):
    complied = make_request(on=JAN)
    services.respond_to_request(complied, services.AnswerInput("complied"), by=body_user)
    refused = make_request(on=JAN)
    services.respond_to_request(
        refused, services.AnswerInput("not_complied", reasons=REASONS), by=body_user
    )
    closed = make_request(on=JAN)
    services.respond_to_request(closed, services.AnswerInput("complied"), by=body_user)
    services.close_request(closed, by=officer)
    withdrawn = make_request(on=JAN)
    services.withdraw_request(withdrawn, "The review was stood down by the board.", by=officer)
    return {
        "complied": complied,
        "not_complied": refused,
        "closed": closed,
        "withdrawn": withdrawn,
        "open": make_request(on=FEB),
        "draft": make_request(send=False),
    }


def test_all_states_holds_answered_refused_closed_and_withdrawn_requests(
    make_request, officer, body_user
):
    made = _finish_every_way(make_request, officer, body_user)
    assert made["closed"].state is RequestState.CLOSED
    finished = {r.reference for k, r in made.items() if k != "draft"}
    assert refs(officer, services.Box.SENT, state=lists.ALL_STATES) == finished
    assert refs(body_user, services.Box.RECEIVED, state=lists.ALL_STATES) == finished


@pytest.mark.parametrize(
    "filters",
    [
        {"state": "all"},
        {"state": "all", "reference": "S137"},
        {"state": "all", "case_reference": "CPR/2026"},
        {"state": "all", "counterparty": BODY},
        {"state": "all", "sent_from": date(2026, 1, 1), "sent_to": date(2026, 12, 31)},
        {"state": "all", "due_from": date(2026, 1, 1), "due_to": date(2026, 12, 31)},
        {"state": "open"},
        {"state": "draft"},
    ],
)
def test_another_organisations_request_is_never_found(
    three, make_request, stranger, other_board, filters
):
    make_request(send=False, case_reference="CPR/2026/9999")
    if "counterparty" in filters:
        filters = {**filters, "counterparty": org(filters["counterparty"])}
    for user in (stranger, other_board):
        for box in services.Box:
            assert refs(user, box, **filters) == set()


# ----------------------------------------------------------------- the pages and the CSV


def _page_refs(client, path, reqs) -> set[str]:
    page = client.get(path).get_data(as_text=True)
    return {r.reference for r in reqs if r.reference in page}


def test_the_list_page_finds_board_requests(login, three, officer, body_user, db_session):
    db_session.commit()
    board = login(officer)
    assert _page_refs(board, "/board-requests?state=all", three) == _refs(three, 0, 1, 2)
    assert _page_refs(board, "/board-requests?state=all&case_reference=0202", three) == _refs(
        three, 1
    )
    dates = "sent_from=1&sent_from=3&sent_from=2026"
    assert _page_refs(board, f"/board-requests?state=all&{dates}", three) == _refs(three, 2)
    assert _page_refs(
        board, "/board-requests?state=all&counterparty=police-south-wales", three
    ) == _refs(three, 2)
    page = board.get("/board-requests?state=all&case_reference=0202").get_data(as_text=True)
    assert 'value="0202"' in page and "sent.csv?" in page and "case_reference=0202" in page
    body = login(body_user)
    assert _page_refs(body, "/board-requests?state=all", three) == _refs(three, 0, 1)
    assert _page_refs(body, "/board-requests?box=sent&state=all", three) == set()


def test_the_body_is_typed_by_name_and_suggested_from_the_register(
    login, three, officer, db_session
):
    """The body filter is a text input (a select of every body in Wales would be thousands of
    options): its name in either language, or a part only it has, finds its requests."""
    db_session.commit()
    board = login(officer)
    for typed in ("South+Wales+Police+(Chief+Constable)", "Heddlu+De+Cymru"):
        path = f"/board-requests?state=all&counterparty={typed}"
        assert _page_refs(board, path, three) == _refs(three, 2)
    page = board.get("/board-requests?state=all").get_data(as_text=True)
    assert 'list="counterparty-suggestions"' in page and "data-body-suggestions" in page
    assert '<datalist id="counterparty-suggestions">' in page
    assert "<option" not in page.split('name="counterparty"')[1].split("</datalist>")[0]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Cardiff", "More than one body matches “Cardiff”"),
        ("Gotham", "No body in the register matches “Gotham”"),
    ],
)
def test_a_body_name_that_fits_none_or_several_is_named_in_the_error_summary(
    login, three, officer, db_session, typed, message
):
    db_session.commit()
    page = login(officer).get(f"/board-requests?state=all&counterparty={typed}").text
    assert "govuk-error-summary" in page and message in page
    assert 'href="#counterparty"' in page
    assert _page_refs(login(officer), "/board-requests?state=all", three) == _refs(three, 0, 1, 2)
    assert all(r.reference in page for r in three)  # the body in error filters nothing


def test_a_stranger_finds_nothing_on_the_pages_or_in_the_csv(login, three, stranger, db_session):
    db_session.commit()
    client = login(stranger)
    for box in ("received", "sent", "all"):
        for query in ("state=all", "state=all&case_reference=CPR", "state=all&reference=S137"):
            assert _page_refs(client, f"/board-requests?box={box}&{query}", three) == set()
            assert _page_refs(client, f"/board-requests/{box}.csv?{query}", three) == set()


@pytest.mark.parametrize(
    "query, message",
    [
        ("sent_from=31&sent_from=2&sent_from=2026", "The sent from date must be a real date"),
        ("due_to=&due_to=2&due_to=2026", "The due to date must include a day"),
        (
            "sent_from=2&sent_from=2&sent_from=2026&sent_to=1&sent_to=2&sent_to=2026",
            "The sent to date must be the same as or after the sent from date",
        ),
    ],
)
def test_a_bad_date_is_named_in_the_error_summary(
    login, three, officer, db_session, query, message
):
    db_session.commit()
    client = login(officer)
    for path in ("/board-requests?box=sent&", "/board-requests/sent.csv?"):
        response = client.get(f"{path}state=all&{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "govuk-error-summary" in page and message in page
        assert all(r.reference in page for r in three)


def _csv(client, path) -> list[list[str]]:
    text = client.get(path).get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_codes_beside_the_labels(login, make_request, officer, body_user, db_session):
    made = _finish_every_way(make_request, officer, body_user)
    made["open"].case_reference = "CPR/2026/0417"
    made["open"].provide_to = org(THIRD)
    db_session.commit()
    rows = _csv(login(officer), "/board-requests/sent.csv?state=all")
    header = rows[0]
    col = {name: header.index(name) for name in header}
    assert header[:4] == [
        "Reference",
        "Body that made the request",
        "Body asked",
        "Body the information goes to",
    ]
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {r.reference for k, r in made.items() if k != "draft"}
    refused = by_ref[made["not_complied"].reference]
    assert refused[col["Outcome"]] == "Not complied with"
    assert refused[col["Outcome code"]] == "not_complied"
    assert refused[col["State code"]] == "answered"
    assert refused[col["Purpose code"]] == "child_practice_review"
    assert refused[col["Review reference"]] == "CPR-CV-2026-03"
    assert by_ref[made["withdrawn"].reference][col["State code"]] == "withdrawn"
    opened = by_ref[made["open"].reference]
    assert opened[col["Requester’s case reference"]] == "CPR/2026/0417"
    assert opened[col["Body the information goes to"]] == "Cardiff Council"


def test_the_csv_is_in_the_readers_language(login, make_request, officer, body_user, db_session):
    made = _finish_every_way(make_request, officer, body_user)
    db_session.commit()
    client = login(officer)
    refresh()
    rows = _csv(client, "/board-requests/sent.csv?state=all&lang=cy")
    with force_locale("cy"):
        state, answered = gettext("State"), gettext("Answered")
        outcome, not_complied = gettext("Outcome"), gettext("Not complied with")
        code = gettext("Outcome code")
    assert code != "Outcome code"
    header = rows[0]
    row = {r[0]: r for r in rows[1:]}[made["not_complied"].reference]
    assert row[header.index(state)] == answered
    assert row[header.index(outcome)] == not_complied
    assert row[header.index(code)] == "not_complied"


def test_the_case_reference_is_asked_for_and_shown(login, make_request, officer, db_session):
    req = make_request(case_reference="CPR/2026/0417")
    db_session.commit()
    client = login(officer)
    page = client.get(f"/board-requests/{req.id}").get_data(as_text=True)
    assert "Requester’s case reference" in page and "CPR/2026/0417" in page
    assert 'name="case_reference"' in client.get("/board-requests/new").get_data(as_text=True)


# ----------------------------------------------------------------- the API


def test_the_api_makes_and_finds_a_board_request(api_client, three, officer, stranger):
    client = api_client(officer)
    created = client.post(
        API,
        json={
            "board": "board-cardiff-and-vale",
            "qualifying_body": BODY,
            "why_qualifying": details().why_qualifying,
            "information_specified": details().information_specified,
            "relates_to": ["s137-b"],
            "purpose": "child_practice_review",
            "case_reference": "CPR/2026/0777",
        },
    )
    assert created.status_code == 201 and created.json["case_reference"] == "CPR/2026/0777"
    found = client.get(f"{API}?case_reference=0777").json
    assert [r["reference"] for r in found] == [created.json["reference"]]
    dated = client.get(f"{API}?sent_from=2026-02-01&sent_to=2026-02-28&state=all").json
    assert [r["reference"] for r in dated] == [three[1].reference]
    by_body = client.get(f"{API}?counterparty={THIRD}&state=all").json
    assert [r["reference"] for r in by_body] == [three[1].reference]
    assert api_client(stranger).get(f"{API}?case_reference=0777").json == []
    refused = client.post(
        API,
        json={
            "board": "board-cardiff-and-vale",
            "qualifying_body": BODY,
            "why_qualifying": details().why_qualifying,
            "information_specified": details().information_specified,
            "relates_to": ["s137-b"],
            "case_reference": "Jane Jones",
        },
    )
    assert refused.status_code == 422 and "case_reference" in json.dumps(refused.json)


@pytest.mark.parametrize(
    "query, field",
    [
        ("sent_from=yesterday", "sent_from"),
        ("due_to=2026-02-30", "due_to"),
        ("due_from=2026-03-01&due_to=2026-02-01", "due_to"),
    ],
)
def test_the_api_refuses_bad_dates_with_a_422_naming_the_field(api_client, officer, query, field):
    response = api_client(officer).get(f"{API}?{query}")
    assert response.status_code == 422 and field in json.dumps(response.json)


def test_the_board_list_is_in_welsh(login, three, officer, db_session):
    db_session.commit()
    client = login(officer)
    refresh()
    page = client.get("/board-requests?lang=cy&due_to=x&due_to=2&due_to=2026").get_data(
        as_text=True
    )
    assert "Ceisiadau a wnaeth eich bwrdd" in page and "Dod o hyd i gais" in page
    assert "Y dyddiad dyledus hyd at" in page and "govuk-error-summary" in page
