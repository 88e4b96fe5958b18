"""A board officer names the body asked, and the body the information goes to, by typing its
name or code (the register holds thousands of bodies: no list of them all is sent to the page).
The service resolves the text to one body or says, on that field, why it cannot."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.board_requests import services
from isp_manager.board_requests.models import BoardRequest
from isp_manager.errors import InvalidInput
from isp_manager.extensions import db
from tests.board_requests.conftest import BODY, SPECIFIED, THIRD, WHY


def _form(**extra) -> dict:
    return {
        "qualifying_body": "Cardiff and Vale University Health Board",
        "why_qualifying": WHY,
        "information_specified": SPECIFIED,
        "relates_to": ["s137-b"],
        "provide_to": "",
        "purpose": "child_practice_review",
        "protective_marking": "OFFICIAL",
        "submit": "Send the request",
        **extra,
    }


def _requests() -> list[BoardRequest]:
    return list(db.session.scalars(sa.select(BoardRequest)))


def test_a_name_code_or_unique_part_names_the_body(app):
    body, goes_to = services.bodies_named("Cardiff and Vale University Health Board", THIRD)
    assert (body.code, goes_to.code) == (BODY, THIRD)
    assert services.bodies_named("  ", None) == (None, None)
    welsh, _none = services.bodies_named("Bwrdd Iechyd Prifysgol Caerdydd a'r Fro", "")
    assert welsh.code == BODY


@pytest.mark.parametrize(
    ("asked", "goes_to", "field", "message"),
    [
        ("no body has this name", "", "qualifying_body", "No body in the register matches"),
        ("Council", "", "qualifying_body", "More than one body matches"),
        (BODY, "Health Board", "provide_to", "More than one body matches"),
        (BODY, "bad\x00text", "provide_to", "No body in the register matches"),
    ],
)
def test_text_that_names_no_body_or_several_is_refused_on_its_field(
    app, asked, goes_to, field, message
):
    with pytest.raises(InvalidInput) as refused:
        services.bodies_named(asked, goes_to)
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field][0]


def test_the_form_sends_to_the_body_typed_by_name(login, officer, db_session):
    db_session.commit()
    response = login(officer).post(
        "/board-requests/new", data=_form(provide_to="Cardiff Council", told_checked=BODY)
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (req,) = _requests()
    assert (req.requested_org.code, req.provide_to.code) == (BODY, THIRD)


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"qualifying_body": "Council"}, "qualifying_body", "More than one body matches"),
        ({"provide_to": "no such body anywhere"}, "provide_to", "No body in the register"),
        (
            {"qualifying_body": "", "why_qualifying": ""},
            "qualifying_body",
            "Choose the body you are asking",
        ),
    ],
)
def test_a_body_the_text_cannot_name_is_shown_on_its_field_and_nothing_is_saved(
    login, officer, db_session, changes, field_id, message
):
    db_session.commit()
    response = login(officer).post("/board-requests/new", data=_form(**changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert f'href="#{field_id}"' in page
    assert _requests() == []


def test_the_form_offers_no_list_of_every_body(login, officer):
    page = login(officer).get("/board-requests/new").get_data(as_text=True)
    assert "<option" not in page.split('name="relates_to"')[0]
    assert 'list="qualifying_body-suggestions"' in page
    assert 'list="provide_to-suggestions"' in page
