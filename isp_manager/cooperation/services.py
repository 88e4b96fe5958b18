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

import sqlalchemy as sa
from flask_babel import force_locale

from ..accounts.services import normalise_email
from ..audit.services import snapshot
from ..calendar import due_date as working_due_date
from ..calendar import long_date, wales_today
from ..db import utcnow
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import LIMITED_PARTNER_FUNCTIONS, S164_GROUNDS, SOCIAL_SERVICES_FUNCTIONS
from ..law import label as law_label
from ..lifecycle import lists, notices
from ..lifecycle import services as lifecycle
from ..lifecycle.models import (
    ANSWERED_STATES,
    InformationNature,
    Outcome,
    RequestState,
)
from ..parties.models import Organisation, OrgKind
from ..parties.services import (
    S164Eligibility,
    eligibility_for_s164,
    explain_s164_basis,
    find_body,
)
from ..text_input import is_storable
from .kind import S164
from .models import (
    MIN_FUNCTION_DESCRIPTION,
    OTHER_FUNCTION,
    CooperationRequest,
    ProvidedItem,
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


body_contact = notices.body_contact  # the register's address of a body: the one lookup


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


body_recipients = (
    notices.body_recipients
)  # its users who answer requests and the register's address


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


def _check_text(
    errors: dict,
    name: str,
    value: str | None,
    message: str,
    *,
    minimum: int = 10,
    maximum: int = MAX_TEXT,
):
    text = _clean(value)
    if len(text) < minimum:
        errors[name] = [message]
    elif len(text) > maximum:
        errors[name] = [_("Shorten this to %(max)s characters or fewer.", max=maximum)]
    return text


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
        _check_text(
            errors,
            "function_description",
            data.function_description,
            _(
                "Say which social services function the request is made for, like "
                "“support for carers”: you chose another social services function."
            ),
            minimum=MIN_FUNCTION_DESCRIPTION,
            maximum=500,
        )
    _check_text(
        errors, "details", data.details, _("Say what you are asking for, in at least a sentence.")
    )
    _check_text(errors, "purpose", data.purpose, _("Say why you need it, in at least a sentence."))
    _check_text(errors, "secure_reply", data.secure_reply, "", minimum=0, maximum=500)
    ref = _clean(data.subject_reference)
    if ref and not SUBJECT_REFERENCE.match(ref):
        errors["subject_reference"] = [
            _(
                "Enter a case number or reference, like CS-2026-00417, not a name: letters, "
                "numbers, - / . or _ only, with at least one number and no spaces."
            )
        ]
    email = _clean(data.contact_email)
    if email:
        try:
            normalise_email(email)
        except InvalidInput:
            errors["contact_email"] = [
                _("Enter the contact's e-mail address, like name@cardiff.gov.uk.")
            ]
    if data.requested_due_date is not None or _clean(data.urgent_reason):
        if not data.urgent:
            errors["urgent"] = [_("Mark the request as urgent to ask for an earlier due date.")]
    if (
        data.urgent
        and data.requested_due_date is not None
        and data.request_type in {t.value for t in RequestType}
    ):
        usual = working_due_date(on, response_days(RequestType(data.request_type))).date
        try:
            lifecycle.check_urgent_due_date(
                data.requested_due_date, data.urgent_reason, on=on, usual=usual
            )
        except InvalidInput as error:
            errors.update(error.field_errors())
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
        is_urgent=bool(data.urgent),
        requested_due_date=data.requested_due_date if data.urgent else None,
        urgent_reason=(_clean(data.urgent_reason) or None) if data.urgent else None,
        contact_name=_clean(data.contact_name) or by.name,
        contact_email=_clean(data.contact_email) or by.email,
        contact_phone=_clean(data.contact_phone) or None,
    )
    _keep_basis_reason(req)
    db.session.add(req)
    db.session.flush()
    lifecycle.record_created(req, by, snapshot(req, CREATED_FIELDS), as_draft=not send)
    if send:
        send_request(req, by=by, on=on)
    return req


