"""What a request must say beyond the contract's fields: which function, when it is "another
social services function"; which of its functions, when the body asked is a relevant partner
only in discharging some (rp-c, rp-g); the 999 warning where a request is urgent; and that the
due date is local practice."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.cooperation import services
from isp_manager.errors import InvalidInput
from isp_manager.extensions import db
from tests.cooperation.factories import REQUEST_DAY, details

API = "/api/v1/cooperation-requests"

OTHER_FUNCTION = [
    ("ssf-other", None, "function_description"),
    ("ssf-other", "  ", "function_description"),
    ("ssf-other", "abc", "function_description"),
    ("ssf-other", "Support for carers", None),
    ("ssf-assessment", None, None),
]


@pytest.mark.parametrize("function, description, refused_field", OTHER_FUNCTION)
def test_another_function_must_say_which(council_user, function, description, refused_field):
    data = details(function=function, function_description=description)
    if refused_field:
        with pytest.raises(InvalidInput) as refused:
            services.create_request(data, by=council_user, on=REQUEST_DAY)
        assert "Say which social services function" in refused.value.errors[refused_field][0]
        return
    req = services.create_request(data, by=council_user, on=REQUEST_DAY)
    assert req.function_description == (description if function == "ssf-other" else None)


def test_a_description_is_kept_only_for_another_function(council_user):
    data = details(function="ssf-assessment", function_description="Support for carers")
    assert (
        services.create_request(data, by=council_user, on=REQUEST_DAY).function_description is None
    )


@pytest.mark.parametrize("description", [None, "Support for carers"])
def test_the_database_ties_the_description_to_another_function(make_request, description):
    req = make_request()
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(req.__class__)
            .where(req.__class__.id == req.id)
            .values(
                function_code="ssf-other" if description is None else "ssf-assessment",
                function_description=description,
            )
        )


def test_api_and_page_show_the_function_described(api_client, login, council_user):
    client = api_client(council_user)
    db.session.commit()
    body = {
        "requesting_organisation": "la-cardiff",
        "requested_organisation": "lhb-cardiff-and-vale",
        "request_type": "information",
        "function": "ssf-other",
        "details": "Attendance at paediatric appointments since January 2026.",
        "purpose": "To complete the assessment of the child's needs.",
    }
    missing = client.post(API, json=body)
    assert missing.status_code == 422
    assert "function_description" in missing.get_json()["errors"]["json"]
    made = client.post(API, json={**body, "function_description": "Support for carers"})
    assert (
        made.status_code == 201 and made.get_json()["function_description"] == "Support for carers"
    )
    page = login(council_user).get(f"/requests/{made.get_json()['id']}").get_data(as_text=True)
    assert "Support for carers" in page


LIMITED = [
    ("hmpps-wales", None, "partner_function", "sections 2 and 3 of the offender management act"),
    ("welsh-ministers-lsa", "", "partner_function", "part 2 of the learning and skills act 2000"),
    ("hmpps-wales", "Offender management: the father's licence conditions", None, None),
    ("welsh-ministers-lsa", "Learning and skills: post-16 provision", None, None),
    ("lhb-cardiff-and-vale", None, None, None),  # not limited: nothing to say
]


@pytest.mark.parametrize("body, said, refused_field, limit", LIMITED)
def test_a_limited_relevant_partner_is_asked_about_its_functions(
    council_user, body, said, refused_field, limit
):
    data = details(body, partner_function=said)
    if refused_field:
        with pytest.raises(InvalidInput) as refused:
            services.create_request(data, by=council_user, on=REQUEST_DAY)
        message = refused.value.errors[refused_field][0]
        assert limit in message.lower() and "relevant partner only" in message
        return
    req = services.create_request(data, by=council_user, on=REQUEST_DAY)
    assert req.s164_basis == "s164-2-a" and req.partner_function == said


def test_the_request_form_and_page_show_the_limit(login, council_user, db_session):
    client = login(council_user)
    form = client.get("/requests/new?body=hmpps-wales").get_data(as_text=True)
    assert "Which of those functions does the request concern?" in form
    assert "a relevant partner only in discharging functions under sections 2 and 3" in form
    assert "Which of those functions" not in client.get(
        "/requests/new?body=lhb-cardiff-and-vale"
    ).get_data(as_text=True)
    req = services.create_request(
        details("hmpps-wales", partner_function="Offender management: licence conditions"),
        by=council_user,
        on=REQUEST_DAY,
    )
    db_session.commit()
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Offender management: licence conditions" in page
    assert "a relevant partner only in discharging functions under sections 2 and 3" in page


WARNING = "If a child is at immediate risk of harm, call the police on 999 now."


@pytest.mark.parametrize("urgent", [True, False])
def test_the_999_warning_shows_where_a_request_is_urgent(login, council_user, db_session, urgent):
    req = services.create_request(
        details(urgent=urgent, urgent_reason="Court hearing" if urgent else None),
        by=council_user,
        on=REQUEST_DAY,
    )
    db_session.commit()
    client = login(council_user)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    listed = client.get("/requests/sent").get_data(as_text=True)
    assert (WARNING in page) is urgent and (WARNING in listed) is urgent
    assert ('govuk-tag--red">Urgent' in listed) is urgent
    assert WARNING in client.get("/requests/new?body=lhb-cardiff-and-vale").get_data(as_text=True)
    assert WARNING in client.get("/").get_data(as_text=True)


def test_the_due_date_is_shown_as_local_practice(login, make_request, council_user, db_session):
    req = make_request()
    db_session.commit()
    client = login(council_user)
    note = "The Act sets no deadline; this date follows local practice of 10 working days."
    assert note in client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert note in client.get("/requests/new?body=lhb-cardiff-and-vale").get_data(as_text=True)
