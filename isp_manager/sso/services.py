"""Single sign-on with OpenID Connect: the providers an administrator configures, and the
authorization code flow (PKCE S256, state and nonce) that signs a person in through one.

Services flush and never commit. A refused sign-in raises SsoRefused; the page rolls back
whatever the attempt began, records the refusal (record_refusal) and commits only that.
The client secret is never logged nor shown back.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from flask import current_app
from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from ..accounts import passwords
from ..accounts.models import Role, User
from ..accounts.services import create_user, organisation_by_code, user_by_email
from ..audit.services import changes, record_event
from ..db import utcnow
from ..encryption import SecretUnreadable
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..parties.models import Organisation
from ..text_input import is_storable
from .models import SsoDomain, SsoProvider

NAME_MAX = 100
ISSUER_MAX = 500
CLIENT_ID_MAX = 255
SECRET_MAX = 500
DOMAINS_MAX = 50
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Sign-ins begun but not finished, kept in the session: at most this many, for this long.
PENDING_MAX = 5
PENDING_SECONDS = 10 * 60


# ---------------------------------------------------------------- configuring providers


def provider_view(provider: SsoProvider) -> dict:
    """What the audit log records about a provider (never the secret itself)."""
    return {
        "name": provider.name,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "organisation": provider.organisation.code if provider.organisation else None,
        "domains": {d.domain: d.creates_accounts for d in provider.domains},
        "is_enabled": provider.is_enabled,
    }


def _text(raw, field, label_missing, limit, label_long) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(label_missing, field=field)
    if len(text) > limit:
        raise InvalidInput(label_long % {"n": limit}, field=field)
    if not is_storable(text):
        raise InvalidInput(_("Remove the control characters from this field"), field=field)
    return text


def _name(raw) -> str:
    return " ".join(
        _text(
            raw,
            "name",
            _("Enter the name people see on the sign-in button, like Cardiff Council"),
            NAME_MAX,
            _("Display name must be %(n)d characters or fewer"),
        ).split()
    )


def _issuer(raw) -> str:
    issuer = _text(
        raw,
        "issuer",
        _("Enter the issuer URL the provider gives, like https://login.microsoftonline.com/…/v2.0"),
        ISSUER_MAX,
        _("Issuer URL must be %(n)d characters or fewer"),
    )
    parts = urlsplit(issuer)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    )
    if not secure or not parts.hostname or parts.query or parts.fragment or " " in issuer:
        raise InvalidInput(
            _(
                "Enter the issuer as an https:// URL without a query, like https://login.example.org"
            ),
            field="issuer",
        )
    return issuer.rstrip("/") if parts.path in ("", "/") else issuer


def _client_id(raw) -> str:
    return _text(
        raw,
        "client_id",
        _("Enter the client ID the provider gave this service"),
        CLIENT_ID_MAX,
        _("Client ID must be %(n)d characters or fewer"),
    )


def _secret(raw) -> str:
    return _text(
        raw,
        "client_secret",
        _("Enter the client secret the provider gave this service"),
        SECRET_MAX,
        _("Client secret must be %(n)d characters or fewer"),
    )


def parse_domains(raw: str | list[str] | None) -> list[str]:
    """E-mail domains, one a line (or comma-separated), in lower case, each once."""
    items = raw if isinstance(raw, list) else re.split(r"[\s,;]+", raw or "")
    domains: list[str] = []
    for item in items:
        domain = item.strip().lower().lstrip("@")
        if not domain:
            continue
        if not DOMAIN_RE.match(domain):
            raise InvalidInput(
                _(
                    "%(domain)s is not an e-mail domain. Enter domains like cardiff.gov.uk, "
                    "one a line",
                    domain=domain[:60],
                ),
                field="domains",
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise InvalidInput(
            _("Enter the e-mail domains this provider vouches for, like cardiff.gov.uk"),
            field="domains",
        )
    if len(domains) > DOMAINS_MAX:
        raise InvalidInput(
            _("Enter %(n)d domains or fewer", n=DOMAINS_MAX),
            field="domains",
        )
    return domains


def _organisation(raw) -> Organisation:
    if isinstance(raw, Organisation):
        return raw
    try:
        return organisation_by_code(raw)
    except InvalidInput as error:
        raise InvalidInput(
            errors={"organisation": error.errors.get("organisation", [error.message])}
        ) from None


def _parsed(values: dict, secret_required: bool) -> dict:
    """Every field parsed, or one InvalidInput naming each field that is wrong."""
    parsers = {
        "name": _name,
        "issuer": _issuer,
        "client_id": _client_id,
        "organisation": _organisation,
        "domains": parse_domains,
    }
    if secret_required or (values.get("client_secret") or "").strip():
        parsers["client_secret"] = _secret
    parsed, errors = {}, {}
    for field, parse in parsers.items():
        try:
            parsed[field] = parse(values.get(field))
        except InvalidInput as error:
            errors.setdefault(field, []).extend(m for ms in error.errors.values() for m in ms)
    if errors:
        raise InvalidInput(errors=errors)
    return parsed


def _check_name_free(name: str, provider: SsoProvider | None) -> None:
    other = db.session.scalar(
        sa.select(SsoProvider).where(sa.func.lower(SsoProvider.name) == name.lower())
    )
    if other is not None and other is not provider:
        raise InvalidInput(_("Another provider already has this display name"), field="name")


def _set_domains(provider: SsoProvider, domains: list[str]) -> None:
    """The listed domains; a domain kept keeps its account-creation switch, a new one is off."""
    kept = {d.domain: d for d in provider.domains}
    provider.domains = [
        kept.get(d) or SsoDomain(domain=d, creates_accounts=False) for d in sorted(domains)
    ]


def create_provider(
    *,
    name,
    issuer,
    client_id,
    client_secret,
    organisation,
    domains,
    by: User | None,
) -> SsoProvider:
    """A new, enabled provider. Its domains create no accounts until their switch is turned on."""
    require_configure(by)
    values = _parsed(
        {
            "name": name,
            "issuer": issuer,
            "client_id": client_id,
            "client_secret": client_secret,
            "organisation": organisation,
            "domains": domains,
        },
        secret_required=True,
    )
    _check_name_free(values["name"], None)
    provider = SsoProvider(
        name=values["name"],
        issuer=values["issuer"],
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        organisation=values["organisation"],
        is_enabled=True,
    )
    _set_domains(provider, values["domains"])
    db.session.add(provider)
    db.session.flush()
    record_event("sso.provider_created", provider, by=by, after=provider_view(provider))
    return provider


def update_provider(
    provider: SsoProvider,
    *,
    name,
    issuer,
    client_id,
    client_secret,
    organisation,
    domains,
    by: User | None,
) -> None:
    """Change a provider. A blank secret keeps the one stored."""
    require_configure(by, provider)
    values = _parsed(
        {
            "name": name,
            "issuer": issuer,
            "client_id": client_id,
            "client_secret": client_secret,
            "organisation": organisation,
            "domains": domains,
        },
        secret_required=False,
    )
    _check_name_free(values["name"], provider)
    before = provider_view(provider)
    provider.name = values["name"]
    provider.issuer = values["issuer"]
    provider.client_id = values["client_id"]
    provider.organisation = values["organisation"]
    secret_changed = "client_secret" in values and _secret_differs(
        provider, values["client_secret"]
    )
    if secret_changed:
        provider.client_secret = values["client_secret"]
    _set_domains(provider, values["domains"])
    db.session.flush()
    old, new = changes(before, provider_view(provider))
    if secret_changed:
        old["client_secret"], new["client_secret"] = "(stored)", "(changed)"
    if new:
        record_event("sso.provider_updated", provider, by=by, before=old, after=new)
    forget_metadata(before["issuer"])


def _secret_differs(provider: SsoProvider, secret: str) -> bool:
    """Whether `secret` is not the one stored (one the key cannot open is replaced)."""
    try:
        return secret != provider.client_secret
    except SecretUnreadable:
        return True


def set_provider_enabled(provider: SsoProvider, enabled: bool, *, by: User | None) -> None:
    """Disable a provider (nobody signs in with it; accounts and passwords are untouched),
    or enable it again."""
    require_configure(by, provider)
    if provider.is_enabled == enabled:
        return
    provider.is_enabled = enabled
    db.session.flush()
    record_event(
        "sso.provider_enabled" if enabled else "sso.provider_disabled",
        provider,
        by=by,
        before={"is_enabled": not enabled},
        after={"is_enabled": enabled},
    )


def can_configure_providers(user: User | None) -> bool:
    """Administrators (and the command line) add, change, disable and enable providers."""
    return user is None or user.is_admin


def require_configure(user: User | None, provider: SsoProvider | None = None) -> None:
    """NotFound for a provider the user may not see, PermissionDenied for one they may see
    (their organisation's, as its IG lead) or for adding one, when they are not an
    administrator."""
    if can_configure_providers(user):
        return
    if provider is not None and not can_view_provider(user, provider):
        raise NotFound(_("There is no such provider"))
    raise PermissionDenied(_("Only the service's administrators can configure sign-in providers"))


def get_provider_for(user: User, provider_id: int) -> SsoProvider:
    """The provider, if the user may see it; NotFound otherwise (never reveal it)."""
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or not can_view_provider(user, provider):
        raise NotFound(_("There is no such provider"))
    return provider


def can_list_providers(user: User) -> bool:
    return user.is_admin or user.role == Role.IG_LEAD


def can_set_account_creation(user: User, provider: SsoProvider) -> bool:
    """Administrators, and the IG lead of the organisation the provider serves."""
    return user.is_admin or (
        user.role == Role.IG_LEAD and user.organisation_id == provider.organisation_id
    )


def can_view_provider(user: User, provider: SsoProvider) -> bool:
    return user.is_admin or can_set_account_creation(user, provider)


def set_account_creation(provider: SsoProvider, domain_ids: set[int], *, by: User) -> None:
    """Which of the provider's domains create a practitioner account on first sign-in."""
    if not can_set_account_creation(by, provider):
        raise NotFound(_("There is no such provider"))
    unknown = domain_ids - {d.id for d in provider.domains}
    if unknown:
        raise InvalidInput(_("Choose domains of this provider only"), field="domains")
    before = {d.domain: d.creates_accounts for d in provider.domains}
    for domain in provider.domains:
        domain.creates_accounts = domain.id in domain_ids
    after = {d.domain: d.creates_accounts for d in provider.domains}
    db.session.flush()
    old, new = changes(before, after)
    if new:
        record_event(
            "sso.account_creation_changed",
            provider,
            by=by,
            before={"creates_accounts": old},
            after={"creates_accounts": new},
        )


def providers_query() -> sa.Select:
    return sa.select(SsoProvider).order_by(SsoProvider.name, SsoProvider.id)


def providers_for(user: User) -> sa.Select:
    """The providers a user may open: every one for administrators, their organisation's for
    its IG lead, none for anyone else."""
    query = providers_query()
    if user.is_admin:
        return query
    if user.role == Role.IG_LEAD:
        return query.where(SsoProvider.organisation_id == user.organisation_id)
    return query.where(sa.false())


def enabled_providers() -> list[SsoProvider]:
    """The providers offered on the sign-in page."""
    return list(
        db.session.scalars(
            sa.select(SsoProvider).where(SsoProvider.is_enabled).order_by(SsoProvider.name)
        )
    )


def enabled_provider(provider_id: int) -> SsoProvider | None:
    provider = db.session.get(SsoProvider, provider_id)
    return provider if provider is not None and provider.is_enabled else None


# ---------------------------------------------------------------- discovery and keys


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be fetched or made no sense."""


_cache: dict[tuple[str, str], tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def forget_metadata(issuer: str | None = None) -> None:
    """Drop cached discovery documents and keys (of one issuer, or all)."""
    with _cache_lock:
        for key in [k for k in _cache if issuer is None or k[0] == issuer]:
            del _cache[key]


def _fetch_json(url: str) -> dict:
    timeout = current_app.config["SSO_HTTP_TIMEOUT_SECONDS"]
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {type(error).__name__}") from None
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return data


def _cached(issuer: str, kind: str, load, force: bool = False) -> dict:
    key = (issuer, kind)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > now and not force:
        return hit[1]
    data = load()
    with _cache_lock:
        _cache[key] = (now + current_app.config["SSO_METADATA_CACHE_SECONDS"], data)
    return data


def discovery(provider: SsoProvider) -> dict:
    """The provider's OpenID configuration, fetched with a timeout and cached. Its issuer must
    be the one configured, and it must name the endpoints the flow uses."""

    def load() -> dict:
        data = _fetch_json(provider.issuer + "/.well-known/openid-configuration")
        if data.get("issuer") != provider.issuer:
            raise ProviderUnavailable("the discovery document names another issuer")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(name), str):
                raise ProviderUnavailable(f"the discovery document has no {name}")
        return data

    return _cached(provider.issuer, "discovery", load)


def signing_keys(provider: SsoProvider, force: bool = False) -> KeySet:
    """The provider's public keys (JWKS), fetched with a timeout and cached."""
    uri = discovery(provider)["jwks_uri"]
    data = _cached(provider.issuer, "jwks", lambda: _fetch_json(uri), force=force)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderUnavailable("the provider's keys could not be read") from None


# ---------------------------------------------------------------- signing in


class SsoRefused(InvalidInput):
    """A sign-in through a provider refused; `reason` is what the audit log records."""

    def __init__(self, reason: str, message: str, *, email: str | None = None):
        super().__init__(message, field=None)
        self.reason = reason
        self.email = email


def _refused(reason: str, email: str | None = None) -> SsoRefused:
    return SsoRefused(reason, refusal_message(reason), email=email)


def refusal_message(reason: str) -> str | None:
    """What the sign-in page says of a refusal, by its reason (None for an unknown one)."""
    messages = {
        "provider_unavailable": _(
            "The sign-in service could not be reached. Try again later, or sign in with your "
            "email address and password"
        ),
        "provider_error": _(
            "The sign-in service did not sign you in. Try again, or sign in with your email "
            "address and password"
        ),
        "state": _(
            "This sign-in link has already been used or has expired. Start again from this page"
        ),
        "token": _("The sign-in service did not confirm who you are. Start again from this page"),
        "audience": _(
            "The sign-in service's answer was meant for another service, so you are not "
            "signed in. Ask your administrator to check the client ID"
        ),
        "expired": _("The sign-in service's answer had expired. Start again from this page"),
        "issuer": _(
            "The sign-in service's answer came from another issuer, so you are not signed in"
        ),
        "nonce": _(
            "The sign-in service's answer did not belong to this sign-in. Start again from "
            "this page"
        ),
        "email_unverified": _(
            "Your sign-in service has not verified your email address, so you cannot sign in "
            "with it. Ask your IT service desk, or sign in with your email address and password"
        ),
        "domain_not_vouched": _(
            "This sign-in service cannot sign in people with email addresses of that domain. "
            "Use your own organisation's sign-in button"
        ),
        "no_account": _(
            "There is no account for your email address. Ask an administrator of this service "
            "to create one"
        ),
        "account_disabled": _(
            "Your account has been deactivated. Ask an administrator of this service"
        ),
    }
    return messages.get(reason)


def begin_sign_in(provider: SsoProvider, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorization URL and what the session keeps until the answer comes back:
    the state, the nonce and the PKCE code verifier (S256)."""
    try:
        metadata = discovery(provider)
    except ProviderUnavailable:
        raise _refused("provider_unavailable") from None
    state = generate_token(32)
    nonce = generate_token(32)
    verifier = secrets.token_urlsafe(64)
    client = OAuth2Session(provider.client_id, scope="openid email profile")
    url, _state = client.create_authorization_url(
        metadata["authorization_endpoint"],
        redirect_uri=redirect_uri,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    pending = {
        "state": state,
        "provider_id": provider.id,
        "nonce": nonce,
        "code_verifier": verifier,
        "started": int(time.time()),
    }
    return url, pending


def remember_pending(pendings: list[dict] | None, pending: dict) -> list[dict]:
    """The session's list of sign-ins under way, with this one added (old ones dropped)."""
    now = int(time.time())
    kept = [p for p in (pendings or []) if now - p.get("started", 0) < PENDING_SECONDS]
    return [*kept, pending][-PENDING_MAX:]


def take_pending(pendings: list[dict] | None, state: str | None, provider: SsoProvider):
    """(the sign-in under way this answer belongs to or None, the list without it)."""
    now = int(time.time())
    rest, found = [], None
    for pending in pendings or []:
        if found is None and state and secrets.compare_digest(str(pending.get("state", "")), state):
            found = pending
        else:
            rest.append(pending)
    if (
        found is None
        or found.get("provider_id") != provider.id
        or now - found.get("started", 0) >= PENDING_SECONDS
    ):
        return None, rest
    return found, rest


def complete_sign_in(
    provider: SsoProvider, pending: dict | None, params: dict, redirect_uri: str
) -> User:
    """The user the provider's answer signs in, or SsoRefused. `pending` is what
    begin_sign_in kept for this answer's state (None: unknown, used or expired state)."""
    if pending is None:
        raise _refused("state")
    if params.get("error") or not params.get("code"):
        raise _refused("provider_error")
    try:
        metadata = discovery(provider)
    except ProviderUnavailable:
        raise _refused("provider_unavailable") from None
    token = _exchange_code(provider, metadata, params["code"], pending, redirect_uri)
    claims = verify_id_token(provider, token.get("id_token"), pending["nonce"], token)
    return _user_for_claims(provider, claims)


def _exchange_code(provider, metadata, code, pending, redirect_uri) -> dict:
    client = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method's name)
    )
    try:
        token = client.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=pending["code_verifier"],
            timeout=current_app.config["SSO_HTTP_TIMEOUT_SECONDS"],
        )
    except requests.RequestException:
        raise _refused("provider_unavailable") from None
    except Exception:  # noqa: BLE001  (authlib raises OAuthError and others for a refused code)
        raise _refused("token") from None
    if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
        raise _refused("token")
    return token


