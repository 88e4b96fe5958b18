"""The s.164 request kind, as data for the lifecycle: a local authority asks a body for
co-operation or information in the exercise of a social services function, by its request
letter; the body complies, partly complies or declines on one of the two statutory grounds,
with written reasons.
"""

from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..law import S164_GROUNDS
from ..lifecycle.kinds import AnswerRules, Letter, ReasonsWording, RequestKind
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


class S164Kind(RequestKind):
    def may_make(self, user) -> bool:
        """Only a local authority's users make s.164 requests (auditors change nothing)."""
        return not user.is_auditor and user.organisation.is_local_authority

    def requester_refusal(self, org) -> str | None:
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

    def who_may_be_asked(self, requesting, body):
        """Under which part of s.164(2) the council may ask the body (the register's rule)."""
        from ..parties.services import eligibility_for_s164

        return eligibility_for_s164(requesting, body)


S164 = S164Kind(
    code="s164",
    label=_l("s.164 request"),
    citation=_l("section 164 of the Social Services and Well-being (Wales) Act 2014"),
    model=CooperationRequest,
    answers=AnswerRules(
        outcomes=(Outcome.COMPLIED, Outcome.PARTLY_COMPLIED, Outcome.DECLINED),
        grounds=S164_GROUNDS,
        ground_needed_for=REFUSALS,
        reasons_needed_for=REFUSALS,
        choose_outcome=_l("Choose whether you complied, partly complied or declined."),
    ),
    reasons_wording=REASONS_WORDING,
    # The request letter, to the body asked (a draft's too, for its requester). The
    # written-reasons letter of a refusal is the body's, served beside it (letters.py).
    letter=Letter("isp_manager.cooperation.letters", label=_l("Request letter")),
    sent_notice=(
        _l("New s.164 request %(ref)s from %(org)s"),
        _l(
            "%(org)s has sent %(body)s a request under section 164 of the Social Services "
            "and Well-being (Wales) Act 2014 (%(type)s, %(function)s).\n\nReference: "
            "%(ref)s\nDue: %(due)s (%(explanation)s). %(practice)s\n\n%(how)s"
        ),
    ),
)
