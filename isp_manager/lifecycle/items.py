"""The table of what was provided with an answer, as every kind's answer page shows it: a few
blank rows of what, fact/opinion/historical, when and how; blank rows are ignored, and the
services' messages for a row ("items.1") are put back beside that row."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import FieldList, Form, FormField, SelectField, StringField

from ..errors import DomainError
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..parties.forms import DayMonthYearField, apply_errors
from .models import NATURE_LABELS
from .services import MAX_ITEMS, ItemInput

ITEM_ROWS = 3  # blank rows offered for what was provided


class ItemForm(Form):
    """One thing provided (a sub-form: the parent carries the CSRF token)."""

    description = StringField(_l("What was provided"), widget=GovTextInput())
    nature = SelectField(
        _l("Fact, opinion or historical"), widget=GovSelect(), validate_choice=False
    )
    provided_on = DayMonthYearField(_l("Date provided"), what=_l("The date provided"))
    provided_how = StringField(_l("How it was provided"), widget=GovTextInput())

    def is_blank(self) -> bool:
        texts = (self.description.data, self.provided_how.data, self.nature.data)
        return not any((t or "").strip() for t in texts) and not any(
            self.provided_on.raw_data or ()
        )


def items_field() -> FieldList:
    """The `items` field of an answer form."""
    return FieldList(FormField(ItemForm), min_entries=ITEM_ROWS, max_entries=MAX_ITEMS)


def setup_items(form) -> None:
    natures = [("", _("Choose"))] + [(k.value, str(v)) for k, v in NATURE_LABELS.items()]
    for entry in form.items:
        entry.form.nature.choices = natures


def filled_items(form) -> list[ItemForm]:
    return [entry.form for entry in form.items if not entry.form.is_blank()]


def item_inputs(form) -> list[ItemInput]:
    return [
        ItemInput(i.description.data, i.nature.data, i.provided_on.data, i.provided_how.data)
        for i in filled_items(form)
    ]


def apply_answer_errors(form, error: DomainError) -> None:
    """Item messages ("items.1") show beside that row and in the summary; the rest as usual."""
    filled = filled_items(form)
    others = {}
    for key, messages in error.errors.items():
        row = key[6:] if key and key.startswith("items.") else ""
        if row.isdigit() and int(row) < len(filled):
            target = filled[int(row)].description
            target.errors = [*target.errors, *messages]
            form.form_errors.extend(messages)
        elif key == "items":
            form.form_errors.extend(messages)
        else:
            others[key] = messages
    apply_errors(form, DomainError(errors=others))
