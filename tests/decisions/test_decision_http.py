"""The pages and the API speak for the services: 422 naming the field with nothing saved, 404
for another organisation, counts only for admins and auditors, the register's filters, CSV
and a fixed number of queries per page."""

from __future__ import annotations

import contextlib
import csv
import html
import io

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from isp_manager.decisions import services
from isp_manager.decisions.models import Decision
from isp_manager.extensions import db
from tests.decisions.conftest import NOT_SHARE, SHARE

API = "/api/v1/decisions"
SHARE_JSON = {**SHARE, "shared_on": "2026-11-20"}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Decision))


def test_api_records_lists_and_reads_a_decision(api_client, practitioner):
    client = api_client(practitioner)
    created = client.post(API, json=SHARE_JSON)
    assert created.status_code == 201
    body = created.get_json()
    assert body["reference"].startswith("DEC-") and body["current"]["decision"] == "share"
    listed = client.get(API)
    assert listed.status_code == 200 and '"total": 1' in listed.headers["X-Pagination"]
    assert client.get(f"{API}/{body['id']}").get_json()["decided_by"]["name"] == practitioner.name


@pytest.mark.parametrize(
    "payload, field",
    [
        ({**SHARE_JSON, "recipients": []}, "recipients"),
        ({**SHARE_JSON, "subject_reference": "Jane Smith"}, "subject_reference"),
        ({**NOT_SHARE, "decision_reasons": None}, "decision_reasons"),
        ({"purpose": "no decision given"}, "decision"),
    ],
)
def test_api_refuses_bad_input_naming_the_field_and_saves_nothing(
    api_client, practitioner, payload, field
):
    before = _count()
    response = api_client(practitioner).post(API, json=payload)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert _count() == before


def test_api_amendments_need_a_reason_and_are_listed(api_client, practitioner, recorded):
    client = api_client(practitioner)
    url = f"{API}/{recorded.id}/amendments"
    refused = client.post(url, json={"shared_how": "By hand"})
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]["json"]
    assert client.post(url, json={"reason": "Typo", "shared_how": "By hand"}).status_code == 201
    history = client.get(url).get_json()
    assert history[0]["changes"]["shared_how"]["after"] == "By hand"
    one = client.get(f"{API}/{recorded.id}").get_json()
    assert one["current"]["shared_how"] == "By hand"
    assert one["original"]["shared_how"] == SHARE["shared_how"]


def test_api_other_organisations_get_not_found(api_client, other_org_lead, recorded):
    client = api_client(other_org_lead)
    assert client.get(f"{API}/{recorded.id}").status_code == 404
    assert (
        client.post(
            f"{API}/{recorded.id}/amendments", json={"reason": "x", "purpose": "y"}
        ).status_code
        == 404
    )
    assert client.get(API).headers["X-Pagination"].startswith('{"total": 0')


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_admins_and_auditors_see_no_content(request, api_client, login, recorded, who):
    user = request.getfixturevalue(who)
    assert api_client(user).get(f"{API}/{recorded.id}").status_code == 404
    assert api_client(user).get(API).status_code == 403
    assert login(user).get(f"/decisions/{recorded.id}").status_code == 404
    page = login(user).get("/decisions").get_data(as_text=True)
    assert "Cardiff Council" in page and recorded.reference not in page


def test_collections_answer_without_a_trailing_slash(api_client, practitioner, recorded):
    client = api_client(practitioner)
    assert client.get(API).status_code == 200
    assert client.get(f"{API}/{recorded.id}/amendments").status_code == 200


def test_register_filters_and_csv(login, ig_lead, practitioner, recorded):
    services.create_decision(dict(NOT_SHARE), by=practitioner)
    client = login(ig_lead)
    page = client.get("/decisions?decision=not_share").get_data(as_text=True)
    assert "of 1 decisions" in page
    exported = client.get("/decisions/export.csv?decision=share")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][3:5] == ["Decision", "Decision code"]
    assert rows[1][4] == "share" and rows[1][0] == recorded.reference and len(rows) == 2


