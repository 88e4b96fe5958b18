"""The record types registered for retention. A new one is one call to register() here (or in
its own package): s.137 board requests would be

    register(request_kind("board_request", BoardRequest, _l("s.137 board requests")))

once BoardRequest mixes in RetentionMixin; a decision advice request is a
RetentionKind like DECISIONS below, with its own personal-data columns.

The defaults are for a review, not automatic deletion: when a record's review date comes,
its organisation's IG lead decides to keep it longer (with a reason) or to dispose of it.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..board_requests.models import BoardRequest
from ..cooperation.models import CooperationRequest
from ..decisions.models import PRINCIPLES, AdviceRequest, AdviceState, Decision, DecisionAmendment
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..lifecycle.models import OPEN_STATES
from ..notifications import SentReminder
from .registry import CLEAR, PLACEHOLDER, Dependent, RetentionKind, register

# Six years: the period within which a claim about the handling of the information (in
# negligence, or for compensation under UK GDPR Article 82) can usually be brought
# (Limitation Act 1980, ss. 2 and 5), so the record that shows the decision was lawful is
# kept that long, and no longer unless the IG lead records why (UK GDPR Article 5(1)(e)).
SIX_YEARS = 72
WHY_DECISION = _l(
    "Six years from the decision: the usual time within which a claim about the sharing can "
    "be brought (Limitation Act 1980), so the record showing the decision was lawful is kept "
    "that long and then reviewed."
)
WHY_REQUEST = _l(
    "Six years from the answer (or the withdrawal): the usual time within which a claim or a "
    "complaint about the request can be brought (Limitation Act 1980), then reviewed. The "
    "yearly figures keep counting a disposed request."
)

DECISIONS = register(
    RetentionKind(
        code="decision",
        model=Decision,
        label=_l("Share and not-share decisions"),
        default_months=SIX_YEARS,
        why_default=WHY_DECISION,
        owner_column="organisation_id",
        basis_columns=("decided_on", "created_at"),
        basis_label=_l("the decision (a draft: when it was started)"),
        personal={
            "subject_reference": CLEAR,
            "purpose": PLACEHOLDER,
            "information_description": PLACEHOLDER,
            "recipient_roles": CLEAR,
            "consent_not_sought_reason": PLACEHOLDER,
            **dict.fromkeys(PRINCIPLES, CLEAR),
            "advice_from": CLEAR,
            "individual_not_told_reason": PLACEHOLDER,
            "decision_reasons": PLACEHOLDER,
            "shared_what": PLACEHOLDER,
            "shared_how": PLACEHOLDER,
        },
        dependents=(Dependent(DecisionAmendment, "decision_id"),),
        reference=lambda d: d.reference or _("Draft %(id)s", id=d.id),
    )
)

WHY_ADVICE = _l(
    "Six years from the answer (or the question, while unanswered): advice is kept as long "
    "as the decisions it informed usually are (Limitation Act 1980), then reviewed."
)


def _advice_still_open(advice) -> str | None:
    if advice.state is AdviceState.OPEN:
        return _("The question has not been answered yet: it can be disposed of once answered.")
    return None


ADVICE_REQUESTS = register(
    RetentionKind(
        code="advice_request",
        model=AdviceRequest,
        label=_l("Advice requests to the IG lead"),
        default_months=SIX_YEARS,
        why_default=WHY_ADVICE,
        owner_column="organisation_id",
        basis_columns=("answered_at", "created_at"),
        basis_label=_l("the answer (or, while unanswered, the question)"),
        personal={"question": PLACEHOLDER, "answer": PLACEHOLDER},
        disposal_problem=_advice_still_open,
        reference=lambda a: a.reference,
    )
)

# What every request between two bodies holds (lifecycle.models.RequestLifecycleMixin).
REQUEST_PERSONAL = {
    "urgent_reason": CLEAR,
    "written_reasons": PLACEHOLDER,
    "withdrawal_reason": PLACEHOLDER,
}


def _request_still_open(request) -> str | None:
    if request.state in OPEN_STATES:
        return _("The request is still open: it can be disposed of once answered or withdrawn.")
    return None


def _sent_reminders(model):
    def remove(record) -> None:
        db.session.execute(
            sa.delete(SentReminder).where(
                SentReminder.record_type == model.__tablename__,
                SentReminder.record_id == str(record.id),
            )
        )

    return remove


def request_kind(code, model, label, *, personal=None, default_months=SIX_YEARS, why=None):
    """The retention of a request kind on the shared lifecycle: its own personal columns
    besides the lifecycle's, its timeline, extensions and items provided (where it has them),
    reviewed six years after the answer, owned by the body that made the request."""
    dependents = [
        Dependent(model.events.property.mapper.class_, "request_id", {"text": CLEAR}),
        Dependent(
            model.extensions.property.mapper.class_,
            "request_id",
            {"reason": PLACEHOLDER, "refusal_reason": PLACEHOLDER},
        ),
    ]
    if hasattr(model, "provided_items"):
        dependents.append(
            Dependent(
                model.provided_items.property.mapper.class_,
                "request_id",
                {"description": PLACEHOLDER, "provided_how": PLACEHOLDER},
            )
        )
    return RetentionKind(
        code=code,
        model=model,
        label=label,
        default_months=default_months,
        why_default=why or WHY_REQUEST,
        owner_column="requesting_org_id",
        basis_columns=("answered_on", "withdrawn_at", "sent_on", "created_at"),
        basis_label=_l("the answer (or the withdrawal, or the request)"),
        personal={**REQUEST_PERSONAL, **(personal or {})},
        dependents=tuple(dependents),
        disposal_problem=_request_still_open,
        also_remove=_sent_reminders(model),
    )


COOPERATION_REQUESTS = register(
    request_kind(
        "cooperation_request",
        CooperationRequest,
        _l("s.164 requests and their answers"),
        personal={
            "function_description": PLACEHOLDER,
            "partner_function": CLEAR,
            "basis_reason": CLEAR,
            "details": PLACEHOLDER,
            "purpose": PLACEHOLDER,
            "secure_reply": CLEAR,
            "subject_reference": CLEAR,
            "contact_name": CLEAR,
            "contact_email": CLEAR,
            "contact_phone": CLEAR,
            "not_provided": CLEAR,
        },
    )
)

BOARD_REQUESTS = register(
    request_kind(
        "board_request",
        BoardRequest,
        _l("s.137 board requests and their answers"),
        personal={
            "case_reference": CLEAR,  # an s.164 request's is its subject_reference
            "why_qualifying": PLACEHOLDER,
            "information_specified": PLACEHOLDER,
            "purpose_detail": CLEAR,
            "review_reference": CLEAR,
            "contact_name": CLEAR,
            "contact_email": CLEAR,
            "contact_phone": CLEAR,
            "not_provided": CLEAR,
            "escalation_note": PLACEHOLDER,
            "answered_by_name": PLACEHOLDER,
        },
    )
)
