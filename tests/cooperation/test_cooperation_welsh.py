"""s.164 pages in Welsh: organisation names, citations, character counts, due dates and the
s.164(2) basis in the reader's language, whatever language the request was made in."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, refresh

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.extensions import db
from isp_manager.lifecycle import services as lifecycle
from tests.cooperation.factories import REQUEST_DAY, details


@pytest.fixture(autouse=True)
def _forget_language():
    """The tests share one app context, where Flask-Babel keeps the language last chosen."""
    refresh()
    yield
    refresh()


def _welsh(client, path: str) -> str:
    refresh()  # fixtures built their records in English
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}lang=cy")
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html
    return html


def test_request_pages_name_both_bodies_in_welsh(make_request, login, council_user, board_user):
    req = make_request()
    db.session.commit()
    board = login(board_user)
    respond = _welsh(board, f"/requests/{req.id}/respond")
    assert "Cyngor Caerdydd" in respond and "Bwrdd Iechyd Prifysgol Caerdydd a&#39;r Fro" in respond
    assert "Cardiff Council" not in respond
    withdraw = _welsh(login(council_user), f"/requests/{req.id}/withdraw")
    assert "Bwrdd Iechyd Prifysgol Caerdydd a&#39;r Fro" in withdraw
    assert "Cardiff and Vale University Health Board" not in withdraw


def test_letterhead_page_names_the_organisation_in_welsh(login, make_user):
    html = _welsh(login(make_user("la-cardiff", Role.IG_LEAD)), "/requests/letterhead")
    assert "Cyngor Caerdydd" in html and "Cardiff Council" not in html


def test_ground_is_cited_in_welsh(declined, login, council_user):
    db.session.commit()
    html = _welsh(login(council_user), f"/requests/{declined.id}")
    assert "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(3)(a)" in html
    assert "SSWBA" not in html


def test_request_form_character_counts_in_welsh(login, council_user):
    html = _welsh(login(council_user), "/requests/new?body=lhb-cardiff-and-vale")
    assert "Gallwch roi hyd at 5000 nod" in html
    assert "You can enter up to" not in html


# ------------------------------------------------------------------ built when shown


def _english(client, path: str) -> str:
    refresh()
    separator = "&" if "?" in path else "?"
    return client.get(f"{path}{separator}lang=en").get_data(as_text=True)


def _made_in_welsh(council_user, **overrides):
    """A request made by someone using the service in Welsh."""
    with force_locale("cy"):
        return services.create_request(details(**overrides), by=council_user, on=REQUEST_DAY)


def test_a_request_made_in_welsh_reads_in_english_to_an_english_reader(
    council_user, board_user, login
):
    req = _made_in_welsh(council_user)
    # What is kept for the record is English, whichever language the request was made in.
    assert req.due_explanation.startswith("10 working days from 22 December 2026")
    assert req.basis_reason.startswith("Cardiff and Vale University Health Board is a relevant")
    db.session.commit()
    html = _english(login(board_user), f"/requests/{req.id}")
    assert "10 working days from 22 December 2026, not counting the bank holidays on" in html
    assert "is a relevant partner of Cardiff Council (health board area includes Cardiff" in html
    assert "diwrnod gwaith" not in html and "partneriaid perthnasol" not in html


def test_a_request_made_in_english_reads_in_welsh_to_a_welsh_reader(
    make_request, board_user, login
):
    req = make_request()
    db.session.commit()
    html = _welsh(login(board_user), f"/requests/{req.id}")
    assert "10 diwrnod gwaith o 22 Rhagfyr 2026, heb gyfrif gwyliau&#39;r banc ar" in html
    assert "Mae Bwrdd Iechyd Prifysgol Caerdydd a&#39;r Fro yn un o bartneriaid perthnasol" in html
    assert "working days from" not in html and "is a relevant partner" not in html


def test_an_urgent_request_explains_its_date_in_the_readers_language(
    council_user, board_user, login
):
    req = _made_in_welsh(
        council_user,
        urgent=True,
        requested_due_date=date(2026, 12, 24),
        urgent_reason="Court hearing on 29 December",
    )
    sent = req.events[-1]
    assert (sent.old_due_date, sent.new_due_date) == (date(2027, 1, 8), date(2026, 12, 24))
    assert sent.text is None  # the facts are kept; the sentence is built when shown
    db.session.commit()
    client = login(board_user)
    english = _english(client, f"/requests/{req.id}")
    assert (
        "Urgent: due 24 December 2026 (Court hearing on 29 December), earlier than the usual "
        "8 January 2027 (10 working days from 22 December 2026" in english
    )
    welsh = _welsh(client, f"/requests/{req.id}")
    assert "Brys: dyddiad dyledus 24 Rhagfyr 2026 (Court hearing on 29 December)" in welsh


def test_clarification_and_extension_are_explained_from_the_dates_kept(
    make_request, council_user, board_user
):
    req = make_request()
    services.ask_for_clarification(
        req, "Which years do you need?", by=board_user, on=date(2027, 1, 5)
    )
    services.give_clarification(req, "From 2025 to date.", by=council_user, on=date(2027, 1, 8))
    services.ask_for_extension(
        req, date(2027, 1, 20), "Records are archived off site", by=board_user, on=date(2027, 1, 11)
    )
    services.agree_extension(req, by=council_user, on=date(2027, 1, 11))
    answered = req.events[-3]
    assert answered.text == "From 2025 to date."  # the answer alone: no explanation stored in it
    explained = lifecycle.explain_due_date(req)
    assert explained.text == (
        "10 working days from 22 December 2026, not counting the bank holidays on 25 and 28 "
        "December and 1 January. The clock was stopped for 3 working days while a clarification "
        "was awaited, so the due date moves from 8 January 2027 to 13 January 2027 (weekends not "
        "counted). Extended by agreement from 13 January 2027 to 20 January 2027: Records are "
        "archived off site"
    )
    assert req.due_explanation == explained.text
    assert explained.by_event[answered].startswith("The clock was stopped for 3 working days")
    with force_locale("cy"):
        welsh = lifecycle.explain_due_date(req).text
    assert welsh.startswith("10 diwrnod gwaith o 22 Rhagfyr 2026")
    assert "Estynnwyd drwy gytundeb o 13 Ionawr 2027 i 20 Ionawr 2027" in welsh


def test_answering_while_the_clock_is_stopped_moves_the_date_on_the_answer(
    make_request, board_user
):
    req = make_request()
    services.ask_for_clarification(
        req, "Which years do you need?", by=board_user, on=date(2027, 1, 5)
    )
    services.respond_to_request(
        req,
        services.AnswerInput(outcome="complied"),
        by=board_user,
        on=date(2027, 1, 7),
    )
    answered = req.events[-1]
    assert (answered.old_due_date, answered.new_due_date) == (date(2027, 1, 8), date(2027, 1, 12))
    assert "so the due date moves from 8 January 2027 to 12 January 2027" in req.due_explanation


def test_a_request_sent_before_the_facts_were_kept_shows_what_was_stored(make_request):
    req = make_request()
    req.events[-1].new_due_date = None  # as a request sent by an earlier release
    req.due_explanation = "as stored"
    assert lifecycle.explain_due_date(req).text == "as stored"


def test_the_api_explains_in_the_language_asked_for(make_request, board_user, api_client):
    req = make_request()
    db.session.commit()
    refresh()
    body = (
        api_client(board_user)
        .get(f"/api/v1/cooperation-requests/{req.id}", headers={"Accept-Language": "cy"})
        .get_json()
    )
    assert body["due_explanation"].startswith("10 diwrnod gwaith o 22 Rhagfyr 2026")
    assert body["basis_reason"].startswith("Mae Bwrdd Iechyd Prifysgol Caerdydd")


def test_the_timeline_explains_the_restarted_clock_in_welsh(
    make_request, council_user, board_user, login
):
    req = make_request()
    services.ask_for_clarification(
        req, "Which years do you need?", by=board_user, on=date(2027, 1, 5)
    )
    services.give_clarification(req, "From 2025 to date.", by=council_user, on=date(2027, 1, 8))
    db.session.commit()
    html = _welsh(login(board_user), f"/requests/{req.id}")
    assert (
        "Roedd y cloc wedi stopio am 3 diwrnod gwaith wrth aros am eglurhad, felly mae&#39;r "
        "dyddiad dyledus yn symud o 8 Ionawr 2027 i 13 Ionawr 2027 (heb gyfrif penwythnosau)"
    ) in html
    assert "The clock" not in html and "working day" not in html
