"""API resources for audit."""

from flask_smorest import Blueprint

blp = Blueprint("audit_api", __name__, url_prefix="/audit")
