"""Language choice (English / Cymraeg), the translation functions, and UK date formats.

`gettext` and friends here behave as Flask-Babel's, and every module and template uses these:
Flask-Babel looks up the locale and catalogue afresh on each call (a page makes a few hundred),
where these find the catalogue once per request and locale. `force_locale` (a letter in the
recipient's language) and `refresh` still switch it, since the cache is keyed to the locale."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import get_translations as _babel_translations
from flask_babel.speaklater import LazyString


def translations():
    """The catalogue of the current locale: found once, then kept with Flask-Babel's own
    record of the request's locale (which `force_locale` and `refresh` replace)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        state = app_ctx.g.__dict__.get("_flask_babel")
        locale = state.__dict__.get("babel_locale") if state is not None else None
        if locale is not None:
            cached = state.__dict__.get("isp_translations")
            if cached is not None and cached[0] is locale:
                return cached[1]
            found = _babel_translations()
            state.isp_translations = (locale, found)
            return found
    return _babel_translations()


def gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    text = translations().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def install_template_translations(app: Flask) -> None:
    """Templates translate through the same cached catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


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
