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
