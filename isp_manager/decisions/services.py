"""The decision-record operations: the only place that creates or changes a decision.

Answers travel as *values*: a dict keyed by the field names of FIELDS (those of the API, the
forms and the amendments), holding codes, text, booleans, dates, organisation codes for the
recipients and references for the linked agreement and s.164 request. The lawful-basis rules
are law.lawful_basis.lawful_basis_problems, and nothing else; this module adds the rules of the
record itself (what a share or a not-share decision must say). Services flush; the request
commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import load_only, selectinload

from ..accounts.models import Role
from ..audit.services import changes, record_event
from ..calendar import wales_today
from ..cooperation.models import CooperationRequest
from ..db import utcnow
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from ..law import lawful_basis as lb
from ..lifecycle.services import allocate_reference
from ..parties.models import Organisation
from ..protocols.access import visible_protocols_filter
from ..protocols.models import Protocol
from ..teams.models import Team
from ..teams.services import home_team_id
from . import access
from .access import Action
from .models import (
    PRINCIPLES,
    ConsentOutcome,
    Decision,
    DecisionAmendment,
    DecisionOutcome,
    DecisionState,
)

MAX_TEXT = 5000
MAX_RECIPIENTS = 10
MIN_REASONS = 10

TEXT_FIELDS = (
    "purpose",
    "information_description",
    "recipient_roles",
    "consent_not_sought_reason",
    "policy_document_ref",
    *PRINCIPLES,
    "advice_from",
    "individual_not_told_reason",
    "decision_reasons",
    "shared_what",
    "shared_how",
)
BOOL_FIELDS = (
    "immediate_risk",
    "includes_fact",
    "includes_opinion",
    "includes_historical",
    "is_special_category",
    "is_criminal_offence",
    "advice_sought",
    "advice_identified_individual",
    "individual_told",
)
# Flags that are false unless said (the others are a question still to answer while None).
NOT_NULL_FLAGS = (
    "includes_fact",
    "includes_opinion",
    "includes_historical",
    "is_special_category",
    "is_criminal_offence",
)
CODE_FIELDS = {
    "article6": ARTICLE6,
    "article9": ARTICLE9,
    "schedule1": SCHEDULE1,
    "criminal_offence_condition": SCHEDULE1,
    "para18_reason": PARA18_REASONS,
}
ENUM_FIELDS = {"consent_outcome": ConsentOutcome, "decision": DecisionOutcome}
# Everything a decision records that a person answers: the API's fields and the amendable ones.
FIELDS = (
    "subject_reference",
    *BOOL_FIELDS,
    *TEXT_FIELDS,
    *CODE_FIELDS,
    *ENUM_FIELDS,
    "recipients",
    "shared_on",
    "protocol",
    "cooperation_request",
)
SIMPLE_FIELDS = tuple(
    f for f in FIELDS if f not in ("recipients", "protocol", "cooperation_request")
)
CURRENT_COLUMNS = {
    "decision": "current_decision",
    "consent_outcome": "current_consent_outcome",
    "article6": "current_article6",
}

# A controlling answer, and the answers that only mean something with one of its values:
# saved with the others blank, they are cleared.
DEPENDENTS = (
    ("is_special_category", lambda v: v is False, ("article9", "schedule1")),
    ("is_criminal_offence", lambda v: v is False, ("criminal_offence_condition",)),
    ("advice_sought", lambda v: v is False, ("advice_from", "advice_identified_individual")),
    ("individual_told", lambda v: v is True, ("individual_not_told_reason",)),
    ("consent_outcome", lambda v: v not in (None, "not_sought"), ("consent_not_sought_reason",)),
    ("decision", lambda v: v == "not_share", ("shared_what", "shared_on", "shared_how")),
)

# A case number: letters, digits and - / . _, at least one digit, no spaces.
SUBJECT_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-/._]{2,39}$")


def looks_like_a_name(text: str) -> bool:
    """Two or more capitalised words and no digits: "Jane Smith", "Siân Ap Llŷr"."""
    words = text.split()
    return (
        len(words) >= 2
        and not any(ch.isdigit() for ch in text)
        and all(w[0].isupper() for w in words)
    )


# ----------------------------------------------------------------- reading values


def record_values(decision: Decision) -> dict:
    """The answers as first recorded (or as the draft holds them now)."""
    values = {name: getattr(decision, name) for name in SIMPLE_FIELDS}
    for name in ENUM_FIELDS:
        values[name] = values[name].value if values[name] is not None else None
    values["recipients"] = [o.code for o in decision.recipients]
    values["protocol"] = decision.protocol.reference if decision.protocol else None
    values["cooperation_request"] = (
        decision.cooperation_request.reference if decision.cooperation_request else None
    )
    return values


def as_json(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def from_json(name: str, value):
    """A value as an amendment stores it, back as the value it was (dates are ISO text)."""
    if name == "shared_on" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def current_values(decision: Decision) -> dict:
    """The original with every amendment applied, in order."""
    values = record_values(decision)
    for amendment in decision.amendments:
        for name, change in amendment.changes.items():
            values[name] = from_json(name, change["after"])
    return values


# ----------------------------------------------------------------- checking input


def _text(errors: dict, name: str, value) -> str | None:
    if value is not None and not isinstance(value, str):
        errors[name] = [_("Enter text.")]
        return None
    text = (value or "").strip()
    limit = 200 if name == "policy_document_ref" else MAX_TEXT
    if len(text) > limit:
        errors[name] = [_("Shorten this to %(max)s characters or fewer.", max=limit)]
    return text or None


def _subject_reference(errors: dict, value) -> str | None:
    text = (value or "").strip() if isinstance(value, str | type(None)) else str(value)
    if not text:
        return None
    if looks_like_a_name(text):
        errors["subject_reference"] = [
            _(
                "This looks like a person's name. Enter a case number or reference instead, "
                "like CS-2026-00417: never a name."
            )
        ]
    elif not SUBJECT_REFERENCE.match(text):
        errors["subject_reference"] = [
            _(
                "Enter a case number or reference, like CS-2026-00417: letters, numbers, "
                "- / . or _ only, with at least one number and no spaces."
            )
        ]
    return text


def _recipients(errors: dict, value) -> list[str]:
    codes = [c.strip() for c in (value or []) if isinstance(c, str) and c.strip()]
    codes = list(dict.fromkeys(codes))
    if len(codes) > MAX_RECIPIENTS:
        errors["recipients"] = [_("Name at most %(n)s recipient organisations.", n=MAX_RECIPIENTS)]
        return codes
    found = set(
        db.session.scalars(
            sa.select(Organisation.code).where(Organisation.code.in_(codes), Organisation.is_active)
        )
    )
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["recipients"] = [
            _(
                "There is no organisation with the code “%(code)s” on the register.",
                code=unknown[0],
            )
        ]
    return codes


def _linked(errors: dict, name: str, value, by) -> str | None:
    reference = (value or "").strip().upper() if isinstance(value, str) else None
    if not reference:
        return None
    if name == "protocol":
        found = db.session.scalar(
            sa.select(Protocol.id).where(
                Protocol.reference == reference, visible_protocols_filter(by)
            )
        )
        message = _("There is no agreement with the reference %(ref)s that you can see.")
    else:
        found = db.session.scalar(
            sa.select(CooperationRequest.id).where(
                CooperationRequest.reference == reference, CooperationRequest.visible_to(by)
            )
        )
        message = _("There is no s.164 request with the reference %(ref)s that you can see.")
    if found is None:
        errors[name] = [message % {"ref": reference}]
    return reference


def clean_input(raw: dict, by) -> tuple[dict, dict]:
    """The given answers as values, and the messages for the ones that cannot be accepted
    as they are (the format; the rules between answers are `rule_problems`)."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    for name, value in raw.items():
        if name in TEXT_FIELDS:
            values[name] = _text(errors, name, value)
        elif name in BOOL_FIELDS:
            if value is not None and not isinstance(value, bool):
                errors[name] = [_("Answer yes or no.")]
            flag = value if isinstance(value, bool) else None
            values[name] = bool(flag) if name in NOT_NULL_FLAGS else flag
        elif name in CODE_FIELDS:
            code = value or None
            if code is not None and code not in CODE_FIELDS[name]:
                errors[name] = [_("Choose one of the provisions offered.")]
            values[name] = code
        elif name in ENUM_FIELDS:
            choice = value or None
            if choice is not None and choice not in {e.value for e in ENUM_FIELDS[name]}:
                errors[name] = [_("Choose one of the answers offered.")]
            values[name] = choice
        elif name == "subject_reference":
            values[name] = _subject_reference(errors, value)
        elif name == "recipients":
            values[name] = _recipients(errors, value)
        elif name == "shared_on":
            if value is not None and not isinstance(value, date):
                errors[name] = [_("Enter a real date.")]
            values[name] = value if isinstance(value, date) else None
        elif name in ("protocol", "cooperation_request"):
            values[name] = _linked(errors, name, value, by)
    for controller, clears, dependents in DEPENDENTS:
        if controller in values and clears(values[controller]):
            for name in dependents:
                if not values.get(name):
                    values[name] = None
    return values, errors


