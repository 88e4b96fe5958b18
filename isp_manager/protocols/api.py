"""API resources for protocols."""

from flask_smorest import Blueprint

blp = Blueprint("protocols_api", __name__, url_prefix="/protocols")
