"""What a request must say beyond the contract's fields: which function, when it is "another
social services function"."""

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
    missing = client.post(f"{API}/", json=body)
    assert missing.status_code == 422
    assert "function_description" in missing.get_json()["errors"]["json"]
    made = client.post(f"{API}/", json={**body, "function_description": "Support for carers"})
    assert (
        made.status_code == 201 and made.get_json()["function_description"] == "Support for carers"
    )
    page = login(council_user).get(f"/requests/{made.get_json()['id']}").get_data(as_text=True)
    assert "Support for carers" in page