# ----------------------------------------------------------------- the rules of a record


def _present(value) -> bool:
    return value not in (None, "", [])


def _required(values: dict) -> dict[str, str]:
    """What every recorded decision must say, and what a share decision must add."""
    missing = {
        "immediate_risk": _("Say whether a child is at immediate risk of harm."),
        "purpose": _("Say what the information would be shared for."),
        "information_description": _("Describe the information concerned."),
        "consent_outcome": _("Say whether consent was sought, and the outcome."),
        "advice_sought": _("Say whether you sought advice."),
        "individual_told": _("Say whether the individual was told."),
        "decision": _("Choose whether to share the information or not."),
        "decision_reasons": _("Give the reasons for the decision, whether to share or not."),
    }
    if values.get("decision") == DecisionOutcome.SHARE:
        missing |= {
            "shared_what": _("Say what was shared."),
            "shared_on": _("Give the date the information was shared."),
            "shared_how": _("Say how the information was shared, and how securely."),
        }
        missing |= {p: _("Give a short justification for this principle.") for p in PRINCIPLES}
    if values.get("consent_outcome") == ConsentOutcome.NOT_SOUGHT:
        missing["consent_not_sought_reason"] = _("Say why consent was not sought.")
    if values.get("advice_sought"):
        missing["advice_from"] = _("Say whom you asked for advice.")
        missing["advice_identified_individual"] = _(
            "Say whether you told them who the individual is."
        )
    if values.get("individual_told") is False:
        missing["individual_not_told_reason"] = _("Say why the individual was not told.")
    return {k: m for k, m in missing.items() if not _present(values.get(k))}


