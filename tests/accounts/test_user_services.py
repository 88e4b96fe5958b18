"""Creating users, roles, deactivation, passwords, the first administrator, and the audit
events each change writes."""

import json

import pytest
import sqlalchemy as sa

from isp_manager.accounts import passwords, services
from isp_manager.accounts.models import Role, User
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput
from isp_manager.extensions import db
from tests.conftest import TEST_PASSWORD, org

GOOD_PASSWORD = "zebra kettle orbit lamp"  # noqa: S105


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN)


def events(action, record):
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == action,
            AuditEvent.record_type == record.__tablename__,
            AuditEvent.record_id == str(record.id),
        )
    ).all()


def test_create_user_normalises_email_and_generates_a_one_time_password(admin):
    user, generated = services.create_user(
        "  Jane.Smith@Cardiff.GOV.UK ", "  Jane   Smith ", "la-cardiff", "ig_lead", by=admin
    )
    assert user.email == "jane.smith@cardiff.gov.uk"
    assert user.name == "Jane Smith"
    assert user.organisation.code == "la-cardiff" and user.role == Role.IG_LEAD
    assert generated and passwords.password_problem(generated) is None
    assert passwords.verify_password(user.password_hash, generated)
    assert user.must_change_password and user.is_active_user
    [event] = events("user.created", user)
    assert event.actor_id == admin.id
    assert event.after["email"] == "jane.smith@cardiff.gov.uk" and event.after["role"] == "ig_lead"
    assert generated not in json.dumps(event.after) and "argon2" not in json.dumps(event.after)


def test_create_user_with_a_chosen_password_need_not_change_it(admin):
    user, generated = services.create_user(
        "rhys@example.test",
        "Rhys Evans",
        org("lhb-cardiff-and-vale"),
        Role.PRACTITIONER,
        GOOD_PASSWORD,
        by=admin,
    )
    assert generated is None
    assert not user.must_change_password
    assert passwords.verify_password(user.password_hash, GOOD_PASSWORD)


@pytest.mark.parametrize(
    ("email", "name", "org_code", "role", "password", "field", "message"),
    [
        ("", "A Person", "la-cardiff", "ig_lead", None, "email", "Enter an email address"),
        ("not-an-email", "A Person", "la-cardiff", "ig_lead", None, "email", "correct format"),
        ("a@b", "A Person", "la-cardiff", "ig_lead", None, "email", "correct format"),
        ("two@@example.test", "A Person", "la-cardiff", "ig_lead", None, "email", "correct format"),
        (
            "x" * 250 + "@example.test",
            "A Person",
            "la-cardiff",
            "ig_lead",
            None,
            "email",
            "254 characters",
        ),
        ("ok@example.test", "   ", "la-cardiff", "ig_lead", None, "name", "full name"),
        ("ok@example.test", "N" * 201, "la-cardiff", "ig_lead", None, "name", "200 characters"),
        (
            "ok@example.test",
            "A Person",
            "no-such-org",
            "ig_lead",
            None,
            "organisation",
            "no active organisation",
        ),
        ("ok@example.test", "A Person", "", "ig_lead", None, "organisation", "Choose"),
        ("ok@example.test", "A Person", "la-cardiff", "wizard", None, "role", "Choose a role"),
        (
            "ok@example.test",
            "A Person",
            "la-cardiff",
            "ig_lead",
            "password1234",
            "password",
            "too easy to guess",
        ),
        (
            "ok@example.test",
            "A Person",
            "la-cardiff",
            "ig_lead",
            "short",
            "password",
            "12 characters",
        ),
        (
            "person.name@example.test",
            "A Person",
            "la-cardiff",
            "ig_lead",
            "person.name is me",
            "password",
            "your name",
        ),
    ],
)
def test_create_user_refuses_bad_input_naming_the_field(
    admin, email, name, org_code, role, password, field, message
):
    with pytest.raises(InvalidInput) as refused:
        services.create_user(email, name, org_code, role, password, by=admin)
    assert any(message in m for m in refused.value.errors[field])
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email))
        == 0
    )


def test_create_user_reports_every_bad_field_at_once(admin):
    with pytest.raises(InvalidInput) as refused:
        services.create_user("bad", "", "nope", "nope", by=admin)
    assert set(refused.value.errors) == {"email", "name", "organisation", "role"}


def test_duplicate_email_is_refused_whatever_the_case(admin, make_user):
    make_user(email="taken@example.test")
    with pytest.raises(InvalidInput) as refused:
        services.create_user("TAKEN@example.test", "Someone", "la-cardiff", "ig_lead", by=admin)
    assert refused.value.errors["email"] == ["A user with this email address already exists"]


