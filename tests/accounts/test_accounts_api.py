"""The accounts API: GET /me for everyone; GET/POST /users and GET/PATCH /users/{id} for
administrators, with 401, 403, 404, 409 and 422 as api-contract.md says."""

import json

import pytest
import sqlalchemy as sa

from isp_manager.accounts import passwords, services
from isp_manager.accounts.models import Role, User
from isp_manager.audit.models import AuditEvent
from isp_manager.extensions import db

NON_ADMINS = [Role.IG_LEAD, Role.PRACTITIONER, Role.BOARD_OFFICER, Role.AUDITOR]


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN)


@pytest.mark.parametrize("role", list(Role))
def test_me_shows_the_caller(api_client, make_user, role):
    user = make_user("police-dyfed-powys", role, name="Api Caller")
    response = api_client(user).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json
    assert body["email"] == user.email and body["name"] == "Api Caller"
    assert body["organisation"] == "police-dyfed-powys" and body["role"] == role.value
    assert body["is_active"] is True
    assert "password_hash" not in body and "password" not in json.dumps(body).replace(
        "must_change_password", ""
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("GET", "/api/v1/users/1"),
        ("PATCH", "/api/v1/users/1"),
    ],
)
def test_without_a_valid_token_is_401(client, method, path):
    assert client.open(path, method=method).status_code == 401
    bad = client.open(
        path, method=method, headers={"Authorization": "Bearer ispm_not-a-real-token"}
    )
    assert bad.status_code == 401


def test_a_revoked_token_is_401(app, make_user):
    user = make_user()
    token, raw = services.create_api_token(user, "Scripts", by=user)
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    services.revoke_api_token(token, by=user)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.parametrize("role", NON_ADMINS)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/users", None),
        (
            "POST",
            "/api/v1/users",
            {
                "email": "x@example.test",
                "name": "X Y",
                "organisation": "la-cardiff",
                "role": "admin",
            },
        ),
        ("GET", "/api/v1/users/{id}", None),
        ("PATCH", "/api/v1/users/{id}", {"role": "admin"}),
    ],
)
def test_users_are_for_admins_only(api_client, make_user, role, method, path, body):
    caller = make_user("la-cardiff", role)
    response = api_client(caller).open(path.format(id=caller.id), method=method, json=body)
    assert response.status_code == 403
    assert "administrator" in response.json["message"]
    assert caller.role == role


def test_list_users_paginated_and_filtered(api_client, admin, make_user):
    for n in range(7):
        make_user("la-conwy", Role.PRACTITIONER, name=f"Conwy Person {n}")
    make_user("la-conwy", Role.AUDITOR, name="Conwy Auditor", active=False)
    client = api_client(admin)
    response = client.get("/api/v1/users?organisation=la-conwy&page=2&page_size=3")
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 8
    assert [u["name"] for u in response.json] == [
        "Conwy Person 2",
        "Conwy Person 3",
        "Conwy Person 4",
    ]
    auditors = client.get("/api/v1/users?organisation=la-conwy&role=auditor").json
    assert [u["name"] for u in auditors] == ["Conwy Auditor"] and auditors[0]["is_active"] is False
    active = client.get("/api/v1/users?organisation=la-conwy&active=true")
    assert json.loads(active.headers["X-Pagination"])["total"] == 7
    found = client.get("/api/v1/users?q=conwy%20person%206").json
    assert [u["name"] for u in found] == ["Conwy Person 6"]
    assert client.get("/api/v1/users?page_size=1000").status_code == 422


def test_create_user_returns_the_one_time_password_once(api_client, admin):
    response = api_client(admin).post(
        "/api/v1/users",
        json={
            "email": "New.Api@Example.test",
            "name": "New Api",
            "organisation": "nhs-wast",
            "role": "practitioner",
        },
    )
    assert response.status_code == 201
    body = response.json
    assert body["email"] == "new.api@example.test" and body["organisation"] == "nhs-wast"
    assert body["must_change_password"] is True
    created = db.session.get(User, body["id"])
    assert passwords.verify_password(created.password_hash, body["one_time_password"])
    again = api_client(admin).get(f"/api/v1/users/{created.id}").json
    assert "one_time_password" not in again


