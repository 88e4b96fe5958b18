"""The written-reasons letter: s.164 requires a body that decides not to comply, wholly or in
part, to give the requesting authority written reasons. The letter is addressed to the
requesting authority, comes from the person who decided and their organisation (in its
letterhead when one was uploaded), and cites s.164 and the ground.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from ..calendar import long_date
from ..documents import add_letter, document_bytes, new_document
from ..documents.letterheads import letterhead_path
from ..errors import Conflict
from ..i18n import current_locale
from ..law import S164_GROUNDS, S164_PROVISIONS, S164_REASONS_DUTY, SOCIAL_SERVICES_FUNCTIONS
from ..law import label as law_label
from ..lifecycle.models import Outcome
from . import services
from .models import CooperationRequest
from .services import function_text

ACT = "Social Services and Well-being (Wales) Act 2014"


def letter_filename(req: CooperationRequest) -> str:
    return f"{req.reference}-written-reasons.docx"


def reasons_letter(req: CooperationRequest) -> bytes:
    """The letter as a .docx. Only a request declined, wholly or in part, has one."""
    if not req.has_reasons_letter:
        raise Conflict(
            _("Only a request that was declined, wholly or in part, has a written-reasons letter.")
        )
    locale = current_locale()
    body, council = req.requested_org, req.requesting_org
    decider = req.answered_by
    decided_by = services.decider(req)
    ground = S164_GROUNDS[req.ground]
    doc = new_document(
        title=_("Written reasons: %(ref)s", ref=req.reference),
        marking=current_app.config.get("PROTECTIVE_MARKING", "OFFICIAL"),
        base_template=letterhead_path(body),
        author=body.display_name(locale),
    )
    add_letter(
        doc,
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
        subject=_(
            "Your request under section 164 of the %(act)s: written reasons for not complying",
            act=ACT,
        )
        if req.outcome is Outcome.DECLINED
        else _(
            "Your request under section 164 of the %(act)s: written reasons for complying in part only",
            act=ACT,
        ),
        salutation=_("Dear %(name)s", name=req.contact_name)
        if req.contact_name
        else _("Dear colleague"),
        paragraphs=_paragraphs(req, ground, locale),
        closing=_("Yours sincerely"),
        signer_lines=[*(decided_by or ()), body.display_name(locale)],
    )
    return document_bytes(doc)


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
