"""Configuration: defaults that run with nothing set; everything else from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'isp_manager.sqlite'}"
    # psycopg 3 is the PostgreSQL driver; accept the common short forms.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/secret_key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _service_url() -> str:
    """Where links in e-mails point: SERVICE_URL, else this machine on the port served."""
    default = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
    return os.environ.get("SERVICE_URL", default).rstrip("/")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """The settings for one app instance. `overrides` wins (tests pass theirs here)."""
    overrides = overrides or {}
    config = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # SQLite: how long a writer waits for another writer to finish before giving up (503).
        "DATABASE_BUSY_TIMEOUT_MS": _int("DATABASE_BUSY_TIMEOUT_MS", 5000),
        # Seconds between writes of an API token's last use and a session's last activity.
        "LAST_SEEN_INTERVAL_SECONDS": _int("LAST_SEEN_INTERVAL_SECONDS", 5 * 60),
        # How long an invitation link works (it is used once, then never again).
        "INVITATION_LIFETIME_DAYS": _int("INVITATION_LIFETIME_DAYS", 7),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies whenever the service is reached over HTTPS (the production case).
        "SESSION_COOKIE_SECURE": os.environ.get(
            "SESSION_COOKIE_SECURE", "1" if _service_url().startswith("https://") else "0"
        )
        == "1",
        "SESSION_COOKIE_NAME": "ispm_session",
        # Behind a TLS-terminating proxy, trust its X-Forwarded-* headers (one hop).
        "TRUST_PROXY": os.environ.get("TRUST_PROXY", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 8 * 3600),
        # A signed-in session ends after this long without use (measured to within
        # LAST_SEEN_INTERVAL_SECONDS), and this long after signing in whatever happens.
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        # Two-factor codes: steps of 30 seconds either side of now that are accepted (clock
        # drift), and how long the code may wait after the password was accepted.
        "TOTP_VALID_WINDOW": _int("TOTP_VALID_WINDOW", 1),
        "TWO_FACTOR_PENDING_SECONDS": _int("TWO_FACTOR_PENDING_SECONDS", 5 * 60),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "LANGUAGES": ("en", "cy"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # The largest scan of a page signed on paper that is accepted (held in the database).
        "SIGNATURE_SCAN_MAX_BYTES": 5 * 1024 * 1024,
        # API (flask-smorest)
        "API_TITLE": "ISP Manager API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        "PAGE_SIZE": 25,
        "MAX_PAGE_SIZE": 100,
        # Login throttling: this many failures for one e-mail or one address within the window.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW_SECONDS": _int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60),
        # Many staff of one body may share an address, so an address gets a larger allowance.
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30),
        # Mail: SMTP when MAIL_SERVER is set, else .eml files in instance/outbox/.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "ISP Manager <no-reply@isp-manager.invalid>"),
        "MAIL_OUTBOX": str(instance_path / "outbox"),
        "SERVICE_URL": _service_url(),
        # Protocols
        "PROTECTIVE_MARKING": os.environ.get("PROTECTIVE_MARKING", "OFFICIAL"),
        "REVIEW_POLICY_MONTHS": _int("REVIEW_POLICY_MONTHS", 12),
        "REVIEW_REMINDER_MONTHS": _int("REVIEW_REMINDER_MONTHS", 3),
        # s.164 response periods in working days, per request type (no statutory deadline).
        "S164_RESPONSE_DAYS": {
            "co-operation": _int("S164_RESPONSE_DAYS_COOPERATION", 10),
            "information": _int("S164_RESPONSE_DAYS_INFORMATION", 10),
        },
        "S164_DUE_SOON_DAYS": _int("S164_DUE_SOON_DAYS", 2),
        "S164_EXTENSION_LIMIT_WORKING_DAYS": _int("S164_EXTENSION_LIMIT_WORKING_DAYS", 60),
        # s.137 board requests: the Act sets no deadline; local practice in working days.
        "S137_RESPONSE_DAYS": _int("S137_RESPONSE_DAYS", 20),
        "S137_DUE_SOON_DAYS": _int("S137_DUE_SOON_DAYS", 3),
        "S137_EXTENSION_LIMIT_WORKING_DAYS": _int("S137_EXTENSION_LIMIT_WORKING_DAYS", 60),
        # Logs: one JSON line a request in production (an https SERVICE_URL), text otherwise.
        "LOG_FORMAT": os.environ.get(
            "LOG_FORMAT", "json" if _service_url().startswith("https://") else "text"
        ).lower(),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        # Prometheus metrics at /metrics, off unless asked for; a bearer token if one is set.
        "METRICS_ENABLED": os.environ.get("METRICS_ENABLED", "0") == "1",
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # Single sign-on: seconds to wait for a provider, to keep its discovery document and
        # keys, and of clock difference allowed when checking an ID token's times.
        "SSO_HTTP_TIMEOUT_SECONDS": _int("SSO_HTTP_TIMEOUT_SECONDS", 5),
        "SSO_METADATA_CACHE_SECONDS": _int("SSO_METADATA_CACHE_SECONDS", 3600),
        "SSO_CLOCK_LEEWAY_SECONDS": _int("SSO_CLOCK_LEEWAY_SECONDS", 60),
        # The key the TOTP and client secrets are encrypted with at rest (see encryption.py):
        # a Fernet key or long random text; unset, one is derived from SECRET_KEY. Former
        # keys that still decrypt, comma-separated, until `flask reencrypt-secrets` has run.
        "DATA_ENCRYPTION_KEY": os.environ.get("DATA_ENCRYPTION_KEY", ""),
        "DATA_ENCRYPTION_OLD_KEYS": os.environ.get("DATA_ENCRYPTION_OLD_KEYS", ""),
        "TESTING": False,
    }
    config.update(overrides)
    if config["LOG_FORMAT"] not in ("json", "text"):
        raise ValueError("LOG_FORMAT must be json or text")
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = load_secret_key(instance_path)
    from .encryption import keys_from_config

    keys_from_config(config)  # a malformed DATA_ENCRYPTION_KEY stops the start, saying why
    return config
