"""s.164 pages in Welsh: organisation names, citations, character counts, due dates and the
s.164(2) basis in the reader's language, whatever language the request was made in."""

from __future__ import annotations

import pytest
from flask_babel import refresh

from isp_manager.accounts.models import Role
from isp_manager.extensions import db


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
    assert "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(4)(a)" in html
    assert "SSWBA" not in html


def test_request_form_character_counts_in_welsh(login, council_user):
    html = _welsh(login(council_user), "/requests/new?body=lhb-cardiff-and-vale")
    assert "Gallwch roi hyd at 5000 nod" in html
    assert "You can enter up to" not in html
