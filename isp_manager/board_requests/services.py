"""The s.137 operations: the only place that creates or changes a board request.

The steps (guards, due dates, timeline, audit, extensions, clarification, withdrawal) are the
shared ones in lifecycle.services; this module adds what is s.137's: only a Safeguarding
Board asks, with its reason for considering the body qualifying, what is specified and what it
relates to, the body it goes to; answers complied / partly / not complied with; answers
recorded for bodies without users; the board's follow-up; and the notices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from ..accounts.models import Role
from ..audit.services import record_event, snapshot
from ..calendar import due_date as working_due_date
from ..calendar import wales_today
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import letter_language as letter_language  # every kind's letters choose alike
from ..law import S137_RELATES
from ..lifecycle import lists, notices
from ..lifecycle import services as lifecycle
from ..lifecycle.kinds import Relation
from ..lifecycle.lists import ALL_STATES, OPEN, Box, ListFilters, check_filters  # noqa: F401
from ..lifecycle.models import (
    RequestState,
)
from ..lifecycle.notices import request_link
from ..lifecycle.reasons import reasons_problem
from ..lifecycle.services import ItemInput, deadline_status  # noqa: F401
from ..lifecycle.steps import *  # noqa: F403  (every kind's steps after sending)
from ..parties.models import Organisation
from ..parties.services import active_bodies, find_body
from ..text_input import check_length, is_storable
from . import kind as _kind
from .kind import S137
from .models import (
    PROTECTIVE_MARKINGS,
    BoardOutcome,
    BoardPurpose,
    BoardRequest,
)

MAX_TEXT = lifecycle.MAX_TEXT
MAX_ITEMS = lifecycle.MAX_ITEMS
# A review's number: letters, digits and - / . _ with at least one digit, no spaces.
REVIEW_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-/._]{2,39}$")
CREATED_FIELDS = (
    "reference",
    "requested_org_id",
    "provide_to_org_id",
    "relates_to",
    "purpose",
    "review_reference",
    "case_reference",
    "protective_marking",
    "is_urgent",
    "requested_due_date",
)
# Asking for everything is not specifying: the request must say what information it wants.
VAGUE_INFORMATION = re.compile(
    r"\b(everything|all (the )?(information|records|data|files|documents)|anything|"
    r"any (information|records|data)|whatever)\b.{0,40}\b(you|your)\b.{0,20}\b(hold|have|keep)\b",
    re.IGNORECASE,
)

# The kind's wording of the substance checks (see kind.py).
QUALIFYING_WORDING = _kind.QUALIFYING_WORDING
SPECIFIED_WORDING = _kind.SPECIFIED_WORDING
REASONS_WORDING = _kind.REASONS_WORDING


# ----------------------------------------------------------------- who may ask, whom


def can_make_requests(user) -> bool:
    """Only a Safeguarding Board's officers make s.137 requests."""
    return (
        user.role == Role.BOARD_OFFICER
        and user.organisation is not None
        and user.organisation.is_safeguarding_board
    )


def _board_org(by, board: Organisation | None) -> Organisation:
    board = lifecycle.requesting_org(S137, by, board, field="board")
    if by.role != Role.BOARD_OFFICER:
        raise PermissionDenied(_("Only a Safeguarding Board officer can make s.137 requests."))
    return board


# ----------------------------------------------------------------- making a request


@dataclass
class BoardRequestDetails:
    """What a board officer fills in. Field names are those of the API and the form."""

    qualifying_body: Organisation | None
    why_qualifying: str | None
    information_specified: str | None
    relates_to: list[str] = field(default_factory=list)
    provide_to: Organisation | None = None
    purpose: str | None = None
    purpose_detail: str | None = None
    review_reference: str | None = None
    case_reference: str | None = None  # the board's own, to find the request by
    urgent: bool = False
    requested_due_date: date | None = None
    urgent_reason: str | None = None
    protective_marking: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


