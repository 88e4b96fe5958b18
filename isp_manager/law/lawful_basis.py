"""The lawful-basis rules, as one pure function over codes and plain facts.

Used by the data item services (refusing a bad combination where it is entered), the
protocol QA checklist (showing what existing data still breaks) and, later, share /
not-share decision records. No Flask and no database: callers pass the facts and turn each
`Problem` into a message in the user's language.

The law (see catalogue.py for the data each rule reads):
- Article 6(1)(f) and 6(1)(ea) are not available to a public authority performing its tasks;
- special category data needs an Article 9(2) condition, and only special category data has one;
- each DPA 2018 Schedule 1 condition goes with one Article 9(2) point (Part 1 paras 1-4 with
  (b), (h), (i), (j); Part 2 with (g)); Part 3 conditions are for criminal offence data
  (Article 10 UK GDPR, s.11(2) DPA 2018), which needs a condition in Part 1, 2 or 3;
- an appropriate policy document is needed for Part 1 para 1 and for Part 2 conditions;
- Sch.1 para 18 needs one of the para 18(2) reasons for not relying on consent, and cannot be
  relied on together with consent;
- information is shared with someone: at least one recipient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1, Provision

PARA18 = "sch1-p2-para18"

# Problem codes. "Incomplete" ones are something still to be given: a draft may be saved with
# them, and QA refuses them. The others are combinations the law does not allow: refused
# wherever they are entered.
ARTICLE6_MISSING = "article6_missing"
ARTICLE6_PUBLIC_AUTHORITY = "article6_public_authority"
ARTICLE9_MISSING = "article9_missing"
ARTICLE9_NOT_SPECIAL = "article9_not_special"
SCHEDULE1_MISSING = "schedule1_missing"
SCHEDULE1_NOT_SPECIAL = "schedule1_not_special"
SCHEDULE1_PART3 = "schedule1_part3"
SCHEDULE1_MISMATCH = "schedule1_article9_mismatch"
CRIMINAL_CONDITION_MISSING = "criminal_condition_missing"
CRIMINAL_CONDITION_NOT_CRIMINAL = "criminal_condition_not_criminal"
POLICY_DOCUMENT_MISSING = "policy_document_missing"
PARA18_REASON_MISSING = "para18_reason_missing"
PARA18_REASON_UNKNOWN = "para18_reason_unknown"
PARA18_REASON_UNUSED = "para18_reason_unused"
PARA18_WITH_CONSENT = "para18_with_consent"
RECIPIENTS_MISSING = "recipients_missing"

INCOMPLETE = frozenset(
    {
        ARTICLE6_MISSING,
        ARTICLE9_MISSING,
        SCHEDULE1_MISSING,
        POLICY_DOCUMENT_MISSING,
        RECIPIENTS_MISSING,
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lawful basis: the input it is about (`field`), what is wrong
    (`code`, one of the constants above) and the provisions involved, for the message."""

    field: str
    code: str
    codes: tuple[str, ...] = ()

    @property
    def is_incomplete(self) -> bool:
        """Something still to give (a draft may be saved with it), not a forbidden combination."""
        return self.code in INCOMPLETE


def article9_point(schedule1_code: str) -> str | None:
    """The Article 9(2) code a Schedule 1 condition goes with (None for Part 3)."""
    return SCHEDULE1[schedule1_code].extra.get("article9")


def needs_policy_document(codes: Iterable[str]) -> list[str]:
    """The Schedule 1 codes among `codes` that need an appropriate policy document."""
    return [c for c in codes if c in SCHEDULE1 and SCHEDULE1[c].extra.get("apd_required")]


def is_public_authority_by_default(kind: str) -> bool:
    """Whether a body of this kind of the register is taken to be a public authority unless an
    administrator says otherwise: every statutory body is; charities and `other` are not."""
    return kind not in ("charity", "other")


def _known(codes: Iterable[str] | None, catalogue) -> list[str]:
    return [c for c in dict.fromkeys(codes or ()) if c in catalogue]


def _has(entry: Provision, key: str) -> bool:
    return bool(entry.extra.get(key))


