"""The s.164 letters, through documents/.

The request letter: from the requesting council (on its letterhead when one was uploaded) to
the body asked, in the language asked for (the recipient's), citing s.164 from the law
catalogue by the request's type and recorded s.164(2) basis: what is asked, the duty to
comply unless a statutory ground applies, the due date and how to reply. It is what a body
without users of the service receives.

The written-reasons letter: s.164 requires a body that decides not to comply, wholly or in
part, to give the requesting authority written reasons. The letter is addressed to the
requesting authority, comes from the person who decided and their organisation (in its
letterhead when one was uploaded), and cites s.164 and the ground.
"""

from __future__ import annotations

from flask import current_app

from ..calendar import long_date, wales_today
from ..documents import add_letter_in, document_bytes, new_document
from ..documents.layout import current_language, say
from ..documents.letterheads import letterhead_template
from ..errors import Conflict
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import (
    S164_GROUNDS,
    S164_PROVISIONS,
    S164_REASONS_DUTY,
    S164_WHO,
    SOCIAL_SERVICES_FUNCTIONS,
)
from ..law import label as law_label
from ..lifecycle import services as lifecycle
from ..lifecycle.models import Outcome
from . import services
from .models import CooperationRequest
from .services import function_text

ACT = "Social Services and Well-being (Wales) Act 2014"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ----------------------------------------------------------------- the request letter


def request_letter_filename(req: CooperationRequest) -> str:
    return f"{req.reference}-request.docx"


def request_letter(req: CooperationRequest, language: str = "en") -> bytes:
    """The request as a letter from the council to the body asked, in `language` (en, cy,
    or bilingual: both side by side, Welsh first). A draft's letter is dated today, with the
    due date it would get if sent today."""
    council = req.requesting_org
    doc = new_document(
        title=say(
            lambda: _("Request under section 164: %(ref)s", ref=req.reference), language, " / "
        ),
        marking=current_app.config.get("PROTECTIVE_MARKING", "OFFICIAL"),
        base_template=letterhead_template(council),
        language=language,
        author=say(lambda: council.display_name(current_language()), language, " / "),
        subject=say(lambda: _request_subject(req, current_language()), language, " / "),
    )
    add_letter_in(doc, language, lambda locale: _request_parts(req, locale))
    return document_bytes(doc)


def _request_subject(req: CooperationRequest, locale: str) -> str:
    return _subject(req, S164_PROVISIONS[req.request_type.value].citation_for(locale))


def _request_parts(req: CooperationRequest, locale: str) -> dict:
    council, body = req.requesting_org, req.requested_org
    return dict(
        sender_lines=[
            council.display_name(locale),
            *([req.contact_email] if req.contact_email else []),
            *([req.contact_phone] if req.contact_phone else []),
        ],
        recipient_lines=[body.display_name(locale)],
        date_text=long_date(req.sent_on or wales_today()),
        reference_lines=[
            _("Our reference: %(ref)s", ref=req.reference),
            *(
                [_("Case reference: %(ref)s", ref=req.subject_reference)]
                if req.subject_reference
                else []
            ),
        ],
        subject=_request_subject(req, locale),
        salutation=_("Dear colleague"),
        paragraphs=_request_paragraphs(req, locale),
        closing=_("Yours sincerely"),
        signer_lines=[*lifecycle.letter_signer(req), council.display_name(locale)],
    )


def _subject(req: CooperationRequest, citation: str) -> str:
    if req.request_type.value == "information":
        return _("Request for information under %(citation)s", citation=citation)
    return _("Request for co-operation under %(citation)s", citation=citation)


def _asks(req: CooperationRequest, **names) -> str:
    """The opening sentence, by the request's type (each a whole sentence, for Welsh)."""
    if req.request_type.value == "information":
        return _(
            "%(council)s asks %(body)s, under %(citation)s, to provide information in the "
            "exercise of its social services functions (%(function)s).",
            **names,
        )
    return _(
        "%(council)s asks for the co-operation of %(body)s, under %(citation)s, in the "
        "exercise of its social services functions (%(function)s).",
        **names,
    )


