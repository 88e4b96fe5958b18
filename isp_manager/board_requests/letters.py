"""The board's Word letters, through documents/: the request letter, citing s.137, addressed
to the body asked; and the acknowledgement of its answer. Each in the language asked for
(the recipient's: English, Welsh, or both side by side), English by default, signed by the
board member who sent the request with their job title."""

from __future__ import annotations

from flask import current_app

from ..calendar import long_date
from ..documents import add_letter_in, add_table, document_bytes, new_document
from ..documents.layout import current_language, say
from ..documents.letterheads import letterhead_template
from ..errors import Conflict
from ..i18n import gettext as _
from ..law import LEGAL_POWERS, S137_RELATES
from ..lifecycle import services as lifecycle
from .figures import BoardFigures, csv_rows, year_label
from .models import BoardRequest

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def request_letter_filename(req: BoardRequest) -> str:
    return f"{req.reference}-request.docx"


def acknowledgement_filename(req: BoardRequest) -> str:
    return f"{req.reference}-acknowledgement.docx"


def _citation(locale: str) -> str:
    return LEGAL_POWERS["power-s137"].citation_for(locale)


def _letter(req: BoardRequest, language: str, *, title, subject, paragraphs, date_text) -> bytes:
    """A letter from the board to the body asked; title, subject and paragraphs are
    functions of nothing, called in each language the letter is written in."""
    board = req.requesting_org
    doc = new_document(
        title=say(title, language, " / "),
        marking=req.protective_marking,
        base_template=letterhead_template(board),
        language=language,
        author=say(lambda: board.display_name(current_language()), language, " / "),
        subject=say(subject, language, " / "),
    )
    add_letter_in(
        doc,
        language,
        lambda locale: _parts(req, locale, subject(), paragraphs(locale), date_text),
    )
    return document_bytes(doc)


def _parts(req: BoardRequest, locale: str, subject: str, paragraphs, date_text) -> dict:
    board, body = req.requesting_org, req.requested_org
    return dict(
        sender_lines=[
            board.display_name(locale),
            *([req.contact_email] if req.contact_email else []),
        ],
        recipient_lines=[body.display_name(locale)],
        date_text=long_date(date_text),
        reference_lines=[
            _("Our reference: %(ref)s", ref=req.reference),
            *(
                [_("Review reference: %(ref)s", ref=req.review_reference)]
                if req.review_reference
                else []
            ),
        ],
        subject=subject,
        salutation=_("Dear colleague"),
        paragraphs=paragraphs,
        closing=_("Yours sincerely"),
        signer_lines=[*lifecycle.letter_signer(req), board.display_name(locale)],
    )


def request_letter(req: BoardRequest, language: str = "en") -> bytes:
    """The request as a letter, in `language` (en, cy, or bilingual: both side by side, Welsh
    first): what is specified, why the body qualifies, what it relates to, where the
    information goes and by when."""
    if req.sent_on is None:
        raise Conflict(_("A draft has no letter yet: send the request first."))
    return _letter(
        req,
        language,
        title=lambda: _("Request for information: %(ref)s", ref=req.reference),
        subject=lambda: _(
            "Request for information under %(citation)s", citation=_citation(current_language())
        ),
        paragraphs=lambda locale: _request_paragraphs(req, locale),
        date_text=req.sent_on,
    )


def _request_paragraphs(req: BoardRequest, locale: str) -> list[str]:
    board = req.requesting_org.display_name(locale)
    to = req.provide_to.display_name(locale) if req.provide_to is not None else board
    relates = "; ".join(S137_RELATES[c].label(locale) for c in req.relates_to)
    return [
        _(
            "%(board)s asks %(body)s, under %(citation)s, to provide the information below "
            "to %(to)s, to enable or assist the board to perform its functions (%(purpose)s).",
            board=board,
            body=req.requested_org.display_name(locale),
            citation=_citation(locale),
            to=to,
            purpose=req.purpose_detail or req.purpose.label,
        ),
        _("The information asked for:"),
        req.information_specified,
        _("It relates to: %(relates)s.", relates=relates),
        _(
            "Why the board considers %(body)s a qualifying body:",
            body=req.requested_org.display_name(locale),
        ),
        req.why_qualifying,
        _(
            "Please provide it by %(due)s. If you cannot provide all of it, please say what "
            "you cannot provide and why.",
            due=long_date(req.due_date),
        ),
    ]


def acknowledgement_letter(req: BoardRequest, language: str = "en") -> bytes:
    """The board's acknowledgement of the body's answer, in `language` (en, cy or bilingual)."""
    if req.answered_on is None:
        raise Conflict(_("Only an answered request has an acknowledgement letter."))
    return _letter(
        req,
        language,
        title=lambda: _("Acknowledgement: %(ref)s", ref=req.reference),
        subject=lambda: _("Your answer to request %(ref)s", ref=req.reference),
        paragraphs=lambda locale: _acknowledgement_paragraphs(req, locale),
        date_text=req.answered_on,
    )


def _acknowledgement_paragraphs(req: BoardRequest, locale: str) -> list[str]:
    paragraphs = [
        _(
            "Thank you for your answer of %(date)s to the board's request %(ref)s under "
            "%(citation)s. The board has recorded it as: %(outcome)s.",
            date=long_date(req.answered_on),
            ref=req.reference,
            citation=_citation(locale),
            outcome=req.outcome.label.lower(),
        ),
    ]
    if req.outcome.is_refusal:
        paragraphs.append(
            _(
                "The board has noted your reasons for not providing all of the information "
                "and will report the request in its annual report as not fully complied with."
            )
        )
    return paragraphs


def figures_filename(figures: BoardFigures) -> str:
    return f"{figures.board.code}-s137-requests-{figures.year}-{figures.year + 1}.docx"


def figures_document(figures: BoardFigures) -> bytes:
    """The annual report's table: each request, to whom, whether it was complied with; and
    the totals."""
    from .figures import csv_header, total_label

    doc = new_document(
        title=_("Requests under section 137: %(year)s", year=year_label(figures.year)),
        marking=current_app.config.get("PROTECTIVE_MARKING", "OFFICIAL"),
        author=figures.board.display_name(),
    )
    doc.add_heading(
        _(
            "%(board)s: requests made under section 137(1), %(year)s",
            board=figures.board.display_name(),
            year=year_label(figures.year),
        ),
        level=1,
    )
    header = csv_header()
    keep = (0, 2, 4, 6, 8, 9)
    add_table(
        doc,
        [header[i] for i in keep],
        ([row[i] for i in keep] for row in csv_rows(figures)),
        empty=_("No requests were made in this year."),
    )
    add_table(
        doc,
        [_("Outcome"), _("Requests")],
        [*((total_label(k), n) for k, n in figures.totals.items()), (_("Total"), figures.total)],
    )
    return document_bytes(doc)