def _provisions(codes) -> str:
    names = [c for c in codes if c]
    entries = [
        catalogue[c].citation
        for c in names
        for catalogue in (ARTICLE6, ARTICLE9, SCHEDULE1, PARA18_REASONS)
        if c in catalogue
    ]
    return ", ".join(dict.fromkeys(entries))


def problem_message(problem: lb.Problem) -> str:
    """A lawful-basis problem in the reader's language."""
    cited = _provisions(problem.codes)
    messages = {
        lb.ARTICLE6_MISSING: _("Choose the Article 6 lawful basis for sharing."),
        lb.ARTICLE6_PUBLIC_AUTHORITY: _(
            "%(provisions)s is not available to a public authority performing its tasks: "
            "choose another Article 6 basis."
        ),
        lb.ARTICLE9_MISSING: _("Special category data needs an Article 9 condition: choose one."),
        lb.ARTICLE9_NOT_SPECIAL: _(
            "An Article 9 condition is only for special category data: say the information "
            "is special category data, or remove the condition."
        ),
        lb.SCHEDULE1_MISSING: _(
            "%(provisions)s needs a DPA 2018 Schedule 1 condition: choose one."
        ),
        lb.SCHEDULE1_NOT_SPECIAL: _(
            "A Schedule 1 condition for Article 9 is only for special category data."
        ),
        lb.SCHEDULE1_PART3: _(
            "Schedule 1 Part 3 conditions are for criminal offence data: choose it as the "
            "criminal offence data condition instead."
        ),
        lb.SCHEDULE1_MISMATCH: _(
            "The Schedule 1 condition does not go with the Article 9 condition chosen "
            "(%(provisions)s)."
        ),
        lb.CRIMINAL_CONDITION_MISSING: _(
            "Criminal offence data needs a Schedule 1 condition: choose one."
        ),
        lb.CRIMINAL_CONDITION_NOT_CRIMINAL: _(
            "A criminal offence data condition is only for criminal offence data: say the "
            "information includes it, or remove the condition."
        ),
        lb.POLICY_DOCUMENT_MISSING: _(
            "%(provisions)s needs an appropriate policy document: give its reference."
        ),
        lb.PARA18_REASON_MISSING: _(
            "Schedule 1 paragraph 18 needs the reason consent is not the basis: choose one "
            "of the paragraph 18(2) reasons."
        ),
        lb.PARA18_REASON_UNKNOWN: _("Choose one of the paragraph 18(2) reasons offered."),
        lb.PARA18_REASON_UNUSED: _(
            "A paragraph 18(2) reason is only given when relying on Schedule 1 paragraph 18."
        ),
        lb.PARA18_WITH_CONSENT: _(
            "Schedule 1 paragraph 18 is for sharing without consent: it cannot be relied on "
            "together with consent. Choose another basis or condition."
        ),
        lb.RECIPIENTS_MISSING: _("Name at least one organisation the information goes to."),
    }
    return messages.get(problem.code, problem.code) % {"provisions": cited}