def bodies_named(
    asked: str | None, goes_to: str | None
) -> tuple[Organisation | None, Organisation | None]:
    """The body asked and the body the information goes to, as a board officer typed them
    (a code, a name in either language, or a part of a name only that body has): None for
    empty text; InvalidInput on `qualifying_body` or `provide_to` for text that names no
    active body, or several. Whether the bodies may be asked is create_request's rule."""
    errors: dict[str, list[str]] = {}
    found: list[Organisation | None] = []
    for name, text in (("qualifying_body", asked), ("provide_to", goes_to)):
        try:
            if text and not is_storable(text):
                raise InvalidInput(
                    _(
                        "No body in the register matches what you entered. Check the "
                        "spelling, or enter the body’s code."
                    ),
                    field=name,
                )
            found.append(find_body(text, active_bodies(), field=name))
        except InvalidInput as error:
            errors.update(error.errors)
            found.append(None)
    if errors:
        raise InvalidInput(errors=errors)
    return found[0], found[1]


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _long(errors: dict, name: str, value: str | None, maximum: int = MAX_TEXT) -> None:
    check_length(errors, name, _clean(value), maximum=maximum)


def _body_problems(errors: dict, data: BoardRequestDetails, board: Organisation) -> None:
    body = data.qualifying_body
    if body is None:
        errors["qualifying_body"] = [_("Choose the body you are asking, from the register.")]
    elif body.id == board.id:
        errors["qualifying_body"] = [_("A board cannot ask itself. Choose another body.")]
    elif not body.is_active:
        errors["qualifying_body"] = [
            _(
                "%(body)s is no longer active in the register. Choose the body that now holds "
                "the information.",
                body=body.display_name(current_locale()),
            )
        ]
    other = data.provide_to
    if other is not None and (other.id == board.id or (body is not None and other.id == body.id)):
        errors["provide_to"] = [
            _(
                "Name a third body to receive the information, or leave this empty for the "
                "information to come to the board."
            )
        ]


def _text_problems(errors: dict, data: BoardRequestDetails) -> None:
    problem = reasons_problem(data.why_qualifying, wording=QUALIFYING_WORDING)
    if problem:
        errors["why_qualifying"] = [problem]
    _long(errors, "why_qualifying", data.why_qualifying)
    specified = _clean(data.information_specified)
    problem = reasons_problem(specified, wording=SPECIFIED_WORDING)
    if problem is None and VAGUE_INFORMATION.search(specified):
        problem = _(
            "Asking for everything the body holds does not specify the information. Say what "
            "the board needs: which records, about whom, between which dates."
        )
    if problem:
        errors["information_specified"] = [problem]
    _long(errors, "information_specified", specified)


def _choice_problems(errors: dict, data: BoardRequestDetails) -> None:
    codes = list(data.relates_to or [])
    unknown = [c for c in codes if c not in S137_RELATES]
    if not codes:
        errors["relates_to"] = [
            _("Choose what the information relates to: %(codes)s.", codes=_relates_choices())
        ]
    elif unknown:
        errors["relates_to"] = [
            _(
                "“%(code)s” is not something s.137(3) lets a request relate to. Choose from "
                "%(codes)s (in the API, their codes: %(api_codes)s).",
                code=str(unknown[0])[:40],
                codes=_relates_choices(),
                api_codes=", ".join(S137_RELATES.codes),
            )
        ]
    if data.purpose not in {p.value for p in BoardPurpose}:
        errors["purpose"] = [_("Choose which of the board's functions the information is for.")]
    elif data.purpose == BoardPurpose.OTHER and len(_clean(data.purpose_detail)) < 5:
        errors["purpose_detail"] = [_("Say which of the board's functions it is for.")]
    _long(errors, "purpose_detail", data.purpose_detail, 500)
    ref = _clean(data.review_reference)
    if ref and not REVIEW_REFERENCE.match(ref):
        errors["review_reference"] = [
            _(
                "Enter the review's number, like CPR-CV-2026-03, not a name: letters, numbers, "
                "- / . or _ only, with at least one number and no spaces."
            )
        ]
    case_problem = lists.case_reference_problem(data.case_reference)
    if case_problem:
        errors["case_reference"] = [case_problem]
    if data.protective_marking and data.protective_marking not in PROTECTIVE_MARKINGS:
        errors["protective_marking"] = [_("Choose OFFICIAL or OFFICIAL-SENSITIVE.")]


def _contact_problems(errors: dict, data: BoardRequestDetails, on: date) -> None:
    errors.update(lifecycle.contact_problems(data))
    _long(errors, "contact_name", data.contact_name, 200)
    _long(errors, "contact_phone", data.contact_phone, 40)
    errors.update(lifecycle.urgency_problems(data, on=on, usual=preview_due_date(on).date))


def _relates_choices() -> str:
    locale = current_locale()
    return "; ".join(f"{e.label(locale).lower()} ({e.section_for(locale)})" for e in S137_RELATES)


