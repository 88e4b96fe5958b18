"""The grounds for not complying are cited by the request's type: s.164(1)(a)/(b) for a request
for co-operation, s.164(3)(a)/(b) for a request for information; s.164(4) is the duty to give
written reasons, never a ground."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from isp_manager.cooperation import letters, services
from isp_manager.law import S164_GROUNDS
from tests.cooperation.factories import REASONS

CITATIONS = [
    ("co-operation", "s164-ground-a", "en", "SSWBA 2014, s.164(1)(a)"),
    ("co-operation", "s164-ground-b", "en", "SSWBA 2014, s.164(1)(b)"),
    ("information", "s164-ground-a", "en", "SSWBA 2014, s.164(3)(a)"),
    ("information", "s164-ground-b", "en", "SSWBA 2014, s.164(3)(b)"),
    (
        "co-operation",
        "s164-ground-a",
        "cy",
        "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(1)(a)",
    ),
    (
        "information",
        "s164-ground-b",
        "cy",
        "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(3)(b)",
    ),
]


@pytest.mark.parametrize("kind, ground, locale, citation", CITATIONS)
def test_each_ground_is_cited_by_the_type_of_request(kind, ground, locale, citation):
    assert S164_GROUNDS[ground].citation_for(locale, kind) == citation


@pytest.mark.parametrize("kind, ground, locale, citation", CITATIONS)
def test_a_refusal_cites_its_ground_by_type_on_the_record_and_in_the_letter(
    app, make_request, board_user, kind, ground, locale, citation
):
    req = make_request(request_type=kind)
    services.respond_to_request(
        req,
        services.AnswerInput("declined", ground, REASONS),
        by=board_user,
        on=date(2027, 1, 5),
    )
    assert services.ground_citation(req, locale) == citation
    if locale == "en":
        with app.test_request_context():
            document = Document(io.BytesIO(letters.reasons_letter(req)))
        text = "\n".join(p.text for p in document.paragraphs)
        assert citation in text and "s.164(4)(" not in text
