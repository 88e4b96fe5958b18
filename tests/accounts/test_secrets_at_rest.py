"""TOTP secrets and sign-in providers' client secrets are stored encrypted (encryption.py):
the columns never hold them in clear, signing in still works, a wrong key is refused in words
(never a 500), old keys still decrypt until the secrets are re-encrypted, and the migration
encrypts the rows it finds and its downgrade decrypts them."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from isp_manager import create_app, encryption
from isp_manager.accounts import two_factor
from isp_manager.accounts.models import Role, User
from isp_manager.extensions import db
from isp_manager.ops.secrets import reencrypt_all
from isp_manager.sso import services as sso
from isp_manager.sso.models import SsoProvider
from tests.conftest import TEST_TOTP_SECRET, fresh_totp_code, sign_in_with_code, totp_code

CLIENT_SECRET = "a-client-secret-from-entra-1234"


def _stored(table: str, column: str, row_id: int) -> str | None:
    t = sa.table(table, sa.column("id"), sa.column(column))
    return db.session.execute(sa.select(t.c[column]).where(t.c.id == row_id)).scalar_one()


def _provider() -> SsoProvider:
    return sso.create_provider(
        name="Cardiff Council",
        issuer="https://login.example.org",
        client_id="isp-manager",
        client_secret=CLIENT_SECRET,
        organisation="la-cardiff",
        domains="cardiff.gov.uk",
        by=None,
    )


@pytest.fixture
def other_key(app, monkeypatch):
    """The app runs with another data encryption key than the one the secrets were saved with."""

    def _switch():
        monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEY", Fernet.generate_key().decode())

    return _switch


def test_the_totp_secret_column_never_holds_the_secret(make_user):
    user = make_user(role=Role.IG_LEAD)
    stored = _stored("users", "totp_secret", user.id)
    assert stored != TEST_TOTP_SECRET and TEST_TOTP_SECRET not in stored
    assert stored.startswith(encryption.TOKEN_PREFIX)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == TEST_TOTP_SECRET


def test_a_secret_set_up_from_the_account_page_is_stored_encrypted(make_user):
    user = make_user(role=Role.PRACTITIONER)
    secret = two_factor.new_secret()
    two_factor.enable_two_factor(user, secret, totp_code(secret), by=user)
    db.session.flush()
    stored = _stored("users", "totp_secret", user.id)
    assert secret not in stored and stored.startswith(encryption.TOKEN_PREFIX)


def test_the_client_secret_column_never_holds_the_secret():
    provider = _provider()
    stored = _stored("sso_providers", "client_secret", provider.id)
    assert CLIENT_SECRET not in stored and stored.startswith(encryption.TOKEN_PREFIX)
    sso.update_provider(
        provider,
        **{**_provider_values(), "client_secret": "the-next-secret-5678"},
        by=None,
    )
    db.session.flush()
    stored = _stored("sso_providers", "client_secret", provider.id)
    assert "the-next-secret-5678" not in stored
    db.session.expire_all()
    assert db.session.get(SsoProvider, provider.id).client_secret == "the-next-secret-5678"


def _provider_values() -> dict:
    return {
        "name": "Cardiff Council",
        "issuer": "https://login.example.org",
        "client_id": "isp-manager",
        "client_secret": "",
        "organisation": "la-cardiff",
        "domains": "cardiff.gov.uk",
    }


def test_signing_in_with_a_code_still_works(client, make_user):
    user = make_user(role=Role.IG_LEAD)
    response = sign_in_with_code(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_a_wrong_key_refuses_the_code_in_words_not_with_a_500(client, make_user, other_key):
    user = make_user(role=Role.IG_LEAD)
    response = client.post("/sign-in", data={"email": user.email, "password": _password()})
    assert response.headers["Location"] == "/sign-in/code"
    other_key()
    response = client.post("/sign-in/code", data={"code": fresh_totp_code(user.email)})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "different data encryption key" in page and "DATA_ENCRYPTION_KEY" in page
    assert "Traceback" not in page
    assert client.get("/account").status_code == 302  # not signed in


def test_a_wrong_key_leaves_providers_readable_where_the_secret_is_not_needed(
    app, api_client, make_user, other_key
):
    admin = make_user(role=Role.ADMIN)
    provider = _provider()
    db.session.commit()
    other_key()
    with app.test_request_context():
        with pytest.raises(encryption.SecretUnreadable):
            provider.client_secret  # noqa: B018
        assert provider.secret_hint == "••••"  # the pages still draw
    response = api_client(admin).get(f"/api/v1/sso-providers/{provider.id}")
    assert response.status_code == 200  # the secret is never returned, so never read


def test_an_old_key_still_decrypts_until_the_secrets_are_reencrypted(app, make_user, monkeypatch):
    user = make_user(role=Role.IG_LEAD)
    provider = _provider()
    old = app.config["DATA_ENCRYPTION_KEY"] or app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_OLD_KEYS", old)
    assert user.totp_secret == TEST_TOTP_SECRET
    assert reencrypt_all() >= 2
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_OLD_KEYS", "")
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == TEST_TOTP_SECRET
    assert db.session.get(SsoProvider, provider.id).client_secret == CLIENT_SECRET


def test_reencrypting_with_no_key_that_opens_a_secret_changes_nothing(app, make_user, other_key):
    user = make_user(role=Role.IG_LEAD)
    before = _stored("users", "totp_secret", user.id)
    other_key()
    with pytest.raises(encryption.SecretUnreadable):
        reencrypt_all()
    db.session.rollback()
    assert _stored("users", "totp_secret", user.id) == before


@pytest.mark.parametrize(
    ("configured", "uses_it_as_is"),
    [(Fernet.generate_key().decode(), True), ("a long passphrase of random words", False)],
)
def test_the_key_is_a_fernet_key_or_derived_from_long_text(configured, uses_it_as_is):
    key = encryption.derive_key(configured)
    assert (key.decode() == configured) is uses_it_as_is
    Fernet(key)  # a usable key either way


def test_a_short_configured_key_stops_the_start_saying_why(tmp_path):
    with pytest.raises(encryption.EncryptionKeyInvalid, match="DATA_ENCRYPTION_KEY"):
        create_app({"SECRET_KEY": "x", "DATA_ENCRYPTION_KEY": "short"}, instance_path=tmp_path)


def test_without_a_configured_key_it_is_derived_from_the_secret_key():
    config = {"SECRET_KEY": "one secret key", "DATA_ENCRYPTION_KEY": ""}
    stored = encryption.encrypt("JBSWY3DPEHPK3PXP", config)
    assert encryption.decrypt(stored, config) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(encryption.SecretUnreadable):
        encryption.decrypt(stored, {**config, "SECRET_KEY": "another secret key"})


def _password() -> str:
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


# ---------------------------------------------------------------- the migration

_ORG = (
    "INSERT INTO organisations (id, code, name, search_text, kind, covers_all_wales, is_active, "
    "created_at, updated_at, nation, is_public_authority) VALUES (1, 'nca', 'National Crime "
    "Agency', 'nca', 'national_crime_agency', true, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
    "'uk', true)"
)
_USER = (
    "INSERT INTO users (id, email, name, organisation_id, role, password_hash, is_active_user, "
    "must_change_password, session_version, created_at, updated_at, totp_secret, "
    "totp_enabled_at) VALUES (1, 'a@example.org', 'A', 1, 'ig_lead', 'x', true, false, 1, "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :secret, CURRENT_TIMESTAMP)"
)
_PROVIDER = (
    "INSERT INTO sso_providers (id, name, issuer, client_id, client_secret, organisation_id, "
    "is_enabled, created_at, updated_at) VALUES (1, 'NCA', 'https://login.example.org', 'c', "
    ":secret, 1, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def _secrets(conn) -> tuple[str, str]:
    return (
        conn.execute(sa.text("SELECT totp_secret FROM users")).scalar_one(),
        conn.execute(sa.text("SELECT client_secret FROM sso_providers")).scalar_one(),
    )


def test_the_migration_encrypts_the_rows_and_its_downgrade_decrypts_them(
    fresh_database_url, tmp_path
):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "migration key"},
        instance_path=tmp_path,
    )
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision="g21_two_factor")
        with engine.connect() as conn:
            conn.execute(sa.text(_ORG))
            conn.execute(sa.text(_USER), {"secret": TEST_TOTP_SECRET})
            conn.execute(sa.text(_PROVIDER), {"secret": CLIENT_SECRET})
            conn.commit()
        flask_migrate.upgrade(revision="g22_secrets_at_rest")
        with engine.connect() as conn:
            totp, client = _secrets(conn)
        assert TEST_TOTP_SECRET not in totp and CLIENT_SECRET not in client
        assert encryption.decrypt(totp) == TEST_TOTP_SECRET
        assert encryption.decrypt(client) == CLIENT_SECRET

        app.config["SECRET_KEY"] = "not the key they were saved with"
        with pytest.raises(Exception, match="cannot be decrypted with the data encryption key"):
            flask_migrate.downgrade(revision="g21_two_factor")
        with engine.connect() as conn:
            assert _secrets(conn) == (totp, client)  # nothing changed

        app.config["SECRET_KEY"] = "migration key"
        flask_migrate.downgrade(revision="g21_two_factor")
        with engine.connect() as conn:
            assert _secrets(conn) == (TEST_TOTP_SECRET, CLIENT_SECRET)
        engine.dispose()


def test_readyz_says_when_the_key_does_not_open_the_stored_secrets(
    fresh_database_url, tmp_path, own_sessions
):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "readiness key"},
        instance_path=tmp_path,
    )
    client = app.test_client()
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(sa.text(_ORG))
        db.session.execute(
            sa.text(_USER), {"secret": encryption.encrypt(TEST_TOTP_SECRET, app.config)}
        )
        db.session.commit()
    assert client.get("/readyz").json == {"status": "ready"}
    app.config["DATA_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    refused = client.get("/readyz")
    assert refused.status_code == 503
    assert "data encryption key" in refused.json["reason"]
    app.config["DATA_ENCRYPTION_KEY"] = ""
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
