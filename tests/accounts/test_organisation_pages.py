"""The pages IG leads run their organisation with: who may open each, what they show and do,
and the refusals (another organisation's people: 404; an instance role: 403 with a message;
an invitation link used twice or after it expired: a clear page, an audit event, nothing made)."""

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from isp_manager.accounts import invitations, services
from isp_manager.accounts.models import Invitation, Role, User
from isp_manager.audit.models import AuditEvent
from isp_manager.extensions import db
from tests.conftest import org
from tests.cooperation.factories import QueryCounter

GOOD_PASSWORD = "zebra kettle orbit lamp"  # noqa: S105


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


# (method, path): {code} is the organisation, {user} one of its people.
ROUTES = [
    ("GET", "/organisations/{code}/people"),
    ("GET", "/organisations/{code}/people/invite"),
    ("POST", "/organisations/{code}/people/invite"),
    ("GET", "/organisations/{code}/people/{user}"),
    ("POST", "/organisations/{code}/people/{user}/role"),
    ("POST", "/organisations/{code}/people/{user}/deactivate"),
    ("POST", "/organisations/{code}/people/{user}/reactivate"),
    ("GET", "/organisations/{code}/details"),
    ("POST", "/organisations/{code}/details"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("role", "relation", "allowed"),
    [
        (Role.ADMIN, "other", True),
        (Role.IG_LEAD, "own", True),
        (Role.IG_LEAD, "other", False),
        (Role.PRACTITIONER, "own", False),
        (Role.AUDITOR, "own", False),
        (Role.BOARD_OFFICER, "own", False),
    ],
)
def test_page_access(login, make_user, method, path, role, relation, allowed):
    person = make_user("la-swansea", Role.PRACTITIONER)
    me = make_user("la-swansea" if relation == "own" else "la-cardiff", role)
    url = path.format(code="la-swansea", user=person.id)
    response = login(me).open(url, method=method, data={"role": "practitioner"})
    if allowed:
        assert response.status_code in (200, 303, 409, 422), response.status_code
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_signed_out_is_sent_to_sign_in(client, make_user, method, path):
    person = make_user("la-swansea", Role.PRACTITIONER)
    response = client.open(path.format(code="la-swansea", user=person.id), method=method)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_person_of_another_organisation_is_not_found_through_mine(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    other = make_user("la-swansea", Role.PRACTITIONER)
    client = login(lead)
    assert client.get(f"/organisations/la-cardiff/people/{other.id}").status_code == 404
    response = client.post(f"/organisations/la-cardiff/people/{other.id}/deactivate")
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.is_active_user


def test_people_page_lists_only_the_organisations_people(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD, name="Ceri Lead")
    make_user("la-cardiff", Role.PRACTITIONER, name="Dewi Practitioner")
    make_user("la-swansea", Role.PRACTITIONER, name="Siân Swansea")
    page = text(login(lead).get("/organisations/la-cardiff/people"))
    assert "Dewi Practitioner" in page and "Ceri Lead" in page
    assert "Siân Swansea" not in page


def test_your_organisation_leads_to_its_people(login, make_user):
    client = login(make_user("la-cardiff", Role.IG_LEAD))
    response = client.get("/organisation")
    assert response.headers["Location"].endswith("/organisations/la-cardiff/people")
    assert "Your organisation" in text(client.get("/"))
    assert login(make_user("la-cardiff", Role.PRACTITIONER)).get("/organisation").status_code == 404


def test_making_someone_admin_is_refused_with_a_message(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    response = login(lead).post(
        f"/organisations/la-cardiff/people/{person.id}/role", data={"role": "admin"}
    )
    assert response.status_code == 403
    assert "You cannot give someone the role Administrator" in text(response)
    db.session.refresh(person)
    assert person.role == Role.PRACTITIONER


def test_role_choices_stop_at_ig_lead(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    html = login(lead).get(f"/organisations/la-cardiff/people/{person.id}").get_data(as_text=True)
    assert 'value="ig_lead"' in html and 'value="admin"' not in html
    assert 'value="auditor"' not in html


def test_an_administrators_account_is_not_the_ig_leads_to_change(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    admin = make_user("la-cardiff", Role.ADMIN, name="Ada Admin")
    client = login(lead)
    page = text(client.get(f"/organisations/la-cardiff/people/{admin.id}"))
    assert "Only the service's administrators can change this account." in page
    response = client.post(f"/organisations/la-cardiff/people/{admin.id}/deactivate")
    assert response.status_code == 403
    assert "only the service's administrators can change their account" in text(response)


def test_ig_lead_changes_a_role_and_deactivates(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER, name="Dewi Jones")
    client = login(lead)
    base = f"/organisations/la-cardiff/people/{person.id}"
    response = client.post(f"{base}/role", data={"role": "ig_lead"}, follow_redirects=True)
    assert "Dewi Jones is now: Information governance lead." in text(response)
    response = client.post(f"{base}/deactivate", follow_redirects=True)
    assert "Dewi Jones has been deactivated" in text(response)
    db.session.refresh(person)
    assert person.role == Role.IG_LEAD and not person.is_active_user
    response = client.post(f"{base}/reactivate", follow_redirects=True)
    assert "Dewi Jones can sign in again." in text(response)


def test_invite_page_sends_the_invitation(login, make_user, outbox):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    client = login(lead)
    response = client.post(
        "/organisations/la-cardiff/people/invite",
        data={"name": "Nia Newydd", "email": "nia@example.test", "role": "practitioner"},
        follow_redirects=True,
    )
    page = text(response)
    assert "An invitation has been sent to nia@example.test" in page
    assert "Invitations waiting to be accepted" in page and "Nia Newydd" in page
    [message] = outbox()
    assert "/invitations/" in message.get_payload(decode=True).decode()


def test_invite_page_names_the_fields_to_fix(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    existing = make_user("la-cardiff", Role.PRACTITIONER)
    response = login(lead).post(
        "/organisations/la-cardiff/people/invite",
        data={"name": "", "email": existing.email, "role": "practitioner"},
    )
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page
    assert "Enter the person's full name" in page


def test_inviting_an_administrator_is_refused(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    response = login(lead).post(
        "/organisations/la-cardiff/people/invite",
        data={"name": "Ada", "email": "ada@example.test", "role": "admin"},
    )
    assert response.status_code == 422
    assert "You cannot give someone the role Administrator" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def _invite(lead, email="nia@example.test"):
    invitation, token = invitations.invite_user(
        org("la-cardiff"), email, "Nia Newydd", "practitioner", by=lead
    )
    db.session.commit()
    return invitation, token


def test_the_invitation_link_sets_the_password_and_signs_in(client, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    _invitation, token = _invite(lead)
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200 and "Set up your account" in text(page)
    response = client.post(
        f"/invitations/{token}",
        data={"password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD},
    )
    assert response.status_code == 303
    home = client.get("/")
    assert "Welcome, Nia Newydd" in text(home)
    user = services.user_by_email("nia@example.test")
    assert user.organisation.code == "la-cardiff" and user.role == Role.PRACTITIONER


def test_the_link_used_twice_is_refused_with_an_event(client, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    _invitation, token = _invite(lead)
    data = {"password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD}
    assert client.post(f"/invitations/{token}", data=data).status_code == 303
    again = client.application.test_client()
    response = again.post(f"/invitations/{token}", data=data)
    assert response.status_code == 409
    assert "This invitation has already been used" in text(response)
    refusals = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "invitation.refused")
    ).all()
    assert [e.after for e in refusals] == [{"reason": "already_used"}]
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email == "nia@example.test")
    )
    assert count == 1


def test_an_expired_link_is_refused_with_an_event(client, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = _invite(lead)
    invitation.expires_at = invitation.created_at - timedelta(minutes=1)
    db.session.commit()
    response = client.post(
        f"/invitations/{token}",
        data={"password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD},
    )
    assert response.status_code == 410
    assert "This invitation expired on" in text(response)
    assert services.user_by_email("nia@example.test") is None
    assert db.session.scalar(
        sa.select(AuditEvent.after).where(AuditEvent.action == "invitation.refused")
    ) == {"reason": "expired"}


def test_an_unknown_link_is_404(client):
    response = client.get("/invitations/nothing-like-a-token")
    assert response.status_code == 404
    assert "This invitation link is not valid" in text(response)


def test_a_mismatched_password_keeps_the_link(client, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = _invite(lead)
    response = client.post(
        f"/invitations/{token}", data={"password": GOOD_PASSWORD, "confirm_password": "other"}
    )
    assert response.status_code == 422
    assert "The passwords do not match" in text(response)
    db.session.refresh(invitation)
    assert invitation.accepted_at is None


def test_cancelling_an_invitation(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = _invite(lead)
    client = login(lead)
    response = client.post(
        f"/organisations/la-cardiff/invitations/{invitation.id}/cancel", follow_redirects=True
    )
    assert "The invitation of Nia Newydd has been cancelled" in text(response)
    other_lead = make_user("la-swansea", Role.IG_LEAD)
    url = f"/organisations/la-swansea/invitations/{invitation.id}/cancel"
    assert login(other_lead).post(url).status_code == 404
    assert client.application.test_client().get(f"/invitations/{token}").status_code == 410


def test_details_page_saves_the_organisations_own_details(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    client = login(lead)
    page = text(client.get("/organisations/la-cardiff/details"))
    assert "Request contact: e-mail address" in page
    assert "Kind of organisation" in page  # shown, not editable
    assert "&lt;a" not in client.get("/organisations/la-cardiff/details").get_data(as_text=True)
    response = client.post(
        "/organisations/la-cardiff/details",
        data={"ig_lead_email": "requests@cardiff.gov.wales", "ico_registration": "Z1234567"},
        follow_redirects=True,
    )
    assert "The details of Cardiff Council have been saved." in text(response)
    cardiff = org("la-cardiff")
    db.session.refresh(cardiff)
    assert cardiff.ig_lead_email == "requests@cardiff.gov.wales"


def test_details_page_names_the_field_to_fix(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    response = login(lead).post(
        "/organisations/la-cardiff/details", data={"ico_registration": "12345"}
    )
    assert response.status_code == 422
    assert "Enter the ICO registration number as it appears on the ICO register" in text(response)


def test_people_page_runs_a_fixed_number_of_queries(login, make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    client = login(lead)

    def count():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get("/organisations/la-cardiff/people").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return counter.count

    for n in range(2):
        make_user("la-cardiff", Role.PRACTITIONER)
        _invite(lead, f"few{n}@example.test")
    small = count()
    for n in range(15):
        make_user("la-cardiff", Role.PRACTITIONER)
        _invite(lead, f"many{n}@example.test")
    assert count() == small


@pytest.mark.parametrize(
    ("role", "org_code", "own_details", "people"),
    [
        (Role.IG_LEAD, "la-cardiff", True, True),
        (Role.IG_LEAD, "la-swansea", False, False),
        (Role.PRACTITIONER, "la-cardiff", False, False),
        (Role.ADMIN, "la-swansea", False, True),  # an admin changes the whole entry instead
    ],
)
def test_register_entry_links_to_running_the_organisation(
    login, make_user, role, org_code, own_details, people
):
    html = login(make_user(org_code, role)).get("/organisations/la-cardiff").get_data(as_text=True)
    assert ('href="/organisations/la-cardiff/details"' in html) is own_details
    assert ('href="/organisations/la-cardiff/people"' in html) is people
