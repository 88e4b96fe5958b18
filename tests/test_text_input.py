"""Text no record may hold (control characters, half surrogates; line breaks outside text
areas) is refused with a message on the field, in the API (422) and on the pages (the error
summary), by the base Schema and the base FlaskForm every schema and form is built on."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from wtforms import StringField, TextAreaField
from wtforms.widgets import TextArea

from isp_manager.accounts.models import Role
from isp_manager.cooperation.models import CooperationRequest
from isp_manager.extensions import db
from isp_manager.forms_base import FlaskForm
from isp_manager.protocols.models import Protocol
from isp_manager.text_input import text_problem

ONE_LINE = "must be on one line"
HIDDEN = "hidden character"


@pytest.mark.parametrize(
    ("text", "multiline", "says"),
    [
        ("Safeguarding children", False, None),
        ("Diogelu plant — Caerdydd ‘a’r Fro’ 🙂", False, None),
        ("A\x00B", False, "(U+0000)"),
        ("A\x00B", True, "(U+0000)"),
        ("A\x1bB", True, "(U+001B)"),
        ("A\x7fB", True, "(U+007F)"),
        ("A\x85B", True, "(U+0085)"),
        ("A\ud800B", True, "(U+D800)"),
        ("line one\nline two", False, ONE_LINE),
        ("line one\r\nline two", False, ONE_LINE),
        ("line one\rline two", False, ONE_LINE),
        ("line one\u2028line two", False, ONE_LINE),
        ("tab\there", False, "tab"),
        ("line one\nline two", True, None),
        ("line one\r\nline two\r\n", True, None),
        ("a\ttabbed\tcolumn", True, None),
        ("a lone\rreturn", True, "(U+000D)"),
    ],
)
def test_text_rules(app, text, multiline, says):
    with app.test_request_context():
        problem = text_problem(text, "Title", multiline=multiline)
    if says is None:
        assert problem is None
    else:
        assert problem.startswith("Title ") and says in problem


# ---------------------------------------------------------------- API


@pytest.fixture
def lead_api(api_client, make_user):
    return api_client(make_user("lhb-cardiff-and-vale", Role.IG_LEAD))


def _protocols() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Protocol))


@pytest.mark.parametrize(
    ("title", "says"), [("Safe\x00guarding", "(U+0000)"), ("Safe\r\nguarding", ONE_LINE)]
)
def test_api_refuses_a_title_it_cannot_keep(lead_api, title, says):
    before = _protocols()
    response = lead_api.post(
        "/api/v1/protocols",
        json={"kind": "isp", "title": title, "lead_organisation": "lhb-cardiff-and-vale"},
    )
    assert response.status_code == 422
    [message] = response.json["errors"]["json"]["title"]
    assert message.startswith("title ") and says in message
    assert _protocols() == before


def test_api_refuses_control_characters_inside_section_content(lead_api):
    created = lead_api.post(
        "/api/v1/protocols",
        json={"kind": "isp", "title": "T", "lead_organisation": "lhb-cardiff-and-vale"},
    ).json
    url = f"/api/v1/protocols/{created['id']}/versions/1/sections/rights"
    etag = lead_api.get(url).headers["ETag"]
    response = lead_api.patch(
        url, json={"content": {"other_rights": "a\x00b"}}, headers={"If-Match": etag}
    )
    assert response.status_code == 422
    assert "(U+0000)" in response.json["errors"]["json"]["content"][0]
    kept = lead_api.patch(
        url, json={"content": {"other_rights": "one\r\ntwo\tthree"}}, headers={"If-Match": etag}
    )
    assert kept.status_code == 200


COOPERATION = {
    "requesting_organisation": "la-cardiff",
    "requested_organisation": "lhb-cardiff-and-vale",
    "request_type": "information",
    "function": "ssf-assessment",
    "details": "Attendance since January:\r\n\t- paediatric\n\t- dental",
    "purpose": "To complete the assessment of the child's needs.",
}


def test_api_keeps_line_breaks_and_tabs_in_paragraphs_but_not_in_a_reference(api_client, make_user):
    client = api_client(make_user("la-cardiff", Role.PRACTITIONER))
    refused = client.post(
        "/api/v1/cooperation-requests", json={**COOPERATION, "subject_reference": "CS\n1"}
    )
    assert refused.status_code == 422
    assert ONE_LINE in refused.json["errors"]["json"]["subject_reference"][0]
    made = client.post("/api/v1/cooperation-requests", json=COOPERATION)
    assert made.status_code == 201
    stored = db.session.get(CooperationRequest, made.json["id"])
    assert stored.details == COOPERATION["details"]


def test_api_refuses_a_nul_in_a_query(api_client, make_user):
    client = api_client(make_user("la-cardiff", Role.PRACTITIONER))
    response = client.get("/api/v1/cooperation-requests?reference=%00")
    assert response.status_code == 422
    assert "(U+0000)" in response.json["errors"]["json"]["reference"][0]


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("title", "says"), [("Safe\x00guarding", "(U+0000)"), ("Safe\r\nguarding", ONE_LINE)]
)
def test_the_start_page_shows_the_problem_in_the_error_summary(login, make_user, title, says):
    client = login(make_user("lhb-cardiff-and-vale", Role.IG_LEAD))
    before = _protocols()
    response = client.post("/agreements/new", data={"kind": "isp", "title": title})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert "Title " + ("contains a hidden character " if "U+" in says else "") + says in page
    assert _protocols() == before


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name (optional)")
    notes = StringField("Notes", widget=TextArea())
    details = TextAreaField("Details")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "Huw", "notes": "a\r\nb", "details": "a\r\n\tb"}, {}),
        ({"name": "Huw\r\nJones"}, {"name": "Name must be on one line"}),
        ({"notes": "a\x00b"}, {"notes": "Notes contains a hidden character (U+0000)"}),
        ({"details": "a\x0cb"}, {"details": "Details contains a hidden character (U+000C)"}),
    ],
)
def test_the_base_form_checks_every_text_field(app, data, errors):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict(data))
        assert form.validate() is (not errors)
        assert set(form.errors) == set(errors)
        for field, start in errors.items():
            assert form.errors[field][0].startswith(start)