def send_request(req: CooperationRequest, *, by, on: date | None = None) -> None:
    """Send a draft: the s.164(2) basis is checked again (the register may have changed)."""
    lifecycle.check_allowed(req, lifecycle.Operation.SEND, by)
    eligibility = who_can_be_asked(req.requesting_org, req.requested_org)
    if eligibility.code is None:
        raise InvalidInput(eligibility.explanation, field="requested_organisation")
    req.s164_basis = eligibility.code
    _keep_basis_reason(req)
    lifecycle.send(req, by, working_days=response_days(req.request_type), on=on)
    notices.notify(
        body_recipients(req.requested_org),
        lambda: _(
            "New s.164 request %(ref)s from %(org)s",
            ref=req.reference,
            org=req.requesting_org.display_name(current_locale()),
        ),
        lambda: _(
            "%(org)s has sent %(body)s a request under section 164 of the Social Services and "
            "Well-being (Wales) Act 2014 (%(type)s, %(function)s).\n\nReference: %(ref)s\n"
            "Due: %(due)s (%(explanation)s). %(practice)s\n\n%(how)s",
            org=req.requesting_org.display_name(current_locale()),
            body=req.requested_org.display_name(current_locale()),
            type=req.request_type.label.lower(),
            function=function_text(req),
            ref=req.reference,
            due=long_date(req.due_date),
            explanation=due_explanation(req),
            practice=local_practice_note(req.request_type),
            how=notices.how_to_answer(req),
        ),
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


def acknowledge_request(req: CooperationRequest, *, by) -> None:
    lifecycle.acknowledge(req, by)


def ask_for_clarification(
    req: CooperationRequest, question: str, *, by, on: date | None = None
) -> None:
    """The body asked needs something made clear; the clock stops until the requester answers."""
    lifecycle.ask_clarification(req, by, question, on=on)
    notices.clarification_asked(req)


def give_clarification(req: CooperationRequest, answer: str, *, by, on: date | None = None) -> None:
    """The requester answers the question; the due date moves on by the days the clock stopped."""
    lifecycle.answer_clarification(req, by, answer, on=on)
    notices.clarification_given(req)


def extension_limit_days() -> int:
    """How far an extension may go: working days from the request date (configurable)."""
    return S164.settings.extension_limit_days


def ask_for_extension(
    req: CooperationRequest, new_due: date | None, reason: str | None, *, by, on: date | None = None
):
    """The body asked asks for more time; the council that made the request is told, and
    agrees or refuses it."""
    ext = lifecycle.ask_extension(
        req, by, new_due, reason, limit_days=extension_limit_days(), on=on
    )
    notices.extension_asked(req, ext)
    return ext


def agree_extension(req: CooperationRequest, *, by, on: date | None = None):
    """The council agrees the extension the body asked for; the body is told the new date."""
    ext = lifecycle.agree_extension(req, by, limit_days=extension_limit_days(), on=on)
    notices.extension_agreed(req)
    return ext


def refuse_extension(req: CooperationRequest, reason: str | None, *, by):
    """The council refuses the extension asked for, saying why; the body is told."""
    ext = lifecycle.refuse_extension(req, by, reason)
    notices.extension_refused(req)
    return ext


def grant_extension(
    req: CooperationRequest, new_due: date | None, reason: str | None, *, by, on: date | None = None
):
    """The council gives the body more time of its own accord; the body is told."""
    ext = lifecycle.grant_extension(
        req, by, new_due, reason, limit_days=extension_limit_days(), on=on
    )
    notices.extension_granted(req)
    return ext


ItemInput = lifecycle.ItemInput


@dataclass
class AnswerInput:
    outcome: str | None
    ground: str | None = None
    written_reasons: str | None = None
    not_provided: str | None = None
    items: list[ItemInput] = field(default_factory=list)


def _answer_problems(
    answer: AnswerInput, req: CooperationRequest, outcome: Outcome, on: date
) -> dict:
    """What is wrong with the items provided and the part not provided, for this outcome."""
    errors: dict[str, list[str]] = {}
    if _clean(answer.not_provided) and outcome is not Outcome.PARTLY_COMPLIED:
        errors["not_provided"] = [_("Say what was not provided only when you partly complied.")]
    if len(answer.items) > MAX_ITEMS:
        errors["items"] = [_("List at most %(n)s items; group smaller ones together.", n=MAX_ITEMS)]
        return errors
    if answer.items and outcome is Outcome.DECLINED:
        errors["items"] = [
            _(
                "A declined request has nothing provided. If you provided part of it, choose partly complied."
            )
        ]
        return errors
    natures = {n.value for n in InformationNature}
    for index, item in enumerate(answer.items):
        n = index + 1
        messages = []
        if not _clean(item.description):
            messages.append(_("Item %(n)s: say what was provided.", n=n))
        if item.nature not in natures:
            messages.append(_("Item %(n)s: say whether it is fact, opinion or historical.", n=n))
        if item.provided_on is None or not (req.sent_on <= item.provided_on <= on):
            messages.append(
                _(
                    "Item %(n)s: enter the date it was provided, between %(sent)s and today.",
                    n=n,
                    sent=long_date(req.sent_on),
                )
            )
        if not _clean(item.provided_how):
            messages.append(_("Item %(n)s: say how it was provided, like secure e-mail.", n=n))
        if messages:
            errors[f"items.{index}"] = messages
    return errors


def check_response(
    req: CooperationRequest, answer: AnswerInput, *, by, on: date | None = None
) -> None:
    """Raise what stops the answer being recorded, recording nothing: the page checks a
    refusal with the person deciding before it is sent."""
    on = on or wales_today()
    lifecycle.check_answer(
        req,
        by,
        outcome=answer.outcome,
        ground=answer.ground,
        reasons=answer.written_reasons,
        grounds=S164_GROUNDS,
        on=on,
        more_problems=lambda outcome, day: _answer_problems(answer, req, outcome, day),
    )


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
    lifecycle.record_answer(
        req,
        by,
        outcome=answer.outcome,
        ground=answer.ground,
        reasons=answer.written_reasons,
        grounds=S164_GROUNDS,
        on=on,
        more_problems=lambda outcome, day: _answer_problems(answer, req, outcome, day),
    )
    req.not_provided = _clean(answer.not_provided) or None
    for item in answer.items:
        req.provided_items.append(
            ProvidedItem(
                description=_clean(item.description),
                nature=InformationNature(item.nature),
                provided_on=item.provided_on,
                provided_how=_clean(item.provided_how),
            )
        )
    db.session.flush()

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


def close_request(req: CooperationRequest, *, by) -> None:
    lifecycle.close(req, by)


def withdraw_request(req: CooperationRequest, reason: str | None, *, by) -> None:
    """The requester no longer needs an answer. The body asked is told, once it had the request."""
    lifecycle.withdraw(req, by, reason)


# ----------------------------------------------------------------- reading


def get_request_for(user, request_id: int) -> CooperationRequest:
    """The request with both bodies, its timeline and what was provided (lifecycle)."""
    return lifecycle.get_request_for(S164, user, request_id)


request_link = notices.request_link
deadline_status = lifecycle.deadline_status


def due_soon_until(today: date) -> date:
    return lifecycle.due_soon_until(S164, today)


# ----------------------------------------------------------------- inbox and outbox

# The lists are the lifecycle's (lifecycle.lists); s.164 adds its request type as a filter.
Box = lists.Box
OPEN = lists.OPEN
ALL_STATES = lists.ALL_STATES
ListFilters = lists.ListFilters
check_filters = lists.check_filters


def request_type_filter(request_type: RequestType | None) -> tuple:
    """The extra WHERE clause of a list narrowed to one request type (none for any)."""
    if request_type is None:
        return ()
    return (CooperationRequest.request_type == request_type,)


def list_query(
    user, box: Box, filters: ListFilters, today: date | None = None, *, first: int | None = None
) -> sa.Select:
    """The s.164 requests in a box, filtered (see lifecycle.lists.list_query)."""
    return lists.list_query(S164, user, box, filters, today, first=first)


def count_requests(user, box: Box, filters: ListFilters, today: date | None = None) -> int:
    return lists.count_requests(S164, user, box, filters, today)
