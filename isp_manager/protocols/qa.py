"""The quality-assurance checklist: automatic checks shown at any time and enforced on submit.

`qa_checklist(version, template)` returns every check with whether it passes; each failure
names what to fix and the section to fix it in. Section completeness lives here too, because
"each required section complete" is the first check.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import ARTICLE9
from ..law import lawful_basis as rules
from .lawful_bases import data_item_problems, problem_message
from .models import KIND_RULES, BasisCatalogue, ProtocolKind, ProtocolVersion
from .templates_data import ProtocolTemplate, TemplateField, TemplateSection


class SectionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return str(SECTION_STATUS_LABELS[self])


SECTION_STATUS_LABELS = {
    SectionStatus.NOT_STARTED: _l("Not started"),
    SectionStatus.IN_PROGRESS: _l("In progress"),
    SectionStatus.COMPLETED: _l("Completed"),
}


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the last day of the month if that day does not exist)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- section completeness


def _has_value(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_has_value(v) for v in value)
    if isinstance(value, dict):
        return any(_has_value(v) for v in value.values())
    return value is not None


def field_has_value(version: ProtocolVersion, section_content: dict, field: TemplateField) -> bool:
    if field.type == "partners":
        return len(version.partners) >= 2
    if field.type == "data_items":
        return bool(version.data_items)
    if field.type == "flows":
        return bool(version.flows)
    if field.type == "review_date":
        return version.review_date is not None
    if field.type == "signatures":
        return bool(version.signatures)
    return _has_value(section_content.get(field.code))


def missing_fields(version: ProtocolVersion, section: TemplateSection) -> list[TemplateField]:
    stored = version.section(section.code)
    content = stored.content if stored else {}
    return [f for f in section.required_fields if not field_has_value(version, content, f)]


def section_status(version: ProtocolVersion, section: TemplateSection) -> SectionStatus:
    """Completed when marked complete and nothing required is missing; In progress once
    anything is entered; otherwise Not started. Signatures follow the partners' signing."""
    if section.is_signatures:
        signed = len(version.signatures)
        if signed and signed >= len(version.partners):
            return SectionStatus.COMPLETED
        return SectionStatus.IN_PROGRESS if signed else SectionStatus.NOT_STARTED
    stored = version.section(section.code)
    content = stored.content if stored else {}
    if stored and stored.is_complete and not missing_fields(version, section):
        return SectionStatus.COMPLETED
    entered = any(field_has_value(version, content, f) for f in section.fields)
    return (
        SectionStatus.IN_PROGRESS
        if entered or (stored and stored.is_complete)
        else (SectionStatus.NOT_STARTED)
    )


# ---------------------------------------------------------------- the checklist


@dataclass(frozen=True)
class QaCheck:
    code: str
    passed: bool
    message: str
    section: str | None = None  # the section code to fix it in
    anchor: str | None = None  # an element on that section's page
    # A flag for the QA reviewer to weigh and comment on: shown, never blocking.
    advisory: bool = False


def qa_checklist(
    version: ProtocolVersion, template: ProtocolTemplate, today: date | None = None
) -> list[QaCheck]:
    """Every check, passed or failed, in the order a reviewer reads them."""
    today = today or date.today()
    checks: list[QaCheck] = []
    checks += _sections_complete(version, template)
    checks += _parties(version, template)
    checks += _legal_terms(version, template)
    checks += _parties_named(version, template)
    checks += _partner_contacts(version, template)
    checks += _waspi_accord(version, template)
    checks += _lawful_bases(version, template)
    checks += _flows(version, template)
    checks += _review_date(version, template, today)
    return checks


def failures(checks: list[QaCheck]) -> list[QaCheck]:
    """The checks that fail and must be fixed (advisory flags are not among them)."""
    return [c for c in checks if not c.passed and not c.advisory]


def flags(checks: list[QaCheck]) -> list[QaCheck]:
    """The advisory checks that fail: for the QA reviewer to see and comment on."""
    return [c for c in checks if not c.passed and c.advisory]


