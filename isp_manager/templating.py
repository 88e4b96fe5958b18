"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from .i18n import current_locale, uk_date, uk_datetime
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .law import catalogue as law_catalogue


def _switch_language_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    endpoint = request.endpoint or "site.home"
    values = dict(request.view_args or {})
    try:
        return url_for(endpoint, **values, **args)
    except Exception:  # endpoints that need POST data: fall back to the same path
        return f"{request.path}?lang={lang}"


def _law_label(code: str | None, catalogue_name: str) -> str:
    catalogue = getattr(law_catalogue, catalogue_name)
    return law_catalogue.label(catalogue, code, current_locale())


def _law_section(code: str | None, catalogue_name: str) -> str:
    """A provision's citation as a reader sees it ("s.164(2)(a)"), never its code."""
    entry = getattr(law_catalogue, catalogue_name).get(code)
    return entry.section_for(current_locale()) if entry else ""


def _form_errors(form) -> dict:
    from govuk_frontend_wtf.main import wtforms_errors
    from govuk_frontend_wtf.wtforms_widgets import GovDateInput

    params = wtforms_errors(form, {"titleText": _("There is a problem")})
    # A date's link goes to its Day box (the first input), not to the group around the three.
    date_inputs = {
        f"#{field.id}": f"#{field.name}-day"
        for field in form
        if isinstance(getattr(field, "widget", None), GovDateInput)
    }
    # Messages about the whole form (not one field) are all listed, without a link.
    items = [
        {**item, "href": date_inputs.get(item.get("href"), item.get("href"))}
        for item in params["errorList"]
        if item.get("href") != "#None"
    ]
    items += [{"text": message} for message in getattr(form, "form_errors", [])]
    params["errorList"] = items
    return params


# The service navigation: (endpoint, label, who sees it, endpoint prefix that marks it active).
# An entry whose endpoint is not registered is left out, so a domain appears when it lands.
NAVIGATION = [
    ("protocols.index", _l("Agreements"), lambda u: True, "protocols."),
    (
        "agreements_register.reviews_due",
        _l("Reviews due"),
        lambda u: True,
        "agreements_register.reviews_due",
    ),
    ("cooperation.inbox", _l("Section 164 requests"), lambda u: True, "cooperation."),
    ("board_requests.index", _l("Board requests (s.137)"), lambda u: True, "board_requests."),
    ("decisions.register", _l("Decisions"), lambda u: True, "decisions."),
    ("parties.register", _l("Organisations"), lambda u: True, "parties."),
    (
        "qa_groups.index",
        _l("QA groups"),
        lambda u: u.is_admin or u.role == "ig_lead",
        "qa_groups.",
    ),
    (
        "contacts.who_answers",
        _l("Who answers requests"),
        lambda u: u.role == "ig_lead",
        "contacts.",
    ),
    ("retention.index", _l("Retention"), lambda u: u.role == "ig_lead", "retention."),
    ("organisation.home", _l("Your organisation"), lambda u: u.role == "ig_lead", "organisation."),
    (
        "audit.index",
        _l("Audit log"),
        lambda u: u.can_read_everything or u.role == "ig_lead",
        "audit.",
    ),
    ("accounts.admin_users", _l("Users"), lambda u: u.is_admin, "accounts.admin_"),
    (
        "sso.providers",
        _l("Sign-in providers"),
        lambda u: u.is_admin or u.role == "ig_lead",
        "sso.",
    ),
]


def navigation_items() -> list[dict]:
    endpoint = request.endpoint or ""
    items = []
    for target, label, visible, prefix in NAVIGATION:
        if target not in current_app.view_functions or not visible(current_user):
            continue
        items.append(
            {"href": url_for(target), "text": str(label), "active": endpoint.startswith(prefix)}
        )
    return items


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(navigation_items, "navigation_items")
    app.add_template_filter(uk_date, "uk_date")
    app.add_template_filter(uk_datetime, "uk_datetime")
    app.add_template_global(_switch_language_url, "switch_language_url")
    app.add_template_global(current_locale, "current_locale")
    app.add_template_global(_law_label, "law_label")
    app.add_template_global(_law_section, "law_section")
    app.add_template_global(_form_errors, "form_errors")