def test_create_user_with_a_password(api_client, admin):
    response = api_client(admin).post(
        "/api/v1/users",
        json={
            "email": "chosen@example.test",
            "name": "Chosen",
            "organisation": "la-cardiff",
            "role": "ig_lead",
            "password": "zebra kettle orbit lamp",
        },
    )
    assert response.status_code == 201
    assert (
        response.json["one_time_password"] is None
        and response.json["must_change_password"] is False
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "email", "Enter an email address"),
        (
            {"email": "bad", "name": "A B", "organisation": "la-cardiff", "role": "ig_lead"},
            "email",
            "correct format",
        ),
        (
            {
                "email": "a@example.test",
                "name": "A B",
                "organisation": "nowhere",
                "role": "ig_lead",
            },
            "organisation",
            "no active organisation",
        ),
        (
            {
                "email": "a@example.test",
                "name": "A B",
                "organisation": "la-cardiff",
                "role": "king",
            },
            "role",
            "Choose a role",
        ),
        (
            {
                "email": "a@example.test",
                "name": "A B",
                "organisation": "la-cardiff",
                "role": "ig_lead",
                "password": "password1234",
            },
            "password",
            "too easy to guess",
        ),
        (
            {
                "email": "a@example.test",
                "name": "<b>" * 100,
                "organisation": "la-cardiff",
                "role": "ig_lead",
            },
            "name",
            "200 characters",
        ),
        (
            {"email": 42, "name": "A B", "organisation": "la-cardiff", "role": "ig_lead"},
            "email",
            "email must be text",
        ),
    ],
)
def test_create_user_bad_input_is_422_naming_the_field(api_client, admin, body, field, message):
    response = api_client(admin).post("/api/v1/users", json=body)
    assert response.status_code == 422
    assert any(message in m for m in response.json["errors"]["json"][field])
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.email == "a@example.test")
        )
        == 0
    )


def test_create_user_duplicate_is_422(api_client, admin, make_user):
    make_user(email="dup.api@example.test")
    response = api_client(admin).post(
        "/api/v1/users",
        json={
            "email": "dup.api@example.test",
            "name": "Again",
            "organisation": "la-cardiff",
            "role": "ig_lead",
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["email"] == [
        "A user with this email address already exists"
    ]


def test_patch_changes_role_and_active(api_client, admin, make_user):
    user = make_user("police-gwent", Role.PRACTITIONER)
    client = api_client(admin)
    response = client.patch(f"/api/v1/users/{user.id}", json={"role": "ig_lead", "active": False})
    assert response.status_code == 200
    assert response.json["role"] == "ig_lead" and response.json["is_active"] is False
    actions = set(
        db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.record_id == str(user.id), AuditEvent.record_type == "users"
            )
        )
    )
    assert {"user.role_changed", "user.deactivated"} <= actions
    assert client.patch(f"/api/v1/users/{user.id}", json={"active": True}).json["is_active"] is True


def test_patch_errors(api_client, admin, make_user):
    user = make_user()
    client = api_client(admin)
    db.session.commit()  # each refused request rolls back whatever is not committed
    assert client.patch("/api/v1/users/999999", json={"role": "admin"}).status_code == 404
    empty = client.patch(f"/api/v1/users/{user.id}", json={})
    assert empty.status_code == 422 and "Send role, active or both" in json.dumps(empty.json)
    bad_role = client.patch(f"/api/v1/users/{user.id}", json={"role": "owner"})
    assert bad_role.status_code == 422 and "role" in bad_role.json["errors"]["json"]
    bad_active = client.patch(f"/api/v1/users/{user.id}", json={"active": "perhaps"})
    assert bad_active.status_code == 422 and "active" in bad_active.json["errors"]["json"]
    self_off = client.patch(f"/api/v1/users/{admin.id}", json={"active": False})
    assert self_off.status_code == 409 and "your own account" in self_off.json["message"]


def test_nothing_is_half_saved(api_client, admin, make_user):
    user = make_user(role=Role.PRACTITIONER)
    make_user(role=Role.ADMIN)  # so that the role change alone would be allowed
    client = api_client(admin)
    db.session.commit()
    # the role is valid but the active change is refused: neither is kept
    response = client.patch(f"/api/v1/users/{admin.id}", json={"role": "auditor", "active": False})
    assert response.status_code == 409 and "your own account" in response.json["message"]
    db.session.expire_all()
    assert admin.role == Role.ADMIN and admin.is_active_user
    assert user.role == Role.PRACTITIONER


def test_openapi_documents_the_accounts_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/me", "/api/v1/users", "/api/v1/users/{user_id}"} <= set(paths)
