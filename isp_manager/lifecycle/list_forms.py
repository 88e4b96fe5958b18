"""The "find a request" filters of every kind's list page (a GET form), and how they become the
lifecycle's ListFilters. A kind adds its own fields by subclassing (s.164: the request type)."""

from __future__ import annotations

import sqlalchemy as sa
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField

from ..errors import InvalidInput
from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..parties.forms import DayMonthYearField, apply_errors
from ..parties.services import find_body
from .lists import (
    ALL_STATES,
    CASE_REFERENCE_MAX_LENGTH,
    DATE_RANGES,
    OPEN,
    ListFilters,
    check_filters,
)
from .models import DEADLINE_LABELS, DeadlineStatus, RequestState

REFERENCE_SEARCH_LENGTH = 30
# The fields whose values a list's links (pages, CSV) keep.
DATE_FIELDS = ("sent_from", "sent_to", "due_from", "due_to")


class ListFilterForm(FlaskForm):
    """Find a request: by reference, the requester's case reference, state, deadline, the other
    body, and the dates it was sent and is due."""

    class Meta:
        csrf = False

    reference = StringField(_l("Reference"), widget=GovTextInput())
    case_reference = StringField(_l("Requester’s case reference"), widget=GovTextInput())
    state = SelectField(_l("State"), widget=GovSelect(), validate_choice=False, default=OPEN)
    deadline = SelectField(_l("Deadline"), widget=GovSelect(), validate_choice=False)
    counterparty = StringField(_l("Body"), widget=GovTextInput())
    sent_from = DayMonthYearField(_l("Sent from"), what=_l("The sent from date"))
    sent_to = DayMonthYearField(_l("Sent to"), what=_l("The sent to date"))
    due_from = DayMonthYearField(_l("Due from"), what=_l("The due from date"))
    due_to = DayMonthYearField(_l("Due to"), what=_l("The due to date"))

    def setup(self, bodies: sa.Select, *, with_drafts: bool, locale: str) -> ListFilterForm:
        """`bodies`: the organisations the body filter may name (a select, read only when a
        body is typed)."""
        self.bodies = bodies
        states = [s for s in RequestState if s is not RequestState.DRAFT or with_drafts]
        self.state.choices = [(OPEN, _("Waiting for an answer")), (ALL_STATES, _("All"))] + [
            (s.value, s.label) for s in states
        ]
        self.deadline.choices = [("", _("Any"))] + [
            (key.value, str(label)) for key, label in DEADLINE_LABELS.items()
        ]
        return self

    def offered(self, field) -> str | None:
        """The field's value if it is one of its choices, else None."""
        return field.data if field.data in {v for v, _label in field.choices} else None

    def read_filters(self, extra: tuple = ()) -> ListFilters:
        """The filters chosen; the fields in error (a date that is not one, a range that ends
        before it starts, text no record can hold) carry their message and filter nothing."""
        self.validate()
        filters = self.list_filters(extra)
        try:
            check_filters(filters)
        except InvalidInput as error:
            apply_errors(self, error)
            for start, end, _what in DATE_RANGES:
                if end in error.errors:
                    setattr(filters, start, None)
                    setattr(filters, end, None)
        return filters

    def counterparty_named(self):
        """The one body the body filter names (its code, name or a part only it has), or None;
        a name that fits no body, or several, is the field's error and filters nothing."""
        if self.counterparty.errors:
            return None
        try:
            return find_body(self.counterparty.data, self.bodies, field="counterparty")
        except InvalidInput as error:
            self.counterparty.errors = [*self.counterparty.errors, *error.errors["counterparty"]]
            return None

    def list_filters(self, extra: tuple = ()) -> ListFilters:
        """The filters chosen (call validate() first): values not offered are ignored, and a
        field with an error (a date that is not one, text no record can hold) filters nothing."""

        def text(field, length: int) -> str:
            return "" if field.errors else (field.data or "").strip()[:length]

        def day(field):
            return None if field.errors else field.data

        deadline = self.offered(self.deadline)
        return ListFilters(
            state=self.offered(self.state) or OPEN,
            deadline=DeadlineStatus(deadline) if deadline else None,
            counterparty=self.counterparty_named(),
            reference=text(self.reference, REFERENCE_SEARCH_LENGTH),
            case_reference=text(self.case_reference, CASE_REFERENCE_MAX_LENGTH),
            sent_from=day(self.sent_from),
            sent_to=day(self.sent_to),
            due_from=day(self.due_from),
            due_to=day(self.due_to),
            extra=extra,
        )


def kept_arguments(args, names) -> dict:
    """The filters to keep in a list's links: each one given (a date's three boxes as a list)."""
    kept = {}
    for name in names:
        values = args.getlist(name)
        if name in DATE_FIELDS:
            if any(v.strip() for v in values):
                kept[name] = values[:3]
        elif values and values[0]:
            kept[name] = values[0]
    return kept
