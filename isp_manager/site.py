"""Service-wide pages: home, accessibility statement, privacy notice, cookies, health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from .extensions import db
from .todo import tasks_for

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("site/start.html")
    return render_template("site/home.html", tasks=tasks_for(current_user))


@bp.get("/accessibility")
def accessibility():
    return render_template("site/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("site/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_template("site/cookies.html")


@bp.get("/healthz")
def health():
    db.session.execute(sa.text("SELECT 1"))
    return jsonify(status="ok")
