"""Shared fixtures: the app, a database rolled back after every test, clients per role,
and factories for the records every domain needs.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import functools
import itertools
import os
import time

import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import scoped_session, sessionmaker

from isp_manager import create_app
from isp_manager.accounts.models import TWO_FACTOR_ROLES, ApiToken, Role, User, hash_token
from isp_manager.db import utcnow
from isp_manager.extensions import db
from isp_manager.parties.models import Organisation, OrgKind
from isp_manager.parties.reference import seed_reference

TEST_PASSWORD = "correct horse battery staple 42"
# Administrators and IG leads must have two-factor authentication: the users made here have it
# with this secret (base32); totp_code() gives a code for it.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "MAIL_OUTBOX": str(instance / "outbox"),
            "SERVER_NAME": "localhost",
        },
        instance_path=instance,
    )
    with app.app_context():
        db.drop_all()
        _drop_guard_functions()
        db.create_all()
        seed_reference()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _drop_guard_functions() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on (a new one on the PostgreSQL server)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    import uuid

    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"ispm_fresh_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(sa.make_url(url).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def own_sessions(monkeypatch):
    """Sessions of the app in use (one per app context), not the suite's rolled-back one: for
    tests that run a second app on a database of its own."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))


@pytest.fixture(autouse=True)
def db_session(app):
    """Each test runs inside a transaction that is rolled back afterwards; the code under
    test may commit freely (its commits become SAVEPOINT releases)."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


# ---------------------------------------------------------------- factories


def org(code: str) -> Organisation:
    """An organisation of the reference data, by code."""
    found = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    assert found is not None, f"no organisation {code}"
    return found


def bilingual(subject_or_message) -> tuple[str, str]:
    """(Welsh, English) of a notice's subject (a str) or of a message's subject and body
    joined: the subject is "Cymraeg / English", the body Welsh first, then English."""
    from isp_manager.mail import SEPARATOR

    if isinstance(subject_or_message, str):
        welsh, _sep, english = " ".join(subject_or_message.split()).partition(" / ")
        return welsh, english
    subject = " ".join(str(subject_or_message["Subject"]).split())
    body = subject_or_message.get_payload(decode=True).decode()
    welsh_body, _sep, english_body = body.partition(SEPARATOR)
    welsh, _sep, english = subject.partition(" / ")
    return f"{welsh}\n{welsh_body}", f"{english}\n{english_body}"


@pytest.fixture
def make_org():
    def _make(code=None, *, name=None, kind=OrgKind.OTHER, areas=(), **fields):
        n = next(_counter)
        organisation = Organisation(
            code=code or f"test-org-{n}",
            name=name or f"Test Organisation {n}",
            kind=kind,
            search_text=(name or f"test organisation {n}").lower(),
            **fields,
        )
        organisation.areas = [org(a) for a in areas]
        db.session.add(organisation)
        db.session.commit()  # a SAVEPOINT release: survives a request that rolls back
        return organisation

    return _make


@functools.cache
def _test_password_hash() -> str:
    """Hashed once per run: argon2 is deliberately slow."""
    from isp_manager.accounts.passwords import hash_password

    return hash_password(TEST_PASSWORD)


@pytest.fixture
def make_user():
    hashed = _test_password_hash()

    def _make(
        org_code="la-cardiff",
        role=Role.IG_LEAD,
        *,
        email=None,
        name=None,
        active=True,
        two_factor=None,
    ):
        """two_factor: None gives it to the roles that must have it, True or False to anyone."""
        n = next(_counter)
        role = Role(role)
        with_two_factor = role in TWO_FACTOR_ROLES if two_factor is None else two_factor
        user = User(
            email=email or f"user{n}@example.test",
            name=name or f"Test User {n}",
            organisation=org(org_code) if isinstance(org_code, str) else org_code,
            role=role,
            password_hash=hashed,
            is_active_user=active,
            totp_secret=TEST_TOTP_SECRET if with_two_factor else None,
            totp_enabled_at=utcnow() if with_two_factor else None,
        )
        db.session.add(user)
        db.session.commit()  # a SAVEPOINT release: survives a request that rolls back
        return user

    return _make


def totp_code(secret: str = TEST_TOTP_SECRET, offset_steps: int = 0) -> str:
    """The code an authenticator app shows for `secret` now (or `offset_steps` steps away)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


_steps_given: dict[str, int] = {}


def fresh_totp_code(key: str, secret: str = TEST_TOTP_SECRET) -> str:
    """A code not given for `key` (a user) before in this run, so never refused as replayed:
    this step's, else the next step's (accepted as clock drift); waits only when both were
    given already."""
    while True:
        current = int(time.time() // 30)
        step = max(current, _steps_given.get(key, -1) + 1)
        if step <= current + 1:
            _steps_given[key] = step
            return pyotp.TOTP(secret).generate_otp(step)
        time.sleep(max(0.05, (current + 1) * 30 - time.time()))


def sign_in_with_code(client, email: str, password: str = TEST_PASSWORD, secret=TEST_TOTP_SECRET):
    """Sign in through the pages: the password, then (if asked) a code from the app."""
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == "/sign-in/code":
        response = client.post("/sign-in/code", data={"code": fresh_totp_code(email, secret)})
    return response


@pytest.fixture
def login(app):
    """login(user) -> a test client signed in as that user."""

    def _login(user):
        from isp_manager.accounts.services import start_user_session

        key = start_user_session(user)
        db.session.commit()  # a SAVEPOINT release: survives a request that rolls back
        c = app.test_client()
        with c.session_transaction() as session:
            session["_user_id"] = key
            session["_fresh"] = True
        return c

    return _login


@pytest.fixture
def api_client(app):
    """api_client(user) -> a test client whose requests carry a bearer token for that user."""

    def _api(user):
        raw = f"test-token-{next(_counter)}-{user.id}"
        db.session.add(
            ApiToken(user=user, label="test", token_hash=hash_token(raw), prefix=raw[:8])
        )
        db.session.commit()  # a SAVEPOINT release: survives a request that rolls back
        c = app.test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return c

    return _api


@pytest.fixture
def outbox(app):
    """The .eml files written by the mail mechanism during the test."""
    from pathlib import Path

    folder = Path(app.config["MAIL_OUTBOX"])
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.eml"):
        f.unlink()

    def _read():
        import email
        from email import policy

        # The default policy decodes headers: Welsh subjects are encoded on the wire.
        return [
            email.message_from_bytes(f.read_bytes(), policy=policy.default)
            for f in sorted(folder.glob("*.eml"))
        ]

    return _read