def consent_relied_on(values: dict) -> bool:
    """Consent is relied on when it was given explicitly and is the basis or condition."""
    return values.get("consent_outcome") == ConsentOutcome.GIVEN_EXPLICITLY and (
        values.get("article6") == "art6-1-a" or values.get("article9") == "art9-2-a"
    )


def _lawful_basis(values: dict, organisation: Organisation) -> list[lb.Problem]:
    share = values.get("decision") == DecisionOutcome.SHARE
    problems = lb.lawful_basis_problems(
        article6=[values["article6"]] if values.get("article6") else [],
        article9=[values["article9"]] if values.get("article9") else [],
        schedule1=[values["schedule1"]] if values.get("schedule1") else [],
        is_special_category=bool(values.get("is_special_category")),
        is_criminal_offence=bool(values.get("is_criminal_offence")),
        criminal_offence_condition=values.get("criminal_offence_condition"),
        para18_reason=values.get("para18_reason"),
        consent_relied_on=consent_relied_on(values),
        policy_document_ref=values.get("policy_document_ref"),
        is_public_authority_task=organisation.is_public_authority,
        recipients_count=len(values.get("recipients") or []) if share else None,
    )
    # Not sharing needs no lawful basis: only combinations the law forbids are refused.
    return problems if share else [p for p in problems if not p.is_incomplete]


