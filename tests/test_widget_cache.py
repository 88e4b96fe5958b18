"""The HTML of a field drawn by GOV.UK Frontend is kept per process and reused for the same
params and language: the same page, field for field; never for what someone typed."""

from __future__ import annotations

import pytest
from flask_babel import refresh
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from markupsafe import Markup
from wtforms import SelectField, StringField, TextAreaField

from isp_manager import widgets
from isp_manager.forms_base import FlaskForm
from isp_manager.parties.forms import DayMonthYearField
from isp_manager.widgets import UKDateInput


class _Form(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField("Kind", widget=GovSelect(), choices=[("a", "Council"), ("b", "Police")])
    name = StringField("Name", widget=GovTextInput())
    notes = TextAreaField("Notes", widget=GovTextArea())
    since = DayMonthYearField("Since", what="the date")


@pytest.fixture
def drawn(app, monkeypatch):
    """How many times each template was drawn for real (the cache emptied first)."""
    monkeypatch.setattr(widgets, "choice_cache", widgets._ChoiceCache(4))
    counts: dict[str, int] = {}
    cache = widgets.choice_cache

    def render(widget, params, draw=None):
        def counted(w, p):
            counts[w.template] = counts.get(w.template, 0) + 1
            return Markup("<drawn>") + w.template

        return cache.render(widget, params, counted)

    return counts, render


def test_the_same_choice_field_is_drawn_once_and_its_html_reused(app, drawn):
    counts, render = drawn
    widget = GovSelect()
    params = {"id": "kind", "label": {"text": "Kind"}, "items": [{"value": "a", "text": "A"}]}
    with app.test_request_context("/?lang=en"):
        first = render(widget, params)
        assert render(widget, dict(params)) is first
    assert counts == {"govuk_frontend_wtf/select.html": 1}
    with app.test_request_context("/?lang=en"):
        render(widget, {**params, "errorMessage": {"text": "Choose a kind"}})
    assert counts["govuk_frontend_wtf/select.html"] == 2  # an error is another field


def test_markup_and_text_never_share_a_key(app, drawn):
    counts, render = drawn
    widget = GovSelect()
    with app.test_request_context("/"):
        render(widget, {"hint": {"text": "<b>x</b>"}})
        render(widget, {"hint": {"text": Markup("<b>x</b>")}})
    assert counts["govuk_frontend_wtf/select.html"] == 2


def test_what_was_typed_is_never_kept(app, drawn):
    counts, render = drawn
    with app.test_request_context("/"):
        for _ in range(2):
            render(GovTextInput(), {"id": "name", "value": "Rhys Jones"})
            render(GovTextArea(), {"id": "notes"})
            render(UKDateInput(), {"id": "since", "items": [{"name": "day", "value": "3"}]})
        assert widgets.choice_cache.entries == {}
        render(GovTextInput(), {"id": "name", "value": ""})
        render(GovTextInput(), {"id": "name", "value": ""})
    assert counts["govuk_frontend_wtf/input.html"] == 3  # two typed, one empty kept


def test_the_cache_keeps_only_the_most_recent_fields(app, drawn):
    _counts, render = drawn
    with app.test_request_context("/"):
        for n in range(10):
            render(GovSelect(), {"id": f"f{n}"})
    assert len(widgets.choice_cache.entries) == 4


def test_a_form_draws_the_same_html_from_the_cache_in_each_language(app):
    widgets.choice_cache.entries.clear()
    for lang, label in (("en", "Kind"), ("cy", "Kind")):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the test's app context keeps the last locale chosen
            form = _Form(formdata=None)
            fresh = [str(form.kind()), str(form.name()), str(form.since())]
            again = [str(form.kind()), str(form.name()), str(form.since())]
            assert fresh == again and label in fresh[0]
    with app.test_request_context("/?lang=en"):
        refresh()
        english_day = str(_Form(formdata=None).since())
    with app.test_request_context("/?lang=cy"):
        refresh()
        welsh_day = str(_Form(formdata=None).since())
    assert "Day" in english_day and "Diwrnod" in welsh_day  # the language is part of the key