def details_problems(data: BoardRequestDetails, board: Organisation, on: date) -> dict:
    """Every field message that stops the request being made (empty when it may be)."""
    errors: dict[str, list[str]] = {}
    _body_problems(errors, data, board)
    _text_problems(errors, data)
    _choice_problems(errors, data)
    _contact_problems(errors, data, on)
    return errors


def response_days() -> int:
    return S137.response_days()


def local_practice_note() -> str:
    return _(
        "The Act sets no deadline; this date follows local practice of %(days)s working days.",
        days=response_days(),
    )


def preview_due_date(on: date | None = None):
    return working_due_date(on or wales_today(), response_days())


def check_request(
    data: BoardRequestDetails,
    *,
    by,
    board: Organisation | None = None,
    on: date | None = None,
) -> Organisation:
    """Raise what stops the request being made, saving nothing (the page checks who will be
    told with the board before it sends); the board it would be made for."""
    board = _board_org(by, board)
    errors = details_problems(data, board, on or wales_today())
    if errors:
        raise InvalidInput(errors=errors)
    return board


def create_request(
    data: BoardRequestDetails,
    *,
    by,
    board: Organisation | None = None,
    send: bool = True,
    on: date | None = None,
) -> BoardRequest:
    """Make a request as a draft, or make and send it. Nothing is saved if any field is wrong."""
    board = check_request(data, by=by, board=board, on=on)
    on = on or wales_today()
    req = BoardRequest(
        reference=lifecycle.allocate_reference(BoardRequest.REFERENCE_PREFIX, on.year),
        requesting_org=board,
        requested_org=data.qualifying_body,
        provide_to=data.provide_to,
        created_by=by,
        state=RequestState.DRAFT,
        why_qualifying=_clean(data.why_qualifying),
        information_specified=_clean(data.information_specified),
        relates_to=[c for c in S137_RELATES.codes if c in data.relates_to],
        purpose=BoardPurpose(data.purpose),
        purpose_detail=_clean(data.purpose_detail) or None,
        review_reference=_clean(data.review_reference) or None,
        case_reference=lists.clean_case_reference(data.case_reference),
        protective_marking=data.protective_marking or PROTECTIVE_MARKINGS[0],
        **lifecycle.urgency_and_contact(data, by),
    )
    return lifecycle.add_request(
        req, by, CREATED_FIELDS, send=send, send_request=send_request, on=on
    )


def send_request(req: BoardRequest, *, by, on: date | None = None) -> None:
    """Send a draft: the due date is worked out; the body asked is told (its request contacts:
    the users who answer requests and the register's contact address), and so is the body
    the information goes to."""
    lifecycle.send(req, by, working_days=response_days(), on=on)
    notices.request_sent(
        req,
        lambda: {
            "board": req.requesting_org.display_name(current_locale()),
            "practice": local_practice_note(),
        },
    )
    if req.provide_to is not None:
        notices.notify_parties(
            req,
            [Relation.PROVIDE_TO],
            lambda: _("s.137 request %(ref)s: information to come to you", ref=req.reference),
            lambda: _(
                "%(board)s has asked %(body)s to provide information to %(to)s under section "
                "137. Reference: %(ref)s. %(link)s",
                board=req.requesting_org.display_name(current_locale()),
                body=req.requested_org.display_name(current_locale()),
                to=req.provide_to.display_name(current_locale()),
                ref=req.reference,
                link=request_link(req),
            ),
        )


# ----------------------------------------------------------------- the steps after sending


def extension_limit_days() -> int:
    return S137.settings.extension_limit_days


@dataclass
class AnswerInput:
    outcome: str | None
    reasons: str | None = None
    not_provided: str | None = None
    items: list[ItemInput] = field(default_factory=list)


@dataclass
class ReceivedInput:
    """An answer that came by e-mail or post: from whom, on which day, how."""

    received_from: str | None
    received_on: date | None
    received_how: str | None


def as_outcome(value) -> BoardOutcome | None:
    outcome = lifecycle.as_outcome(value)
    return outcome if outcome in _kind.S137.answers.outcomes else None


# The lifecycle's on-behalf field names, as the board's API and pages name them.
ON_BEHALF_FIELDS = {"answered_by_name": "received_from", "received_via": "received_how"}
# The lifecycle's answer field names, as the board's API and pages name them.
ANSWER_FIELDS = {"written_reasons": "reasons", **ON_BEHALF_FIELDS}
# "telephone" was the board's word for the lifecycle's "phone".
RECEIVED_HOW_ALIASES = {"telephone": "phone"}


