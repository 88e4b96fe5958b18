"""Find a s.164 request: by reference, the requester's own case reference, body, state and the
dates sent and due, in the service, on the pages, in the CSV and in the API; and never another
organisation's request, whatever the filter."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from flask_babel import force_locale, refresh

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import services
from isp_manager.errors import InvalidInput
from isp_manager.extensions import db
from isp_manager.lifecycle import lists
from isp_manager.lifecycle.models import Outcome, RequestState
from tests.conftest import org
from tests.cooperation.factories import REASONS, details

API = "/api/v1/cooperation-requests"
JAN, FEB, MAR = date(2026, 1, 12), date(2026, 2, 9), date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _forget_language():
    """The tests share one app context, where Flask-Babel keeps the language last chosen."""
    refresh()
    yield
    refresh()


@pytest.fixture
def other_council(make_user):
    return make_user("la-newport", Role.PRACTITIONER, name="Nia Newport")


@pytest.fixture
def three(make_request):
    """Requests sent in January, February and March, each with a case reference."""
    return [
        make_request(on=JAN, subject_reference="SW/2026/0101"),
        make_request(on=FEB, subject_reference="sw/2026/0202"),
        make_request(None, "police-south-wales", on=MAR, subject_reference="FILE-303"),
    ]


def refs(user, box=services.Box.ALL, **filters) -> set[str]:
    stmt = services.list_query(user, box, services.ListFilters(**filters), date(2026, 4, 1))
    return {r.reference for r in db.session.scalars(stmt).unique()}


# ----------------------------------------------------------------- the service


def test_the_case_reference_is_kept_cleaned_and_audited(make_request):
    req = make_request(subject_reference="  SW/2026/0417  ")
    assert req.case_reference == req.subject_reference == "SW/2026/0417"
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.action == "cooperation_request.created", AuditEvent.record_id == str(req.id)
        )
    ).all()
    assert any((e.after or {}).get("subject_reference") == "SW/2026/0417" for e in events)


@pytest.mark.parametrize(
    "value, problem",
    [
        ("SW/2026/0417", None),
        ("417 26", None),
        (None, None),
        ("", None),
        ("Jane Jones", "not a name"),
        ("S" * 59 + "1" + "2", "60 characters or fewer"),
        ("CS=2026*1", "not a name"),
    ],
)
def test_a_case_reference_is_a_number_not_a_name(value, problem):
    found = lists.case_reference_problem(value)
    assert (found is None) if problem is None else (problem in found)


def test_a_request_with_a_bad_case_reference_is_not_saved(council_user):
    before = db.session.scalar(db.select(db.func.count()).select_from(services.CooperationRequest))
    with pytest.raises(InvalidInput) as error:
        services.create_request(details(subject_reference="Jane Jones"), by=council_user)
    assert "subject_reference" in error.value.errors
    after = db.session.scalar(db.select(db.func.count()).select_from(services.CooperationRequest))
    assert after == before


@pytest.mark.parametrize(
    "typed, found",
    [
        ("SW/2026/0101", {0}),
        ("sw/2026", {0, 1}),  # any case, any part
        ("0202", {1}),
        ("file-303", {2}),
        ("  303 ", {2}),
        ("%", set()),  # wildcards are taken as typed
        ("_", set()),
        ("nothing like it", set()),
    ],
)
def test_find_by_case_reference(three, council_user, typed, found):
    expected = {three[i].reference for i in found}
    assert refs(council_user, state=lists.ALL_STATES, case_reference=typed) == expected


@pytest.mark.parametrize(
    "filters, found",
    [
        ({"sent_from": FEB}, {1, 2}),
        ({"sent_to": FEB}, {0, 1}),  # the bounds are included
        ({"sent_from": FEB, "sent_to": FEB}, {1}),
        ({"sent_from": date(2026, 3, 10)}, set()),
        ({"due_from": date(2026, 2, 1), "due_to": date(2026, 3, 1)}, {1}),
        ({"due_to": date(2026, 1, 1)}, set()),
    ],
)
def test_find_by_the_dates_sent_and_due(three, council_user, filters, found):
    expected = {three[i].reference for i in found}
    assert refs(council_user, state=lists.ALL_STATES, **filters) == expected


def test_filters_combine(three, council_user):
    assert refs(
        council_user,
        state=lists.ALL_STATES,
        counterparty=org("police-south-wales"),
        case_reference="303",
        sent_from=MAR,
    ) == {three[2].reference}
    assert (
        refs(
            council_user,
            state=lists.ALL_STATES,
            counterparty=org("police-south-wales"),
            case_reference="0101",
        )
        == set()
    )


@pytest.mark.parametrize("end", ["sent", "due"])
def test_a_range_that_ends_before_it_starts_is_refused_by_name(end):
    filters = services.ListFilters(**{f"{end}_from": FEB, f"{end}_to": JAN})
    with pytest.raises(InvalidInput) as error:
        services.check_filters(filters)
    assert list(error.value.errors) == [f"{end}_to"]
    assert "must be the same as or after" in error.value.errors[f"{end}_to"][0]
    services.check_filters(services.ListFilters(**{f"{end}_from": JAN, f"{end}_to": JAN}))


def _finish_every_way(make_request, council_user, board_user):
    """An answered, a declined, a closed and a withdrawn request, an open one and a draft."""
    answered = make_request(on=JAN)
    services.respond_to_request(answered, services.AnswerInput("complied"), by=board_user)
    declined = make_request(on=JAN)
    services.respond_to_request(
        declined,
        services.AnswerInput(Outcome.DECLINED, ground="s164-ground-a", written_reasons=REASONS),
        by=board_user,
    )
    closed = make_request(on=JAN)
    services.respond_to_request(closed, services.AnswerInput("complied"), by=board_user)
    services.close_request(closed, by=council_user)
    withdrawn = make_request(on=JAN)
    services.withdraw_request(withdrawn, "The family moved out of Wales.", by=council_user)
    open_one = make_request(on=FEB)
    draft = make_request(send=False)
    return {
        "answered": answered,
        "declined": declined,
        "closed": closed,
        "withdrawn": withdrawn,
        "open": open_one,
        "draft": draft,
    }


def test_all_states_holds_answered_declined_closed_and_withdrawn_requests(
    make_request, council_user, board_user
):
    made = _finish_every_way(make_request, council_user, board_user)
    assert made["closed"].state is RequestState.CLOSED
    assert made["withdrawn"].state is RequestState.WITHDRAWN
    finished = {r.reference for k, r in made.items() if k != "draft"}
    for box in (services.Box.SENT, services.Box.ALL):
        assert refs(council_user, box, state=lists.ALL_STATES) == finished
    for box in (services.Box.RECEIVED, services.Box.ALL):
        assert refs(board_user, box, state=lists.ALL_STATES) == finished  # never the draft
    assert refs(council_user, services.Box.SENT, state="draft") == {made["draft"].reference}


# ----------------------------------------------------------------- never another organisation's


@pytest.mark.parametrize(
    "filters",
    [
        {"state": "all"},
        {"state": "all", "reference": "S164"},
        {"state": "all", "case_reference": "SW/2026"},
        {"state": "all", "counterparty": "police-south-wales"},
        {"state": "all", "sent_from": date(2026, 1, 1), "sent_to": date(2026, 12, 31)},
        {"state": "all", "due_from": date(2026, 1, 1), "due_to": date(2026, 12, 31)},
        {"state": "open"},
        {"state": "draft"},
    ],
)
def test_another_organisations_request_is_never_found(three, make_request, other_council, filters):
    make_request(send=False, subject_reference="SW/2026/9999")
    if "counterparty" in filters:
        filters = {**filters, "counterparty": org(filters["counterparty"])}
    for box in services.Box:
        assert refs(other_council, box, **filters) == set()


# ----------------------------------------------------------------- the pages and the CSV


def _page_refs(client, path, reqs) -> set[str]:
    page = client.get(path).get_data(as_text=True)
    return {r.reference for r in reqs if r.reference in page}


def test_the_list_page_finds_by_case_reference_and_dates(login, three, council_user, db_session):
    db_session.commit()
    client = login(council_user)
    base = "/requests/sent?state=all"
    assert _page_refs(client, f"{base}&case_reference=sw%2F2026", three) == {
        three[0].reference,
        three[1].reference,
    }
    assert _page_refs(
        client,
        f"{base}&sent_from=1&sent_from=2&sent_from=2026&sent_to=28&sent_to=2&sent_to=2026",
        three,
    ) == {three[1].reference}
    assert _page_refs(client, f"{base}&due_to=1&due_to=2&due_to=2026", three) == {
        three[0].reference
    }
    page = client.get(f"{base}&case_reference=0101").get_data(as_text=True)
    assert 'name="case_reference"' in page and 'value="0101"' in page  # kept in the form
    assert "case_reference=0101" in page  # and in the CSV and page links


def test_the_body_is_typed_by_name_among_the_bodies_each_box_may_hold(
    login, three, council_user, make_user, db_session
):
    police = make_user("police-south-wales", Role.PRACTITIONER, name="Pat Police")
    db_session.commit()
    sent = "/requests/sent?state=all&counterparty="
    assert _page_refs(login(council_user), sent + "Heddlu+De+Cymru", three) == {three[2].reference}
    # What a body received came from councils: "Cardiff" names only one of them.
    received = "/requests/received?state=all&counterparty=Cardiff"
    assert _page_refs(login(police), received, three) == {three[2].reference}
    page = login(council_user).get(sent + "Cardiff").text
    assert "More than one body matches “Cardiff”" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("sent_from=31&sent_from=2&sent_from=2026", "The sent from date must be a real date"),
        ("due_to=1&due_to=&due_to=2026", "The due to date must include a month"),
        ("sent_from=x&sent_from=y&sent_from=z", "The sent from date must be a real date"),
        (
            "due_from=2&due_from=2&due_from=2026&due_to=1&due_to=2&due_to=2026",
            "The due to date must be the same as or after the due from date",
        ),
    ],
)
def test_a_bad_date_is_named_in_the_error_summary(
    login, three, council_user, db_session, query, message
):
    db_session.commit()
    client = login(council_user)
    for path in ("/requests/sent", "/requests/sent.csv"):
        response = client.get(f"{path}?state=all&{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "govuk-error-summary" in page and message in page
        # The date in error filters nothing: the other requests are listed.
        assert all(r.reference in page for r in three)


def _csv(client, path) -> list[list[str]]:
    text = client.get(path).get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_codes_beside_the_labels_and_every_finished_request(
    login, make_request, council_user, board_user, db_session
):
    made = _finish_every_way(make_request, council_user, board_user)
    made["open"].subject_reference = "SW/2026/0417"
    db_session.commit()
    rows = _csv(login(council_user), "/requests/sent.csv?state=all")
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in header}
    assert header[:3] == ["Reference", "Body that made the request", "Body asked"]
    by_ref = {row[0]: row for row in body}
    assert set(by_ref) == {r.reference for k, r in made.items() if k != "draft"}
    declined = by_ref[made["declined"].reference]
    assert declined[col["State"]] == "Answered" and declined[col["State code"]] == "answered"
    assert declined[col["Outcome"]] == "Declined" and declined[col["Outcome code"]] == "declined"
    assert declined[col["Ground code"]] == "s164-ground-a" and declined[col["Ground"]]
    assert declined[col["Ground"]] != "s164-ground-a"
    assert declined[col["Type"]] == "Information" and declined[col["Type code"]] == "information"
    assert by_ref[made["withdrawn"].reference][col["State code"]] == "withdrawn"
    assert by_ref[made["closed"].reference][col["State code"]] == "closed"
    assert by_ref[made["open"].reference][col["Requester’s case reference"]] == "SW/2026/0417"


def test_the_csv_is_in_the_readers_language(
    login, make_request, council_user, board_user, db_session
):
    made = _finish_every_way(make_request, council_user, board_user)
    db_session.commit()
    client = login(council_user)
    refresh()  # the fixtures built their records in English
    rows = _csv(client, "/requests/sent.csv?state=all&lang=cy")
    with force_locale("cy"):
        from flask_babel import gettext

        state, outcome, answered = gettext("State"), gettext("Outcome"), gettext("Answered")
        declined = gettext("Declined")
    assert state != "State" and answered != "Answered"  # translated
    header = rows[0]
    by_ref = {row[0]: row for row in rows[1:]}
    row = by_ref[made["declined"].reference]
    assert row[header.index(state)] == answered
    assert row[header.index(outcome)] == declined
    # The codes are the same in every language.
    assert "answered" in row and "declined" in row and "s164-ground-a" in row


# ----------------------------------------------------------------- the new-request form and page


def test_the_case_reference_is_asked_for_and_shown(login, make_request, council_user, db_session):
    req = make_request(subject_reference="SW/2026/0417")
    db_session.commit()
    client = login(council_user)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Case reference" in page and "SW/2026/0417" in page
    form = client.get("/requests/new?body=lhb-cardiff-and-vale").get_data(as_text=True)
    assert 'name="subject_reference"' in form  # one case reference: the one the body sees
    assert 'name="case_reference"' not in form


# ----------------------------------------------------------------- the API


def test_the_api_makes_and_finds_a_request_by_case_reference(
    api_client, three, council_user, other_council
):
    client = api_client(council_user)
    created = client.post(
        API,
        json={
            "requesting_organisation": "la-cardiff",
            "requested_organisation": "lhb-cardiff-and-vale",
            "request_type": "information",
            "function": "ssf-assessment",
            "details": "Attendance at paediatric appointments since January 2026.",
            "purpose": "To complete the assessment of needs for care and support of the child.",
            "subject_reference": "SW/2026/0777",
        },
    )
    assert created.status_code == 201 and created.json["subject_reference"] == "SW/2026/0777"
    found = client.get(f"{API}?case_reference=0777").json
    assert [r["reference"] for r in found] == [created.json["reference"]]
    dated = client.get(f"{API}?sent_from=2026-02-01&sent_to=2026-02-28").json
    assert [r["reference"] for r in dated] == [three[1].reference]
    assert api_client(other_council).get(f"{API}?case_reference=0777").json == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("sent_from=yesterday", "sent_from"),
        ("due_to=2026-02-30", "due_to"),
        ("sent_from=2026-03-01&sent_to=2026-02-01", "sent_to"),
        ("due_from=2026-03-01&due_to=2026-02-01", "due_to"),
    ],
)
def test_the_api_refuses_bad_dates_with_a_422_naming_the_field(
    api_client, council_user, query, field
):
    response = api_client(council_user).get(f"{API}?{query}")
    assert response.status_code == 422
    assert field in json.dumps(response.json)


def test_the_api_refuses_a_bad_case_reference(api_client, council_user):
    response = api_client(council_user).post(
        API,
        json={
            "requesting_organisation": "la-cardiff",
            "requested_organisation": "lhb-cardiff-and-vale",
            "request_type": "information",
            "function": "ssf-assessment",
            "details": "Attendance at paediatric appointments since January 2026.",
            "purpose": "To complete the assessment of needs for care and support of the child.",
            "subject_reference": "Jane Jones",
        },
    )
    assert response.status_code == 422 and "subject_reference" in json.dumps(response.json)


def test_the_filters_and_their_messages_are_in_welsh(login, three, council_user, db_session):
    db_session.commit()
    client = login(council_user)
    refresh()
    query = "sent_from=2&sent_from=2&sent_from=2026&sent_to=1&sent_to=2&sent_to=2026"
    page = client.get(f"/requests/sent?lang=cy&{query}").get_data(as_text=True)
    assert "Dod o hyd i gais" in page and "Cyfeirnod achos y corff a wnaeth y cais" in page
    assert "Rhaid i&#39;r dyddiad anfon hyd at fod" in page or "Rhaid i'r dyddiad anfon" in page
