"""The service draws some GOV.UK Frontend components with lean versions of govuk-frontend-jinja's
macros (templates/govuk_frontend_jinja/): each must draw what the library's macro draws."""

from __future__ import annotations

import pytest
from jinja2 import Environment, PackageLoader, PrefixLoader
from markupsafe import Markup

LIBRARY = Environment(
    loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    autoescape=True,
)
TAG = '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}{{ govukTag(p) }}'


@pytest.mark.parametrize(
    "params",
    [
        {"text": "Signed <3 December>", "classes": "govuk-tag--green"},
        {"text": "Draft"},
        {"html": Markup("<b>Ar agor</b> "), "classes": "govuk-tag--blue"},
        {"text": "Overdue", "attributes": {"data-state": "overdue", "id": "state"}},
        {"text": "", "classes": ""},
    ],
)
def test_the_tag_is_drawn_as_the_library_draws_it(app, params):
    with app.test_request_context("/"):
        ours = app.jinja_env.from_string(TAG).render(p=params)
    theirs = LIBRARY.from_string(TAG).render(p=params)
    assert ours.split() == theirs.split()
    assert app.jinja_env.get_template(
        "govuk_frontend_jinja/components/tag/macro.html"
    ).filename.endswith("templates/govuk_frontend_jinja/components/tag/macro.html")
