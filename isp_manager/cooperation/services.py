"""The s.164 operations: the only place that creates or changes a co-operation request.

Who may be asked is decided by parties.services.eligibility_for_s164 (one service for the
whole product); the steps of the lifecycle (guards, due dates, timeline, audit) are the
shared ones in lifecycle.services; this module adds what is particular to s.164 requests
and the notices to each side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import sqlalchemy as sa
from flask_babel import force_locale

from ..calendar import due_date as working_due_date
from ..calendar import wales_today
from ..db import utcnow
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import LIMITED_PARTNER_FUNCTIONS, S164_GROUNDS, SOCIAL_SERVICES_FUNCTIONS
from ..law import label as law_label
from ..lifecycle import lists, notices
from ..lifecycle import services as lifecycle
from ..lifecycle.lists import ALL_STATES, OPEN, Box, ListFilters, check_filters  # noqa: F401
from ..lifecycle.models import (
    ANSWERED_STATES,
    RequestState,
)
from ..lifecycle.notices import body_contact, body_recipients, request_link  # noqa: F401
from ..lifecycle.services import ItemInput, deadline_status  # noqa: F401
from ..lifecycle.steps import *  # noqa: F403  (every kind's steps after sending)
from ..parties.models import Organisation, OrgKind
from ..parties.services import (
    S164Eligibility,
    eligibility_for_s164,
    explain_s164_basis,
    find_body,
)
from ..text_input import check_length, is_storable
from .kind import S164
from .models import (
    MIN_FUNCTION_DESCRIPTION,
    OTHER_FUNCTION,
    CooperationRequest,
    RequestType,
)

# A case number or reference: letters, digits and - / . _ with at least one digit, no spaces
# (so a name cannot be entered by mistake).
SUBJECT_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-/._]{2,39}$")
MAX_TEXT = lifecycle.MAX_TEXT
MAX_ITEMS = lifecycle.MAX_ITEMS
CREATED_FIELDS = (
    "reference",
    "request_type",
    "function_code",
    "function_description",
    "partner_function",
    "s164_basis",
    "requested_org_id",
    "subject_reference",
    "is_urgent",
    "requested_due_date",
)


# ----------------------------------------------------------------- who may ask, whom


def can_make_requests(user) -> bool:
    """Only a local authority's users make s.164 requests (auditors change nothing)."""
    return S164.may_make(user)


def note_answer_read(req: CooperationRequest, user) -> bool:
    """The first time someone at the requesting body opens an answered request, it is read
    (the to-do page stops counting it). Administrators and auditors reading do not count."""
    if (
        req.answer_read_at is None
        and req.state in ANSWERED_STATES
        and not user.can_read_everything
        and req.is_requester(user)
    ):
        req.answer_read_at = utcnow()
        db.session.flush()
        return True
    return False


# Kinds of body a s.164 request can involve, or that someone might wrongly try to ask (a
# police force elsewhere, the National Crime Agency, a prison, a board): the choices offered
# on the pages. Schools, charities and youth support providers are left out of the lists.
PARTY_KINDS = tuple(
    k
    for k in OrgKind
    if k not in (OrgKind.SCHOOL, OrgKind.CHARITY, OrgKind.OTHER, OrgKind.YOUTH_SUPPORT_SERVICE)
)


def parties_select(*, councils_only: bool = False) -> sa.Select:
    """The active bodies that may be the other side of a s.164 request (councils only, for
    the requests a body received), as a select to narrow further."""
    kinds = (OrgKind.LOCAL_AUTHORITY,) if councils_only else PARTY_KINDS
    return sa.select(Organisation).where(Organisation.is_active, Organisation.kind.in_(kinds))


def party_choices(*, councils_only: bool = False) -> list[Organisation]:
    """The active bodies that may be the other side of a s.164 request, by name."""
    return list(
        db.session.scalars(
            parties_select(councils_only=councils_only).order_by(
                *Organisation.name_order(current_locale())
            )
        )
    )