def rule_problems(values: dict, organisation: Organisation) -> dict[str, list[str]]:
    """Everything that stops these answers being recorded, by field; empty when they can be."""
    errors: dict[str, list[str]] = {k: [m] for k, m in _required(values).items()}
    if values.get("decision") == DecisionOutcome.SHARE and not any(
        values.get(f) for f in ("includes_fact", "includes_opinion", "includes_historical")
    ):
        errors["includes_fact"] = [
            _("Say whether the information is fact, opinion or historical (or more than one).")
        ]
    for problem in _lawful_basis(values, organisation):
        errors.setdefault(problem.field, []).append(problem_message(problem))
    uses_consent_basis = "art6-1-a" in (values.get("article6"), values.get("article9")) or (
        values.get("article9") == "art9-2-a"
    )
    if uses_consent_basis and values.get("consent_outcome") not in (
        None,
        ConsentOutcome.GIVEN_EXPLICITLY,
    ):
        errors.setdefault(
            "article6" if values.get("article6") == "art6-1-a" else "article9", []
        ).append(_("Consent can be the basis only when it was sought and given explicitly."))
    if (
        values.get("decision_reasons")
        and len(values["decision_reasons"].strip()) < MIN_REASONS
        and "decision_reasons" not in errors
    ):
        errors["decision_reasons"] = [_("Give the reasons in at least a sentence.")]
    return errors


# ----------------------------------------------------------------- drafts and recording


def start_draft(*, by) -> Decision:
    """A new empty draft owned by `by`, for their organisation."""
    if not access.can_record(by):
        raise PermissionDenied(_("Your role cannot record share or not-share decisions."))
    decision = Decision(
        state=DecisionState.DRAFT,
        organisation_id=by.organisation_id,
        created_by_id=by.id,
        team_id=home_team_id(by),
    )
    db.session.add(decision)
    db.session.flush()
    record_event("decision.draft_started", decision, by=by, after={"state": "draft"})
    return decision


def _apply(decision: Decision, values: dict) -> None:
    for name, value in values.items():
        if name in ENUM_FIELDS:
            setattr(decision, name, ENUM_FIELDS[name](value) if value else None)
        elif name in SIMPLE_FIELDS:
            setattr(decision, name, value)
    if "recipients" in values:
        codes = values["recipients"] or []
        orgs = db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes)))
        decision.recipients = list(orgs)
    if "protocol" in values:
        decision.protocol = (
            db.session.scalar(sa.select(Protocol).where(Protocol.reference == values["protocol"]))
            if values["protocol"]
            else None
        )
    if "cooperation_request" in values:
        ref = values["cooperation_request"]
        decision.cooperation_request = (
            db.session.scalar(
                sa.select(CooperationRequest).where(CooperationRequest.reference == ref)
            )
            if ref
            else None
        )


def save_answers(decision: Decision, raw: dict, *, by) -> None:
    """Keep some answers on a draft (one page's); refuses answers whose format is wrong."""
    access.require(by, Action.EDIT_DRAFT, decision)
    values, errors = clean_input(raw, by)
    if errors:
        raise InvalidInput(errors=errors)
    before = as_json(record_values(decision))
    _apply(decision, values)
    db.session.flush()
    old, new = changes(before, as_json(record_values(decision)))
    if new:
        record_event("decision.draft_saved", decision, by=by, before=old, after=new)


def record_decision(decision: Decision, *, by, on: date | None = None) -> None:
    """Record a draft as the decision: every rule must hold. It never changes afterwards."""
    access.require(by, Action.EDIT_DRAFT, decision)
    values = record_values(decision)
    errors = rule_problems(values, decision.organisation)
    if errors:
        raise InvalidInput(errors=errors)
    on = on or wales_today()
    decision.reference = allocate_reference(Decision.REFERENCE_PREFIX, on.year)
    decision.state = DecisionState.RECORDED
    decision.decided_by_name = by.name
    decision.decided_by_role = by.role.value
    decision.decided_on = on
    decision.recorded_at = utcnow()
    _set_current(decision, values)
    db.session.flush()
    record_event(
        "decision.recorded",
        decision,
        by=by,
        before={"state": "draft"},
        after={
            "state": "recorded",
            "reference": decision.reference,
            "decided_on": on,
            **as_json(values),
        },
    )


