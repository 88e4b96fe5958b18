"""A version's content as plain data, section by section, and the comparison of two versions.

`sections_as_data(version)` is what the read-only pages, the comparison and the Word export
show: for every template section its number, heading and each field as display lines, with
the table-backed parts (partners, data items, Appendix B, signatures, review date) written out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..i18n import gettext as _
from ..i18n import uk_date
from ..law import PARA18_REASONS, SCHEDULE1
from ..law import catalogue as law_catalogue
from ..law import label as law_label
from .models import (
    BASIS_CATALOGUES,
    BasisCatalogue,
    ProtocolPartner,
    ProtocolSignature,
    ProtocolVersion,
    SignatureMethod,
)
from .qa import SectionStatus, section_status
from .templates_data import (
    ProtocolTemplate,
    TemplateField,
    TemplateSection,
    registry,
    template_for,
)


@dataclass
class FieldView:
    code: str
    type: str
    label: str
    value: object  # the stored value: text, list of strings or codes, rows, a date
    lines: list[str] = field(default_factory=list)  # the value written out, one entry per line

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines)


@dataclass
class SectionView:
    code: str
    number: str
    title: str
    heading: str
    is_appendix: bool
    status: SectionStatus
    fields: list[FieldView]


def sections_as_data(
    version: ProtocolVersion, template: ProtocolTemplate | None = None, locale: str = "en"
) -> list[SectionView]:
    """Every section of the version in template order, each field written out as lines."""
    template = template or template_for(version.protocol)
    return [section_as_data(version, section, locale) for section in template.sections]


TABLE_TYPES = ("partners", "data_items", "flows", "signatures")


def section_as_data(
    version: ProtocolVersion, section: TemplateSection, locale: str = "en", skip_tables=False
) -> SectionView:
    """One section of the version, each field written out as lines (with `skip_tables`, the
    fields kept in tables of their own, partners to signatures, are left out)."""
    return SectionView(
        code=section.code,
        number=section.number,
        title=section.title(locale),
        heading=section.heading.get(locale),
        is_appendix=section.is_appendix,
        status=section_status(version, section),
        fields=[
            field_view(version, section, f, locale)
            for f in section.fields
            if not (skip_tables and f.type in TABLE_TYPES)
        ],
    )


def field_view(
    version: ProtocolVersion, section: TemplateSection, f: TemplateField, locale: str = "en"
) -> FieldView:
    stored = version.section(section.code)
    value = (stored.content if stored else {}).get(f.code)
    writer = _WRITERS.get(f.type, _text_lines)
    value, lines = writer(version, f, value, locale)
    return FieldView(code=f.code, type=f.type, label=f.label.get(locale), value=value, lines=lines)


def _text_lines(version, f, value, locale):
    text = value if isinstance(value, str) else ""
    return text, text.splitlines() if text else []


def _list_lines(version, f, value, locale):
    items = value if isinstance(value, list) else []
    return items, list(items)


def _catalogue_lines(version, f, value, locale):
    codes = value if isinstance(value, list) else []
    catalogue = getattr(law_catalogue, f.catalogue)
    lines = []
    for code in codes:
        entry = catalogue.get(code)
        lines.append(f"{entry.citation_for(locale)}: {entry.label(locale)}" if entry else code)
    return codes, lines


def _glossary_lines(version, f, value, locale):
    rows = value if isinstance(value, list) else []
    return rows, [f"{r.get('term', '')}: {r.get('definition', '')}" for r in rows]


def _org_name(partner, locale) -> str:
    return partner.organisation.display_name(locale) if partner is not None else _("(not named)")


def _partner_lines(version, f, value, locale):
    lines = []
    for p in version.partners:
        parts = [f"{_org_name(p, locale)} ({p.role.label})"]
        if p.departments:
            parts.append(_("teams: %(teams)s", teams=p.departments))
        if p.contact_name or p.contact_email:
            parts.append(
                _(
                    "contact: %(name)s %(email)s",
                    name=p.contact_name or "",
                    email=p.contact_email or "",
                ).strip()
            )
        if p.signatory_display_name or p.signatory_display_role:
            parts.append(
                _(
                    "signatory: %(name)s, %(role)s",
                    name=p.signatory_display_name or "",
                    role=p.signatory_display_role or "",
                )
            )
        lines.append("; ".join(parts))
    return version.partners, lines


def basis_labels(item, catalogue: BasisCatalogue, locale: str = "en") -> list[str]:
    known = BASIS_CATALOGUES[catalogue]
    return [
        f"{known[c].citation_for(locale)} ({known[c].label(locale)})"
        for c in item.basis_codes(catalogue)
    ]


def _data_item_lines(version, f, value, locale):
    lines = []
    for item in version.data_items:
        special = _(" (special category)") if item.is_special_category else ""
        parts = [f"{item.category}{special}"]
        parts.append(_("from %(org)s", org=_org_name(item.source_partner, locale)))
        if item.recipients:
            parts.append(
                _("to %(orgs)s", orgs=", ".join(_org_name(r, locale) for r in item.recipients))
            )
        bases = [label for cat in BasisCatalogue for label in basis_labels(item, cat, locale)]
        if bases:
            parts.append(_("lawful basis: %(bases)s", bases="; ".join(bases)))
        if item.para18_reason:
            parts.append(
                _(
                    "why consent is not relied on: %(reason)s",
                    reason=law_label(PARA18_REASONS, item.para18_reason, locale),
                )
            )
        if item.is_criminal_offence:
            condition = SCHEDULE1.get(item.criminal_offence_condition)
            parts.append(
                _(
                    "criminal offence data, condition: %(condition)s",
                    condition=condition.citation_for(locale) if condition else _("not entered"),
                )
            )
        if item.policy_document_ref:
            parts.append(_("appropriate policy document: %(ref)s", ref=item.policy_document_ref))
        if item.other_basis:
            parts.append(_("other basis: %(text)s", text=item.other_basis))
        if item.description:
            parts.append(item.description)
        lines.append(" — ".join(parts))
    return version.data_items, lines


def _flow_lines(version, f, value, locale):
    lines = []
    for flow in version.flows:
        lines.append(
            _(
                "%(what)s — from %(source)s to %(target)s — how: %(method)s — security: %(security)s — how often: %(frequency)s — why: %(purpose)s",
                what=flow.what,
                source=_org_name(flow.from_partner, locale),
                target=_org_name(flow.to_partner, locale),
                method=flow.method or "",
                security=flow.security or "",
                frequency=flow.frequency or "",
                purpose=flow.purpose or "",
            )
        )
    return version.flows, lines


def signature_statement(signature: ProtocolSignature) -> str:
    """What happened, in one sentence for Appendix C: who signed, their role, when and how."""
    if signature.method == SignatureMethod.PAPER:
        attester = signature.attested_by
        return _(
            "Signed on paper by %(name)s, %(role)s, on %(date)s; recorded by %(attester)s, "
            "%(attester_role)s, on %(recorded)s (scan held)",
            name=signature.name,
            role=signature.role,
            date=uk_date(signature.signed_at),
            attester=attester.name if attester else "",
            attester_role=(attester.job_title or attester.role.label) if attester else "",
            recorded=uk_date(signature.attested_at),
        )
    return _(
        "Signed by %(name)s, %(role)s, from their ISP Manager account on %(date)s",
        name=signature.name,
        role=signature.role,
        date=uk_date(signature.signed_at),
    )


def signatory_statement(partner: ProtocolPartner) -> str:
    """Who signs for the partner and how (for partners that have not signed yet)."""
    if not partner.has_signatory:
        return _("No signatory named yet")
    if partner.signs_from_account:
        return _(
            "%(name)s, %(role)s, signs from their ISP Manager account",
            name=partner.signatory_display_name,
            role=partner.signatory_display_role,
        )
    return _(
        "%(name)s, %(role)s, signs on paper; the organisation's information governance lead records the signature",
        name=partner.signatory_display_name,
        role=partner.signatory_display_role,
    )


def _signature_lines(version, f, value, locale):
    lines = [
        _(
            "%(org)s: %(statement)s",
            org=_org_name(s.partner, locale),
            statement=signature_statement(s),
        )
        for s in version.signatures
    ]
    return version.signatures, lines


def _review_date_lines(version, f, value, locale):
    return version.review_date, [uk_date(version.review_date)] if version.review_date else []


_WRITERS = {
    "text": _text_lines,
    "textarea": _text_lines,
    "list": _list_lines,
    "catalogue": _catalogue_lines,
    "glossary": _glossary_lines,
    "partners": _partner_lines,
    "data_items": _data_item_lines,
    "flows": _flow_lines,
    "signatures": _signature_lines,
    "review_date": _review_date_lines,
}


# The fields that hold an agreement's purpose: `purpose` in an ISP, a DDA and a JCA; a
# controller-processor agreement states the nature and purpose of the processing (Article 28(3)).
PURPOSE_FIELDS = ("purpose", "nature_purpose")


def purpose_summary(version: ProtocolVersion, limit: int = 300) -> str:
    """The first lines of the purpose, for registers and lists."""
    return summarise_purpose(
        (
            (section.content or {}).get(code)
            for section in version.sections
            for code in PURPOSE_FIELDS
        ),
        limit,
    )


def summarise_purpose(texts: Iterable[object], limit: int = 300) -> str:
    """The first purpose given (sections in order), on one line and cut at `limit`."""
    for purpose in texts:
        if isinstance(purpose, str) and purpose.strip():
            text = " ".join(purpose.split())
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


def purpose_section_codes() -> tuple[str, ...]:
    """The sections that hold a purpose field in any installed template (introduction in an
    ISP, purpose in a DDA or a JCA, processing in a DPA), so a list can read just those."""
    return tuple(
        sorted(
            {
                section.code
                for template in registry().templates.values()
                for section in template.sections
                if any(f.code in PURPOSE_FIELDS for f in section.fields)
            }
        )
    )


# ---------------------------------------------------------------- comparison


@dataclass
class LineChange:
    op: str  # "same", "added", "removed"
    text: str


@dataclass
class FieldComparison:
    label: str
    changes: list[LineChange]

    @property
    def changed(self) -> bool:
        return any(c.op != "same" for c in self.changes)


@dataclass
class SectionComparison:
    code: str
    title: str
    fields: list[FieldComparison]

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields)


def compare_versions(
    old: ProtocolVersion, new: ProtocolVersion, locale: str = "en"
) -> list[SectionComparison]:
    """Section by section and field by field: lines kept, added in `new` and removed from `old`.
    Signatures are not content (each version is signed afresh), so they are left out."""
    template = template_for(new.protocol)
    old_sections = {s.code: s for s in sections_as_data(old, template_for(old.protocol), locale)}
    result = []
    for section in sections_as_data(new, template, locale):
        if template.section(section.code).is_signatures:
            continue
        before = (
            {f.code: f for f in old_sections[section.code].fields}
            if section.code in old_sections
            else {}
        )
        fields = []
        for f in section.fields:
            old_lines = before[f.code].lines if f.code in before else []
            fields.append(FieldComparison(f.label, diff_lines(old_lines, f.lines)))
        result.append(SectionComparison(section.code, section.title, fields))
    return result


def diff_lines(old: list[str], new: list[str]) -> list[LineChange]:
    changes = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes += [LineChange("same", line) for line in old[a1:a2]]
            continue
        changes += [LineChange("removed", line) for line in old[a1:a2]]
        changes += [LineChange("added", line) for line in new[b1:b2]]
    return changes
