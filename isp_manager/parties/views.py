"""HTML pages for parties."""

from flask import Blueprint

bp = Blueprint("parties", __name__)


@bp.get("/organisations")
def register():
    return "register"
