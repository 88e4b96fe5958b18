"""API resources for parties."""

from flask_smorest import Blueprint

blp = Blueprint("parties_api", __name__, url_prefix="/parties")
