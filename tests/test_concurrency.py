"""Concurrent use: simultaneous writers wait their turn instead of failing half-way, a lock that
cannot be had is a 503 in words, simultaneous saves of one section are a 409, and error pages
render after a database error.

These tests commit for real (several connections must see each other's work), so they run on
an app of their own: a file SQLite database, or a schema of its own on PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid

import pytest
import sqlalchemy as sa

from isp_manager import create_app
from isp_manager.accounts import passwords
from isp_manager.accounts import services as account_services
from isp_manager.accounts.models import (
    TWO_FACTOR_ROLES,
    ApiToken,
    LoginAttempt,
    Role,
    User,
    hash_token,
)
from isp_manager.accounts.passwords import hash_password
from isp_manager.db import utcnow
from isp_manager.extensions import db
from isp_manager.parties.models import Organisation
from isp_manager.parties.reference import seed_reference
from isp_manager.protocols import services as protocol_services
from tests.conftest import TEST_TOTP_SECRET, sign_in_with_code

PASSWORD = "correct horse battery staple 42"
LEAD = "lhb-cardiff-and-vale"


@pytest.fixture
def db_session():
    """Replaces the shared fixture's rolled-back transaction: these tests commit for real."""
    yield None


def _live_url(tmp_path) -> tuple[str, str | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'live.sqlite'}", None
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"live_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{url}?options=-csearch_path%3D{schema}", schema


@pytest.fixture
def live_app(tmp_path):
    url, schema = _live_url(tmp_path)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "SERVER_NAME": "localhost",
            "DATABASE_BUSY_TIMEOUT_MS": 5000,
        },
        instance_path=tmp_path / "instance",
    )
    # A real server answers a failure with a page; tests normally see the exception instead.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        db.create_all()
        seed_reference()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        engine = sa.create_engine(url.partition("?")[0])
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


_HASH = hash_password(PASSWORD)


def _add_user(org_code=LEAD, role=Role.IG_LEAD) -> int:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.code == org_code))
    user = User(
        email=f"{uuid.uuid4().hex[:10]}@example.test",
        name="Concurrent User",
        organisation=organisation,
        role=role,
        password_hash=_HASH,
        totp_secret=TEST_TOTP_SECRET if role in TWO_FACTOR_ROLES else None,
        totp_enabled_at=utcnow() if role in TWO_FACTOR_ROLES else None,
    )
    db.session.add(user)
    db.session.commit()
    return user.id


def _signed_in(app, user_id):
    client = app.test_client()
    with app.app_context():
        email = db.session.get(User, user_id).email
    response = sign_in_with_code(client, email, PASSWORD)
    assert response.status_code == 302, response.text
    return client


def _api(app, user_id) -> tuple:
    raw = f"live-token-{uuid.uuid4().hex}"
    with app.app_context():
        db.session.add(
            ApiToken(user_id=user_id, label="test", token_hash=hash_token(raw), prefix=raw[:8])
        )
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client, raw


def _all_at_once(calls):
    """Run the calls in threads started together; their results in order."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        start.wait()
        try:
            results[i] = call()
        except Exception as error:  # noqa: BLE001  (reported by the test, not lost in a thread)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _draft_protocol(app) -> tuple[int, int]:
    with app.app_context():
        author_id = _add_user()
        author = db.session.get(User, author_id)
        protocol = protocol_services.create_protocol(
            kind="isp",
            title="Safeguarding children",
            lead_organisation=LEAD,
            partners=["la-cardiff"],
            by=author,
        )
        db.session.commit()
        return protocol.id, author_id


@pytest.fixture
def both_read_before_either_writes(monkeypatch):
    """Make two saves overlap: each waits (up to a second) for the other after reading the
    section, as two people pressing Save together would."""
    barrier = threading.Barrier(2)
    original = protocol_services.check_row_version

    def check_then_wait(section, expected):
        original(section, expected)
        try:
            barrier.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass  # the other save is waiting for the write lock: this one goes first

    monkeypatch.setattr(protocol_services, "check_row_version", check_then_wait)


# ---------------------------------------------------------------- simultaneous writers


def test_six_simultaneous_sign_ins_all_succeed(live_app):
    with live_app.app_context():
        users = [db.session.get(User, _add_user()) for _ in range(6)]
        emails = [u.email for u in users]

    def sign_in(email):
        return live_app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})

    responses = _all_at_once([lambda e=e: sign_in(e) for e in emails])
    assert [getattr(r, "status_code", r) for r in responses] == [302] * 6


def test_simultaneous_failed_sign_ins_are_all_counted(live_app):
    with live_app.app_context():
        email = db.session.get(User, _add_user()).email

    def refused():
        return live_app.test_client().post("/sign-in", data={"email": email, "password": "wrong"})

    responses = _all_at_once([refused] * 4)
    assert [getattr(r, "status_code", r) for r in responses] == [422] * 4
    with live_app.app_context():
        counted = db.session.scalar(
            sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email)
        )
    assert counted == 4


# ---------------------------------------------------------------- signing in: verify, then write


@pytest.fixture
def during_verification(monkeypatch):
    """Run `fn` while a sign-in verifies the password (argon2, slow on purpose)."""
    hooks = []
    original = passwords.verify_password

    def verify_with_hook(password_hash, password):
        for fn in hooks:
            fn()
        return original(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", verify_with_hook)
    return hooks.append


def _sqlite_path(app) -> str:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL writers lock rows, not the database")
    return uri.removeprefix("sqlite:///")


def _elsewhere(app, statement) -> None:
    """Commit a change through a connection of its own, as another request would."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(statement)
    engine.dispose()


