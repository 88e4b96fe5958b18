"""Language choice (English / Cymraeg) and UK date formats."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale


def select_locale() -> str:
    """?lang= switches and remembers; then the session; then the browser's preference."""
    if not has_request_context():  # command line and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or "en"


def current_locale() -> str:
    return str(get_locale() or "en")


def letter_language(value: str | None) -> str:
    """The language a letter is written in: the one asked for (`?language=en|cy|bilingual`),
    else the reader's; anything else is refused, naming the field. Every kind's letters
    choose it this way, as every other Word export does."""
    from .documents.layout import document_language

    return document_language(value)


def uk_date(value: date | datetime | None, style: str = "long") -> str:
    """25 November 2026 (long) or 25/11/2026 (short); in Welsh, Welsh month names."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if style != "time" else value
    pattern = {"long": "d MMMM yyyy", "short": "dd/MM/yyyy", "medium": "d MMM yyyy"}.get(style)
    if style == "time":
        return format_datetime(value, "d MMMM yyyy, HH:mm")
    return format_date(value, pattern)


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "d MMMM yyyy, HH:mm")