def body_to_ask(text: str | None) -> Organisation:
    """The one active body that `text` (a code, a name in either language, or a part of a name
    only it has) names among those a s.164 request may go to; InvalidInput on `body` when the
    text is empty, names no body or names several."""
    if not (text or "").strip():
        raise InvalidInput(_("Enter the name or code of the body you are asking."), field="body")
    if not is_storable(text):
        raise InvalidInput(
            _(
                "No body in the register matches what you entered. Check the spelling, or "
                "enter the body’s code."
            ),
            field="body",
        )
    return find_body(text, parties_select(), field="body")


def who_can_be_asked(council: Organisation, body: Organisation) -> S164Eligibility:
    """Under which part of s.164(2) `council` may ask `body` (the register's one rule)."""
    return eligibility_for_s164(council, body)


def limited_partner(basis: str | None, body: Organisation):
    """The functions a relevant partner asked under s.164(2)(a) is a partner only in
    discharging (the Secretary of State, the Welsh Ministers), or None."""
    if basis != "s164-2-a":
        return None
    return LIMITED_PARTNER_FUNCTIONS.get(body.relevant_partner_category)


def _requester_org(by, requesting: Organisation | None) -> Organisation:
    return lifecycle.requesting_org(S164, by, requesting, field="requesting_organisation")


# ----------------------------------------------------------------- making a request


@dataclass
class RequestDetails:
    """What a requester fills in. Field names are those of the API and the form."""

    requested_organisation: Organisation | None
    request_type: str | None
    function: str | None
    details: str | None
    purpose: str | None
    secure_reply: str | None = None
    subject_reference: str | None = None
    urgent: bool = False
    requested_due_date: date | None = None
    urgent_reason: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    function_description: str | None = None  # which function, when it is ssf-other
    partner_function: str | None = None  # which function, for a limited relevant partner


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _details_problems(
    data: RequestDetails, council: Organisation, on: date
) -> tuple[dict, S164Eligibility | None]:
    errors: dict[str, list[str]] = {}
    eligibility = None
    body = data.requested_organisation
    if body is None:
        errors["requested_organisation"] = [_("Choose the body you are asking, from the register.")]
    else:
        eligibility = who_can_be_asked(council, body)
        if eligibility.code is None:
            errors["requested_organisation"] = [eligibility.explanation]
        limit = limited_partner(eligibility.code, body)
        if limit is not None and len(_clean(data.partner_function)) < MIN_FUNCTION_DESCRIPTION:
            errors["partner_function"] = [
                _(
                    "Say which of its %(functions)s the request concerns: %(body)s is a relevant "
                    "partner only in discharging those.",
                    functions=limit.label(current_locale()).lower(),
                    body=body.display_name(current_locale()),
                )
            ]
    if data.request_type not in {t.value for t in RequestType}:
        errors["request_type"] = [
            _("Choose whether you are asking for co-operation or for information.")
        ]
    if data.function not in SOCIAL_SERVICES_FUNCTIONS:
        errors["function"] = [_("Choose the social services function the request is made for.")]
    elif data.function == OTHER_FUNCTION:
        check_length(
            errors,
            "function_description",
            _clean(data.function_description),
            minimum=MIN_FUNCTION_DESCRIPTION,
            maximum=500,
            too_short=_(
                "Say which social services function the request is made for, like "
                "“support for carers”: you chose another social services function."
            ),
        )
    for name, value, too_short in (
        ("details", data.details, _("Say what you are asking for, in at least a sentence.")),
        ("purpose", data.purpose, _("Say why you need it, in at least a sentence.")),
    ):
        check_length(errors, name, _clean(value), minimum=10, maximum=MAX_TEXT, too_short=too_short)
    check_length(errors, "secure_reply", _clean(data.secure_reply), maximum=500)
    ref = _clean(data.subject_reference)
    if ref and not SUBJECT_REFERENCE.match(ref):
        errors["subject_reference"] = [
            _(
                "Enter a case number or reference, like CS-2026-00417, not a name: letters, "
                "numbers, - / . or _ only, with at least one number and no spaces."
            )
        ]
    errors.update(lifecycle.contact_problems(data))
    usual = None
    if data.request_type in {t.value for t in RequestType}:
        usual = working_due_date(on, response_days(RequestType(data.request_type))).date
    errors.update(lifecycle.urgency_problems(data, on=on, usual=usual))
    return errors, eligibility