def partners_without_accord(version: ProtocolVersion) -> list:
    """The partner organisations that have not signed the WASPI Accord, in partner order."""
    return [p.organisation for p in version.partners if not p.organisation.has_signed_waspi_accord]


def _sections_complete(version, template) -> list[QaCheck]:
    results = []
    for section in template.sections:
        if not section.is_required:
            continue
        title = section.title(current_locale())
        if section_status(version, section) == SectionStatus.COMPLETED:
            results.append(
                QaCheck(
                    "section_complete", True, _("%(title)s is complete", title=title), section.code
                )
            )
            continue
        missing = "; ".join(str(f.label) for f in missing_fields(version, section))
        message = (
            _("Complete %(title)s (missing: %(missing)s)", title=title, missing=missing)
            if missing
            else _("Mark %(title)s as completed", title=title)
        )
        results.append(QaCheck("section_complete", False, message, section.code))
    return results


def _parties(version, template) -> list[QaCheck]:
    section = template.section_with("partners").code
    rules = KIND_RULES[version.protocol.kind]
    if not rules.fixed_lead:
        firsts = [p for p in version.partners if p.role == rules.first]
        others = [p for p in version.partners if p.role == rules.others]
        ok = len(firsts) == 1 and len(others) >= 1
        if version.protocol.kind == ProtocolKind.DPA:
            message = (
                _("There is exactly one controller and at least one processor")
                if ok
                else _(
                    "A controller-processor agreement needs exactly one controller and at least one processor (controllers named: %(d)s; processors named: %(r)s)",
                    d=len(firsts),
                    r=len(others),
                )
            )
        else:
            message = (
                _("There is exactly one discloser and at least one recipient")
                if ok
                else _(
                    "A Data Disclosure Agreement needs exactly one discloser and at least one recipient (disclosers named: %(d)s; recipients named: %(r)s)",
                    d=len(firsts),
                    r=len(others),
                )
            )
        return [QaCheck("parties", ok, message, section)]
    ok = len(version.partners) >= 2
    if version.protocol.kind == ProtocolKind.JCA:
        message = (
            _("At least two joint controllers are party to this agreement")
            if ok
            else _("Add at least one joint controller besides the lead organisation")
        )
    else:
        message = (
            _("At least two partner organisations share under this protocol")
            if ok
            else _("Add at least one partner organisation besides the lead organisation")
        )
    return [QaCheck("parties", ok, message, section)]


def _fields_with(version, template, attribute: str):
    """(section, field, value) for each template field whose `attribute` is set."""
    for section in template.sections:
        stored = version.section(section.code)
        content = stored.content if stored else {}
        for f in section.fields:
            if getattr(f, attribute) is not None:
                yield section, f, content.get(f.code)


def _legal_terms(version, template) -> list[QaCheck]:
    """One check for each legal term the template records (e.g. each Article 28(3) term)."""
    locale = current_locale()
    results = []
    for section, f, value in _fields_with(version, template, "term"):
        ok = _has_value(value)
        message = (
            _("%(term)s: recorded", term=f.term.get(locale))
            if ok
            else _(
                "%(term)s: fill in “%(label)s” in %(title)s",
                term=f.term.get(locale),
                label=f.label.get(locale),
                title=section.title(locale),
            )
        )
        results.append(QaCheck("legal_term", ok, message, section.code))
    return results


def _field_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _party_names(partner) -> set[str]:
    organisation = partner.organisation
    names = {organisation.display_name("en"), organisation.display_name("cy"), organisation.name}
    return {n.casefold() for n in names if n}


