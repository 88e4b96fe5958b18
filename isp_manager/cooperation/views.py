"""HTML pages for s.164 requests."""

from flask import Blueprint

bp = Blueprint("cooperation", __name__, url_prefix="/requests")


@bp.get("/received")
def inbox():
    return ""


@bp.get("/<int:request_id>")
def show(request_id: int):
    return ""
