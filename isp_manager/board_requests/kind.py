"""The s.137 request kind, as data for the lifecycle: a Safeguarding Board asks a qualifying
person or body for specified information; the body complies, partly complies or does not
comply, and gives its reasons for what it does not provide (there are no statutory grounds).
The information may go to a third body (provide_to), which sees the request once it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import lazy_gettext as _l
from ..lifecycle.kinds import (
    BODY_ASKED_PARTY,
    REQUESTER_PARTY,
    AnswerRules,
    Letter,
    Party,
    ReasonsWording,
    Relation,
    RequestKind,
)
from ..lifecycle.models import Outcome
from .models import BOARD_OUTCOMES, BoardRequest

REFUSALS = frozenset({Outcome.PARTLY_COMPLIED, Outcome.NOT_COMPLIED})

# The answer's reasons for what was not provided.
REASONS_WORDING = ReasonsWording(
    empty=_l(
        "Enter the reasons for not providing all of the information, so that the board can "
        "report them and follow them up."
    ),
    token=_l(
        "“%(text)s” is not a reason. Say in full sentences why the information was not provided."
    ),
    placeholder=_l(
        "The reasons look like placeholder text. Say in full sentences why the information "
        "was not provided."
    ),
    restated=_l(
        "The reasons look like placeholder text. Say in full sentences why the information "
        "was not provided."
    ),
    too_short=_l(
        "The reasons are too short. Write at least %(count)s different words saying why the "
        "information was not provided."
    ),
)
# Why the board considers the body qualifying (s.137(2)), recorded with the request.
QUALIFYING_WORDING = ReasonsWording(
    empty=_l(
        "Enter why the board considers this body likely to hold information relevant to its "
        "functions. The Act requires the board's reason to be recorded with the request."
    ),
    token=_l(
        "“%(text)s” is not a reason. Say which of the body's functions or activities make it "
        "likely to hold information the board needs."
    ),
    placeholder=_l(
        "The reason the body qualifies looks like placeholder text. Write it in full sentences."
    ),
    restated=_l(
        "The reason the body qualifies looks like placeholder text. Write it in full sentences."
    ),
    too_short=_l(
        "Say more about why the body qualifies: at least %(count)s different words on which of "
        "its functions or activities make it likely to hold relevant information."
    ),
)
# The information asked for, which the request must specify.
SPECIFIED_WORDING = ReasonsWording(
    empty=_l("Enter the information the board is asking for."),
    token=_l(
        "“%(text)s” does not specify any information. Say what the board needs, such as "
        "records of contact with the family between two dates."
    ),
    placeholder=_l(
        "The information asked for looks like placeholder text. Say what the board needs."
    ),
    restated=_l("The information asked for looks like placeholder text. Say what the board needs."),
    too_short=_l(
        "Specify the information: at least %(count)s different words saying what the board "
        "needs, such as records of contact with the family between two dates."
    ),
)

PROVIDE_TO_PARTY = Party(
    Relation.PROVIDE_TO,
    "provide_to_org_id",
    _l("Body the information goes to"),
    optional=True,
    attribute="provide_to",
)


@dataclass(frozen=True)
class S137Eligibility:
    code: str | None
    explanation: str


class S137Kind(RequestKind):
    def may_make(self, user) -> bool:
        from .services import can_make_requests

        return can_make_requests(user)

    def requester_refusal(self, org) -> str | None:
        from ..i18n import current_locale
        from ..i18n import gettext as _

        if org.is_safeguarding_board:
            return None
        return _(
            "Only a Safeguarding Board can make a request under s.137, and %(org)s is a %(kind)s.",
            org=org.display_name(current_locale()),
            kind=org.kind_label.lower(),
        )

    def who_may_be_asked(self, requesting, body) -> S137Eligibility:
        """Any other active body the board considers qualifying: the board's reason is
        recorded with the request (why_qualifying), not decided from the register."""
        from ..i18n import gettext as _

        if body is None or body.id == requesting.id or not body.is_active:
            return S137Eligibility(None, _("A board cannot ask itself. Choose another body."))
        return S137Eligibility("s137", "")


S137 = S137Kind(
    code="s137",
    label=_l("s.137 request"),
    citation=_l("section 137 of the Social Services and Well-being (Wales) Act 2014"),
    model=BoardRequest,
    parties=(REQUESTER_PARTY, BODY_ASKED_PARTY, PROVIDE_TO_PARTY),
    answers=AnswerRules(
        outcomes=BOARD_OUTCOMES,
        reasons_needed_for=REFUSALS,
        not_provided_for=REFUSALS,
        choose_outcome=_l(
            "Choose whether the request was complied with, partly complied with or not."
        ),
        not_provided_only=_l("Say what was not provided only when it was not all provided."),
        nothing_provided=_l(
            "A request not complied with has nothing provided. If part of it was provided, "
            "choose partly complied with."
        ),
    ),
    reasons_wording=REASONS_WORDING,
    substance_fields={
        "why_qualifying": QUALIFYING_WORDING,
        "information_specified": SPECIFIED_WORDING,
    },
    letter=Letter("isp_manager.board_requests.letters"),
    not_found=_l("There is no board request with that number that you can see."),
    sent_notice=(
        _l("New s.137 request %(ref)s from %(board)s"),
        _l(
            "%(board)s has sent %(body)s a request for information under section 137 of the "
            "Social Services and Well-being (Wales) Act 2014.\n\nReference: %(ref)s\nDue: "
            "%(due)s. %(practice)s\n\n%(how)s"
        ),
    ),
)
