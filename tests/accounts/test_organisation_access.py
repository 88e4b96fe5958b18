"""IG leads run their own organisation: the access table (role x relation x action), the
services that enforce it, and the refusals written out by hand."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from isp_manager.accounts import access, invitations, services
from isp_manager.accounts.access import Action
from isp_manager.accounts.models import Invitation, Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.parties import services as parties
from tests.conftest import org

ORG_ACTIONS = [Action.VIEW_USERS, Action.INVITE, Action.EDIT_DETAILS, Action.READ_AUDIT]

# (role, relation) -> the organisation actions allowed. Relation: "own" organisation or "other".
EXPECTED_ORG = {
    (Role.ADMIN, "own"): set(ORG_ACTIONS),
    (Role.ADMIN, "other"): set(ORG_ACTIONS),
    (Role.IG_LEAD, "own"): set(ORG_ACTIONS),
    (Role.IG_LEAD, "other"): set(),
    (Role.AUDITOR, "own"): {Action.READ_AUDIT},
    (Role.AUDITOR, "other"): {Action.READ_AUDIT},
    (Role.PRACTITIONER, "own"): set(),
    (Role.PRACTITIONER, "other"): set(),
    (Role.BOARD_OFFICER, "own"): set(),
    (Role.BOARD_OFFICER, "other"): set(),
}


@pytest.mark.parametrize(("role", "relation"), list(EXPECTED_ORG))
@pytest.mark.parametrize("action", ORG_ACTIONS)
def test_organisation_access_table(make_user, role, relation, action):
    me = make_user("la-cardiff", role)
    target = org("la-cardiff" if relation == "own" else "la-swansea")
    assert access.can(me, action, target) is (action in EXPECTED_ORG[(role, relation)])


USER_ACTIONS = [Action.CHANGE_ROLE, Action.DEACTIVATE, Action.REACTIVATE]


@pytest.mark.parametrize("actor_role", list(Role))
@pytest.mark.parametrize("target_role", list(Role))
@pytest.mark.parametrize("relation", ["own", "other"])
@pytest.mark.parametrize("action", USER_ACTIONS)
def test_account_access_table(make_user, actor_role, target_role, relation, action):
    me = make_user("la-cardiff", actor_role)
    target = make_user("la-cardiff" if relation == "own" else "la-swansea", target_role)
    allowed = actor_role == Role.ADMIN or (
        actor_role == Role.IG_LEAD
        and relation == "own"
        and target_role not in (Role.ADMIN, Role.AUDITOR)
    )
    assert access.can(me, action, target) is allowed


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        (Role.ADMIN, tuple(Role)),
        (Role.IG_LEAD, (Role.PRACTITIONER, Role.BOARD_OFFICER, Role.IG_LEAD)),
        (Role.PRACTITIONER, ()),
        (Role.AUDITOR, ()),
    ],
)
def test_roles_each_may_give(make_user, role, roles):
    assert access.assignable_roles(make_user("la-cardiff", role)) == roles


# ---------------------------------------------------------------- the services


def _events(action, record_type="users"):
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.record_type == record_type
        )
    ).all()


def test_ig_lead_changes_a_role_of_their_own_organisation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    services.change_role(person, Role.IG_LEAD, by=lead)
    assert person.role == Role.IG_LEAD
    event = _events("user.role_changed")[-1]
    assert event.actor_id == lead.id and event.after == {"role": "ig_lead"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_ig_lead_cannot_give_an_instance_role(make_user, role):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    with pytest.raises(PermissionDenied) as refused:
        services.change_role(person, role, by=lead)
    assert "only the service's administrators can" in refused.value.message
    assert refused.value.errors.get("role")
    assert person.role == Role.PRACTITIONER


def test_ig_lead_cannot_change_someone_of_another_organisation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    other = make_user("la-swansea", Role.PRACTITIONER)
    for call in (
        lambda: services.change_role(other, Role.IG_LEAD, by=lead),
        lambda: services.deactivate_user(other, by=lead),
        lambda: services.reactivate_user(other, by=lead),
    ):
        with pytest.raises(NotFound):
            call()
    assert other.role == Role.PRACTITIONER and other.is_active_user


def test_ig_lead_cannot_change_an_administrator_in_their_organisation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    admin = make_user("la-cardiff", Role.ADMIN)
    make_user("la-cardiff", Role.ADMIN)
    with pytest.raises(PermissionDenied) as refused:
        services.deactivate_user(admin, by=lead)
    assert "administrator" in refused.value.message
    assert admin.is_active_user


def test_ig_lead_cannot_reset_passwords(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        services.reset_password(person, by=lead)


def test_ig_lead_deactivates_and_reactivates(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    services.deactivate_user(person, by=lead)
    assert not person.is_active_user
    services.reactivate_user(person, by=lead)
    assert person.is_active_user
    assert [e.actor_id for e in _events("user.deactivated")] == [lead.id]


def test_ig_lead_cannot_deactivate_themselves(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    with pytest.raises(Conflict):
        services.deactivate_user(lead, by=lead)


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.BOARD_OFFICER])
def test_people_who_are_not_ig_leads_manage_nobody(make_user, role):
    me = make_user("la-cardiff", role)
    person = make_user("la-cardiff", Role.PRACTITIONER)
    with pytest.raises(NotFound):
        services.deactivate_user(person, by=me)
    with pytest.raises(NotFound):
        invitations.invite_user(org("la-cardiff"), "x@example.test", "X Y", "practitioner", by=me)


# ---------------------------------------------------------------- invitations


def test_invitation_is_stored_hashed_audited_and_emailed(make_user, app, outbox):
    lead = make_user("la-cardiff", Role.IG_LEAD, name="Ceri Lead")
    invitation, token = invitations.invite_user(
        org("la-cardiff"), " New.Person@Example.Test ", "New Person", "practitioner", by=lead
    )
    assert invitation.email == "new.person@example.test"
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    [event] = _events("invitation.created", "invitations")
    assert event.actor_id == lead.id and "token" not in str(event.after)
    from isp_manager.mail import flush_pending

    flush_pending()
    [message] = outbox()
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "new.person@example.test"
    assert f"/invitations/{token}" in body
    assert "Ceri Lead has invited you" in body and "Cardiff Council" in body
    assert "Cyngor Caerdydd" in str(message["Subject"])  # Welsh first


def test_ig_lead_cannot_invite_to_another_organisation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    with pytest.raises(NotFound):
        invitations.invite_user(org("la-swansea"), "a@example.test", "A B", "practitioner", by=lead)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_ig_lead_cannot_invite_an_administrator(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    with pytest.raises(PermissionDenied) as refused:
        invitations.invite_user(org("la-cardiff"), "a@example.test", "A B", "admin", by=lead)
    assert "role" in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_invitation_refuses_an_existing_account_or_a_second_pending_invitation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    existing = make_user("la-cardiff", Role.PRACTITIONER)
    with pytest.raises(InvalidInput) as refused:
        invitations.invite_user(org("la-cardiff"), existing.email, "A B", "practitioner", by=lead)
    assert "already exists" in refused.value.errors["email"][0]
    invitations.invite_user(org("la-cardiff"), "new@example.test", "A B", "practitioner", by=lead)
    with pytest.raises(InvalidInput) as refused:
        invitations.invite_user(
            org("la-cardiff"), "new@example.test", "A B", "practitioner", by=lead
        )
    assert "already been invited" in refused.value.errors["email"][0]


GOOD_PASSWORD = "zebra kettle orbit lamp"  # noqa: S105


def test_accepting_creates_the_account_once(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = invitations.invite_user(
        org("la-cardiff"), "new@example.test", "New Person", "practitioner", by=lead
    )
    user = invitations.accept_invitation(token, GOOD_PASSWORD)
    assert (user.email, user.organisation_id, user.role) == (
        "new@example.test",
        org("la-cardiff").id,
        Role.PRACTITIONER,
    )
    assert invitation.accepted_at is not None and invitation.user_id == user.id
    with pytest.raises(invitations.InvitationRefused) as refused:
        invitations.accept_invitation(token, GOOD_PASSWORD)
    assert "already been used" in refused.value.message
    assert [e.after["reason"] for e in _events("invitation.refused", "invitations")] == [
        "already_used"
    ]


def test_an_expired_invitation_is_refused_and_creates_nothing(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = invitations.invite_user(
        org("la-cardiff"), "late@example.test", "Late Person", "practitioner", by=lead
    )
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    with pytest.raises(invitations.InvitationRefused) as refused:
        invitations.accept_invitation(token, GOOD_PASSWORD)
    assert refused.value.status_code == 410 and "expired" in refused.value.message
    assert services.user_by_email("late@example.test") is None
    assert _events("invitation.refused", "invitations")[0].after == {"reason": "expired"}


def test_a_cancelled_invitation_is_refused(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = invitations.invite_user(
        org("la-cardiff"), "c@example.test", "C D", "practitioner", by=lead
    )
    invitations.cancel_invitation(invitation, by=lead)
    with pytest.raises(invitations.InvitationRefused) as refused:
        invitations.accept_invitation(token, GOOD_PASSWORD)
    assert "cancelled" in refused.value.message
    with pytest.raises(Conflict):
        invitations.cancel_invitation(invitation, by=lead)


def test_an_unknown_link_is_refused(app):
    with pytest.raises(invitations.InvitationRefused) as refused:
        invitations.accept_invitation("not-a-token", GOOD_PASSWORD)
    assert refused.value.status_code == 404 and "not valid" in refused.value.message


def test_a_weak_password_is_refused_and_the_link_still_works(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    invitation, token = invitations.invite_user(
        org("la-cardiff"), "w@example.test", "W X", "practitioner", by=lead
    )
    with pytest.raises(InvalidInput) as refused:
        invitations.accept_invitation(token, "short")
    assert "password" in refused.value.errors
    assert invitation.accepted_at is None
    assert invitations.accept_invitation(token, GOOD_PASSWORD).email == "w@example.test"


# ---------------------------------------------------------------- organisation details


def test_ig_lead_edits_their_organisations_own_details(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    cardiff = org("la-cardiff")
    parties.update_own_details(
        cardiff,
        {"ig_lead_email": "requests@cardiff.gov.wales", "ico_registration": "z1234567"},
        by=lead,
    )
    assert cardiff.ig_lead_email == "requests@cardiff.gov.wales"
    assert cardiff.ico_registration == "Z1234567"
    [event] = _events("organisation.updated", "organisations")
    assert event.actor_id == lead.id
    assert event.after["ig_lead_email"] == "requests@cardiff.gov.wales"


def test_ig_lead_cannot_change_the_register_classification(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    cardiff = org("la-cardiff")
    with pytest.raises(InvalidInput) as refused:
        parties.update_own_details(cardiff, {"kind": "charity", "dpo_name": "X"}, by=lead)
    assert "administrators" in refused.value.errors["kind"][0]
    assert cardiff.dpo_name != "X"
    with pytest.raises(PermissionDenied):
        parties.update_organisation(cardiff, {"dpo_name": "X"}, by=lead)


def test_ig_lead_cannot_edit_another_organisation(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    with pytest.raises(NotFound):
        parties.update_own_details(org("la-swansea"), {"dpo_name": "X"}, by=lead)


def test_own_details_are_checked_like_the_register(make_user):
    lead = make_user("la-cardiff", Role.IG_LEAD)
    with pytest.raises(InvalidInput) as refused:
        parties.update_own_details(
            org("la-cardiff"), {"ico_registration": "12", "dpo_email": "nope"}, by=lead
        )
    assert set(refused.value.errors) == {"ico_registration", "dpo_email"}