def test_check_your_answers_names_the_question_to_go_back_to(login, practitioner):
    draft = services.start_draft(by=practitioner)
    services.save_answers(draft, {"decision": "not_share"}, by=practitioner)
    page = login(practitioner).post(f"/decisions/{draft.id}/check").get_data(as_text=True)
    assert "There is a problem" in page
    assert f"/decisions/{draft.id}/decision?return=check" in page
    assert "Decision: Give the reasons for the decision" in page


def test_a_question_page_shows_the_999_message_when_a_child_is_at_immediate_risk(
    login, practitioner
):
    draft = services.start_draft(by=practitioner)
    client = login(practitioner)
    response = client.post(f"/decisions/{draft.id}/immediate-risk", data={"immediate_risk": "yes"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "If a child is at immediate risk of harm, call the police on 999" in page


def test_a_name_on_the_subject_page_gets_the_error_summary(login, practitioner):
    draft = services.start_draft(by=practitioner)
    page = login(practitioner).post(
        f"/decisions/{draft.id}/subject", data={"subject_reference": "Jane Smith"}
    )
    text = page.get_data(as_text=True)
    assert (
        "There is a problem" in text
        and "#subject_reference" in text
        and "person&#39;s name" in text
    )


def test_an_amendment_without_a_reason_gets_the_error_summary(login, practitioner, recorded):
    client = login(practitioner)
    response = client.post(
        f"/decisions/{recorded.id}/amend/shared",
        data={
            "shared_what": SHARE["shared_what"],
            "shared_on-day": "20",
            "shared_on-month": "11",
            "shared_on-year": "2026",
            "shared_how": "By hand",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in text and 'href="#reason"' in text
    assert "Give the reason for the amendment." in text
    assert recorded.amendments == []


@pytest.mark.parametrize(
    "lang, question, not_given",
    [
        ("en", "How was it shared, and how securely?", "Not given"),
        ("cy", "Sut y'i rhannwyd, a pha mor ddiogel?", "Heb ei roi"),
    ],
)
def test_the_history_names_the_question_not_the_field(
    login, practitioner, recorded, lang, question, not_given
):
    services.amend_decision(
        recorded,
        "Confirmed the route",
        {"shared_how": "By hand", "recipient_roles": None},
        by=practitioner,
    )
    refresh()  # the service's messages fixed this test's locale; the page chooses its own
    text = login(practitioner).get(f"/decisions/{recorded.id}?lang={lang}").get_data(as_text=True)
    history = html.unescape(text[text.index('id="history"') :])
    assert question in history and "shared_how" not in history
    assert "recipient_roles" not in history and not_given in history


def test_an_amendment_with_a_nul_is_refused_on_the_field(login, practitioner, recorded):
    page = login(practitioner).post(
        f"/decisions/{recorded.id}/amend/purpose", data={"purpose": "a\x00b", "reason": ""}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in text and 'href="#purpose"' in text and "U+0000" in text


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextlib.contextmanager
def count_queries():
    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _count)


def _queries(client, url) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_register_and_api_list_run_a_fixed_number_of_queries(
    login, api_client, ig_lead, practitioner
):
    services.create_decision(dict(SHARE), by=practitioner)
    first = services.create_decision(dict(SHARE), by=practitioner)
    page, api = login(ig_lead), api_client(ig_lead)
    urls = [
        (page, "/decisions"),
        (page, "/decisions?decision=share&consent_outcome=not_sought"),
        (page, f"/decisions/{first.id}"),
        (page, "/decisions?team=1&from=2026-01-01&to=2030-12-31&article6=art6-1-e"),
        (page, "/decisions/figures?decision=share"),
        (api, API),
        (api, f"{API}?decision=share"),
    ]
    [_queries(c, u) for c, u in urls]  # warm up: the token's first use is recorded
    db.session.commit()  # each count starts from the same point: nothing pending, nothing cached
    few = [_queries(c, u) for c, u in urls]
    for _n in range(6):
        services.create_decision(dict(SHARE), by=practitioner)
    for reason in ("Typo", "Another typo"):
        for decision in db.session.scalars(
            services.register_query(ig_lead, services.RegisterFilters())
        ).all():
            how = f"By hand ({reason})"
            services.amend_decision(decision, reason, {"shared_how": how}, by=ig_lead)
    db.session.commit()
    assert [_queries(c, u) for c, u in urls] == few
