"""HTML pages for accounts."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    return "sign in"


@bp.post("/sign-out")
def logout():
    return "sign out"


@bp.get("/account")
def my_account():
    return "account"
