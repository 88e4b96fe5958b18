"""A data item's lawful basis checked by the rules in law/lawful_basis.py, and each problem
said in the user's language with how to fix it. Used by the services (refusing a forbidden
combination where it is entered) and by the QA checklist (what existing data still breaks)."""

from __future__ import annotations

from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from ..law import lawful_basis as rules
from ..law.lawful_basis import Problem
from .models import BasisCatalogue, ProtocolDataItem

# Where each rule's field is on the data item form and in the service's input.
INPUT_FIELDS = {"recipients": "recipient_partner_ids"}


def is_public_authority_task(source_partner) -> bool:
    """Whether the partner providing the information is a public authority (so performing its
    tasks). Unknown until a partner is chosen: taken to be one, the stricter reading."""
    return source_partner is None or source_partner.organisation.is_public_authority


def data_item_problems(item: ProtocolDataItem) -> list[Problem]:
    """Everything wrong with a stored data item's lawful basis."""
    return rules.lawful_basis_problems(
        article6=item.basis_codes(BasisCatalogue.ARTICLE6),
        article9=item.basis_codes(BasisCatalogue.ARTICLE9),
        schedule1=item.basis_codes(BasisCatalogue.SCHEDULE1),
        is_special_category=item.is_special_category,
        is_criminal_offence=item.is_criminal_offence,
        criminal_offence_condition=item.criminal_offence_condition,
        para18_reason=item.para18_reason,
        policy_document_ref=item.policy_document_ref,
        is_public_authority_task=is_public_authority_task(item.source_partner),
        recipients_count=len(item.recipients),
    )


def cite(code: str) -> str:
    """A code as its citation in the page's language: "UK GDPR Art. 9(2)(g)"."""
    locale = current_locale()
    for catalogue in (ARTICLE6, ARTICLE9, SCHEDULE1, PARA18_REASONS):
        entry = catalogue.get(code)
        if entry is not None:
            return entry.citation_for(locale)
    return code


def _cites(codes) -> str:
    return _(" and ").join(cite(c) for c in codes)


def problem_message(problem: Problem, words=None) -> str:
    """What is wrong and how to fix it, in the user's language; `words`, the agreement kind's
    party words, name who receives it (partners, joint controllers, processors)."""
    codes = problem.codes
    if problem.code == rules.RECIPIENTS_MISSING and words is not None:
        return words.say("recipients_missing")
    builder = _MESSAGES.get(problem.code)
    return builder(codes) if builder else problem.code


def _mismatch(codes) -> str:
    condition, point, *chosen = codes
    if chosen:
        return _(
            "%(condition)s goes with %(point)s, which is not chosen: choose %(point)s as the Article 9 condition, or a Schedule 1 condition that goes with %(chosen)s",
            condition=cite(condition),
            point=cite(point),
            chosen=_cites(chosen),
        )
    return _(
        "%(condition)s goes with %(point)s: choose %(point)s as the Article 9 condition, or remove %(condition)s",
        condition=cite(condition),
        point=cite(point),
    )


_MESSAGES = {
    rules.ARTICLE6_MISSING: lambda codes: _("Choose an Article 6 lawful basis"),
    rules.ARTICLE6_PUBLIC_AUTHORITY: lambda codes: _(
        "%(basis)s is not available to a public authority for processing in the performance of its tasks (UK GDPR Article 6(1)), and the party that provides this information is a public authority (or none is chosen yet): choose another Article 6 basis, such as public task (Article 6(1)(e))",
        basis=_cites(codes),
    ),
    rules.ARTICLE9_MISSING: lambda codes: _(
        "Choose an Article 9 condition: it is special category data"
    ),
    rules.ARTICLE9_NOT_SPECIAL: lambda codes: _(
        "Article 9 conditions are for special category data: tick 'special category' or remove them"
    ),
    rules.SCHEDULE1_MISSING: lambda codes: _(
        "%(condition)s needs a DPA 2018 Schedule 1 condition that goes with it: choose one",
        condition=_cites(codes),
    ),
    rules.SCHEDULE1_NOT_SPECIAL: lambda codes: _(
        "The Schedule 1 conditions in this list are for special category data: tick 'special category' or remove %(conditions)s (for criminal offence data, choose its condition under 'criminal offence data')",
        conditions=_cites(codes),
    ),
    rules.SCHEDULE1_PART3: lambda codes: _(
        "%(conditions)s is a condition for criminal offence data (Schedule 1 Part 3), not for Article 9: remove it here, tick 'criminal offence data' and choose it as that data's condition",
        conditions=_cites(codes),
    ),
    rules.SCHEDULE1_MISMATCH: _mismatch,
    rules.CRIMINAL_CONDITION_MISSING: lambda codes: _(
        "Choose the Schedule 1 condition (Part 1, 2 or 3) the criminal offence data is processed under"
    ),
    rules.CRIMINAL_CONDITION_NOT_CRIMINAL: lambda codes: _(
        "A condition for criminal offence data is only for criminal offence data: tick 'criminal offence data' or remove the condition"
    ),
    rules.POLICY_DOCUMENT_MISSING: lambda codes: _(
        "Give the appropriate policy document reference: %(conditions)s needs one",
        conditions=_cites(codes),
    ),
    rules.PARA18_REASON_MISSING: lambda codes: _(
        "Choose why consent is not relied on: DPA 2018 Schedule 1 paragraph 18 applies only for one of the reasons in paragraph 18(2)"
    ),
    rules.PARA18_REASON_UNKNOWN: lambda codes: _(
        "Choose one of the three reasons in paragraph 18(2), like %(example)s",
        example=PARA18_REASONS.codes[0],
    ),
    rules.PARA18_REASON_UNUSED: lambda codes: _(
        "A reason for not relying on consent is recorded only with Schedule 1 paragraph 18: remove the reason or choose paragraph 18"
    ),
    rules.PARA18_WITH_CONSENT: lambda codes: _(
        "%(para18)s applies only where consent is not relied on, but %(consent)s is chosen too: remove consent or paragraph 18",
        para18=cite(codes[0]),
        consent=_cites(codes[1:]) or _("consent"),
    ),
    rules.RECIPIENTS_MISSING: lambda codes: _("Choose at least one party that receives it"),
}
