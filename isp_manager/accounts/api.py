"""API resources for accounts."""

from flask_smorest import Blueprint

blp = Blueprint("accounts_api", __name__, url_prefix="/accounts")
