"""Form widgets shared by every domain's forms."""

from __future__ import annotations

import json
from collections import OrderedDict

from flask_babel import get_locale
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput
from markupsafe import Markup

from .i18n import gettext as _
from .i18n import ngettext

# GOV.UK Frontend picks a plural form by the page language's CLDR category; Welsh has six.
_PLURAL_SAMPLES = (("zero", 0), ("one", 1), ("two", 2), ("few", 3), ("many", 6), ("other", 4))
_COUNT = "%{count}"  # filled in by GOV.UK Frontend


class UKDateInput(GovDateInput):
    """The GOV.UK date input (day, month, year) with its labels in the user's language."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None  # not submitted (e.g. a GET filter without this date)
        params = super().map_gov_params(field, **kwargs)
        labels = (_("Day"), _("Month"), _("Year"))
        for item, label in zip(params.get("items", []), labels, strict=False):
            item["label"] = label
        return params


def _plural_forms(text_for) -> dict[str, str]:
    return {category: text_for(n) for category, n in _PLURAL_SAMPLES}


class UKCharacterCount(GovCharacterCount):
    """The GOV.UK character count with its messages in the user's language (the component's
    own are English only). Params given in the template still win."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        texts = {
            "textareaDescriptionText": _("You can enter up to %(count)s characters", count=_COUNT),
            "charactersUnderLimitText": _plural_forms(
                lambda n: ngettext(
                    "You have %(count)s character remaining",
                    "You have %(count)s characters remaining",
                    n,
                    count=_COUNT,
                )
            ),
            "charactersAtLimitText": _("You have 0 characters remaining"),
            "charactersOverLimitText": _plural_forms(
                lambda n: ngettext(
                    "You have %(count)s character too many",
                    "You have %(count)s characters too many",
                    n,
                    count=_COUNT,
                )
            ),
        }
        return {**texts, **params}


# ----------------------------------------------------------------- rendered choice fields

# A field is drawn by GOV.UK Frontend's macros (a select option by option): on a list page's
# filters that is more work than the rest of the page. What they draw depends only on the
# params (label, hint, options, the chosen option, an error) and the language, so each process
# keeps the HTML of the last CHOICE_CACHE_SIZE distinct fields it drew. What people type stays
# out of the cache: text areas never, a text or date input only while it is empty.
CHOICE_CACHE_SIZE = 1024
CHOICE_CACHE_MAX_KEY = 64 * 1024  # a field with more options than this is drawn afresh
_CHOICE_TEMPLATES = frozenset(
    {
        "govuk_frontend_wtf/select.html",
        "govuk_frontend_wtf/radios.html",
        "govuk_frontend_wtf/checkboxes.html",
    }
)
_EMPTY_TEMPLATES = frozenset({"govuk_frontend_wtf/input.html", "govuk_frontend_wtf/date.html"})


def _keepable(template: str, params: dict) -> bool:
    if template in _CHOICE_TEMPLATES:
        return True
    if template not in _EMPTY_TEMPLATES:
        return False
    return not params.get("value") and not any(
        item.get("value") for item in params.get("items") or () if isinstance(item, dict)
    )


def _tagged(value):
    """`value` with safe markup told apart from text, so the two never share a cache key."""
    if isinstance(value, Markup):
        return {"__html__": str(value)}
    if isinstance(value, dict):
        return {str(k): _tagged(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tagged(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy translations and the like, as they read now


class _ChoiceCache:
    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[tuple, Markup] = OrderedDict()

    def render(self, widget, params, draw) -> Markup:
        if not _keepable(widget.template, params):
            return draw(widget, params)
        key_text = json.dumps(_tagged(params), sort_keys=True, separators=(",", ":"))
        if len(key_text) > CHOICE_CACHE_MAX_KEY:
            return draw(widget, params)
        key = (widget.template, str(get_locale()), key_text)
        html = self.entries.get(key)
        if html is not None:
            self.entries.move_to_end(key)
            return html
        html = draw(widget, params)
        self.entries[key] = html
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return html


choice_cache = _ChoiceCache(CHOICE_CACHE_SIZE)


def keep_rendered_choice_fields() -> None:
    """Draw choice fields through the cache (once per process; create_app calls it)."""
    if getattr(GovFormBase.render, "_keeps_choices", False):
        return
    draw = GovFormBase.render

    def render(self, params):
        return choice_cache.render(self, params, draw)

    render._keeps_choices = True
    GovFormBase.render = render
