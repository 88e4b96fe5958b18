"""Secrets kept encrypted at rest: the TOTP secrets of two-factor authentication and the
client secrets of sign-in providers, which the service must read back in clear (so they cannot
be hashed like passwords).

They are encrypted with Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) under the
data encryption key:
- DATA_ENCRYPTION_KEY, when set: a Fernet key (`Fernet.generate_key()`, 44 characters of
  url-safe base64), or any other long random text, from which a key is derived (HKDF-SHA256);
- otherwise a key derived from SECRET_KEY (so changing SECRET_KEY then needs the old one in
  DATA_ENCRYPTION_OLD_KEYS).
DATA_ENCRYPTION_OLD_KEYS lists former keys (comma-separated, in either form, former SECRET_KEYs
included) that still decrypt; `flask reencrypt-secrets` rewrites every secret under the current
key, after which they can be dropped.

A secret that no configured key opens raises SecretUnreadable (a clear 503 page or API error),
never a 500 with the secret's cipher text in a log.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, has_app_context

from .errors import DomainError
from .i18n import gettext as _

_HKDF_INFO = b"isp-manager data encryption key v1"
_HKDF_SALT = b"isp-manager secrets at rest"
# Every Fernet token starts with its version byte 0x80, "gAAAAA" in base64.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105  (a format's mark, not a secret)


class SecretUnreadable(DomainError):
    """A stored secret that the configured data encryption key does not open."""

    status_code = 503
    page_template = "errors/secret_unreadable.html"


class EncryptionKeyInvalid(ValueError):
    """DATA_ENCRYPTION_KEY (or an old key) cannot be used as given."""


def unreadable_message() -> str:
    return _(
        "The service cannot read a stored secret: it is running with a different data "
        "encryption key (DATA_ENCRYPTION_KEY) from the one the secret was saved with. Nothing "
        "has been changed. Tell the service's administrator, then try again later."
    )


def derive_key(material: str, *, strict: bool = True) -> bytes:
    """A Fernet key from `material`: used as it is if it is one, else derived with HKDF.
    `strict`: refuse short text (a SECRET_KEY fallback is checked as a SECRET_KEY, not here)."""
    material = material.strip()
    if not material:
        raise EncryptionKeyInvalid("an empty data encryption key")
    try:
        raw = base64.urlsafe_b64decode(material.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(material) == 44 and len(raw) == 32:
        return material.encode("ascii")
    if strict and len(material) < 16:
        raise EncryptionKeyInvalid(
            "DATA_ENCRYPTION_KEY must be a Fernet key or at least 16 characters of random text"
        )
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        material.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


def keys_from_config(config) -> list[bytes]:
    """The current key first, then the old ones that still decrypt."""
    configured = config.get("DATA_ENCRYPTION_KEY") or ""
    old = config.get("DATA_ENCRYPTION_OLD_KEYS") or ()
    if isinstance(old, str):
        old = [k for k in old.split(",") if k.strip()]
    if configured.strip():
        keys = [derive_key(configured)]
    else:
        keys = [derive_key(config["SECRET_KEY"], strict=False)]
    keys += [k for k in (derive_key(o, strict=False) for o in old) if k not in keys]
    return keys


def _fernet(config=None) -> MultiFernet:
    if config is None:
        if not has_app_context():
            raise RuntimeError("encrypting a secret needs the app's configuration")
        config = current_app.config
    return MultiFernet([Fernet(k) for k in keys_from_config(config)])


def encrypt(plain: str | None, config=None) -> str | None:
    """The cipher text to store for `plain` (None stays None)."""
    if plain is None:
        return None
    return _fernet(config).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(stored: str | None, config=None) -> str | None:
    """The secret in clear; SecretUnreadable if no configured key opens it."""
    if stored is None:
        return None
    try:
        return _fernet(config).decrypt(stored.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        if has_app_context():
            current_app.logger.error(
                "a stored secret cannot be decrypted: check DATA_ENCRYPTION_KEY "
                "(and DATA_ENCRYPTION_OLD_KEYS)"
            )
        raise SecretUnreadable(unreadable_message()) from None


def reencrypt(stored: str | None, config=None) -> str | None:
    """The same secret under the current key (SecretUnreadable if no key opens it)."""
    if stored is None:
        return None
    try:
        return _fernet(config).rotate(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable(unreadable_message()) from None


def looks_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(TOKEN_PREFIX)
