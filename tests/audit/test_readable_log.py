"""The audit log people can read: events in words and labels, in the reader's language;
what an IG lead sees (their organisation's events); filters; a fixed number of queries a
page; and the CSV export."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from isp_manager.accounts import invitations, services
from isp_manager.accounts.models import Role
from isp_manager.audit.describe import action_label, describe_events
from isp_manager.audit.queries import AuditFilter, audit_events_query
from isp_manager.audit.services import record_event
from isp_manager.extensions import db
from isp_manager.parties import services as parties
from tests.conftest import org
from tests.cooperation.factories import QueryCounter


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


@pytest.fixture
def cardiff_lead(make_user):
    return make_user("la-cardiff", Role.IG_LEAD, name="Ceri Lead")


def _change_request_contact(by):
    cardiff = org("la-cardiff")
    cardiff.ig_lead_email = "old@cardiff.gov.wales"
    db.session.flush()
    parties.update_own_details(cardiff, {"ig_lead_email": "new@cardiff.gov.wales"}, by=by)
    db.session.commit()


def _events(reader, **filters):
    stmt = audit_events_query(reader, AuditFilter(**filters))
    return db.session.scalars(stmt).unique().all()


def test_a_change_reads_as_a_sentence(cardiff_lead):
    _change_request_contact(cardiff_lead)
    [described] = describe_events(_events(cardiff_lead, action="organisation.updated"))
    assert described.title == "Organisation's details changed"
    assert described.record == "Cardiff Council"
    assert described.who == "Ceri Lead, Cardiff Council"
    assert described.sentences == [
        "Cardiff Council's request contact changed from old@cardiff.gov.wales to "
        "new@cardiff.gov.wales."
    ]


def test_codes_become_labels(make_user, cardiff_lead):
    person = make_user("la-cardiff", Role.PRACTITIONER, name="Dewi Jones")
    services.change_role(person, Role.IG_LEAD, by=cardiff_lead)
    services.deactivate_user(person, by=cardiff_lead)
    db.session.flush()
    events = _events(cardiff_lead, record_type="users", record_id=str(person.id))
    deactivated, role = describe_events(events)  # newest first
    assert role.sentences == [
        "Dewi Jones's role changed from Practitioner to Information governance lead."
    ]
    assert deactivated.title == "Account deactivated"
    assert "Dewi Jones's active changed from yes to no." in deactivated.sentences


def test_every_action_the_service_writes_has_a_label():
    for action in (
        "cooperation_request.respond",
        "board_request.created",
        "protocol.submitted",
        "invitation.refused",
    ):
        assert not action_label(action).startswith("Other change")
    assert action_label("something.new") == "Other change (something.new)"


def test_the_log_is_in_the_readers_language(login, cardiff_lead):
    _change_request_contact(cardiff_lead)
    client = login(cardiff_lead)
    page = text(client.get("/audit?lang=cy"))
    assert (
        "Newidiwyd cyswllt ceisiadau Cyngor Caerdydd o old@cardiff.gov.wales i new@cardiff.gov.wales."
        in page
    )
    assert "Newidiwyd manylion y sefydliad" in page


def test_ig_lead_reads_their_organisations_events_only(login, make_user, cardiff_lead):
    admin = make_user("la-swansea", Role.ADMIN)
    swansea_lead = make_user("la-swansea", Role.IG_LEAD)
    # an administrator changes Cardiff's details: Cardiff's event, though not by its people
    parties.update_organisation(org("la-cardiff"), {"dpo_name": "Dr Data"}, by=admin)
    parties.update_own_details(org("la-swansea"), {"dpo_name": "Swansea DPO"}, by=swansea_lead)
    db.session.commit()
    page = text(login(cardiff_lead).get("/audit"))
    assert "Cardiff Council's data protection officer set to Dr Data." in page
    assert "Swansea DPO" not in page
    whole = text(login(make_user("la-cardiff", Role.AUDITOR)).get("/audit"))
    assert "Dr Data" in whole and "Swansea DPO" in whole


def test_ig_lead_sees_the_acceptance_of_their_invitations(client, login, cardiff_lead):
    _invitation, token = invitations.invite_user(
        org("la-cardiff"), "nia@example.test", "Nia Newydd", "practitioner", by=cardiff_lead
    )
    invitations.accept_invitation(token, "zebra kettle orbit lamp")
    db.session.commit()
    page = text(login(cardiff_lead).get("/audit"))
    assert "Invitation accepted – the invitation of Nia Newydd" in page
    assert "Account created – Nia Newydd" in page
    assert "Person invited" in page


def test_filters_by_record_person_action_and_date(login, make_user, cardiff_lead):
    person = make_user("la-cardiff", Role.PRACTITIONER, name="Dewi Jones")
    other = make_user(
        "la-cardiff", Role.IG_LEAD, name="Other Lead", email="other@cardiff.gov.wales"
    )
    services.change_role(person, Role.IG_LEAD, by=cardiff_lead)
    services.deactivate_user(person, by=other)
    _change_request_contact(cardiff_lead)
    client = login(cardiff_lead)
    by_record = text(client.get(f"/audit?record_type=users&record_id={person.id}"))
    assert "Role changed" in by_record and "Account deactivated" in by_record
    assert "request contact" not in by_record
    by_person = text(client.get(f"/audit?actor_email={other.email}"))
    assert "Account deactivated" in by_person and "Role changed –" not in by_person
    by_action = text(client.get("/audit?action=user.role_changed"))
    assert "Role changed –" in by_action and "Account deactivated –" not in by_action
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    later = text(client.get(f"/audit?since={tomorrow:%d+%m+%Y}"))
    assert "No events match these filters." in later


def test_a_bad_filter_names_the_field(login, cardiff_lead):
    response = login(cardiff_lead).get("/audit?since=31+2+2026")
    assert response.status_code == 422
    assert "There is a problem" in text(response)


def _count(client, path):
    counter = QueryCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count


def _many_events(n, lead, make_user):
    for _ in range(n):
        person = make_user("la-cardiff", Role.PRACTITIONER)
        services.change_role(person, Role.BOARD_OFFICER, by=lead)
        record_event(
            "organisation.updated",
            org("la-cardiff"),
            by=lead,
            before={"dpo_name": "a"},
            after={"dpo_name": "b"},
        )
    db.session.commit()


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.ADMIN])
def test_pages_run_a_fixed_number_of_queries(login, make_user, cardiff_lead, role):
    client = login(cardiff_lead if role == Role.IG_LEAD else make_user("la-cardiff", role))
    _many_events(3, cardiff_lead, make_user)
    small = _count(client, "/audit"), _count(client, "/audit?page=1&record_type=users")
    _many_events(30, cardiff_lead, make_user)
    assert (_count(client, "/audit"), _count(client, "/audit?page=1&record_type=users")) == small
    assert max(small) <= 12, small


def test_the_log_is_paginated(login, make_user, cardiff_lead):
    _many_events(30, cardiff_lead, make_user)
    page = text(login(cardiff_lead).get("/audit"))
    assert re.search(r"Showing 1 to \d+ of \d+ events", page)
    assert "Next" in page


def test_csv_export(login, make_user, cardiff_lead):
    _change_request_contact(cardiff_lead)
    make_user("la-swansea", Role.IG_LEAD)
    parties.update_own_details(org("la-swansea"), {"dpo_name": "Swansea DPO"}, by=None)
    db.session.commit()
    response = login(cardiff_lead).get("/audit/export.csv?action=organisation.updated")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["When", "Who", "What was done", "Kind of record", "Record", "Changes"]
    [row] = rows[1:]
    assert row[1] == "Ceri Lead, Cardiff Council"
    assert row[2] == "Organisation's details changed"
    assert row[4] == "Cardiff Council"
    assert "request contact changed from old@cardiff.gov.wales" in row[5]
    assert row[6] == "organisation.updated"


def test_csv_export_in_welsh(login, cardiff_lead):
    _change_request_contact(cardiff_lead)
    response = login(cardiff_lead).get("/audit/export.csv?lang=cy")
    body = response.get_data(as_text=True)
    assert "Newidiwyd cyswllt ceisiadau Cyngor Caerdydd" in body


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.BOARD_OFFICER])
def test_csv_export_refused_to_others(login, make_user, role):
    assert login(make_user("la-cardiff", role)).get("/audit/export.csv").status_code == 403


def test_csv_cells_cannot_run_as_formulas(login, make_user, cardiff_lead):
    parties.update_own_details(org("la-cardiff"), {"dpo_name": "=HYPERLINK(1)"}, by=cardiff_lead)
    db.session.commit()
    body = login(cardiff_lead).get("/audit/export.csv").get_data(as_text=True)
    assert "set to =HYPERLINK" in body  # inside a sentence, not at the start of a cell
    assert "\n=" not in body and ",=" not in body


@pytest.mark.parametrize("param", ["action", "record_type"])
def test_a_kind_or_action_not_in_the_list_is_refused(login, cardiff_lead, param):
    response = login(cardiff_lead).get(f"/audit?{param}=no.such")
    assert response.status_code == 422
    assert "Choose from the list" in text(response)


def test_states_read_as_labels(cardiff_lead):
    record_event(
        "protocol.submitted",
        org("la-cardiff"),
        by=cardiff_lead,
        record_type="protocol_versions",
        record_id=999_999,
        before={"state": "draft"},
        after={"state": "submitted"},
    )
    db.session.flush()
    [described] = describe_events(_events(cardiff_lead, action="protocol.submitted"))
    assert described.title == "Submitted for quality assurance"
    [sentence] = described.sentences
    assert sentence == "Agreement version 999999's state changed from Draft to Submitted for QA."