def test_a_sign_in_does_not_hold_the_write_lock_while_it_verifies_the_password(
    live_app, during_verification
):
    path = _sqlite_path(live_app)
    with live_app.app_context():
        email = db.session.get(User, _add_user()).email
    others_could_write = []
    during_verification(_could_write(path, others_could_write))
    response = live_app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    assert others_could_write == [True]


def test_a_sign_in_verifies_while_another_writer_holds_the_lock_then_waits_to_write(
    live_app, during_verification
):
    path = _sqlite_path(live_app)
    with live_app.app_context():
        email = db.session.get(User, _add_user(role=Role.PRACTITIONER)).email
    verifying = threading.Event()
    during_verification(verifying.set)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    result = []
    signing_in = threading.Thread(
        target=lambda: result.append(
            live_app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})
        )
    )
    signing_in.start()
    try:
        assert verifying.wait(timeout=4), "the password check waited for the write lock"
    finally:
        holder.execute("ROLLBACK")  # well within the 5 s busy timeout
        holder.close()
    signing_in.join(timeout=30)
    assert result and result[0].status_code == 302
    with live_app.app_context():
        assert db.session.scalar(sa.select(User.last_login_at).where(User.email == email))


def test_a_password_changed_during_the_check_refuses_the_old_one_and_counts_it(
    live_app, during_verification
):
    with live_app.app_context():
        user_id = _add_user()
        email = db.session.get(User, user_id).email
    new_hash = hash_password("another passphrase entirely 7")
    during_verification(
        lambda: _elsewhere(
            live_app,
            sa.update(User.__table__).where(User.id == user_id).values(password_hash=new_hash),
        )
    )
    response = live_app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 422
    with live_app.app_context():
        assert db.session.scalar(sa.select(User.last_login_at).where(User.id == user_id)) is None
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email)
        )


def test_failures_counted_during_the_check_throttle_the_sign_in(live_app, during_verification):
    with live_app.app_context():
        email = db.session.get(User, _add_user()).email
    failures = [
        {"email": email, "remote_addr": f"198.51.100.{n}", "attempted_at": utcnow()}
        for n in range(live_app.config["LOGIN_MAX_FAILURES"])
    ]
    during_verification(
        lambda: _elsewhere(live_app, sa.insert(LoginAttempt.__table__).values(failures))
    )
    response = live_app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 429
    with live_app.app_context():
        assert db.session.scalar(sa.select(User.last_login_at).where(User.email == email)) is None


# ---------------------------------------------------------------- changing one's password

NEW_PASSWORD = "a different passphrase for the change 9"


def _could_write(path, results):
    """A call that records whether another connection could take the write lock just now."""

    def try_to_write():
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the request holds the lock
            other.execute("ROLLBACK")
            results.append(True)
        except sqlite3.OperationalError:
            results.append(False)
        finally:
            other.close()

    return try_to_write


def test_a_password_change_does_not_hold_the_write_lock_while_it_verifies_and_hashes(
    live_app, during_verification, monkeypatch
):
    path = _sqlite_path(live_app)
    with live_app.app_context():
        user_id = _add_user()
    client = _signed_in(live_app, user_id)
    others_could_write = []
    try_to_write = _could_write(path, others_could_write)
    during_verification(try_to_write)
    original_hash = passwords.hash_password

    def hash_after_trying(password):
        try_to_write()
        return original_hash(password)

    monkeypatch.setattr(passwords, "hash_password", hash_after_trying)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.text
    assert others_could_write == [True, True]
    with live_app.app_context():
        changed = db.session.scalar(sa.select(User.password_hash).where(User.id == user_id))
        assert passwords.verify_password(changed, NEW_PASSWORD)


def test_a_password_changed_during_the_check_refuses_the_change(live_app, during_verification):
    with live_app.app_context():
        user_id = _add_user()
    client = _signed_in(live_app, user_id)
    reset_hash = hash_password("an administrator's reset password 3")
    during_verification(
        lambda: _elsewhere(
            live_app,
            sa.update(User.__table__).where(User.id == user_id).values(password_hash=reset_hash),
        )
    )
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "Your current password is not correct" in response.text
    with live_app.app_context():
        kept = db.session.scalar(sa.select(User.password_hash).where(User.id == user_id))
        assert kept == reset_hash


def test_simultaneous_api_reads_all_succeed_and_record_the_token_once(live_app):
    with live_app.app_context():
        user_id = _add_user()
    client, raw = _api(live_app, user_id)
    responses = _all_at_once([lambda: client.get("/api/v1/me")] * 6)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * 6
    with live_app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
        assert token.last_used_at is not None


