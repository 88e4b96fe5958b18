"""HTML pages for protocols."""

from __future__ import annotations

from flask import Blueprint

from .templates_data import init_templates

bp = Blueprint("protocols", __name__)
bp.record_once(lambda state: init_templates(state.app))


@bp.get("/agreements")
def index():
    return "agreements"
