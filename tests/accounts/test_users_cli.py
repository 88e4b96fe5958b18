"""`flask users ...` as api-contract.md fixes it: success, and every bad input exits non-zero
with a message naming the option."""

import pytest
import sqlalchemy as sa

from isp_manager.accounts import passwords
from isp_manager.accounts.models import ApiToken, Role, User, hash_token
from isp_manager.extensions import db


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def _run(*args, input=None):
        return runner.invoke(args=["users", *args], input=input)

    return _run


def user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_prints_a_generated_password_as_the_last_line(cli):
    result = cli(
        "create",
        "New.Person@Example.TEST",
        "--name",
        "New Person",
        "--org",
        "la-cardiff",
        "--role",
        "practitioner",
    )
    assert result.exit_code == 0, result.output
    created = user("new.person@example.test")
    assert created.role == Role.PRACTITIONER and created.organisation.code == "la-cardiff"
    password = result.output.strip().splitlines()[-1]
    assert passwords.verify_password(created.password_hash, password)
    assert created.must_change_password


def test_create_with_password_from_stdin(cli):
    result = cli(
        "create",
        "stdin@example.test",
        "--name",
        "Stdin Person",
        "--org",
        "police-south-wales",
        "--role",
        "ig_lead",
        "--password-stdin",
        input="zebra kettle orbit lamp\n",
    )
    assert result.exit_code == 0, result.output
    created = user("stdin@example.test")
    assert passwords.verify_password(created.password_hash, "zebra kettle orbit lamp")
    assert not created.must_change_password
    assert "zebra" not in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "names"),
    [
        (
            ["bad-email", "--name", "A B", "--org", "la-cardiff", "--role", "ig_lead"],
            None,
            "EMAIL:",
        ),
        (
            ["ok1@example.test", "--name", "A B", "--org", "no-such-body", "--role", "ig_lead"],
            None,
            "--org:",
        ),
        (
            ["ok2@example.test", "--name", "A B", "--org", "la-cardiff", "--role", "wizard"],
            None,
            "'--role'",
        ),
        (
            ["ok3@example.test", "--name", "  ", "--org", "la-cardiff", "--role", "ig_lead"],
            None,
            "--name:",
        ),
        (
            [
                "ok4@example.test",
                "--name",
                "A B",
                "--org",
                "la-cardiff",
                "--role",
                "ig_lead",
                "--password-stdin",
            ],
            "password1234\n",
            "password (--password-stdin):",
        ),
        (
            [
                "ok5@example.test",
                "--name",
                "A B",
                "--org",
                "la-cardiff",
                "--role",
                "ig_lead",
                "--password-stdin",
            ],
            "short\n",
            "12 characters",
        ),
        (["ok6@example.test", "--org", "la-cardiff", "--role", "ig_lead"], None, "'--name'"),
    ],
)
def test_create_refuses_bad_input(cli, args, stdin, names):
    result = cli("create", *args, input=stdin)
    assert result.exit_code != 0
    assert names in result.output
    assert user(args[0].lower()) is None


def test_create_refuses_a_duplicate_email(cli, make_user):
    make_user(email="dup@example.test")
    result = cli(
        "create", "DUP@example.test", "--name", "Again", "--org", "la-cardiff", "--role", "ig_lead"
    )
    assert result.exit_code == 1
    assert "EMAIL: A user with this email address already exists" in result.output


def test_token_is_the_last_line_and_works(cli, make_user):
    owner = make_user(email="tokens@example.test")
    result = cli("token", "tokens@example.test", "--label", "Nightly export")
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    assert token.user_id == owner.id and token.label == "Nightly export"
    assert cli("token", "nobody@example.test").exit_code == 1


def test_list_and_deactivate(cli, make_user):
    target = make_user(email="leaving@example.test")
    listed = cli("list", "--org", "la-cardiff")
    assert (
        listed.exit_code == 0
        and "leaving@example.test\tig_lead\tla-cardiff\tactive" in listed.output
    )
    assert cli("deactivate", "leaving@example.test").exit_code == 0
    assert not target.is_active_user
    again = cli("deactivate", "leaving@example.test")
    assert again.exit_code == 1 and "already deactivated" in again.output
    assert cli("reactivate", "leaving@example.test").exit_code == 0 and target.is_active_user
    assert cli("deactivate", "nobody@example.test").exit_code == 1


def test_ensure_admin_creates_once_then_explains(cli, monkeypatch):
    for admin in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        admin.role = Role.IG_LEAD
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    first = cli("ensure-admin")
    assert first.exit_code == 0, first.output
    admin = user("admin@isp-manager.local")
    assert admin.role == Role.ADMIN and admin.must_change_password
    assert admin.organisation.code == "isp-manager-service"
    assert "Address:           http://" in first.output and "/sign-in" in first.output
    assert "flask users create EMAIL" in first.output
    line = next(line for line in first.output.splitlines() if "One-time password" in line)
    assert passwords.verify_password(admin.password_hash, line.split(":", 1)[1].strip())
    second = cli("ensure-admin")
    assert second.exit_code == 0
    assert "flask users create EMAIL --name NAME --org CODE --role ROLE" in second.output
    assert "flask users reset-two-factor EMAIL" in second.output
    assert "One-time password" not in second.output


def test_ensure_admin_honours_admin_email(cli, monkeypatch):
    for admin in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        admin.role = Role.IG_LEAD
    monkeypatch.setenv("ADMIN_EMAIL", "it@council.example.test")
    assert cli("ensure-admin").exit_code == 0
    assert user("it@council.example.test").role == Role.ADMIN


def test_create_with_a_two_factor_secret_then_reset_it(cli):
    secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    result = cli(
        "create",
        "lead2fa@example.test",
        "--name",
        "Lead Twofactor",
        "--org",
        "la-cardiff",
        "--role",
        "ig_lead",
        "--password-stdin",
        "--totp-secret-stdin",
        input="correct horse battery staple 42\n" + secret.lower() + "\n",
    )
    assert result.exit_code == 0, result.output
    created = user("lead2fa@example.test")
    assert created.has_two_factor and created.totp_secret == secret
    reset = cli("reset-two-factor", "lead2fa@example.test")
    assert reset.exit_code == 0 and "reset for lead2fa@example.test" in reset.output
    assert created.must_set_up_two_factor
    again = cli("reset-two-factor", "lead2fa@example.test")
    assert again.exit_code == 1 and "has not set up two-factor authentication" in again.output


def test_a_secret_that_is_not_base32_is_refused_naming_the_option(cli):
    result = cli(
        "create",
        "bad2fa@example.test",
        "--name",
        "Bad Secret",
        "--org",
        "la-cardiff",
        "--role",
        "ig_lead",
        "--password-stdin",
        "--totp-secret-stdin",
        input="correct horse battery staple 42\nnot-base32!\n",
    )
    assert result.exit_code == 1
    assert (
        "secret (--totp-secret-stdin): The secret must be at least 16 characters" in result.output
    )
    assert user("bad2fa@example.test") is None


def test_ensure_admin_says_how_to_set_up_two_factor(cli, monkeypatch):
    for admin in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
        admin.role = Role.IG_LEAD
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    output = cli("ensure-admin").output
    assert "then set up two-factor\n   sign-in with an authenticator app" in output
    assert "keep the recovery codes" in output