def response_days(request_type: RequestType) -> int:
    """The default response period for the kind of request, in working days (configurable)."""
    return S164.response_days(request_type.value)


def local_practice_note(request_type: RequestType) -> str:
    """Where a due date is shown: it is local practice, not law."""
    return _(
        "The Act sets no deadline; this date follows local practice of %(days)s working days.",
        days=response_days(request_type),
    )


def preview_due_date(request_type: RequestType, on: date | None = None):
    """The due date a request of this type sent today would get, and why."""
    return working_due_date(on or wales_today(), response_days(request_type))


def create_request(
    data: RequestDetails,
    *,
    by,
    requesting: Organisation | None = None,
    send: bool = True,
    on: date | None = None,
) -> CooperationRequest:
    """Make a request as a draft, or make and send it. Nothing is saved if any field is wrong."""
    council = _requester_org(by, requesting)
    on = on or wales_today()
    errors, eligibility = _details_problems(data, council, on)
    if errors:
        raise InvalidInput(errors=errors)
    req = CooperationRequest(
        reference=lifecycle.allocate_reference(CooperationRequest.REFERENCE_PREFIX, on.year),
        requesting_org=council,
        requested_org=data.requested_organisation,
        created_by=by,
        state=RequestState.DRAFT,
        request_type=RequestType(data.request_type),
        function_code=data.function,
        function_description=(_clean(data.function_description) or None)
        if data.function == OTHER_FUNCTION
        else None,
        s164_basis=eligibility.code,
        partner_function=(_clean(data.partner_function)[:500] or None)
        if limited_partner(eligibility.code, data.requested_organisation)
        else None,
        details=_clean(data.details),
        purpose=_clean(data.purpose),
        secure_reply=_clean(data.secure_reply) or None,
        subject_reference=_clean(data.subject_reference) or None,
        **lifecycle.urgency_and_contact(data, by),
    )
    _keep_basis_reason(req)
    return lifecycle.add_request(
        req, by, CREATED_FIELDS, send=send, send_request=send_request, on=on
    )


def send_request(req: CooperationRequest, *, by, on: date | None = None) -> None:
    """Send a draft: the s.164(2) basis is checked again (the register may have changed)."""
    lifecycle.check_allowed(req, lifecycle.Operation.SEND, by)
    eligibility = who_can_be_asked(req.requesting_org, req.requested_org)
    if eligibility.code is None:
        raise InvalidInput(eligibility.explanation, field="requested_organisation")
    req.s164_basis = eligibility.code
    _keep_basis_reason(req)
    lifecycle.send(req, by, working_days=response_days(req.request_type), on=on)
    notices.request_sent(
        req,
        lambda: {
            "type": req.request_type.label.lower(),
            "function": function_text(req),
            "explanation": due_explanation(req),
            "practice": local_practice_note(req.request_type),
        },
    )


def basis_explanation(req: CooperationRequest, locale: str | None = None) -> str:
    """Why the body asked could be asked, under the s.164(2) paragraph kept on the request, in
    the reader's language (the sentence is built when shown, from the code and the register)."""
    return explain_s164_basis(
        req.s164_basis, req.requesting_org, req.requested_org, on=req.sent_on, locale=locale
    )


def _keep_basis_reason(req: CooperationRequest) -> None:
    """The reason as it stands, in English, kept on the request for the record."""
    with force_locale("en"):
        req.basis_reason = basis_explanation(req, "en")


def function_text(req: CooperationRequest, locale: str | None = None) -> str:
    """The social services function the request is made for: its label, or for another
    function the requester's description of it."""
    if req.function_code == OTHER_FUNCTION and req.function_description:
        return req.function_description
    return law_label(SOCIAL_SERVICES_FUNCTIONS, req.function_code, locale or current_locale())


