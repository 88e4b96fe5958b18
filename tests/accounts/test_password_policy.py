"""The password policy: length, common passwords and their variations, personal details,
the service's name; generated passwords; argon2 hashing."""

import pytest
from argon2 import PasswordHasher

from isp_manager.accounts import passwords
from isp_manager.accounts.passwords import password_problem

TOO_SHORT = "characters or more"
COMMON = "too easy to guess"
PERSONAL = "your name or email address"
SERVICE = "name of this service"


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "Enter a password"),
        ("short", TOO_SHORT),
        ("elevenchars", TOO_SHORT),
        ("x" * 257, "characters or fewer"),
        # common passwords, as they are and dressed up
        ("qwertyuiopasdfgh", COMMON),
        ("password1234", COMMON),
        ("Password1234!", COMMON),
        ("P@ssw0rd2024!!", COMMON),
        ("!!Passw0rd!!2025", COMMON),
        ("@dmin1234567", COMMON),
        ("iloveyou1234", COMMON),
        ("Welcome2024!!", COMMON),
        ("trustno1trustno1", COMMON),
        ("passwordpassword", COMMON),
        ("Dragon12345678", COMMON),
        ("monkey monkey monkey", COMMON),
        # words people in Welsh public bodies reach for
        ("Cardiff2025!!", COMMON),
        ("Cymru1234567", COMMON),
        ("Safeguarding2026", COMMON),
        ("Croeso123456789", COMMON),
        # patterns
        ("123456789012", COMMON),
        ("abcdefghijklm", COMMON),
        ("zyxwvutsrqpo", COMMON),
        ("abcabcabcabc", COMMON),
        ("aaaaaaaaaaaa", COMMON),
        ("1qaz2wsx3edc4rfv", COMMON),
        # personal details and the service's name
        ("jane.smith-2026-new", PERSONAL),
        ("my smith family rows", PERSONAL),
        ("JaneSmith winter coat", PERSONAL),
        ("ISP Manager rocks 2026", SERVICE),
        ("my-ispmanager-login", SERVICE),
        # fine
        ("correct horse battery staple 42", None),
        ("zebra kettle orbit lamp", None),
        ("journey password for tests 2026", None),
        ("Tr4in-Gl0ve-Sofa-Pebble", None),
        ("afon las ger y mynydd", None),
    ],
)
def test_password_policy(password, problem):
    found = password_problem(password, email="jane.smith@example.test", name="Jane Smith")
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_short_name_parts_do_not_block_ordinary_words():
    # "Ann" and "Li" are too short to refuse on: they are inside too many ordinary words.
    assert (
        password_problem("planning a bannister lift", email="ann.li@example.test", name="Ann Li")
        is None
    )


def test_shipped_list_is_large_and_lower_case():
    common = passwords.common_passwords()
    assert len(common) >= 10_000
    assert {"password", "123456", "qwerty", "cymru", "cyfrinair"} <= common
    assert all(word == word.lower() for word in common)


def test_generated_passwords_are_strong_readable_and_different():
    generated = {passwords.generate_password() for _ in range(50)}
    assert len(generated) == 50
    for password in generated:
        assert password_problem(password) is None
        assert len(password) == 23 and password.count("-") == 3
        assert not set(password) & set("0O1lI")


def test_argon2_hash_verifies_and_never_raises():
    hashed = passwords.hash_password("zebra kettle orbit lamp")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "zebra kettle orbit lamp")
    assert not passwords.verify_password(hashed, "zebra kettle orbit lamb")
    assert not passwords.verify_password("not a hash", "anything")
    assert not passwords.needs_rehash(hashed)
    assert passwords.needs_rehash(PasswordHasher(time_cost=1, memory_cost=8192).hash("x"))


def test_argon2_parameters_meet_owasp_minimum():
    """Argon2id with at least OWASP's 19 MiB, 2 passes, 1 lane; the RFC 9106 default's 64 MiB,
    3 passes and 4 lanes would cost several times as much CPU per sign-in."""
    settings = passwords.hash_password("zebra kettle orbit lamp").split("$")
    assert settings[1] == "argon2id"
    params = dict(pair.split("=") for pair in settings[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert passwords.needs_rehash(PasswordHasher().hash("x"))  # the library's default is replaced
