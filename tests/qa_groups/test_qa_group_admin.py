"""QA groups: the five regional groups from the reference data; administrators add and rename
groups and change their members (pages and API, audited); everyone else reads them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.accounts.services import service_organisation
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.parties.reference import seed_reference
from isp_manager.qa_groups import services
from isp_manager.qa_groups.models import QaGroup
from isp_manager.qa_groups.services import find_group, reference_groups

API = "/api/v1/qa-groups"


def _events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN)


def test_the_five_regional_groups_are_reference_data_and_reseeding_keeps_a_rename(admin):
    codes = [row["code"] for row in reference_groups()]
    assert len(codes) == 5
    groups = {g.code: g for g in services.list_groups()}
    assert set(codes) <= set(groups)
    assert groups["waspi-south"].name == "WASPI South QA Group"
    assert all(groups[c].name_cy for c in codes)
    services.rename_group(groups["waspi-south"], name="WASPI South Central QA Group", by=admin)
    assert seed_reference().qa_groups_created == 0
    assert find_group("waspi-south").name == "WASPI South Central QA Group"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QaGroup)) == len(groups)


def test_an_administrator_adds_renames_and_changes_members_all_audited(admin, make_user):
    group = services.create_group(
        name=" WASPI  Islands QA Group ", name_cy="Grŵp SA yr Ynysoedd", by=admin
    )
    assert (group.code, group.name) == ("waspi-islands-qa-group", "WASPI Islands QA Group")
    services.rename_group(group, name="WASPI Isles QA Group", name_cy=None, by=admin)
    lead = make_user("la-swansea", Role.IG_LEAD)
    services.add_member(group, lead.email.upper(), by=admin)
    assert group.has_member(lead)
    services.remove_member(group, lead.id, by=admin)
    assert not group.has_member(lead)
    assert _events("qa_group.created")[-1].after["name"] == "WASPI Islands QA Group"
    renamed = _events("qa_group.renamed")[-1]
    assert renamed.before == {"name": "WASPI Islands QA Group", "name_cy": "Grŵp SA yr Ynysoedd"}
    assert _events("qa_group.member_added")[-1].after == {
        "user": lead.email,
        "organisation": "la-swansea",
    }
    assert _events("qa_group.member_removed")[-1].before == {"user": lead.email}


@pytest.mark.parametrize(
    ("name", "field"),
    [("", "name"), ("x" * 201, "name"), ("WASPI North QA Group", "name"), ("wasp\x00i", "name")],
)
def test_a_bad_name_is_refused_naming_the_field(admin, name, field):
    with pytest.raises(InvalidInput) as error:
        services.create_group(name=name, by=admin)
    assert field in error.value.errors


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("practitioner", "not an information governance lead"),
        ("service_admin", "service administration"),
        ("auditor", "not an information governance lead"),
        ("unknown", "no user with that e-mail address"),
        ("inactive", "active user"),
    ],
)
def test_only_ig_leads_of_bodies_can_be_members(admin, make_user, who, refusal):
    group = find_group("waspi-south")
    person = {
        "practitioner": lambda: make_user("la-cardiff", Role.PRACTITIONER),
        "service_admin": lambda: None,
        "auditor": lambda: make_user("la-cardiff", Role.AUDITOR),
        "unknown": lambda: None,
        "inactive": lambda: make_user("la-cardiff", Role.IG_LEAD, active=False),
    }[who]()
    if who == "service_admin":
        person = make_user("la-cardiff", Role.IG_LEAD)
        person.organisation = service_organisation()
        person.organisation_id = person.organisation.id
    email = person.email if person else "nobody@example.org"
    with pytest.raises(InvalidInput) as error:
        services.add_member(group, email, by=admin)
    assert refusal in error.value.errors["email"][0]
    assert not _events("qa_group.member_added")


def test_adding_twice_is_refused_and_removing_a_stranger_is_404(admin, make_user):
    group = find_group("waspi-south")
    lead = make_user("la-cardiff", Role.IG_LEAD)
    services.add_member(group, lead, by=admin)
    with pytest.raises(Conflict):
        services.add_member(group, lead.email, by=admin)
    with pytest.raises(NotFound):
        services.remove_member(group, 999_999, by=admin)


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.PRACTITIONER, Role.AUDITOR])
def test_only_administrators_change_groups(make_user, role):
    user = make_user("la-cardiff", role)
    group = find_group("waspi-south")
    for change in (
        lambda: services.create_group(name="New QA Group", by=user),
        lambda: services.rename_group(group, name="Renamed", by=user),
        lambda: services.add_member(group, user.email, by=user),
        lambda: services.remove_member(group, user.id, by=user),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert group.name == "WASPI South QA Group"


# ---------------------------------------------------------------- pages


def test_pages_for_an_administrator(admin, make_user, login):
    lead = make_user("la-swansea", Role.IG_LEAD)
    db.session.commit()
    client = login(admin)
    listing = client.get("/qa-groups")
    assert listing.status_code == 200
    assert "WASPI South QA Group" in listing.text and "Add a QA group" in listing.text
    created = client.post("/qa-groups/new", data={"name": "WASPI Test QA Group", "name_cy": ""})
    assert created.status_code == 302
    group = db.session.scalar(sa.select(QaGroup).where(QaGroup.name == "WASPI Test QA Group"))
    clash = client.post(f"/qa-groups/{group.id}/edit", data={"name": "WASPI South QA Group"})
    assert clash.status_code == 422
    assert "There is already a QA group called WASPI South QA Group" in clash.text
    added = client.post(f"/qa-groups/{group.id}", data={"email": lead.email})
    assert added.status_code == 302
    page = client.get(f"/qa-groups/{group.id}")
    assert lead.name in page.text and "Remove" in page.text
    refused = client.post(f"/qa-groups/{group.id}", data={"email": "nobody@example.org"})
    assert refused.status_code == 422 and "There is a problem" in refused.text
    removed = client.post(f"/qa-groups/{group.id}/members/{lead.id}/remove")
    assert removed.status_code == 302
    db.session.expire_all()
    assert not group.members


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.PRACTITIONER, Role.AUDITOR])
def test_pages_for_everyone_else_read_only(make_user, login, role):
    user = make_user("la-cardiff", role)
    group = find_group("waspi-south")
    db.session.commit()
    client = login(user)
    page = client.get(f"/qa-groups/{group.id}")
    assert page.status_code == 200 and "Add a member" not in page.text
    assert "Add a QA group" not in client.get("/qa-groups").text
    assert client.get("/qa-groups/new").status_code == 403
    assert client.get(f"/qa-groups/{group.id}/edit").status_code == 403
    assert client.post(f"/qa-groups/{group.id}", data={"email": user.email}).status_code == 403
    assert client.post(f"/qa-groups/{group.id}/members/{user.id}/remove").status_code == 403
    assert client.get("/qa-groups/999999").status_code == 404


def test_pages_need_signing_in(client):
    assert client.get("/qa-groups").status_code == 302
    assert client.get("/qa-groups/queue").status_code == 302


def test_welsh_pages_use_the_welsh_names(make_user, login):
    user = make_user("la-cardiff", Role.IG_LEAD)
    db.session.commit()
    page = login(user).get("/qa-groups?lang=cy")
    assert "Grŵp SA WASPI y De" in page.text and "Grwpiau SA" in page.text


# ---------------------------------------------------------------- API


def test_api_lists_and_administrators_change(admin, make_user, api_client):
    lead = make_user("la-swansea", Role.IG_LEAD)
    db.session.commit()
    reader = api_client(lead)
    listed = reader.get(API)
    assert listed.status_code == 200
    assert "waspi-south" in {g["code"] for g in listed.json}
    refused = reader.post(API, json={"name": "Mine"})
    assert refused.status_code == 403
    client = api_client(admin)
    created = client.post(API, json={"name": "WASPI API QA Group", "name_cy": "Grŵp SA API"})
    assert created.status_code == 201
    gid = created.json["id"]
    bad = client.patch(f"{API}/{gid}", json={"name": ""})
    assert bad.status_code == 422 and "name" in bad.json["errors"]["json"]
    assert client.patch(f"{API}/{gid}", json={"name": "WASPI API2 QA Group"}).status_code == 200
    not_a_lead = client.post(f"{API}/{gid}/members", json={"email": admin.email})
    assert not_a_lead.status_code == 422 and "email" in not_a_lead.json["errors"]["json"]
    added = client.post(f"{API}/{gid}/members", json={"email": lead.email})
    assert added.status_code == 201
    assert [m["organisation"] for m in added.json["members"]] == ["la-swansea"]
    assert reader.delete(f"{API}/{gid}/members/{lead.id}").status_code == 403
    assert client.delete(f"{API}/{gid}/members/{lead.id}").status_code == 204
    assert client.get(f"{API}/999999").status_code == 404
    assert app_client_anonymous_is_401(reader)


def app_client_anonymous_is_401(_client) -> bool:
    from flask import current_app

    return current_app.test_client().get(API).status_code == 401