def _lower_first(text: str) -> str:
    """A catalogue label inside a sentence: "A relevant partner ..." -> "a relevant partner"
    (only the first letter: "NHS" and "Local Health Board" keep their capitals)."""
    return text[:1].lower() + text[1:]


def _due(req: CooperationRequest):
    """The due date, or for a draft the one it would get if sent today."""
    if req.due_date is not None:
        return req.due_date
    if req.is_urgent and req.requested_due_date is not None:
        return req.requested_due_date
    return services.preview_due_date(req.request_type).date


def _due_sentence(req: CooperationRequest) -> str:
    """When to reply by: an urgent date is the council's; any other follows local practice."""
    due = _("Please reply by %(due)s.", due=long_date(_due(req)))
    urgent_date = req.is_urgent and req.requested_due_date is not None
    return due if urgent_date else f"{due} {services.local_practice_note(req.request_type)}"


def _request_paragraphs(req: CooperationRequest, locale: str) -> list[str]:
    council = req.requesting_org.display_name(locale)
    body = req.requested_org.display_name(locale)
    kind = req.request_type.value
    basis = S164_WHO[req.s164_basis]
    paragraphs = [
        _asks(
            req,
            council=council,
            body=body,
            citation=S164_PROVISIONS[kind].citation_for(locale),
            function=req.function_description
            or _lower_first(law_label(SOCIAL_SERVICES_FUNCTIONS, req.function_code, locale)),
        ),
        _(
            "%(citation)s allows the request to be made of %(basis)s. %(reason)s",
            citation=basis.citation_for(locale),
            basis=_lower_first(basis.label(locale)),
            reason=services.basis_explanation(req, locale),
        ),
    ]
    if req.partner_function:
        paragraphs.append(_("It concerns: %(what)s.", what=req.partner_function))
    paragraphs += [_("What is asked for:"), req.details, _("Why it is needed:"), req.purpose]
    if req.is_urgent:
        paragraphs.append(
            _("This request is urgent: %(reason)s", reason=req.urgent_reason)
            if req.urgent_reason
            else _("This request is urgent.")
        )
    paragraphs += [
        _(
            "%(body)s must comply with the request unless it considers that one of these "
            "grounds applies:",
            body=body,
        ),
        "\n".join(
            f"{ground.citation_for(locale, kind)}: {_lower_first(ground.label(locale))}"
            for ground in S164_GROUNDS
        ),
        f"{S164_REASONS_DUTY.citation_for(locale)}: "
        f"{_lower_first(S164_REASONS_DUTY.label(locale))}.",
        _due_sentence(req),
        _how_to_reply(req),
    ]
    if req.secure_reply:
        paragraphs.append(_("How to reply securely: %(how)s", how=req.secure_reply))
    paragraphs.append(
        _(
            "If you decide not to comply, wholly or in part, please say which ground applies "
            "and give your written reasons."
        )
    )
    return paragraphs


def _how_to_reply(req: CooperationRequest) -> str:
    refs = (
        _(
            "our reference %(ref)s and the case reference %(case)s",
            ref=req.reference,
            case=req.subject_reference,
        )
        if req.subject_reference
        else _("our reference %(ref)s", ref=req.reference)
    )
    contact = req.contact_name or req.requesting_org.display_name(current_locale())
    ways = [w for w in (req.contact_email, req.contact_phone) if w]
    if ways:
        return _(
            "Please reply to %(contact)s (%(ways)s), quoting %(refs)s.",
            contact=contact,
            ways=", ".join(ways),
            refs=refs,
        )
    return _("Please reply to %(contact)s, quoting %(refs)s.", contact=contact, refs=refs)


# ----------------------------------------------------------------- the written reasons


def letter_filename(req: CooperationRequest) -> str:
    return f"{req.reference}-written-reasons.docx"