def lawful_basis_problems(
    *,
    article6: Iterable[str] = (),
    article9: Iterable[str] = (),
    schedule1: Iterable[str] = (),
    is_special_category: bool = False,
    is_criminal_offence: bool = False,
    criminal_offence_condition: str | None = None,
    para18_reason: str | None = None,
    consent_relied_on: bool = False,
    policy_document_ref: str | None = None,
    is_public_authority_task: bool = True,
    recipients_count: int | None = None,
) -> list[Problem]:
    """Everything wrong with one set of lawful-basis facts, in the order a reader fixes them;
    empty when the combination is lawful and complete.

    `schedule1` are the conditions for the Article 9 processing; `criminal_offence_condition` is
    the Schedule 1 condition (Part 1, 2 or 3) for criminal offence data. `consent_relied_on`
    says consent is relied on outside the codes (Art. 6(1)(a), 9(2)(a) and Sch.1 para 29 count
    anyway). `recipients_count=None` skips the recipient rule. Unknown codes are ignored: the
    caller reports them."""
    art6 = _known(article6, ARTICLE6)
    art9 = _known(article9, ARTICLE9)
    sch1 = _known(schedule1, SCHEDULE1)
    criminal = criminal_offence_condition if criminal_offence_condition in SCHEDULE1 else None
    problems = _article6(art6, is_public_authority_task)
    problems += _article9(art9, sch1, is_special_category)
    problems += _criminal(is_criminal_offence, criminal_offence_condition, criminal)
    problems += _para18(art6, art9, sch1, criminal, para18_reason, consent_relied_on)
    relied = needs_policy_document([*sch1, *([criminal] if criminal else [])])
    if relied and not (policy_document_ref or "").strip():
        problems.append(Problem("policy_document_ref", POLICY_DOCUMENT_MISSING, tuple(relied)))
    if recipients_count is not None and recipients_count < 1:
        problems.append(Problem("recipients", RECIPIENTS_MISSING))
    return problems


def _article6(art6: list[str], is_public_authority_task: bool) -> list[Problem]:
    if not art6:
        return [Problem("article6", ARTICLE6_MISSING)]
    refused = [c for c in art6 if ARTICLE6[c].extra.get("public_authority_task") is False]
    if refused and is_public_authority_task:
        return [Problem("article6", ARTICLE6_PUBLIC_AUTHORITY, tuple(refused))]
    return []


def _article9(art9: list[str], sch1: list[str], is_special: bool) -> list[Problem]:
    problems = []
    part3 = [c for c in sch1 if SCHEDULE1[c].extra.get("part") == 3]
    if part3:
        problems.append(Problem("schedule1", SCHEDULE1_PART3, tuple(part3)))
    article9_conditions = [c for c in sch1 if c not in part3]
    if not is_special:
        if art9:
            problems.append(Problem("article9", ARTICLE9_NOT_SPECIAL, tuple(art9)))
        if article9_conditions:
            problems.append(Problem("schedule1", SCHEDULE1_NOT_SPECIAL, tuple(article9_conditions)))
        return problems
    if not art9:
        problems.append(Problem("article9", ARTICLE9_MISSING))
    for code in article9_conditions:
        point = article9_point(code)
        if point not in art9:
            problems.append(Problem("schedule1", SCHEDULE1_MISMATCH, (code, point, *art9)))
    points = {article9_point(c) for c in article9_conditions}
    for code in art9:
        if _has(ARTICLE9[code], "needs_schedule1") and code not in points:
            problems.append(Problem("schedule1", SCHEDULE1_MISSING, (code,)))
    return problems


def _criminal(is_criminal: bool, given: str | None, condition: str | None) -> list[Problem]:
    if is_criminal and condition is None:
        return [Problem("criminal_offence_condition", CRIMINAL_CONDITION_MISSING)]
    if not is_criminal and given:
        return [Problem("criminal_offence_condition", CRIMINAL_CONDITION_NOT_CRIMINAL)]
    return []


def _para18(art6, art9, sch1, criminal, reason, consent_relied_on) -> list[Problem]:
    where = (
        "schedule1"
        if PARA18 in sch1
        else "criminal_offence_condition"
        if criminal == PARA18
        else None
    )
    if where is None:
        if reason:
            return [Problem("para18_reason", PARA18_REASON_UNUSED, (reason,))]
        return []
    problems = []
    if not reason:
        problems.append(Problem("para18_reason", PARA18_REASON_MISSING, (PARA18,)))
    elif reason not in PARA18_REASONS:
        problems.append(Problem("para18_reason", PARA18_REASON_UNKNOWN, (reason,)))
    consent = [c for c in art6 if _has(ARTICLE6[c], "consent")]
    consent += [c for c in art9 if _has(ARTICLE9[c], "consent")]
    consent += [c for c in [criminal] if c and _has(SCHEDULE1[c], "consent")]
    if consent or consent_relied_on:
        problems.append(Problem(where, PARA18_WITH_CONSENT, (PARA18, *consent)))
    return problems
