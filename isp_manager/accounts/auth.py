"""Who is asking: session sign-in for pages, bearer tokens for the API, and role checks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, jsonify, request, session
from flask_login import LoginManager, current_user

from ..db import transaction_intent, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import ApiToken, Role, User, UserSession, hash_token

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1/"
PUBLIC_API_PATHS = {"/api/v1/openapi.json"}


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_key: str):
        from .services import session_ended_because, session_for_key

        user_session = session_for_key(session_key)  # one query: the session and its user
        if user_session is None or not user_session.user.is_active:
            return None
        ended = session_ended_because(user_session)
        if ended is not None:
            # The sign-in page says why; the cookie forgets the session.
            session.pop("_user_id", None)
            session["session_ended"] = ended
            return None
        if _is_due(user_session.last_seen_at):
            g._record_session_seen = user_session.id
        user = user_session.user
        user.session_key = session_key
        return user

    @app.teardown_request
    def _record_last_use(_exc):
        record_last_use(g.pop("_record_session_seen", None), g.pop("_record_token_used", None))

    @app.before_request
    def _authenticate_api():
        # Who is asking is decided afresh for every request, even when requests share an
        # application context (as they do in tests).
        g.pop("_login_user", None)
        g.pop("api_request", None)
        if not request.path.startswith(API_PREFIX) or request.path in PUBLIC_API_PATHS:
            return None
        user = user_from_bearer(request.headers.get("Authorization", ""))
        if user is None:
            response = jsonify(
                code=401,
                status="Unauthorized",
                message=str(
                    _l("Send a valid API token in the Authorization header: Bearer <token>.")
                ),
            )
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="isp-manager"'
            return response
        g._login_user = user
        g.api_request = True
        return None


def user_from_bearer(header: str) -> User | None:
    """The active user an Authorization: Bearer header belongs to, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    api_token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()))
    )
    if api_token is None or api_token.is_revoked or not api_token.user.is_active:
        return None
    if has_request_context() and _is_due(api_token.last_used_at):
        g._record_token_used = api_token.id
    return api_token.user


def _is_due(last: datetime | None) -> bool:
    config = current_app.config
    # Often enough that an active session is never taken for an idle one.
    seconds = min(config["LAST_SEEN_INTERVAL_SECONDS"], config["SESSION_IDLE_MINUTES"] * 15)
    interval = timedelta(seconds=seconds)
    return last is None or utcnow() - last >= interval


def record_last_use(session_id: int | None, token_id: int | None) -> None:
    """Note when a session or token was last used: after the request's own transaction, in a
    short one of its own (so a page that only reads never waits for the write lock), at most
    every LAST_SEEN_INTERVAL_SECONDS, and never failing the request: if the database is busy
    the note waits for the next request."""
    if session_id is None and token_id is None:
        return
    now = utcnow()
    try:
        with transaction_intent(writes=True):
            if session_id is not None:
                db.session.execute(
                    sa.update(UserSession)
                    .where(UserSession.id == session_id)
                    .values(last_seen_at=now)
                )
            if token_id is not None:
                db.session.execute(
                    sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
                )
            db.session.commit()
    except sa.exc.SQLAlchemyError:
        log.warning("last use not recorded (database busy); the next request will try again")
        db.session.rollback()


def roles_required(*roles: Role):
    """Page decorator: signed in, and one of these roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