def ground_citation(req: CooperationRequest, locale: str | None = None) -> str | None:
    """The ground of a refusal cited by the request's type (s.164(1)(a) for co-operation,
    s.164(3)(a) for information), in the reader's language; None when there is no ground."""
    ground = S164_GROUNDS.get(req.ground)
    if ground is None:
        return None
    return ground.citation_for(locale or current_locale(), req.request_type.value)


def due_explanation(req: CooperationRequest) -> str | None:
    """How the due date was worked out, in the reader's language."""
    return lifecycle.explain_due_date(req).text


# ----------------------------------------------------------------- the steps after sending


def extension_limit_days() -> int:
    """How far an extension may go: working days from the request date (configurable)."""
    return S164.settings.extension_limit_days


@dataclass
class AnswerInput:
    outcome: str | None
    ground: str | None = None
    written_reasons: str | None = None
    not_provided: str | None = None
    items: list[ItemInput] = field(default_factory=list)


def _answer_terms(answer: AnswerInput, req: CooperationRequest) -> dict:
    """The answer as the lifecycle checks and records it; what is wrong with the items
    provided and the part not provided comes with the lifecycle's own messages."""
    return {
        "outcome": answer.outcome,
        "ground": answer.ground,
        "reasons": answer.written_reasons,
        "more_problems": lambda outcome, day: lifecycle.answer_items_problems(
            req, outcome, answer, day
        ),
    }


def check_response(
    req: CooperationRequest, answer: AnswerInput, *, by, on: date | None = None
) -> None:
    """Raise what stops the answer being recorded, recording nothing: the page checks a
    refusal with the person deciding before it is sent."""
    lifecycle.check_answer(req, by, on=on or wales_today(), **_answer_terms(answer, req))


def needs_check(answer: AnswerInput) -> bool:
    """A refusal, whole or in part, is a decision of the body: it is checked before it is sent."""
    outcome = lifecycle.as_outcome(answer.outcome)
    return outcome is not None and outcome.needs_ground_and_reasons


def decider(req: CooperationRequest) -> tuple[str, str] | None:
    """Who decided the answer and their job title (as it was then) or role."""
    user = req.answered_by
    if user is None:
        return None
    return user.name, req.answered_by_title or lifecycle.decider_title(user)


def respond_to_request(
    req: CooperationRequest, answer: AnswerInput, *, by, on: date | None = None
) -> None:
    """Complied with, partly complied with, or declined. A refusal, whole or in part, needs one
    of the two s.164 grounds and written reasons of substance; a sent request can be answered
    straight away."""
    lifecycle.record_answer(req, by, on=on, **_answer_terms(answer, req))
    lifecycle.keep_answer_items(req, answer)

    def letter() -> str:
        if not req.has_reasons_letter:
            return ""
        return _(
            " Ground: %(citation)s.\n\nThe written reasons and the letter setting them out are "
            "on the request's page.",
            citation=ground_citation(req),
        )

    notices.notify(
        notices.requester_recipients(req),
        lambda: _(
            "%(ref)s answered: %(outcome)s", ref=req.reference, outcome=req.outcome.label.lower()
        ),
        lambda: _(
            "%(body)s has answered request %(ref)s: %(outcome)s.%(letter)s\n\n%(link)s",
            body=req.requested_org.display_name(current_locale()),
            ref=req.reference,
            outcome=req.outcome.label.lower(),
            letter=letter(),
            link=request_link(req),
        ),
    )


# ----------------------------------------------------------------- reading


# The request with both bodies, its timeline and what was provided (lifecycle): a NotFound
# when the user may not see it.
get_request_for = partial(lifecycle.get_request_for, S164)
due_soon_until = partial(lifecycle.due_soon_until, S164)


# ----------------------------------------------------------------- inbox and outbox


# The lists are the lifecycle's (lifecycle.lists); s.164 adds its request type as a filter.
def request_type_filter(request_type: RequestType | None) -> tuple:
    """The extra WHERE clause of a list narrowed to one request type (none for any)."""
    if request_type is None:
        return ()
    return (CooperationRequest.request_type == request_type,)


# The s.164 requests in a box, filtered, and how many (see lifecycle.lists.list_query).
list_query = partial(lists.list_query, S164)
count_requests = partial(lists.count_requests, S164)
