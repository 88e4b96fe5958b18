"""Form widgets shared by every domain's forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput

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