def _parties_named(version, template) -> list[QaCheck]:
    """Fields that must name each party (or at least one): e.g. who answers each right in a JCA."""
    locale = current_locale()
    results = []
    for section, f, value in _fields_with(version, template, "must_name"):
        text = _field_text(value).casefold()
        unnamed = [p for p in version.partners if not any(name in text for name in _party_names(p))]
        label = f.label.get(locale)
        title = section.title(locale)
        if f.must_name == "each":
            ok = bool(version.partners) and not unnamed
            message = (
                _("“%(label)s” names every party", label=label)
                if ok
                else _(
                    "“%(label)s” in %(title)s must say what each party does: %(names)s not named",
                    label=label,
                    title=title,
                    names=", ".join(p.organisation.display_name(locale) for p in unnamed)
                    or _("no parties yet"),
                )
            )
        else:
            ok = len(unnamed) < len(version.partners)
            message = (
                _("“%(label)s” names the party responsible", label=label)
                if ok
                else _(
                    "“%(label)s” in %(title)s must name the party responsible, by its name",
                    label=label,
                    title=title,
                )
            )
        results.append(QaCheck("party_named", ok, message, section.code))
    return results


def _partner_contacts(version, template) -> list[QaCheck]:
    section = template.section_with("partners").code
    results = []
    for partner in version.partners:
        name = partner.organisation.display_name(current_locale())
        missing = []
        if not (partner.contact_name and partner.contact_email):
            missing.append(_("a point of contact (name and e-mail)"))
        if not partner.has_signatory:
            missing.append(_("a signatory (name and role)"))
        elif partner.signs_from_account and not partner.signatory_user.is_active_user:
            missing.append(_("a signatory with an active account (or a named officer)"))
        if missing:
            message = _("Give %(org)s %(missing)s", org=name, missing=_(" and ").join(missing))
        else:
            message = _("%(org)s has a point of contact and a signatory", org=name)
        results.append(
            QaCheck("partner_contact", not missing, message, section, f"partner-{partner.id}")
        )
    return results


def _waspi_accord(version, template) -> list[QaCheck]:
    """WASPI: every partner to an ISP has signed the Accord (its Declaration of Acceptance and
    Participation). One that has not is flagged for the reviewer, not refused: it may be signing,
    and the QA group decides whether to return the agreement."""
    if not version.partners:
        return []
    section = template.section_with("partners").code
    unsigned = partners_without_accord(version)
    if not unsigned:
        message = version.protocol.kind.words.say("accord_signed")
        return [QaCheck("waspi_accord", True, message, section, advisory=True)]
    names = ", ".join(o.display_name(current_locale()) for o in unsigned)
    message = _(
        "Not signed the WASPI Accord (register): %(names)s. Ask them to sign its Declaration of "
        "Acceptance and Participation, or to tell the register when they did",
        names=names,
    )
    return [QaCheck("waspi_accord", False, message, section, advisory=True)]


# The QA check each lawful-basis problem fails, and the passing message of each check.
_QA_CODES = {
    rules.ARTICLE6_MISSING: "lawful_basis",
    rules.ARTICLE6_PUBLIC_AUTHORITY: "lawful_basis_public_authority",
    rules.ARTICLE9_MISSING: "article9",
    rules.ARTICLE9_NOT_SPECIAL: "article9",
    rules.SCHEDULE1_MISSING: "schedule1",
    rules.SCHEDULE1_MISMATCH: "schedule1_article9",
    rules.SCHEDULE1_NOT_SPECIAL: "schedule1_article9",
    rules.SCHEDULE1_PART3: "schedule1_article9",
    rules.CRIMINAL_CONDITION_MISSING: "criminal_offence",
    rules.CRIMINAL_CONDITION_NOT_CRIMINAL: "criminal_offence",
    rules.POLICY_DOCUMENT_MISSING: "policy_document",
    rules.PARA18_REASON_MISSING: "para18",
    rules.PARA18_REASON_UNKNOWN: "para18",
    rules.PARA18_REASON_UNUSED: "para18",
    rules.PARA18_WITH_CONSENT: "para18",
    rules.RECIPIENTS_MISSING: "recipients",
}


