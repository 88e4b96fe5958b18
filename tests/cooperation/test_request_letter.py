"""The s.164 request letter: from the requesting council to the body asked, citing s.164 as
the law catalogue (and the reference statutes) state it, by the request's type and recorded
s.164(2) basis; in English or Welsh; on the request page and in the API to whoever may see
the request; and the notice to a body without users, which points to the letter."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from isp_manager.accounts.models import Role
from isp_manager.cooperation import letters, services
from isp_manager.extensions import db
from isp_manager.lifecycle.access import Action, can
from isp_manager.mail import _pending
from tests.conftest import bilingual, org
from tests.cooperation.factories import REQUEST_DAY, details

API = "/api/v1/cooperation-requests"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY = "lhb-cardiff-and-vale"
DETAILS = "Attendance at paediatric appointments since January 2026."
PURPOSE = "To complete the assessment of needs for care and support of the child."

# The law as /work/shared/reference/statutes.md states it for s.164, cited from the catalogue.
DUTY_EN = (
    "SSWBA 2014, s.164(4): a person who decides not to comply with a request must give the "
    "requesting local authority written reasons for the decision."
)
GROUNDS_EN = {
    "information": (
        "SSWBA 2014, s.164(3)(a): complying would be incompatible with the person's own duties",
        "SSWBA 2014, s.164(3)(b): complying would otherwise have an adverse effect on the "
        "exercise of the person's functions",
    ),
    "co-operation": (
        "SSWBA 2014, s.164(1)(a): complying would be incompatible with the person's own duties",
        "SSWBA 2014, s.164(1)(b): complying would otherwise have an adverse effect on the "
        "exercise of the person's functions",
    ),
}


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def _text(data: bytes) -> str:
    return "\n".join(_paragraphs(data))


def _letter(app, req, locale="en") -> str:
    with app.test_request_context():
        return _text(letters.request_letter(req, locale))


# ----------------------------------------------------------------- what the letter says


def test_the_letter_cites_s164_and_says_what_is_asked_by_when_and_how_to_reply(
    app, make_request, council_user
):
    council_user.job_title = "Senior Social Worker"
    req = make_request(contact_phone="029 2087 2087")
    text = _letter(app, req)
    lines = text.split("\n")
    assert "Cardiff Council" in lines[0] and "Cardiff and Vale University Health Board" in text
    assert "22 December 2026" in lines  # the request date, UK style
    assert f"Our reference: {req.reference}" in lines
    assert "Case reference: CS-2026-00417" in lines
    assert "Request for information under SSWBA 2014, s.164(3)" in lines
    assert (
        "Cardiff Council asks Cardiff and Vale University Health Board, under SSWBA 2014, "
        "s.164(3), to provide information in the exercise of its social services functions "
        "(assessing needs for care and support" in text
    )
    # The recorded s.164(2) basis, from the catalogue, and why the register says it holds.
    assert (
        "SSWBA 2014, s.164(2)(a) allows the request to be made of a relevant partner of the "
        "requesting local authority." in text
    )
    assert services.basis_explanation(req, "en") in text
    assert DETAILS in lines and PURPOSE in lines
    # The duty to comply unless a statutory ground applies, and to give written reasons.
    assert (
        "Cardiff and Vale University Health Board must comply with the request unless it "
        "considers that one of these grounds applies:" in lines
    )
    for ground in GROUNDS_EN["information"]:
        assert ground in lines
    assert DUTY_EN in lines
    assert "s.164(1)(a)" not in text  # an information request's grounds are s.164(3)'s
    assert (
        "Please reply by 8 January 2027. The Act sets no deadline; this date follows local "
        "practice of 10 working days." in lines
    )
    assert (
        f"Please reply to Sian Council ({council_user.email}, 029 2087 2087), quoting our "
        f"reference {req.reference} and the case reference CS-2026-00417." in lines
    )
    assert (
        "How to reply securely: Reply to the secure mailbox childrens.services@cardiff.gov.uk"
        in (lines)
    )
    # Signed by whoever sent it, with their job title, for the council.
    assert text.endswith("Yours sincerely\n\nSian Council\nSenior Social Worker\nCardiff Council")


def test_the_closing_and_the_signature_stay_together(app, make_request):
    req = make_request()
    with app.test_request_context():
        document = Document(io.BytesIO(letters.request_letter(req, "en")))
    paragraphs = document.paragraphs
    closing = next(i for i, p in enumerate(paragraphs) if p.text == "Yours sincerely")
    block = paragraphs[closing:]
    assert [p.text for p in block][-3:] == ["Sian Council", "Practitioner", "Cardiff Council"]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert all(p.paragraph_format.keep_together for p in block)


def test_a_co_operation_request_to_a_body_asked_under_s164_2_b(app, make_request):
    req = make_request(body_code="lhb-swansea-bay", request_type="co-operation")
    assert req.s164_basis == "s164-2-b"
    text = _letter(app, req)
    assert "Request for co-operation under SSWBA 2014, s.164(1)" in text
    assert "asks for the co-operation of Swansea Bay University Health Board" in text
    assert (
        "SSWBA 2014, s.164(2)(b) allows the request to be made of a local authority, Local "
        "Health Board or NHS trust which is not a relevant partner of the requesting "
        "authority." in text
    )
    for ground in GROUNDS_EN["co-operation"]:
        assert ground in text
    assert "s.164(3)" not in text
    assert DUTY_EN in text


def test_the_letter_in_welsh(app, make_request):
    req = make_request()
    text = _letter(app, req, "cy")
    act = "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014"
    assert "Cyngor Caerdydd" in text and "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro" in text
    assert "22 Rhagfyr 2026" in text and "Atebwch erbyn 8 Ionawr 2027." in text
    assert f"Cais am wybodaeth o dan {act}, a.164(3)" in text
    assert f"Ein cyfeirnod: {req.reference}" in text
    assert "Cyfeirnod yr achos: CS-2026-00417" in text
    assert f"{act}, a.164(2)(a)" in text
    assert (
        f"{act}, a.164(3)(a): byddai cydymffurfio'n anghydnaws â dyletswyddau'r person ei hun"
        in (text)
    )
    assert f"{act}, a.164(4): rhaid i berson sy'n penderfynu peidio â chydymffurfio" in text
    assert "Yn gywir" in text and "Ymarferydd" in text
    for english in ("Please reply", "must comply", "Dear colleague", "Yours sincerely", "SSWBA"):
        assert english not in text
    # What the council wrote stays as written.
    assert DETAILS in text


def test_an_urgent_request_gives_its_reason_and_its_own_date(app, council_user):
    req = services.create_request(
        details(
            urgent=True,
            requested_due_date=date(2026, 12, 24),
            urgent_reason="A court hearing on 29 December.",
        ),
        by=council_user,
        on=REQUEST_DAY,
    )
    text = _letter(app, req)
    assert "This request is urgent: A court hearing on 29 December." in text
    assert "Please reply by 24 December 2026." in text
    assert "local practice" not in text


def test_a_drafts_letter_is_dated_today_with_the_due_date_it_would_get(
    app, make_request, monkeypatch
):
    req = make_request(send=False)
    monkeypatch.setattr(letters, "wales_today", lambda: REQUEST_DAY)
    monkeypatch.setattr(services, "wales_today", lambda: REQUEST_DAY)
    text = _letter(app, req)
    assert "22 December 2026" in text.split("\n")
    assert "Please reply by 8 January 2027." in text


# ----------------------------------------------------------------- who may download it

USERS = {
    "requester": ("la-cardiff", Role.PRACTITIONER),
    "requester_auditor": ("la-cardiff", Role.AUDITOR),
    "body_asked": (BODY, Role.IG_LEAD),
    "third": ("lhb-swansea-bay", Role.IG_LEAD),
    "auditor": ("nhs-wast", Role.AUDITOR),
    "admin": ("nhs-velindre", Role.ADMIN),
}
# Written out by hand: the table's answer is checked against it too.
ALLOWED = {
    "draft": {"requester", "requester_auditor", "auditor", "admin"},
    "sent": {"requester", "requester_auditor", "body_asked", "auditor", "admin"},
}


@pytest.mark.parametrize("state", ["draft", "sent"])
@pytest.mark.parametrize("who", list(USERS))
@pytest.mark.parametrize("where", ["page", "api"])
def test_the_letter_is_for_whoever_may_see_the_request(
    make_user, login, api_client, council_user, db_session, state, who, where
):
    users = {n: make_user(code, role) for n, (code, role) in USERS.items()}
    req = services.create_request(
        details(), by=users["requester"], send=state == "sent", on=REQUEST_DAY
    )
    db_session.commit()
    user = users[who]
    if where == "page":
        response = login(user).get(f"/requests/{req.id}/request-letter.docx")
    else:
        response = api_client(user).get(f"{API}/{req.id}/request-letter.docx")
    allowed = who in ALLOWED[state]
    assert allowed == can(user, Action.LETTER, req) == can(user, Action.VIEW, req)
    if allowed:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == DOCX
        assert f"{req.reference}-request.docx" in response.headers["Content-Disposition"]
        assert DETAILS in _text(response.data)
    else:
        assert response.status_code == 404
        assert DETAILS not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "where", ["/requests/{id}/request-letter.docx", API + "/{id}/request-letter.docx"]
)
def test_language_chooses_the_letters_language(
    make_request, login, api_client, council_user, db_session, where
):
    req = make_request()
    db_session.commit()
    client = login(council_user) if where.startswith("/requests") else api_client(council_user)
    url = where.format(id=req.id)
    assert "Yn gywir" in _text(client.get(f"{url}?language=cy").data)
    assert "Yours sincerely" in _text(client.get(f"{url}?language=en").data)
    both = Document(io.BytesIO(client.get(f"{url}?language=bilingual").data))
    both = "\n".join(c.text for t in both.tables for r in t.rows for c in r.cells)
    assert "Yn gywir" in both and "Yours sincerely" in both
    refused = client.get(f"{url}?language=fr")
    assert refused.status_code == 422
    assert "bilingual" in refused.get_data(as_text=True)


def test_the_api_links_the_request_letter_and_keeps_the_reasons_letter(
    make_request, api_client, council_user, db_session
):
    req = make_request()
    db_session.commit()
    body = api_client(council_user).get(f"{API}/{req.id}").get_json()
    assert body["request_letter_url"] == f"{API}/{req.id}/request-letter.docx"
    assert body["letter_url"] is None  # the written reasons come only with a refusal
    response = api_client(council_user).get(f"{API}/{req.id}/letter.docx")
    assert response.status_code == 409


# ----------------------------------------------------------------- the request page


def _page(login, user, req) -> str:
    return login(user).get(f"/requests/{req.id}").get_data(as_text=True)


def test_the_requesting_side_sees_the_link_first_when_the_body_has_no_users(
    make_request, login, council_user, db_session
):
    org(BODY).ig_lead_email = "ig@cav.example.test"
    req = make_request()
    db_session.commit()
    page = _page(login, council_user, req)
    block = page[page.index('data-testid="request-letter-to-send"') :]
    block = block[: block.index("</div>")]
    assert "has no users of this service: download the request letter and send it." in block
    assert f"/requests/{req.id}/request-letter.docx" in block
    assert "Download the request letter (Word document)" in block
    assert f"/requests/{req.id}/request-letter.docx?language=cy" in block
    assert page.count(f'/requests/{req.id}/request-letter.docx"') == 1  # shown once
    assert page.index("request-letter-to-send") < page.index("The request</h2>")


def test_the_link_sits_in_the_warning_before_sending_to_a_body_without_users(
    make_request, login, council_user, db_session
):
    org(BODY).ig_lead_email = "ig@cav.example.test"
    draft = make_request(send=False)
    db_session.commit()
    page = _page(login, council_user, draft)
    warning = page[page.index('data-testid="who-would-be-told"') :]
    warning = warning[: warning.index("govuk-button-group")]
    assert "download the letter to send it" in warning
    assert f"/requests/{draft.id}/request-letter.docx" in warning
    assert "Download the request letter (Word document)" in warning


def test_with_users_at_the_body_the_link_is_an_ordinary_one(
    make_request, login, council_user, board_user, db_session
):
    req = make_request()
    db_session.commit()
    page = _page(login, council_user, req)
    assert "request-letter-to-send" not in page
    assert 'data-testid="request-letter"' in page
    assert f"/requests/{req.id}/request-letter.docx" in page
    # The body asked reads the request in the service: no link offered to it.
    assert "request-letter.docx" not in _page(login, board_user, req)


# ----------------------------------------------------------------- the notice on sending


def _queued() -> list:
    messages = list(_pending())
    _pending().clear()
    return messages


def test_a_body_without_users_is_told_the_council_sends_the_letter_and_whom_to_reply_to(
    make_request, council_user
):
    org(BODY).ig_lead_email = "ig@cav.example.test"
    db.session.flush()
    _queued()
    req = make_request()
    [notice] = _queued()
    assert str(notice["To"]) == "ig@cav.example.test"
    welsh, english = bilingual(notice)
    assert "Sign in to read and answer it" not in english
    assert "Mewngofnodwch" not in welsh
    assert (
        f"Cardiff Council will send you the request letter. Reply to {council_user.email} by "
        f"e-mail or post, quoting the reference {req.reference}." in english
    )
    assert (
        f"Bydd Cyngor Caerdydd yn anfon y llythyr cais atoch. Atebwch {council_user.email}" in welsh
    )
    assert "Due: 8 January 2027" in english
    # References and links only: nothing the council wrote goes by e-mail.
    for text in (welsh, english):
        assert DETAILS[:30] not in text and PURPOSE[:30] not in text
        assert "CS-2026-00417" not in text


def test_a_body_with_users_is_still_asked_to_sign_in(make_request, board_user):
    board_user.answers_requests = True
    db.session.flush()
    _queued()
    req = make_request()
    [notice] = _queued()
    _welsh, english = bilingual(notice)
    assert "Sign in to read and answer it: http" in english
    assert f"/requests/{req.id}" in english
    assert "will send you the request letter" not in english