def _on_behalf(received: ReceivedInput) -> lifecycle.OnBehalf:
    how = received.received_how
    return lifecycle.OnBehalf(
        answered_by_name=received.received_from,
        received_via=RECEIVED_HOW_ALIASES.get(how, how),
        received_on=received.received_on,
    )


def respond_to_request(req: BoardRequest, answer: AnswerInput, *, by, on: date | None = None):
    """The body asked answers: complied with, partly, or not; reasons for what was not
    provided; what was provided."""
    _record_answer(req, answer, by=by, on=on or wales_today())


def record_answer_on_behalf(
    req: BoardRequest, answer: AnswerInput, received: ReceivedInput, *, by
) -> None:
    """The board records an answer a body without users sent by e-mail or post: who sent it,
    when it arrived (the answer's date, for the figures) and how: lifecycle's on-behalf
    answer. Every problem is reported at once."""
    _record_answer(req, answer, by=by, on=None, on_behalf=_on_behalf(received))
    db.session.flush()


def _record_answer(req, answer: AnswerInput, *, by, on: date | None, on_behalf=None):
    def more_problems(outcome, day):
        return lifecycle.answer_items_problems(req, outcome, answer, day)

    try:
        lifecycle.record_answer(
            req,
            by,
            outcome=answer.outcome,
            ground=None,
            reasons=answer.reasons,
            on=on,
            more_problems=more_problems,
            on_behalf=on_behalf,
        )
    except InvalidInput as error:
        raise InvalidInput(
            errors={ANSWER_FIELDS.get(k, k): v for k, v in error.errors.items()}
        ) from None
    lifecycle.keep_answer_items(req, answer)
    notices.notify_parties(
        req,
        [Relation.REQUESTER, Relation.PROVIDE_TO],
        lambda: _(
            "%(ref)s answered: %(outcome)s", ref=req.reference, outcome=req.outcome.label.lower()
        ),
        lambda: _("The answer is on the request's page: %(link)s", link=request_link(req)),
    )


def record_follow_up(req: BoardRequest, note: str | None, *, by, on: date | None = None) -> None:
    """The board's follow-up of a late, partial or refused answer: an escalation note and its
    date (a later follow-up replaces the note; the audit log keeps every one)."""
    if not req.can_act_as_requester(by):
        raise PermissionDenied(_("Only the board that made the request can follow it up."))
    if req.state in (RequestState.DRAFT, RequestState.WITHDRAWN, RequestState.CLOSED):
        raise Conflict(
            _(
                "This request is %(state)s, so it cannot be followed up.",
                state=req.state.label.lower(),
            )
        )
    errors: dict[str, list[str]] = {}
    text = check_length(
        errors,
        "escalation_note",
        _clean(note),
        minimum=10,
        maximum=MAX_TEXT,
        too_short=_("Enter what the board did to follow the request up, and with whom."),
    )
    if errors:
        raise InvalidInput(errors=errors)
    before = snapshot(req, ("escalation_note", "escalated_on"))
    req.escalation_note = text
    req.escalated_on = on or wales_today()
    db.session.flush()
    record_event(
        "board_request.followed_up",
        req,
        by=by,
        before=before,
        after=snapshot(req, ("escalation_note", "escalated_on")),
    )


# ----------------------------------------------------------------- reading


# The request with its bodies, timeline, extensions and items (lifecycle): a NotFound when
# the user may not see it.
get_request_for = partial(lifecycle.get_request_for, S137)
due_soon_until = partial(lifecycle.due_soon_until, S137)


# ----------------------------------------------------------------- lists

# The lists are the lifecycle's (lifecycle.lists): a body's received box holds what it was
# asked and what goes to it (the kind's provide_to party).
# The s.137 requests in a box, filtered, and how many (see lifecycle.lists.list_query).
list_query = partial(lists.list_query, S137)
count_requests = partial(lists.count_requests, S137)


# ----------------------------------------------------------------- figures and letters


def check_can_read_figures(user, board: Organisation) -> None:
    """A board's figures are read by its own users, administrators and auditors."""
    if not board.is_safeguarding_board:
        raise InvalidInput(
            _("%(org)s is not a Safeguarding Board.", org=board.display_name(current_locale())),
            field="board",
        )
    if not (user.can_read_everything or user.organisation_id == board.id):
        raise PermissionDenied(_("Only the board's own users can read its figures."))