def test_simultaneous_api_section_saves_one_wins_the_other_is_told(
    live_app, both_read_before_either_writes
):
    protocol_id, author_id = _draft_protocol(live_app)
    client, _raw = _api(live_app, author_id)
    url = f"/api/v1/protocols/{protocol_id}/versions/1/sections/rights"
    etag = client.get(url).headers["ETag"]

    def save(text):
        return client.patch(
            url, json={"content": {"access_requests": text}}, headers={"If-Match": etag}
        )

    responses = _all_at_once([lambda: save("First"), lambda: save("Second")])
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200, 409], responses
    loser = next(r for r in responses if r.status_code == 409)
    assert "Someone else" in loser.json["message"]
    winner = next(r for r in responses if r.status_code == 200)
    assert client.get(url).json["content"] == winner.json["content"]


def test_simultaneous_page_section_saves_show_the_loser_the_form_with_a_conflict(
    live_app, both_read_before_either_writes
):
    protocol_id, author_id = _draft_protocol(live_app)
    first, second = _signed_in(live_app, author_id), _signed_in(live_app, author_id)
    url = f"/agreements/{protocol_id}/versions/1/sections/rights"

    def save(client, text):
        return client.post(
            url, data={"access_requests": text, "other_rights": "x", "row_version": "1"}
        )

    responses = _all_at_once([lambda: save(first, "First"), lambda: save(second, "Second")])
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [302, 409], responses
    loser = next(r for r in responses if r.status_code == 409)
    assert "Someone else" in loser.text and 'name="access_requests"' in loser.text


# ---------------------------------------------------------------- a lock that cannot be had


def test_a_page_write_that_cannot_get_the_lock_is_a_503_page(live_app):
    protocol_id, author_id = _draft_protocol(live_app)
    client = _signed_in(live_app, author_id)
    with _holding_the_write_lock(live_app):
        response = client.post(
            f"/agreements/{protocol_id}/versions/1/sections/rights",
            data={"access_requests": "Lost?", "row_version": "1"},
        )
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert (
        "The service is busy" in response.text and "Nothing you entered was saved" in response.text
    )
    assert 'class="govuk-header' in response.text or "govuk-template" in response.text
    with live_app.app_context():
        content = db.session.execute(
            sa.text("SELECT content FROM protocol_sections WHERE code = 'rights'")
        ).scalar()
    assert "Lost?" not in str(content)


def test_an_api_write_that_cannot_get_the_lock_is_a_503_in_json(live_app):
    protocol_id, author_id = _draft_protocol(live_app)
    client, _raw = _api(live_app, author_id)
    url = f"/api/v1/protocols/{protocol_id}/versions/1/sections/rights"
    etag = client.get(url).headers["ETag"]
    with _holding_the_write_lock(live_app):
        response = client.patch(
            url, json={"content": {"access_requests": "Lost?"}}, headers={"If-Match": etag}
        )
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.json["code"] == 503 and "busy" in response.json["message"]


class _holding_the_write_lock:
    """Another process holds SQLite's write lock, and the app waits only 0.1 s for it."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        uri = self.app.config["SQLALCHEMY_DATABASE_URI"]
        if not uri.startswith("sqlite"):
            pytest.skip("SQLite's file lock; PostgreSQL lock errors are covered in test_errors")
        self.app.config["DATABASE_BUSY_TIMEOUT_MS"] = 100
        with self.app.app_context():
            db.engine.dispose()  # new connections take the shorter busy timeout
        self.holder = sqlite3.connect(uri.removeprefix("sqlite:///"), isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.holder.execute("ROLLBACK")
        self.holder.close()
        self.app.config["DATABASE_BUSY_TIMEOUT_MS"] = 5000
        with self.app.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------- error pages always render


def test_the_error_page_renders_after_a_failed_flush(live_app, monkeypatch):
    with live_app.app_context():
        user_id = _add_user()
    client = _signed_in(live_app, user_id)

    def broken(user):
        db.session.add(User(email=None, name="x"))  # NOT NULL: the flush fails
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            pass
        raise RuntimeError("after a failed flush")

    monkeypatch.setattr(account_services, "tokens_of", broken)
    response = client.get("/account")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "Concurrent User" in response.text  # the header still knows who is signed in


def test_a_constraint_error_reaching_the_edge_is_a_409_in_words(live_app, monkeypatch):
    with live_app.app_context():
        user_id = _add_user()
        taken = db.session.get(User, user_id).email
    client = _signed_in(live_app, user_id)

    def duplicate(user):
        db.session.add(
            User(
                email=taken,
                name="x",
                organisation_id=user.organisation_id,
                role=Role.IG_LEAD,
                password_hash="x",
            )
        )
        db.session.flush()

    monkeypatch.setattr(account_services, "tokens_of", duplicate)
    response = client.get("/account")
    assert response.status_code == 409
    assert "conflicts with" in response.text
    assert "Sorry, there is a problem" not in response.text