def _claims_options(provider: SsoProvider, nonce: str) -> dict:
    """Every ID token must name this issuer, this client as its audience, an expiry, and
    the nonce this sign-in sent."""
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }


def _decode(provider: SsoProvider, id_token: str, algorithms):
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        return jwt.decode(id_token, signing_keys(provider), registry=registry)
    except InvalidKeyIdError:
        # The provider may have rolled its keys since they were cached.
        return jwt.decode(id_token, signing_keys(provider, force=True), registry=registry)


def verify_id_token(
    provider: SsoProvider, id_token: str | None, nonce: str, token: dict | None = None
) -> dict:
    """The ID token's claims once its signature (the provider's JWKS), issuer, audience,
    expiry and nonce are verified; SsoRefused naming what failed otherwise."""
    if not id_token:
        raise _refused("token")
    try:
        metadata = discovery(provider)
        algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in algorithms if a != "none"]
        decoded = _decode(provider, id_token, algorithms)
    except ProviderUnavailable:
        raise _refused("provider_unavailable") from None
    except (JoseError, ValueError, TypeError):
        raise _refused("token") from None
    params = {"nonce": nonce, "client_id": provider.client_id}
    if token and token.get("access_token"):
        params["access_token"] = token["access_token"]
    claims = CodeIDToken(decoded.claims, decoded.header, _claims_options(provider, nonce), params)
    try:
        claims.validate(leeway=current_app.config["SSO_CLOCK_LEEWAY_SECONDS"])
    except ExpiredTokenError:
        raise _refused("expired") from None
    except (InvalidClaimError, MissingClaimError) as error:
        reason = {"aud": "audience", "azp": "audience", "iss": "issuer", "nonce": "nonce"}
        raise _refused(reason.get(error.claim, "token")) from None
    except JoseError:
        raise _refused("token") from None
    return dict(claims)


