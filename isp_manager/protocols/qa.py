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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import current_locale
from ..law import ARTICLE6, ARTICLE9, SCHEDULE1
from ..parties.models import OrgKind
from .models import BasisCatalogue, PartnerRole, ProtocolKind, ProtocolVersion
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
# Organisations that are not public authorities may rely on legitimate interests.
NOT_PUBLIC_AUTHORITIES = frozenset({OrgKind.CHARITY, OrgKind.OTHER})


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


def qa_checklist(
    version: ProtocolVersion, template: ProtocolTemplate, today: date | None = None
) -> list[QaCheck]:
    """Every check, passed or failed, in the order a reviewer reads them."""
    today = today or date.today()
    checks: list[QaCheck] = []
    checks += _sections_complete(version, template)
    checks += _parties(version, template)
    checks += _partner_contacts(version, template)
    checks += _lawful_bases(version, template)
    checks += _flows(version, template)
    checks += _review_date(version, template, today)
    return checks


def failures(checks: list[QaCheck]) -> list[QaCheck]:
    return [c for c in checks if not c.passed]


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
    if version.protocol.kind == ProtocolKind.DDA:
        disclosers = [p for p in version.partners if p.role == PartnerRole.DISCLOSER]
        recipients = [p for p in version.partners if p.role == PartnerRole.RECIPIENT]
        ok = len(disclosers) == 1 and len(recipients) >= 1
        message = (
            _("There is exactly one discloser and at least one recipient")
            if ok
            else _(
                "A Data Disclosure Agreement needs exactly one discloser and at least one recipient (it has %(d)s disclosers and %(r)s recipients)",
                d=len(disclosers),
                r=len(recipients),
            )
        )
        return [QaCheck("parties", ok, message, section)]
    ok = len(version.partners) >= 2
    message = (
        _("At least two partner organisations share under this protocol")
        if ok
        else _("Add at least one partner organisation besides the lead organisation")
    )
    return [QaCheck("parties", ok, message, section)]


def _partner_contacts(version, template) -> list[QaCheck]:
    section = template.section_with("partners").code
    results = []
    for partner in version.partners:
        name = partner.organisation.display_name(current_locale())
        missing = []
        if not (partner.contact_name and partner.contact_email):
            missing.append(_("a point of contact (name and e-mail)"))
        if not (partner.signatory_name and partner.signatory_role):
            missing.append(_("a signatory (name and role)"))
        if missing:
            message = _("Give %(org)s %(missing)s", org=name, missing=_(" and ").join(missing))
        else:
            message = _("%(org)s has a point of contact and a signatory", org=name)
        results.append(
            QaCheck("partner_contact", not missing, message, section, f"partner-{partner.id}")
        )
    return results


def _is_public_authority(partner) -> bool:
    return partner is None or partner.organisation.kind not in NOT_PUBLIC_AUTHORITIES


def _lawful_bases(version, template) -> list[QaCheck]:
    section = template.section_with("data_items").code
    results = []
    for item in version.data_items:
        anchor = f"data-item-{item.id}"
        art6 = item.basis_codes(BasisCatalogue.ARTICLE6)
        art9 = item.basis_codes(BasisCatalogue.ARTICLE9)
        sch1 = item.basis_codes(BasisCatalogue.SCHEDULE1)
        name = item.category

        def check(code, ok, good, bad, anchor=anchor):
            results.append(QaCheck(code, ok, good if ok else bad, section, anchor))

        check(
            "lawful_basis",
            bool(art6),
            _("%(item)s has an Article 6 lawful basis", item=name),
            _("Choose an Article 6 lawful basis for %(item)s", item=name),
        )
        legit = [c for c in art6 if ARTICLE6[c].extra.get("public_authority_task") is False]
        if legit and _is_public_authority(item.source_partner):
            check(
                "lawful_basis_public_authority",
                False,
                "",
                _(
                    "%(item)s: legitimate interests is not available to a public authority for its tasks; choose another Article 6 basis",
                    item=name,
                ),
            )
        if item.is_special_category:
            check(
                "article9",
                bool(art9),
                _("%(item)s (special category) has an Article 9 condition", item=name),
                _(
                    "Choose an Article 9 condition for %(item)s: it is special category data",
                    item=name,
                ),
            )
        needs_sch1 = [c for c in art9 if ARTICLE9[c].extra.get("needs_schedule1")]
        if needs_sch1:
            check(
                "schedule1",
                bool(sch1),
                _("%(item)s names a Schedule 1 condition", item=name),
                _(
                    "Choose a DPA 2018 Schedule 1 condition for %(item)s: its Article 9 condition needs one",
                    item=name,
                ),
            )
        if any(SCHEDULE1[c].extra.get("part") == 2 for c in sch1):
            check(
                "policy_document",
                bool((item.policy_document_ref or "").strip()),
                _("%(item)s names the appropriate policy document", item=name),
                _(
                    "Give the appropriate policy document reference for %(item)s: it relies on a Schedule 1 Part 2 condition",
                    item=name,
                ),
            )
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
