"""Form widgets shared by every domain's forms."""

from __future__ import annotations

from flask_babel import gettext as _
from govuk_frontend_wtf.wtforms_widgets import GovDateInput


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