def test_inactive_organisation_is_refused(admin, make_org):
    closed = make_org(is_active=False)
    with pytest.raises(InvalidInput) as refused:
        services.create_user("new@example.test", "New Person", closed.code, "ig_lead", by=admin)
    assert "organisation" in refused.value.errors


def test_deactivation_ends_sessions_and_is_audited(admin, make_user):
    user = make_user()
    version = user.session_version
    services.deactivate_user(user, by=admin)
    assert not user.is_active_user and not user.is_active
    assert user.session_version == version + 1
    [event] = events("user.deactivated", user)
    assert event.before["is_active"] is True and event.after["is_active"] is False
    with pytest.raises(Conflict):
        services.deactivate_user(user, by=admin)
    services.reactivate_user(user, by=admin)
    assert user.is_active_user and user.session_version == version + 2
    assert len(events("user.reactivated", user)) == 1


def test_admin_cannot_deactivate_themself(admin, make_user):
    make_user(role=Role.ADMIN)  # not the last admin: the self rule alone refuses
    with pytest.raises(Conflict) as refused:
        services.deactivate_user(admin, by=admin)
    assert "your own account" in refused.value.message
    assert admin.is_active_user


def test_the_last_active_admin_cannot_be_removed(app):
    for user in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        user.is_active_user = False
    only, _ = services.create_user(
        "only@example.test", "Only Admin", "la-cardiff", "admin", GOOD_PASSWORD, by=None
    )
    with pytest.raises(Conflict) as refused:
        services.deactivate_user(only, by=None)
    assert "only active administrator" in refused.value.message
    with pytest.raises(Conflict):
        services.change_role(only, Role.IG_LEAD, by=None)
    assert only.role == Role.ADMIN and only.is_active_user


def test_change_role_records_only_the_change(admin, make_user):
    user = make_user(role=Role.PRACTITIONER)
    services.change_role(user, "ig_lead", by=admin)
    assert user.role == Role.IG_LEAD
    [event] = events("user.role_changed", user)
    assert event.before == {"role": "practitioner"} and event.after == {"role": "ig_lead"}
    services.change_role(user, Role.IG_LEAD, by=admin)  # no change, no event
    assert len(events("user.role_changed", user)) == 1
    with pytest.raises(InvalidInput) as refused:
        services.change_role(user, "superuser", by=admin)
    assert "role" in refused.value.errors


def test_change_password_needs_the_current_one_and_ends_other_sessions(make_user):
    user = make_user()
    version = user.session_version
    with pytest.raises(InvalidInput) as refused:
        services.change_password(user, "wrong password here", GOOD_PASSWORD)
    assert "current_password" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.change_password(user, TEST_PASSWORD, "password1234")
    assert "new_password" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.change_password(user, TEST_PASSWORD, TEST_PASSWORD)
    assert "different" in refused.value.errors["new_password"][0]
    user.must_change_password = True
    db.session.commit()  # as a request finds it: the change reads before it writes
    services.change_password(user, TEST_PASSWORD, GOOD_PASSWORD)
    assert passwords.verify_password(user.password_hash, GOOD_PASSWORD)
    assert not user.must_change_password
    assert user.session_version == version + 1
    [event] = events("user.password_changed", user)
    assert event.actor_id == user.id and event.before is None and event.after is None


def test_reset_password_gives_a_new_one_time_password(admin, make_user):
    user = make_user()
    password = services.reset_password(user, by=admin)
    assert passwords.verify_password(user.password_hash, password)
    assert user.must_change_password
    assert len(events("user.password_reset", user)) == 1


def test_ensure_admin_creates_the_first_administrator_once(app):
    for user in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        user.role = Role.IG_LEAD
    created = services.ensure_admin()
    assert created is not None
    user, password = created
    assert user.email == services.DEFAULT_ADMIN_EMAIL and user.role == Role.ADMIN
    assert user.must_change_password
    assert passwords.verify_password(user.password_hash, password)
    assert user.organisation.code == "isp-manager-service"
    assert user.organisation.name == "ISP Manager service administration"
    assert user.organisation.kind.value == "other"
    assert services.ensure_admin() is None


def test_ensure_admin_uses_an_existing_service_organisation_and_given_email(app):
    for user in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        user.role = Role.IG_LEAD
    first_org = services.service_organisation()
    user, _ = services.ensure_admin("Boss@Example.TEST")
    assert user.email == "boss@example.test"
    assert user.organisation_id == first_org.id
