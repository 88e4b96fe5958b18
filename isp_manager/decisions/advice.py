"""Advice requests (golden rule 4: "seek advice from other practitioners, or your information
governance lead, if you are in any doubt about sharing the information concerned, without
disclosing the identity of the individual where possible"). The practitioner asks their IG
lead; the IG lead answers; the exchange may be linked to the decision it is about. The question
is refused when it holds the decision's subject reference or what looks like a person's name.
These are the only operations that create or change an advice request; they flush, the request
commits, and the notice to the IG leads goes out after the commit.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..audit.services import record_event
from ..db import utcnow
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..lifecycle.services import allocate_reference
from ..mail import queue_bilingual_mail
from . import access
from .access import Action
from .models import AdviceRequest, AdviceState, Decision

MAX_TEXT = 5000

# Capitalised words that start sentences or name things that are not people: a pair of
# capitalised words made only of these is not taken for a name.
NOT_NAMES = frozenset(
    """a an and any are article as at but by can could council county data do does dpa for
    from gdpr governance had has have health he her his how i if ig in information is it its
    lead local may me might must my no not of on or our police protection regulation safeguarding
    schedule school service services she should social the their them there they this to trust
    uk wales welsh we what when where which who why will with would yes you your board team
    youth offending january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday mr mrs ms miss dr
    act children family court nhs child adult university college bay vale valleys
    hospital practice surgery centre unit hub partnership department office""".split()
)
TITLES = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][\w'’-]+")
CAPITALISED = re.compile(r"\b[A-Z][a-zà-ÿŵŷ'’-]+(?:\s+[A-Z][a-zà-ÿŵŷ'’-]+)+")


def name_like_text(text: str) -> list[str]:
    """Runs of capitalised words that could be a person's name ("Jane Smith", "Mr Jones")."""
    found = [m.group(0) for m in TITLES.finditer(text)]
    for match in CAPITALISED.finditer(text):
        words = match.group(0).split()
        while words and _plain(words[0]) in NOT_NAMES:  # "Should", "The", "Is" ...
            words.pop(0)
        # A name ends in a surname; "Cardiff Council" and "Vale Health Board" end in a word
        # that names an institution.
        if len(words) >= 2 and _plain(words[-1]) not in NOT_NAMES:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def _plain(word: str) -> str:
    return word.lower().strip("'’")


def question_problems(text: str, decision: Decision | None) -> list[str]:
    """Why the question cannot be sent as it is (it would identify the individual)."""
    problems = []
    subject = (decision.subject_reference or "").strip() if decision else ""
    if subject and subject.lower() in text.lower():
        problems.append(
            _(
                "Your question holds the case reference %(ref)s: take it out. Your IG lead "
                "sees which decision it is about without it."
            )
            % {"ref": subject}
        )
    names = name_like_text(text)
    if names:
        problems.append(
            _(
                "Your question seems to name someone (“%(words)s”). Write “the child”, "
                "“the parent” or their role instead of a name."
            )
            % {"words": "”, “".join(names[:3])}
        )
    return problems


def _text(value, field: str, missing: str) -> str:
    text = (value or "").strip() if isinstance(value, str | type(None)) else ""
    if not text:
        raise InvalidInput(missing, field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Shorten this to %(max)s characters or fewer.", max=MAX_TEXT), field=field
        )
    return text


def _ig_lead_addresses(organisation_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email).where(
                User.organisation_id == organisation_id,
                User.role == Role.IG_LEAD,
                User.is_active_user,
            )
        )
    )


def ask_advice(question, *, decision: Decision | None = None, by) -> AdviceRequest:
    """Send a question to the organisation's IG lead, about a decision the asker can see."""
    if not access.can_ask_advice(by):
        raise PermissionDenied(_("Your role cannot ask for advice on decisions."))
    if decision is not None and not access.can(by, Action.VIEW, decision):
        raise NotFound(_("There is no decision with that number that you can see."))
    text = _text(question, "question", _("Enter your question."))
    problems = question_problems(text, decision)
    if problems:
        raise InvalidInput(errors={"question": problems})
    advice = AdviceRequest(
        reference=allocate_reference(AdviceRequest.REFERENCE_PREFIX, utcnow().year),
        organisation_id=by.organisation_id,
        decision_id=decision.id if decision else None,
        asked_by_id=by.id,
        question=text,
        state=AdviceState.OPEN,
    )
    db.session.add(advice)
    db.session.flush()
    record_event(
        "advice_request.asked",
        advice,
        by=by,
        after={"reference": advice.reference, "question": text, "decision_id": advice.decision_id},
    )
    _notify_ig_leads(advice)
    return advice


def _notify_ig_leads(advice: AdviceRequest) -> None:
    to = _ig_lead_addresses(advice.organisation_id)
    if not to:
        return
    link = url_for("decisions.advice_show", advice_id=advice.id, _external=True)
    queue_bilingual_mail(
        to,
        lambda: _("Advice asked for: %(ref)s", ref=advice.reference),
        lambda: _(
            "A practitioner of your organisation has asked for your advice on a decision to "
            "share information. Read the question and answer it here: %(link)s",
            link=link,
        ),
    )


def answer_advice(advice: AdviceRequest, answer, *, by) -> None:
    """The IG lead's answer; an advice request is answered once."""
    access.require_advice(by, Action.ANSWER, advice)
    advice.answer = _text(answer, "answer", _("Enter your answer."))
    advice.state = AdviceState.ANSWERED
    advice.answered_by_id = by.id
    advice.answered_by_name = by.name
    advice.answered_at = utcnow()
    db.session.flush()
    record_event(
        "advice_request.answered",
        advice,
        by=by,
        before={"state": "open"},
        after={"state": "answered", "answer": advice.answer},
    )


def get_advice_for(user, advice_id: int) -> AdviceRequest:
    advice = db.session.scalar(
        sa.select(AdviceRequest)
        .where(AdviceRequest.id == advice_id)
        .options(selectinload(AdviceRequest.decision), selectinload(AdviceRequest.asked_by))
    )
    if advice is None or not access.can(user, Action.VIEW, advice):
        raise NotFound(_("There is no advice request with that number that you can see."))
    return advice


def advice_query(user) -> sa.Select:
    """The advice requests the user may see: open ones first, then newest first."""
    return (
        sa.select(AdviceRequest)
        .where(access.visible_advice_filter(user))
        .options(selectinload(AdviceRequest.decision), selectinload(AdviceRequest.asked_by))
        .order_by(
            (AdviceRequest.state == AdviceState.OPEN).desc(),
            AdviceRequest.created_at.desc(),
            AdviceRequest.id.desc(),
        )
    )


def advice_for_decision(user, decision: Decision) -> list[AdviceRequest]:
    return list(
        db.session.scalars(
            sa.select(AdviceRequest)
            .where(AdviceRequest.decision_id == decision.id, access.visible_advice_filter(user))
            .order_by(AdviceRequest.created_at, AdviceRequest.id)
        )
    )


def waiting_for_answer(user) -> int:
    """How many advice requests the user is asked to answer (an IG lead's home page)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AdviceRequest)
        .where(access.visible_advice_filter(user, Action.ANSWER))
    )