def _set_current(decision: Decision, values: dict) -> None:
    for name, column in CURRENT_COLUMNS.items():
        value = values.get(name)
        if name in ENUM_FIELDS:
            value = ENUM_FIELDS[name](value) if value else None
        setattr(decision, column, value)


def create_decision(raw: dict, *, by, draft: bool = False) -> Decision:
    """Create a decision from a set of answers (the API): recorded, unless `draft`."""
    decision = start_draft(by=by)
    save_answers(decision, raw, by=by)
    if not draft:
        record_decision(decision, by=by)
    return decision


def discard_draft(decision: Decision, *, by) -> None:
    """Delete a draft its author no longer needs (a recorded decision is never deleted)."""
    access.require(by, Action.EDIT_DRAFT, decision)
    record_event("decision.draft_discarded", decision, by=by, before={"state": "draft"})
    db.session.delete(decision)
    db.session.flush()


# ----------------------------------------------------------------- amendments


def amend_decision(decision: Decision, reason: str | None, raw: dict, *, by) -> DecisionAmendment:
    """Correct a recorded decision: the reason and the changed answers are kept beside it;
    the record itself is not touched. The corrected whole must still meet every rule."""
    access.require(by, Action.AMEND, decision)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip() if isinstance(reason, str | type(None)) else ""
    if not reason:
        errors["reason"] = [_("Give the reason for the amendment.")]
    elif len(reason) > MAX_TEXT:
        errors["reason"] = [_("Shorten this to %(max)s characters or fewer.", max=MAX_TEXT)]
    values, input_errors = clean_input({k: v for k, v in raw.items() if k in FIELDS}, by)
    errors |= input_errors
    current = current_values(decision)
    changed = {k: v for k, v in values.items() if as_json({k: v}) != as_json({k: current.get(k)})}
    if not changed and not input_errors:
        errors.setdefault("_schema", []).append(_("Change at least one answer."))
    if not errors:
        errors = rule_problems({**current, **changed}, decision.organisation)
    if errors:
        raise InvalidInput(errors=errors)
    before = as_json({k: current.get(k) for k in changed})
    after = as_json(changed)
    amendment = DecisionAmendment(
        decision=decision,
        reason=reason,
        changes={k: {"before": before[k], "after": after[k]} for k in changed},
        amended_by_id=by.id,
        amended_by_name=by.name,
    )
    db.session.add(amendment)
    _set_current(decision, {**current, **changed})
    db.session.flush()
    record_event(
        "decision.amended",
        decision,
        by=by,
        before=before,
        after={**after, "reason": reason, "amendment_id": amendment.id},
    )
    return amendment


# ----------------------------------------------------------------- reading


def get_decision_for(user, decision_id: int) -> Decision:
    """The decision with what its pages show; NotFound unless the user may see its content."""
    decision = db.session.scalar(
        sa.select(Decision)
        .where(Decision.id == decision_id)
        .options(
            selectinload(Decision.recipients),
            selectinload(Decision.amendments),
            selectinload(Decision.organisation),
            selectinload(Decision.protocol),
            selectinload(Decision.cooperation_request),
        )
    )
    if decision is None or not access.can(user, Action.VIEW, decision):
        raise NotFound(_("There is no decision with that number that you can see."))
    return decision


