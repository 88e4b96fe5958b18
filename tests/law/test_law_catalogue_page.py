"""The law catalogue page (/law): every signed-in user reads every provision in both
languages; administrators also see which provisions are marked verify."""

from __future__ import annotations

import pytest
from markupsafe import escape

from isp_manager.accounts.models import Role
from isp_manager.law import Catalogue, Provision, all_catalogues
from isp_manager.law import catalogue as law_catalogue


@pytest.fixture
def visitor(client, login, make_user, db_session):
    def _visitor(role):
        if role is None:
            return client
        user = make_user("la-cardiff", role)
        db_session.commit()
        return login(user)

    return _visitor


@pytest.mark.parametrize(
    ("role", "status", "sees_verify"),
    [
        (None, 302, False),
        (Role.ADMIN, 200, True),
        (Role.IG_LEAD, 200, False),
        (Role.PRACTITIONER, 200, False),
        (Role.BOARD_OFFICER, 200, False),
        (Role.AUDITOR, 200, False),
    ],
)
def test_access_table(visitor, role, status, sees_verify):
    response = visitor(role).get("/law")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"] or "sign" in response.headers["Location"]
        return
    html = response.get_data(as_text=True)
    assert ('id="verify-explanation"' in html) is sees_verify
    assert ("govuk-tag--yellow" in html) is sees_verify
    assert "The law catalogue" in html  # and linked from the footer for signed-in users
    assert 'href="/law"' in html


def test_every_provision_of_every_catalogue_is_listed_in_both_languages(visitor):
    html = visitor(Role.PRACTITIONER).get("/law").get_data(as_text=True)
    for catalogue in all_catalogues():
        assert f'id="catalogue-{catalogue.name}"' in html
        for entry in catalogue:
            row = html[html.index(f'id="provision-{catalogue.name}-{entry.code}"') :]
            row = row[: row.index("</tr>")]
            for text in (entry.code, entry.citation, entry.en, entry.cy):
                assert str(escape(text)) in row, entry.code


def test_admins_see_the_verify_mark_on_exactly_the_verify_provisions(visitor):
    html = visitor(Role.ADMIN).get("/law").get_data(as_text=True)
    marked = [e.code for c in all_catalogues() for e in c if e.verify]
    assert {"rp-ga", "rp-h", "def-nhs-trust"} <= set(marked)
    for catalogue in all_catalogues():
        for entry in catalogue:
            row = html[html.index(f'id="provision-{catalogue.name}-{entry.code}"') :]
            row = row[: row.index("</tr>")]
            assert ("govuk-tag--yellow" in row) is entry.verify, entry.code


def test_a_catalogue_added_later_appears_without_other_changes(visitor, monkeypatch):
    added = Catalogue(
        "new_law",
        [Provision("new-a", "New Act 2027, s.1", "A new duty", "Dyletswydd newydd", verify=True)],
    )
    monkeypatch.setattr(law_catalogue, "NEW_LAW", added, raising=False)
    html = visitor(Role.ADMIN).get("/law").get_data(as_text=True)
    assert 'id="catalogue-new_law"' in html and "Dyletswydd newydd" in html


def test_page_in_welsh(visitor):
    html = visitor(Role.ADMIN).get("/law?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in html


def test_every_catalogue_has_a_heading():
    from isp_manager.law.views import CATALOGUE_TITLES

    assert {c.name for c in all_catalogues()} <= set(CATALOGUE_TITLES)
