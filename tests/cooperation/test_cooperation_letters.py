"""The written-reasons letter, opened with python-docx and read back, and the letterhead upload."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import letters, services
from isp_manager.documents.letterheads import current_letterhead, docx_problem
from isp_manager.errors import Conflict
from isp_manager.storage.models import StoredFile
from tests.conftest import org
from tests.cooperation.factories import REASONS


def _text(data: bytes) -> tuple[str, str]:
    document = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    return body, header


def _docx(header_text: str = "", body_text: str = "") -> bytes:
    document = Document()
    if header_text:
        document.sections[0].header.paragraphs[0].text = header_text
    if body_text:
        document.add_paragraph(body_text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_letter_reads_back_with_addressee_sender_ground_reasons_and_reference(
    app, declined, board_user
):
    board_user.job_title = "Head of Information Governance"
    with app.test_request_context():
        body, header = _text(letters.reasons_letter(declined))
    assert declined.reference in body
    assert "CS-2026-00417" in body  # the requester's case reference
    assert "Cardiff Council" in body  # addressed to the requesting authority
    assert "Sian Council" in body  # for the attention of its contact
    assert "Cardiff and Vale University Health Board" in body  # from the deciding body
    assert "Huw Health" in body and "Head of Information Governance" in body  # the decider
    assert "section 164 of the Social Services and Well-being (Wales) Act 2014" in body
    assert "SSWBA 2014, s.164(3)(a)" in body  # the ground of an information request
    assert "SSWBA 2014, s.164(3) allows" in body and "s.164(4) requires" in body
    assert "s.164(4)(a)" not in body
    assert "incompatible with the person's own duties" in body
    assert REASONS in body
    assert "5 January 2027" in body  # the date of the decision
    assert "not to comply" in body
    assert "OFFICIAL" in header


def test_the_letter_names_the_deciders_role_without_a_job_title(app, declined):
    with app.test_request_context():
        body, _ = _text(letters.reasons_letter(declined))
    assert "Huw Health\nInformation governance lead" in body


def test_a_partial_refusal_letter_says_what_was_not_provided(app, make_request, board_user):
    req = make_request()
    services.respond_to_request(
        req,
        services.AnswerInput(
            "partly_complied",
            "s164-ground-b",
            REASONS,
            not_provided="Notes of the March consultation.",
        ),
        by=board_user,
        on=date(2027, 1, 5),
    )
    with app.test_request_context():
        body, _ = _text(letters.reasons_letter(req))
    assert "comply with the request in part" in body
    assert "Notes of the March consultation." in body
    assert "SSWBA 2014, s.164(3)(b)" in body


def test_a_request_complied_with_has_no_letter(app, make_request, board_user):
    req = make_request()
    services.respond_to_request(
        req, services.AnswerInput("complied"), by=board_user, on=date(2027, 1, 5)
    )
    with app.test_request_context(), pytest.raises(Conflict):
        letters.reasons_letter(req)


def test_the_letter_is_written_on_the_deciding_bodys_letterhead(
    app, login, declined, board_user, db_session
):
    db_session.commit()
    client = login(board_user)
    upload = {
        "letterhead": (io.BytesIO(_docx("CARDIFF AND VALE UHB – HEADED PAPER")), "letterhead.docx")
    }
    response = client.post("/requests/letterhead", data=upload, content_type="multipart/form-data")
    assert response.status_code == 303
    data = client.get(f"/requests/{declined.id}/letter.docx").data
    _body, header = _text(data)
    assert "CARDIFF AND VALE UHB – HEADED PAPER" in header
    assert "OFFICIAL" in header
    event = db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "organisation.letterhead_uploaded")
    )
    assert event is not None and event.actor_id == board_user.id
    assert not (Path(app.instance_path) / "letterheads").exists()  # the database holds it


def test_a_letterhead_is_kept_in_the_database_and_can_be_downloaded(
    app, login, make_user, db_session
):
    lead = make_user("lhb-cardiff-and-vale", Role.IG_LEAD)
    db_session.commit()
    client = login(lead)
    first, second = _docx("FIRST HEADED PAPER"), _docx("SECOND HEADED PAPER")
    for data in (first, second):
        response = client.post(
            "/requests/letterhead",
            data={"letterhead": (io.BytesIO(data), "Headed paper.docx")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303
    stored = current_letterhead(org("lhb-cardiff-and-vale"))
    assert stored.content == second and stored.size == len(second)
    assert stored.sha256 == hashlib.sha256(second).hexdigest()
    assert stored.uploaded_by_id == lead.id and stored.filename == "Headed paper.docx"
    assert db_session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1  # replaced, not added
    page = client.get("/requests/letterhead").get_data(as_text=True)
    assert "Headed paper.docx" in page and lead.name in page
    download = client.get("/requests/letterhead/letterhead.docx")
    assert download.status_code == 200 and download.data == second
    assert "Headed paper.docx" in download.headers["Content-Disposition"]
    events = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "organisation.letterhead_uploaded")
        .order_by(AuditEvent.id)
    ).all()
    assert events[-1].before["sha256"] == hashlib.sha256(first).hexdigest()
    assert events[-1].after["sha256"] == stored.sha256


def test_the_letterhead_download_is_refused_to_others_and_missing_is_404(
    login, make_user, db_session
):
    lead = make_user("lhb-cardiff-and-vale", Role.IG_LEAD)
    practitioner = make_user("lhb-cardiff-and-vale", Role.PRACTITIONER)
    other_lead = make_user("la-cardiff", Role.IG_LEAD)
    db_session.commit()
    assert login(lead).get("/requests/letterhead/letterhead.docx").status_code == 404
    login(lead).post(
        "/requests/letterhead",
        data={"letterhead": (io.BytesIO(_docx("HEADED")), "l.docx")},
        content_type="multipart/form-data",
    )
    assert login(practitioner).get("/requests/letterhead/letterhead.docx").status_code == 403
    # another organisation's IG lead cannot name this one: they get their own (none)
    response = login(other_lead).get(
        "/requests/letterhead/letterhead.docx?organisation=lhb-cardiff-and-vale"
    )
    assert response.status_code == 404


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in files.items():
            package.writestr(name, text)
    return buffer.getvalue()


WORD_TYPES = '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'


@pytest.mark.parametrize(
    "filename, data, problem",
    [
        ("letterhead.doc", _docx(), "ends in .docx"),
        ("letterhead.docx", b"", "empty"),
        ("letterhead.docx", b"%PDF-1.7 not a word document", "not a Word document"),
        ("letterhead.docx", _zip({"hello.txt": "hi"}), "not a Word document"),
        (
            "letterhead.docx",
            _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
            "not a Word document",
        ),
        (
            "letterhead.docx",
            _zip(
                {
                    "[Content_Types].xml": WORD_TYPES.replace(
                        "document.main", "document.macroEnabled.main"
                    ),
                    "word/document.xml": "<w/>",
                }
            ),
            "macros",
        ),
        (
            "letterhead.docx",
            _zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<broken"}),
            "could not be read",
        ),
        ("letterhead.docx", b"x" * (3 * 1024 * 1024), "smaller than 2 MB"),
    ],
)
def test_uploads_that_are_not_real_word_documents_are_refused(app, filename, data, problem):
    with app.test_request_context():
        assert problem in (docx_problem(filename, data) or "")


def test_a_real_docx_is_accepted(app):
    with app.test_request_context():
        assert docx_problem("Letterhead.DOCX", _docx("Header")) is None


def test_a_bad_upload_is_shown_on_the_form_and_nothing_is_saved(app, login, make_user, db_session):
    lead = make_user("lhb-cardiff-and-vale", Role.IG_LEAD)
    db_session.commit()
    response = login(lead).post(
        "/requests/letterhead",
        data={"letterhead": (io.BytesIO(b"not a docx"), "letterhead.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a Word document" in response.get_data(as_text=True)
    with app.app_context():
        assert current_letterhead(org("lhb-cardiff-and-vale")) is None