def drafts_of(user) -> list[Decision]:
    """The user's drafts, newest first, to go back to."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.created_by_id == user.id, Decision.state == DecisionState.DRAFT)
            .order_by(Decision.updated_at.desc(), Decision.id.desc())
            .limit(50)
        )
    )


@dataclass
class RegisterFilters:
    decision: DecisionOutcome | None = None
    consent_outcome: ConsentOutcome | None = None
    article6: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    team_id: int | None = None


def _filtered(stmt: sa.Select, user, filters: RegisterFilters) -> sa.Select:
    stmt = stmt.where(
        Decision.state == DecisionState.RECORDED,
        access.visible_filter(user, states=frozenset({DecisionState.RECORDED})),
    )
    if filters.decision:
        stmt = stmt.where(Decision.current_decision == filters.decision)
    if filters.consent_outcome:
        stmt = stmt.where(Decision.current_consent_outcome == filters.consent_outcome)
    if filters.article6:
        stmt = stmt.where(Decision.current_article6 == filters.article6)
    if filters.decided_from:
        stmt = stmt.where(Decision.decided_on >= filters.decided_from)
    if filters.decided_to:
        stmt = stmt.where(Decision.decided_on <= filters.decided_to)
    if filters.team_id:
        stmt = stmt.where(Decision.team_id == filters.team_id)
    return stmt


# The columns the register's table shows (with `listing`, the only ones read).
LISTED = (
    Decision.reference,
    Decision.organisation_id,
    Decision.team_id,
    Decision.decided_on,
    Decision.decided_by_name,
    Decision.current_decision,
    Decision.current_consent_outcome,
)


def register_query(user, filters: RegisterFilters, *, listing: bool = False) -> sa.Select:
    """The recorded decisions the user may see, newest first, with what the list shows;
    `listing` reads only the register table's columns (the CSV and the API read them all)."""
    if listing:
        stmt = sa.select(Decision).options(
            load_only(*LISTED),
            selectinload(Decision.amendments).load_only(DecisionAmendment.id),
            selectinload(Decision.team),
        )
    else:
        stmt = sa.select(Decision).options(
            selectinload(Decision.amendments),
            selectinload(Decision.team),
            selectinload(Decision.recipients),
        )
    return _filtered(stmt, user, filters).order_by(Decision.decided_on.desc(), Decision.id.desc())


@dataclass
class Figures:
    total: int
    by_decision: list[tuple[str, int]]
    by_consent: list[tuple[str, int]]
    by_article6: list[tuple[str | None, int]]


def register_figures(user, filters: RegisterFilters) -> Figures:
    """Counts of the decisions the register shows: by decision, consent outcome and Article 6
    basis (the values after amendments), each largest first. One query, read from the
    register's index alone (it holds the three columns)."""
    columns = (
        Decision.current_decision,
        Decision.current_consent_outcome,
        Decision.current_article6,
    )
    stmt = _filtered(sa.select(*columns, sa.func.count()), user, filters).group_by(*columns)
    totals: list[dict] = [{}, {}, {}]
    for *values, n in db.session.execute(stmt):
        for i, value in enumerate(values):
            key = getattr(value, "value", value)
            totals[i][key] = totals[i].get(key, 0) + n

    def ranked(counts: dict) -> list:
        return sorted(counts.items(), key=lambda r: (-r[1], str(r[0])))

    by_decision, by_consent, by_article6 = (ranked(t) for t in totals)
    return Figures(
        total=sum(n for _v, n in by_decision),
        by_decision=by_decision,
        by_consent=by_consent,
        by_article6=by_article6,
    )


def register_teams(user) -> list[Team]:
    """The teams the register can be filtered by: those of the decisions the user may see."""
    if user.role is Role.IG_LEAD:
        where = Team.organisation_id == user.organisation_id
    else:
        where = Team.id.in_(access.my_team_ids(user))
    return list(db.session.scalars(sa.select(Team).where(where).order_by(Team.name)))


def decision_counts() -> list[tuple[Organisation, int, int, int]]:
    """Per organisation: decisions recorded, to share, not to share (admins and auditors)."""
    share = sa.func.sum(sa.case((Decision.current_decision == DecisionOutcome.SHARE, 1), else_=0))
    rows = db.session.execute(
        sa.select(Organisation, sa.func.count(Decision.id), share)
        .join(Decision, Decision.organisation_id == Organisation.id)
        .where(Decision.state == DecisionState.RECORDED)
        .group_by(Organisation.id)
        .order_by(*Organisation.name_order(current_locale()))
    ).all()
    return [(org, total, int(shared or 0), total - int(shared or 0)) for org, total, shared in rows]