def _user_for_claims(provider: SsoProvider, claims: dict) -> User:
    email = claims.get("email")
    email = email.strip().lower()[:254] if isinstance(email, str) else None
    if not email or "@" not in email:
        raise _refused("email_unverified")
    if claims.get("email_verified") is not True:
        raise _refused("email_unverified", email)
    domain = provider.domain_for(email)
    if domain is None:
        raise _refused("domain_not_vouched", email)
    user = user_by_email(email)
    if user is None:
        if not domain.creates_accounts:
            raise _refused("no_account", email)
        user = _create_practitioner(provider, email, claims)
    elif not user.is_active_user:
        raise _refused("account_disabled", email)
    user.last_login_at = utcnow()
    db.session.flush()
    record_event(
        "user.signed_in",
        user,
        by=user,
        after={"method": "sso", "provider": provider.name, "subject": claims.get("sub")},
    )
    return user


def _display_name(claims: dict, email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    name = " ".join((name or "").split())[:200]
    return name if name and is_storable(name) else email.partition("@")[0]


def _create_practitioner(provider: SsoProvider, email: str, claims: dict) -> User:
    """A first sign-in where the domain allows it: a practitioner of the provider's
    organisation, with a random password nobody knows (they sign in through the provider)."""
    if not provider.organisation.is_active:
        raise _refused("no_account", email)
    try:
        user, _generated = create_user(
            email,
            _display_name(claims, email),
            provider.organisation,
            Role.PRACTITIONER,
            password=passwords.generate_password(),
            by=None,
        )
    except InvalidInput:
        raise _refused("no_account", email) from None
    record_event(
        "sso.account_created",
        provider,
        by=None,
        after={"user": user.id, "email": email, "role": Role.PRACTITIONER},
    )
    return user


def record_refusal(provider: SsoProvider, error: SsoRefused) -> None:
    """The audit event of a refused sign-in (the only change a refusal makes)."""
    record_event(
        "sso.sign_in_refused",
        provider,
        by=None,
        after={"reason": error.reason, "email": error.email},
    )
