"""Sessions are ended on the server: a cookie copied before signing out opens nothing after."""

from __future__ import annotations

import sqlalchemy as sa

from isp_manager.accounts.models import Role, UserSession
from isp_manager.extensions import db
from tests.conftest import TEST_PASSWORD

COOKIE = "ispm_session"


def _sign_in(client, user):
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client.get_cookie(COOKIE).value


def _replay(app, cookie):
    replayed = app.test_client()
    replayed.set_cookie(COOKIE, cookie, domain="localhost")
    return replayed.get("/account")


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, make_user):
    user = make_user(role=Role.PRACTITIONER)
    cookie = _sign_in(client, user)
    assert _replay(app, cookie).status_code == 200
    assert client.post("/sign-out").status_code == 302
    replayed = _replay(app, cookie)
    assert replayed.status_code == 302 and "/sign-in" in replayed.headers["Location"]


def test_signing_out_everywhere_ends_the_other_sessions_only(app, make_user):
    user = make_user(role=Role.PRACTITIONER)
    here, elsewhere = app.test_client(), app.test_client()
    _sign_in(here, user)
    other_cookie = _sign_in(elsewhere, user)
    assert here.post("/account/sign-out-everywhere").status_code == 302
    assert here.get("/account").status_code == 200
    assert _replay(app, other_cookie).status_code == 302


def test_sign_in_records_a_session_and_sign_out_removes_it(client, make_user):
    user = make_user(role=Role.PRACTITIONER)
    _sign_in(client, user)
    rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 1 and rows[0].last_seen_at is not None
    client.post("/sign-out")
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user.id)
        )
        == 0
    )
