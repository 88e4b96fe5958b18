"""Who is asking: session sign-in for pages, bearer tokens for the API, and role checks."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from ..db import utcnow
from ..extensions import db
from .models import ApiToken, Role, User, hash_token

API_PREFIX = "/api/v1/"
PUBLIC_API_PATHS = {"/api/v1/openapi.json"}
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_id: str):
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or str(user.session_version) != version:
            return None
        return user

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
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_TOUCH_INTERVAL:
        api_token.last_used_at = now
    return api_token.user


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
