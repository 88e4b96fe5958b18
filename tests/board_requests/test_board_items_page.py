"""The board's answer pages take the table of what was provided, as s.164's answer page does
(lifecycle.items): the rows filled in are kept and shown on the request; a row with a problem
is named beside it and nothing is saved; blank rows are ignored."""

from __future__ import annotations

from datetime import date

from isp_manager.board_requests.models import BoardRequest
from isp_manager.extensions import db
from isp_manager.lifecycle.models import RequestState
from tests.board_requests.conftest import REASONS

DAY = date(2026, 11, 2)


def _row(n, description, nature="fact", day=(3, 11, 2026), how="Secure e-mail"):
    prefix = f"items-{n}-"
    return {
        f"{prefix}description": description,
        f"{prefix}nature": nature,
        f"{prefix}provided_on": [str(part) for part in day],
        f"{prefix}provided_how": how,
    }


def test_the_body_answers_with_what_it_provided(login, make_request, body_user, officer):
    req = make_request(on=DAY)
    db.session.commit()
    client = login(body_user)
    form = client.get(f"/board-requests/{req.id}/answer")
    assert form.status_code == 200 and 'name="items-0-description"' in form.text
    data = {
        "outcome": "partly_complied",
        "reasons": REASONS,
        **_row(0, "Health visiting records, January to September 2026"),
        **_row(1, "Emergency department attendances since March 2026", nature="historical"),
    }
    done = client.post(f"/board-requests/{req.id}/answer", data=data)
    assert done.status_code == 302, done.text
    db.session.expire_all()
    saved = db.session.get(BoardRequest, req.id)
    assert saved.state == RequestState.ANSWERED
    assert [i.description for i in saved.provided_items] == [
        "Health visiting records, January to September 2026",
        "Emergency department attendances since March 2026",
    ]
    page = login(officer).get(f"/board-requests/{req.id}").text
    assert "What was provided" in page and "Emergency department attendances" in page
    assert "3 Nov 2026" in page


def test_a_row_with_a_problem_is_named_and_nothing_is_saved(login, make_request, body_user):
    req = make_request(on=DAY)
    db.session.commit()
    data = {"outcome": "complied", **_row(0, "Health visiting records", how="")}
    page = login(body_user).post(f"/board-requests/{req.id}/answer", data=data)
    assert page.status_code == 200 and "govuk-error-summary" in page.text
    db.session.expire_all()
    saved = db.session.get(BoardRequest, req.id)
    assert saved.state == RequestState.SENT and saved.provided_items == []


def test_the_board_records_what_a_body_without_users_sent(login, make_request, officer):
    req = make_request(body="police-dyfed-powys", on=DAY)  # nobody there has an account
    db.session.commit()
    client = login(officer)
    form = client.get(f"/board-requests/{req.id}/answer-on-behalf")
    assert form.status_code == 200 and 'name="items-0-description"' in form.text
    data = {
        "received_from": "Records manager",
        "received_on": ["4", "11", "2026"],
        "received_how": "email",
        "outcome": "complied",
        **_row(0, "Incident log for the address", day=(4, 11, 2026)),
        **_row(1, "", nature="", day=("", "", ""), how=""),  # a blank row is ignored
    }
    done = client.post(f"/board-requests/{req.id}/answer-on-behalf", data=data)
    assert done.status_code == 302, done.text
    db.session.expire_all()
    saved = db.session.get(BoardRequest, req.id)
    assert [i.description for i in saved.provided_items] == ["Incident log for the address"]
    assert saved.answered_on_behalf
