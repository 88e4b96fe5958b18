"""The written-reasons letter is print-ready: A4, the deciding body as its author, the marking
in the letter's language, and "Yours sincerely" kept with the signature and its job title."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import flask_babel
import pytest
from docx import Document

from isp_manager.cooperation import letters, services
from isp_manager.lifecycle.models import Outcome

LONG_REASONS = "\n".join(
    f"{n}. The information asked for includes notes of a joint child protection "
    "investigation that is still open; disclosing them now would prejudice it." * 2
    for n in range(1, 9)
)


def _letter(app, req, lang="en") -> Document:
    with app.test_request_context(f"/?lang={lang}"):
        flask_babel.refresh()  # the tests share one app context: forget the last language
        return Document(io.BytesIO(letters.reasons_letter(req)))


def test_the_letter_is_a4_with_its_body_as_author(app, declined):
    doc = _letter(app, declined)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.cm, 1) == 2.2
    assert doc.core_properties.author == "Cardiff and Vale University Health Board"
    assert doc.core_properties.language == "en-GB"


def test_closing_and_signature_with_job_title_stay_together(app, declined, board_user):
    board_user.job_title = "Head of Information Governance"
    paragraphs = _letter(app, declined).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Yours sincerely")
    block = paragraphs[start:]
    assert [p.text for p in block if p.text] == [
        "Yours sincerely",
        "Huw Health",
        "Head of Information Governance",
        "Cardiff and Vale University Health Board",
    ]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])


def test_a_welsh_letter_is_marked_swyddogol(app, declined):
    doc = _letter(app, declined, "cy")
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "SWYDDOGOL" in header and "OFFICIAL" not in header
    assert doc.core_properties.language == "cy-GB"
    assert doc.core_properties.author == "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro"


SOFFICE, PDFTOTEXT = shutil.which("soffice"), shutil.which("pdftotext")


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice is not installed")
def test_laid_out_by_libreoffice_the_signature_is_on_the_closings_page(
    app, make_request, board_user, tmp_path
):
    board_user.job_title = "Head of Information Governance"
    req = make_request()
    services.respond_to_request(
        req,
        services.AnswerInput(
            outcome=Outcome.DECLINED, ground="s164-ground-a", written_reasons=LONG_REASONS
        ),
        by=board_user,
        on=date(2027, 1, 5),
    )
    with app.test_request_context("/?lang=en"):
        (tmp_path / "letter.docx").write_bytes(letters.reasons_letter(req))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "letter.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(tmp_path / "letter.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    closing = next(i for i, page in enumerate(pages) if "Yours sincerely" in page)
    assert "Head of Information Governance" in pages[closing]
    assert "Huw Health" in pages[closing]


# ----------------------------------------------------------------- both s.164 letters


def _either(app, req, which: str, language: str) -> Document:
    with app.test_request_context("/?lang=en"):
        flask_babel.refresh()
        make = letters.request_letter if which == "request" else letters.reasons_letter
        return Document(io.BytesIO(make(req, language)))


SIGNERS = {
    "request": ("Sian Council", "Team Manager, Children's Services", "Cardiff Council"),
    "reasons": (
        "Huw Health",
        "Head of Information Governance",
        "Cardiff and Vale University Health Board",
    ),
}


@pytest.fixture
def titled(declined, council_user, board_user):
    council_user.job_title = SIGNERS["request"][1]
    board_user.job_title = SIGNERS["reasons"][1]
    declined.answered_by_title = SIGNERS["reasons"][1]
    return declined


@pytest.mark.parametrize("which", ["request", "reasons"])
@pytest.mark.parametrize(
    "language, marking, tag, closing",
    [("en", "OFFICIAL", "en-GB", "Yours sincerely"), ("cy", "SWYDDOGOL", "cy-GB", "Yn gywir")],
)
def test_both_letters_are_print_ready_in_each_language(
    app, titled, which, language, marking, tag, closing
):
    doc = _either(app, titled, which, language)
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.2
    properties = doc.core_properties
    assert properties.language == tag
    assert titled.reference in properties.title and properties.subject
    author = SIGNERS[which][2]
    if language == "en":
        assert properties.author == author
    else:
        assert properties.author and properties.author != author
    assert marking in [p.text for p in doc.sections[0].header.paragraphs]
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == closing)
    block = paragraphs[start:]
    assert [p.text for p in block if p.text][1:3] == list(SIGNERS[which][:2])
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])


@pytest.mark.parametrize("which", ["request", "reasons"])
def test_a_bilingual_letter_is_welsh_and_english_side_by_side(app, titled, which):
    doc = _either(app, titled, which, "bilingual")
    body, closings = doc.tables[-2], doc.tables[-1]
    welsh, english = (cell.text for cell in body.rows[0].cells)
    assert titled.reference in welsh and titled.reference in english
    assert "SWYDDOGOL / OFFICIAL" in [p.text for p in doc.sections[0].header.paragraphs]
    assert doc.core_properties.language == "cy-GB"
    assert doc.core_properties.author.endswith(f" / {SIGNERS[which][2]}")
    for cell, closing in zip(closings.rows[0].cells, ("Yn gywir", "Yours sincerely"), strict=True):
        lines = [p.text for p in cell.paragraphs if p.text]
        assert lines[0] == closing and lines[2] == SIGNERS[which][1]
    from docx.oxml.ns import qn

    assert closings.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_reasons_letter_takes_the_language_asked_for(
    login, api_client, titled, board_user, db_session
):
    db_session.commit()
    for client, url in (
        (login(board_user), f"/requests/{titled.id}/letter.docx"),
        (api_client(board_user), f"/api/v1/cooperation-requests/{titled.id}/letter.docx"),
    ):
        for language, tag in (("cy", "cy-GB"), ("en", "en-GB"), ("bilingual", "cy-GB")):
            got = client.get(url, query_string={"language": language})
            assert got.status_code == 200, (url, language)
            assert Document(io.BytesIO(got.data)).core_properties.language == tag
        refused = client.get(url, query_string={"language": "fr"})
        assert refused.status_code == 422
        assert "bilingual" in refused.get_data(as_text=True)