def reasons_letter(req: CooperationRequest, language: str | None = None) -> bytes:
    """The letter as a .docx, in `language` (en, cy or bilingual; the reader's when not
    given). Only a request declined, wholly or in part, has one."""
    if not req.has_reasons_letter:
        raise Conflict(
            _("Only a request that was declined, wholly or in part, has a written-reasons letter.")
        )
    language = language or current_language()
    body = req.requested_org
    doc = new_document(
        title=say(lambda: _("Written reasons: %(ref)s", ref=req.reference), language, " / "),
        marking=current_app.config.get("PROTECTIVE_MARKING", "OFFICIAL"),
        base_template=letterhead_template(body),
        language=language,
        author=say(lambda: body.display_name(current_language()), language, " / "),
        subject=say(lambda: _reasons_subject(req), language, " / "),
    )
    add_letter_in(doc, language, lambda locale: _reasons_parts(req, locale))
    return document_bytes(doc)


def _reasons_subject(req: CooperationRequest) -> str:
    if req.outcome is Outcome.DECLINED:
        return _(
            "Your request under section 164 of the %(act)s: written reasons for not complying",
            act=ACT,
        )
    return _(
        "Your request under section 164 of the %(act)s: written reasons for complying in part only",
        act=ACT,
    )


def _reasons_parts(req: CooperationRequest, locale: str) -> dict:
    body, council = req.requested_org, req.requesting_org
    decider = req.answered_by
    return dict(
        sender_lines=[body.display_name(locale), *([decider.email] if decider else [])],
        recipient_lines=[
            *([req.contact_name] if req.contact_name else []),
            council.display_name(locale),
        ],
        date_text=long_date(req.answered_on),
        reference_lines=[
            _("Request reference: %(ref)s", ref=req.reference),
            *(
                [_("Your case reference: %(ref)s", ref=req.subject_reference)]
                if req.subject_reference
                else []
            ),
        ],
        subject=_reasons_subject(req),
        salutation=_("Dear %(name)s", name=req.contact_name)
        if req.contact_name
        else _("Dear colleague"),
        paragraphs=_paragraphs(req, S164_GROUNDS[req.ground], locale),
        closing=_("Yours sincerely"),
        signer_lines=[*(services.decider(req) or ()), body.display_name(locale)],
    )


def _paragraphs(req: CooperationRequest, ground, locale: str) -> list[str]:
    body = req.requested_org.display_name(locale)
    asked = _(
        "On %(date)s %(council)s asked %(body)s, under section 164 of the %(act)s, for %(what)s "
        "in the exercise of its social services functions (%(function)s).",
        date=long_date(req.sent_on),
        council=req.requesting_org.display_name(locale),
        body=body,
        act=ACT,
        what=_("information") if req.request_type.value == "information" else _("co-operation"),
        function=function_text(req, locale)
        if req.function_description
        else law_label(SOCIAL_SERVICES_FUNCTIONS, req.function_code, locale).lower(),
    )
    if req.partner_function:
        asked += " " + _("It concerns: %(what)s.", what=req.partner_function)
    if req.outcome is Outcome.DECLINED:
        decision = _("%(body)s has decided not to comply with the request.", body=body)
    else:
        decision = _("%(body)s has decided to comply with the request in part.", body=body)
        if req.not_provided:
            decision += "\n" + _("What is not provided: %(what)s", what=req.not_provided)
    kind = req.request_type.value
    law = _(
        "%(request)s allows a person asked not to comply where it considers that doing so would "
        "be incompatible with its own duties, or would otherwise have an adverse effect on the "
        "exercise of its functions; %(duty)s requires it to give the requesting local authority "
        "written reasons for its decision. This letter gives those reasons.",
        request=S164_PROVISIONS[kind].citation_for(locale),
        duty=S164_REASONS_DUTY.section_for(locale),
    )
    cited = _(
        "The ground for the decision is %(citation)s: %(label)s.",
        citation=ground.citation_for(locale, kind),
        label=ground.label(locale).lower(),
    )
    return [
        asked,
        decision,
        law,
        cited,
        _("The reasons for the decision are:"),
        req.written_reasons,
    ]