def _passing_checks(item, words) -> dict[str, str]:
    """The lawful-basis checks that apply to this item, with what each says when it passes."""
    name = item.category
    sch1 = item.basis_codes(BasisCatalogue.SCHEDULE1)
    art9 = item.basis_codes(BasisCatalogue.ARTICLE9)
    relied = [
        *sch1,
        *([item.criminal_offence_condition] if item.criminal_offence_condition else []),
    ]
    checks = {"lawful_basis": _("%(item)s has an Article 6 lawful basis", item=name)}
    if item.is_special_category:
        checks["article9"] = _("%(item)s (special category) has an Article 9 condition", item=name)
    if any(ARTICLE9[c].extra.get("needs_schedule1") for c in art9):
        checks["schedule1"] = _("%(item)s names a Schedule 1 condition", item=name)
    if rules.needs_policy_document(relied):
        checks["policy_document"] = _("%(item)s names the appropriate policy document", item=name)
    if item.is_criminal_offence:
        checks["criminal_offence"] = _(
            "%(item)s (criminal offence data) names its Schedule 1 condition", item=name
        )
    if rules.PARA18 in relied:
        checks["para18"] = _(
            "%(item)s records why consent is not relied on (Schedule 1 paragraph 18)", item=name
        )
    checks["recipients"] = words.say("item_recipients", item=name)
    return checks


def _lawful_bases(version, template) -> list[QaCheck]:
    """Each data item against law/lawful_basis.py. Existing data that breaks a rule is shown
    here with the fix and a link to the item; it is never changed for the user."""
    section = template.section_with("data_items").code
    words = version.protocol.kind.words
    results = []
    for item in version.data_items:
        anchor = f"data-item-{item.id}"
        failed: dict[str, list[str]] = {}
        for problem in data_item_problems(item):
            message = _(
                "%(item)s: %(problem)s", item=item.category, problem=problem_message(problem, words)
            )
            failed.setdefault(_QA_CODES[problem.code], []).append(message)
        for code, message in _passing_checks(item, words).items():
            if code not in failed:
                results.append(QaCheck(code, True, message, section, anchor))
        for code, messages in failed.items():
            results += [QaCheck(code, False, m, section, anchor) for m in messages]
    return results


def _flows(version, template) -> list[QaCheck]:
    section = template.section_with("flows").code
    results = []
    for number, flow in enumerate(version.flows, start=1):
        missing = []
        if flow.from_partner_id is None:
            missing.append(_("who shares it"))
        if flow.to_partner_id is None:
            missing.append(_("who receives it"))
        if not (flow.method or "").strip():
            missing.append(_("how it is shared"))
        if not (flow.purpose or "").strip():
            missing.append(_("why"))
        label = _("Row %(n)s (%(what)s)", n=number, what=flow.what)
        message = (
            _("%(row)s names source, recipient, method and purpose", row=label)
            if not missing
            else _("%(row)s: give %(missing)s", row=label, missing=", ".join(missing))
        )
        results.append(QaCheck("flow_complete", not missing, message, section, f"flow-{flow.id}"))
    return results


def review_date_problem(review_date: date | None, approved_on: date, today: date) -> str | None:
    """Why a review date is not acceptable, or None."""
    months = current_app.config["REVIEW_POLICY_MONTHS"]
    if review_date is None:
        return _("Set a review date")
    if review_date < today:
        return _("The review date is in the past: choose a date from today onwards")
    latest = add_months(approved_on, months)
    if review_date > latest:
        return _(
            "The review date must be within %(months)s months of approval: choose %(latest)s or earlier",
            months=months,
            latest=latest.strftime("%d/%m/%Y"),
        )
    return None


def _review_date(version, template, today: date) -> list[QaCheck]:
    section = template.section_with("review_date").code
    approved_on = version.approved_at.date() if version.approved_at else today
    problem = review_date_problem(version.review_date, approved_on, today)
    message = problem or _(
        "The review date is set and within %(months)s months of approval",
        months=current_app.config["REVIEW_POLICY_MONTHS"],
    )
    return [QaCheck("review_date", problem is None, message, section)]
