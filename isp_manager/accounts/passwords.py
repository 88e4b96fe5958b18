"""Password policy, hashing and generation.

The policy follows the NCSC's advice: length over complexity rules, and a refusal of the
passwords attackers try first (common ones, with the usual digits, symbols and swaps added),
of passwords made from the person's own name or e-mail address, and of the service's name.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..i18n import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
SERVICE_NAMES = ("ispmanager", "isp manager", "isp-manager", "isp_manager")

# Letters people swap for look-alike digits and symbols (p@ssw0rd).
_LOOKALIKES = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "3": "e",
        "1": "i",
        "!": "i",
        "0": "o",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
    }
)
_LOOKALIKES_L = str.maketrans({"1": "l", "|": "l"})
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")
_EDGES_BUT_LOOKALIKES = re.compile(r"^[^a-z@$!|]+|[^a-z@$!|]+$")
_REPEATED = re.compile(r"^(.+?)\1+$", re.DOTALL)

# A generated password: 4 groups of 5 characters without look-alikes (0/O, 1/l/I), ~98 bits.
_GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane). argon2-cffi's
# default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) is as strong a choice but
# costs several times more CPU per sign-in, on a server that verifies many at once. Hashes made
# with other parameters are replaced at the next sign-in (needs_rehash).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """Why this password is refused, in words for the person choosing it; None if it is fine."""
    if not password:
        return _("Enter a password")
    if len(password) < MIN_LENGTH:
        return _("Password must be %(n)d characters or more", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Password must be %(n)d characters or fewer", n=MAX_LENGTH)
    lowered = password.lower()
    if any(service in lowered for service in SERVICE_NAMES):
        return _("Password must not contain the name of this service")
    if any(part in lowered for part in _personal_parts(email, name)):
        return _("Password must not contain your name or email address")
    if is_easy_to_guess(lowered):
        return _(
            "Password is too easy to guess. Use 3 or 4 random words together, "
            "or a password from a password manager"
        )
    return None


def _personal_parts(email: str | None, name: str | None) -> set[str]:
    """The pieces of a person's name and e-mail address a password must not contain."""
    parts: set[str] = set()
    local = (email or "").lower().partition("@")[0]
    if len(local) >= 3:
        parts.add(local)
    pieces = re.split(r"[\s._+\-']+", local) + re.split(r"[\s.\-']+", (name or "").lower())
    parts.update(piece for piece in pieces if len(piece) >= 4)
    full_name = re.sub(r"\s+", "", (name or "").lower())
    if len(full_name) >= 4:
        parts.add(full_name)
    return parts


def is_easy_to_guess(lowered: str) -> bool:
    """Common, common with digits or symbols around it or look-alike swaps, repeated, or a run
    of keys or letters."""
    if len(set(lowered)) < 5:
        return True
    for candidate in _candidates(lowered):
        if candidate in common_passwords():
            return True
        repeated = _REPEATED.match(candidate)
        if repeated and (len(repeated.group(1)) <= 4 or repeated.group(1) in common_passwords()):
            return True
        if len(candidate) >= 6 and _is_sequence(candidate):
            return True
    return False


def _candidates(lowered: str) -> set[str]:
    compact = re.sub(r"\s+", "", lowered)
    found: set[str] = set()
    for text in {lowered, compact}:
        core = _EDGES.sub("", text)
        for variant in (text, core):
            found.update(
                {variant, variant.translate(_LOOKALIKES), variant.translate(_LOOKALIKES_L)}
            )
        symbols_kept = _EDGES_BUT_LOOKALIKES.sub("", text)
        found.update({symbols_kept.translate(_LOOKALIKES), symbols_kept.translate(_LOOKALIKES_L)})
    found.discard("")
    return found


def _is_sequence(text: str) -> bool:
    plain = re.sub(r"[^a-z0-9]", "", text)
    if len(plain) < 6:
        return False
    for sequence in _SEQUENCES:
        doubled = sequence * (len(plain) // len(sequence) + 2)
        if plain in doubled or plain[::-1] in doubled:
            return True
    return False


def generate_password() -> str:
    """A strong one-time password, easy to read out and type: xxxxx-xxxxx-xxxxx-xxxxx."""
    while True:
        groups = ["".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(5)) for _ in range(4)]
        password = "-".join(groups)
        if password_problem(password) is None:
            return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if the password matches. Never raises for a wrong or malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash to verify against when there is no such user, so both cases take as long."""
    return _hasher.hash(secrets.token_urlsafe(24))
