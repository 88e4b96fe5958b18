"""The board's s.137 letters (the request and the acknowledgement) are print-ready in English,
Welsh and both side by side: A4 with the service's margins, file properties naming the board,
the marking in the letter's language, and "Yours sincerely" kept with a signature that gives
the signer's job title."""

from __future__ import annotations

import io
from datetime import date

import flask_babel
import pytest
from docx import Document
from docx.oxml.ns import qn

from isp_manager.board_requests import letters, services

BOARD_EN = "Cardiff and Vale of Glamorgan Regional Safeguarding Board"
TITLE = "Business Manager of the Regional Safeguarding Board"
LETTERS = {
    "request": letters.request_letter,
    "acknowledgement": letters.acknowledgement_letter,
}


@pytest.fixture
def answered(make_request, officer, body_user):
    officer.job_title = TITLE
    req = make_request()
    services.respond_to_request(
        req, services.AnswerInput("complied"), by=body_user, on=date(2027, 1, 5)
    )
    return req


def _letter(app, req, which: str, language: str) -> Document:
    with app.test_request_context("/?lang=en"):
        flask_babel.refresh()
        return Document(io.BytesIO(LETTERS[which](req, language)))


def _closing_block(paragraphs, closing: str):
    start = next(i for i, p in enumerate(paragraphs) if p.text == closing)
    return paragraphs[start:]


@pytest.mark.parametrize("which", list(LETTERS))
@pytest.mark.parametrize(
    "language, marking, tag, closing",
    [
        ("en", "OFFICIAL", "en-GB", "Yours sincerely"),
        ("cy", "SWYDDOGOL", "cy-GB", "Yn gywir"),
    ],
)
def test_each_letter_is_print_ready_and_signed_with_a_job_title(
    app, answered, which, language, marking, tag, closing
):
    doc = _letter(app, answered, which, language)
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.2
        assert round(section.top_margin.cm, 1) == 2.5
    properties = doc.core_properties
    assert properties.language == tag
    assert properties.author and properties.author != "python-docx"
    assert answered.reference in properties.title
    assert properties.subject
    if language == "en":
        assert properties.author == BOARD_EN
    header = [p.text for p in doc.sections[0].header.paragraphs if p.text]
    assert marking in header
    block = _closing_block(doc.paragraphs, closing)
    lines = [p.text for p in block if p.text]
    assert lines[1:3] == ["Bethan Board", TITLE]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert not block[-1].paragraph_format.keep_with_next


@pytest.mark.parametrize("which", list(LETTERS))
def test_a_bilingual_letter_puts_welsh_then_english_side_by_side(app, answered, which):
    doc = _letter(app, answered, which, "bilingual")
    body, closings = doc.tables[-2], doc.tables[-1]
    welsh, english = (cell.text for cell in body.rows[0].cells)
    assert "Annwyl gydweithiwr" in welsh and "Dear colleague" not in welsh
    assert "Dear colleague" in english
    assert "SWYDDOGOL / OFFICIAL" in [p.text for p in doc.sections[0].header.paragraphs]
    assert doc.core_properties.language == "cy-GB"
    assert " / " in doc.core_properties.title
    for cell, closing in zip(closings.rows[0].cells, ("Yn gywir", "Yours sincerely"), strict=True):
        block = _closing_block(cell.paragraphs, closing)
        assert [p.text for p in block if p.text][1:3] == ["Bethan Board", TITLE]
        assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    # the closings' row never breaks across a page, and follows the letter's last lines
    assert closings.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert body.rows[0].cells[1].paragraphs[-1].paragraph_format.keep_with_next


def test_without_a_job_title_the_signer_is_described_by_their_role(app, answered, officer):
    officer.job_title = None
    lines = [p.text for p in _letter(app, answered, "request", "en").paragraphs if p.text]
    assert lines[-3:] == ["Bethan Board", str(officer.role.label), BOARD_EN]


@pytest.mark.parametrize("path", ["letter.docx", "acknowledgement.docx"])
def test_the_pages_and_the_api_give_each_language_and_refuse_others(
    login, api_client, officer, answered, db_session, path
):
    db_session.commit()
    for client, prefix in (
        (login(officer), "/board-requests"),
        (api_client(officer), "/api/v1/board-requests"),
    ):
        url = f"{prefix}/{answered.id}/{path}"
        for language in ("en", "cy", "bilingual"):
            got = client.get(url, query_string={"language": language})
            assert got.status_code == 200, (url, language)
            tag = "en-GB" if language == "en" else "cy-GB"
            assert Document(io.BytesIO(got.data)).core_properties.language == tag
        refused = client.get(url, query_string={"language": "fr"})
        assert refused.status_code == 422
        assert "bilingual" in refused.get_data(as_text=True)
