"""The accounts pages: who may open each one, and what they show and do."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from isp_manager.accounts import passwords, services
from isp_manager.accounts.models import ApiToken, LoginAttempt, Role, User
from isp_manager.extensions import db
from isp_manager.parties.search import sort_key
from tests.conftest import TEST_PASSWORD

ROLES = list(Role)
GOOD_PASSWORD = "zebra kettle orbit lamp"  # noqa: S105


def html(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- access table

# (method, path, who may): "anyone", "signed-in" or "admin". {target} is another user's id.
ROUTES = [
    ("GET", "/account", "signed-in"),
    ("GET", "/account/password", "signed-in"),
    ("POST", "/account/tokens", "signed-in"),
    ("POST", "/account/sign-out-everywhere", "signed-in"),
    ("GET", "/admin/users", "admin"),
    ("GET", "/admin/users/new", "admin"),
    ("POST", "/admin/users/new", "admin"),
    ("GET", "/admin/users/{target}", "admin"),
    ("POST", "/admin/users/{target}/role", "admin"),
    ("POST", "/admin/users/{target}/deactivate", "admin"),
    ("POST", "/admin/users/{target}/reactivate", "admin"),
    ("POST", "/admin/users/{target}/reset-password", "admin"),
]


@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_anonymous_is_sent_to_sign_in(client, make_user, method, path, who):
    target = make_user()
    response = client.open(path.format(target=target.id), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_each_role(login, make_user, role, method, path, who):
    target = make_user("police-gwent", Role.PRACTITIONER)  # another organisation
    me = make_user("la-cardiff", role)
    response = login(me).open(
        path.format(target=target.id), method=method, data={"role": "ig_lead"}
    )
    if who == "admin" and role != Role.ADMIN:
        assert response.status_code == 403
        assert "You cannot do this" in html(response)
    else:
        assert response.status_code in (200, 302, 409, 422), response.status_code
        assert "/sign-in" not in response.headers.get("Location", "")


@pytest.mark.parametrize(
    "path", ["/admin/users/999999", "/admin/users/999999/role", "/admin/users/999999/deactivate"]
)
def test_admin_gets_404_for_no_such_user(login, make_user, path):
    admin = make_user(role=Role.ADMIN)
    method = "GET" if path.endswith("999999") else "POST"
    assert login(admin).open(path, method=method).status_code == 404


def test_sign_in_and_sign_out_pages_are_public(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert 'autocomplete="username"' in html(page) and 'autocomplete="current-password"' in html(
        page
    )
    assert client.post("/sign-out").status_code == 302


# ---------------------------------------------------------------- signing in and out


def test_sign_in_starts_a_fresh_session_and_keeps_the_language(client, make_user):
    user = make_user(role=Role.PRACTITIONER, email="fresh@example.test")
    with client.session_transaction() as session:
        session["lang"] = "cy"
        session["planted"] = "by an attacker"
    response = client.post(
        "/sign-in", data={"email": "Fresh@Example.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "cy"
        assert session["_user_id"] == user.get_id()
        assert session.permanent
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/account", "/account"),
        ("/organisations?kind=school", "/organisations?kind=school"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_must_be_a_local_path(client, make_user, next_url, lands_on):
    user = make_user(role=Role.PRACTITIONER)
    response = client.post(
        "/sign-in",
        query_string={"next": next_url},
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == lands_on


def test_wrong_password_shows_one_message_and_is_counted(client, make_user):
    user = make_user()
    for email in (user.email, "nobody@example.test"):
        response = client.post("/sign-in", data={"email": email, "password": "wrong password!!"})
        assert response.status_code == 422
        page = html(response)
        assert "There is a problem" in page
        assert page.count("Enter a correct email address and password") == 2  # summary and field
        assert "wrong password!!" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 2


def test_empty_form_names_each_field(client):
    response = client.post("/sign-in", data={})
    assert response.status_code == 422
    assert "Enter your email address" in html(response) and "Enter your password" in html(response)


def test_too_many_attempts(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/sign-in", data={"email": user.email, "password": "wrong password!!"})
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in. Wait 15 minutes" in html(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_sign_out_ends_the_session(login, make_user):
    user = make_user()
    client = login(user)
    assert client.get("/account").status_code == 200
    response = client.post("/sign-out", follow_redirects=True)
    assert "You have signed out" in html(response)
    assert client.get("/account").status_code == 302


def test_deactivation_ends_existing_sessions(login, make_user):
    admin, user = make_user(role=Role.ADMIN), make_user()
    client = login(user)
    assert client.get("/account").status_code == 200
    services.deactivate_user(user, by=admin)
    assert client.get("/account").status_code == 302


def test_one_time_password_forces_a_change_first(client, make_user):
    user = make_user(role=Role.PRACTITIONER)
    user.must_change_password = True
    db.session.commit()  # saved before the sign-in, as an administrator's reset would be
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account/password"
    for path in ("/", "/account", "/organisations"):
        assert client.get(path).headers["Location"] == "/account/password"
    page = client.get("/account/password")
    assert page.status_code == 200 and "one-time password" in html(page)
    changed = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": GOOD_PASSWORD,
            "confirm_password": GOOD_PASSWORD,
        },
    )
    assert changed.headers["Location"] == "/"
    assert client.get("/account").status_code == 200  # the session carried on with the new version
    assert not user.must_change_password


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "current_password": "not it at all!",
                "new_password": GOOD_PASSWORD,
                "confirm_password": GOOD_PASSWORD,
            },
            "Your current password is not correct",
        ),
        (
            {
                "current_password": TEST_PASSWORD,
                "new_password": "password1234",
                "confirm_password": "password1234",
            },
            "too easy to guess",
        ),
        (
            {
                "current_password": TEST_PASSWORD,
                "new_password": GOOD_PASSWORD,
                "confirm_password": "something else",
            },
            "do not match",
        ),
        (
            {"current_password": "", "new_password": "", "confirm_password": ""},
            "Enter your current password",
        ),
    ],
)
def test_change_password_errors(login, make_user, data, message):
    user = make_user()
    response = login(user).post("/account/password", data=data)
    assert response.status_code == 422
    assert message in html(response)
    assert passwords.verify_password(user.password_hash, TEST_PASSWORD)


def test_csrf_is_required(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    db.session.commit()  # the refused request below rolls back whatever is not committed
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html(page)).group(1)
    response = client.post(
        "/sign-in", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


# ---------------------------------------------------------------- my account and tokens


def test_my_account_shows_details_and_tokens(login, make_user):
    user = make_user(name="Gwen Morgan")
    token, _ = services.create_api_token(user, "Case system", by=user)
    page = html(login(user).get("/account"))
    assert "Gwen Morgan" in page and user.email in page and "Cardiff" in page
    assert "Information governance lead" in page
    assert "Case system" in page and f"{token.prefix}…" in page and "Never" in page


def test_create_token_shows_it_once(login, make_user):
    user = make_user()
    client = login(user)
    response = client.post("/account/tokens", data={"label": "Nightly export"})
    assert response.status_code == 200
    raw = re.search(r'value="(ispm_[^"]+)"', html(response)).group(1)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.label == "Nightly export" and token.prefix == raw[:12]
    assert response.headers["Cache-Control"] == "no-store"
    assert raw not in html(client.get("/account"))


def test_create_token_needs_a_label(login, make_user):
    response = login(make_user()).post("/account/tokens", data={"label": " "})
    assert response.status_code == 422
    assert "Enter a name for the token" in html(response)


def test_revoke_own_token_but_not_anyone_elses(login, make_user):
    owner, other = make_user(), make_user()
    token, _ = services.create_api_token(owner, "Mine", by=owner)
    db.session.commit()  # the refused request below rolls back whatever is not committed
    assert login(other).post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert not token.is_revoked
    response = login(owner).post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "has been revoked" in html(response) and token.is_revoked
    assert login(owner).post(f"/account/tokens/{token.id}/revoke").status_code == 409


def test_sign_out_everywhere_keeps_this_session(login, make_user):
    user = make_user()
    elsewhere, here = login(user), login(user)
    assert here.post("/account/sign-out-everywhere").status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


# ---------------------------------------------------------------- administrators


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN, name="Alys Admin")


def test_users_list_filters_and_searches(login, admin, make_user):
    make_user(
        "police-gwent", Role.PRACTITIONER, name="Dafydd Filtered", email="dafydd@gwent.example.test"
    )
    make_user("la-cardiff", Role.AUDITOR, name="Olwen Auditor")
    client = login(admin)
    page = html(client.get("/admin/users"))
    assert "Dafydd Filtered" in page and "Olwen Auditor" in page
    by_org = html(client.get("/admin/users?organisation=police-gwent"))
    assert "Dafydd Filtered" in by_org and "Olwen Auditor" not in by_org
    by_role = html(client.get("/admin/users?role=auditor"))
    assert "Olwen Auditor" in by_role and "Dafydd Filtered" not in by_role
    by_search = html(client.get("/admin/users?q=GWENT.example"))
    assert "Dafydd Filtered" in by_search and "Olwen Auditor" not in by_search


@pytest.mark.parametrize("q", ["%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "x" * 5000])
def test_users_search_is_safe(login, admin, q):
    response = login(admin).get("/admin/users", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html(response)
    assert "No users match" in html(response)


def test_users_list_is_paginated(app, login, admin, make_user):
    for n in range(app.config["PAGE_SIZE"] + 3):
        make_user("la-swansea", Role.PRACTITIONER, name=f"Paged Person {n:02d}")
    client = login(admin)
    first = html(client.get("/admin/users?organisation=la-swansea"))
    assert f"Showing 1 to {app.config['PAGE_SIZE']} of {app.config['PAGE_SIZE'] + 3} users" in first
    assert "govuk-pagination" in first
    second = html(client.get("/admin/users?organisation=la-swansea&page=2"))
    assert "Paged Person 27" in second and "Paged Person 00" not in second


def test_admin_creates_a_user_and_sees_the_one_time_password_once(login, admin):
    client = login(admin)
    assert 'value="la-gwynedd"' in html(client.get("/admin/users/new"))
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Nia Jones",
            "email": "Nia.Jones@Example.test",
            "organisation": "la-gwynedd",
            "role": "practitioner",
        },
    )
    assert response.status_code == 200
    page = html(response)
    password = re.search(r'id="one-time-password" type="text" value="([^"]+)"', page).group(1)
    created = db.session.scalar(sa.select(User).where(User.email == "nia.jones@example.test"))
    assert passwords.verify_password(created.password_hash, password)
    assert created.must_change_password and created.organisation.code == "la-gwynedd"
    assert password not in html(client.get(f"/admin/users/{created.id}"))


@pytest.mark.parametrize(
    ("lang", "first", "welsh"),
    [
        ("en", "Aneurin Bevan University Health Board", False),
        ("cy", "Addysg a Gwella Iechyd Cymru", True),
    ],
)
def test_create_user_form_lists_organisations_by_name(login, admin, lang, first, welsh):
    form = html(login(admin).get(f"/admin/users/new?lang={lang}"))
    start = form.index('name="organisation"')
    select = form[start : form.index("</select>", start)]
    names = [
        unescape(n) for n in re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select)
    ]
    assert len(names) > 50 and names == sorted(names, key=lambda n: sort_key(n, lang))
    assert names[0] == first
    assert ("Bwrdd Iechyd Prifysgol Aneurin Bevan" in names) is welsh


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {
                "name": "",
                "email": "a@example.test",
                "organisation": "la-cardiff",
                "role": "ig_lead",
            },
            "full name",
        ),
        (
            {"name": "A B", "email": "nope", "organisation": "la-cardiff", "role": "ig_lead"},
            "correct format",
        ),
        (
            {"name": "A B", "email": "a@example.test", "organisation": "", "role": "ig_lead"},
            "Choose the person",
        ),
        (
            {
                "name": "A B",
                "email": "a@example.test",
                "organisation": "made-up",
                "role": "ig_lead",
            },
            "no active organisation",
        ),
        (
            {
                "name": "A B",
                "email": "a@example.test",
                "organisation": "la-cardiff",
                "role": "root",
            },
            "Choose a role",
        ),
    ],
)
def test_create_user_form_errors(login, admin, data, field_message):
    response = login(admin).post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert field_message in html(response)
    assert "There is a problem" in html(response)


def test_create_user_form_refuses_duplicate(login, admin, make_user):
    make_user(email="twice@example.test")
    response = login(admin).post(
        "/admin/users/new",
        data={
            "name": "A B",
            "email": "twice@example.test",
            "organisation": "la-cardiff",
            "role": "ig_lead",
        },
    )
    assert response.status_code == 422 and "already exists" in html(response)


def test_admin_changes_role_deactivates_and_reactivates(login, admin, make_user):
    user = make_user("police-gwent", Role.PRACTITIONER, name="Target Person")
    client = login(admin)
    page = html(client.get(f"/admin/users/{user.id}"))
    assert "Target Person" in page and "Deactivate user" in page and "police-gwent" in page
    response = client.post(
        f"/admin/users/{user.id}/role", data={"role": "auditor"}, follow_redirects=True
    )
    assert (
        "Target Person is now: Auditor (read-only)" in html(response) and user.role == Role.AUDITOR
    )
    response = client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=True)
    assert "has been deactivated" in html(response) and not user.is_active_user
    assert "Reactivate user" in html(response)
    client.post(f"/admin/users/{user.id}/reactivate")
    assert user.is_active_user


def test_admin_cannot_deactivate_themself_on_the_page(login, admin):
    client = login(admin)
    page = html(client.get(f"/admin/users/{admin.id}"))
    assert "Deactivate user" not in page and "your own account" in page
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 409
    assert "You cannot deactivate your own account" in html(response)
    assert admin.is_active_user


def test_admin_resets_a_password(login, admin, make_user):
    user = make_user()
    response = login(admin).post(f"/admin/users/{user.id}/reset-password")
    password = re.search(
        r'id="one-time-password" type="text" value="([^"]+)"', html(response)
    ).group(1)
    assert passwords.verify_password(user.password_hash, password) and user.must_change_password


def test_bad_role_change_is_shown_on_the_page(login, admin, make_user):
    user = make_user()
    response = login(admin).post(f"/admin/users/{user.id}/role", data={"role": "overlord"})
    assert response.status_code == 422 and "Choose a role" in html(response)


def test_users_link_in_navigation_only_for_admins(login, admin, make_user):
    assert 'href="/admin/users"' in html(login(admin).get("/account"))
    assert 'href="/admin/users"' not in html(login(make_user(role=Role.AUDITOR)).get("/account"))
