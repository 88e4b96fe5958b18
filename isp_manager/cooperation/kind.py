"""The s.164 request kind, as data for the lifecycle: a local authority asks a body for
co-operation or information in the exercise of a social services function, by its request
letter; the body complies, partly complies or declines on one of the two statutory grounds,
with written reasons.
"""

from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..law import S164_GROUNDS
from ..lifecycle.kinds import (
    AnswerRules,
    KindSettings,
    Letter,
    ReasonsWording,
    RequestKind,
    register,
)
from ..lifecycle.models import Outcome
from .models import CooperationRequest

REFUSALS = frozenset({Outcome.PARTLY_COMPLIED, Outcome.DECLINED})

REASONS_WORDING = ReasonsWording(
    empty=_l(
        "Enter the written reasons for the decision. The law requires them: say why "
        "complying would be incompatible with your duties or would harm the exercise of "
        "your functions."
    ),
    token=_l(
        "“%(text)s” is not a reason. Write the reasons for the decision in full sentences, "
        "so that the requesting body can understand it."
    ),
    placeholder=_l(
        "The written reasons look like placeholder text. Write the reasons for the "
        "decision in full sentences."
    ),
    restated=_l(
        "The written reasons only repeat the ground. Explain why the ground applies to "
        "this request."
    ),
    too_short=_l(
        "The written reasons are too short to explain a decision. Write at least "
        "%(count)s different words saying why the ground applies to this request."
    ),
)


def _may_make(user) -> bool:
    """Only a local authority's users make s.164 requests (auditors change nothing)."""
    return not user.is_auditor and user.organisation.is_local_authority


def _requester_refusal(org) -> str | None:
    from ..i18n import current_locale
    from ..i18n import gettext as _

    if org.is_local_authority:
        return None
    return _(
        "Only a local authority can make a request under s.164, and %(org)s is a %(kind)s. "
        "Ask the local authority concerned to make the request.",
        org=org.display_name(current_locale()),
        kind=org.kind_label.lower(),
    )


def _who_may_be_asked(council, body):
    from ..parties.services import eligibility_for_s164

    return eligibility_for_s164(council, body)


def _letter(req) -> bytes:
    from ..i18n import letter_language
    from .letters import request_letter

    return request_letter(req, letter_language(None))


def _letter_filename(req) -> str:
    from .letters import request_letter_filename

    return request_letter_filename(req)


S164 = register(
    RequestKind(
        code="s164",
        label=_l("s.164 request"),
        citation=_l("section 164 of the Social Services and Well-being (Wales) Act 2014"),
        model=CooperationRequest,
        endpoint="cooperation",
        may_make=_may_make,
        requester_refusal=_requester_refusal,
        who_may_be_asked=_who_may_be_asked,
        answers=AnswerRules(
            outcomes=(Outcome.COMPLIED, Outcome.PARTLY_COMPLIED, Outcome.DECLINED),
            grounds=S164_GROUNDS,
            ground_needed_for=REFUSALS,
            reasons_needed_for=REFUSALS,
            choose_outcome=_l("Choose whether you complied, partly complied or declined."),
        ),
        settings=KindSettings("S164"),
        reasons_wording=REASONS_WORDING,
        # The request letter, to the body asked (a draft's too, for its requester). The
        # written-reasons letter of a refusal is the body's, served beside it (letters.py).
        letter=Letter(build=_letter, filename=_letter_filename, label=_l("Request letter")),
    )
)
