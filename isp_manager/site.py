"""Service-wide pages: home, accessibility statement, privacy notice, cookies, health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from .ops.readiness import readiness_problem
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
    """The process answers (for a load balancer's liveness check): no database involved."""
    return jsonify(status="ok")


@bp.get("/readyz")
def ready():
    """The database answers and its schema is at the migrations' head: 200, else 503 and why."""
    problem = readiness_problem()
    if problem is None:
        return jsonify(status="ready")
    response = jsonify(status="unavailable", reason=problem)
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response
