"""A fully filled agreement of any kind (every field, partner detail, data item with its
lawful bases, and Appendix B flow), and its content as plain data to compare."""

from __future__ import annotations

from datetime import date

from protocol_helpers import LEAD, PARTNERS, section_rv

from isp_manager.protocols import services
from isp_manager.protocols.models import KIND_RULES, ProtocolKind
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerChoice, PartnerDetails
from isp_manager.protocols.templates_data import template_for

KINDS = ("isp", "dda", "jca", "dpa")
REVIEW = date(2027, 9, 30)


def _value(section, field):
    where = f"{section.code}.{field.code}"
    if field.type == "text":
        return f"{where}: Gŵyl & <one line>"
    if field.type == "textarea":
        return f"{where}: what is done & why.\nA second paragraph: “quoted” — ŵ ŷ."
    if field.type == "list":
        return [f"{where} first", f"{where} second: a, b & c"]
    if field.type == "catalogue":
        return ["power-s28-ca2004", "power-s47-ca1989"]
    if field.type == "glossary":
        return [
            {"term": "Data subject", "definition": "The person the information is about."},
            {"term": "Controller", "definition": "Decides why and how: see Article 4(7)."},
        ]
    if field.type == "review_date":
        return REVIEW
    return None


def filled(kind: str, author):
    """An agreement of the kind with every field, partner detail, data item and flow filled."""
    rules = KIND_RULES[ProtocolKind(kind)]
    partners = [PartnerChoice(code, None) for code in PARTNERS]
    if not rules.fixed_lead:
        partners = [PartnerChoice(code, rules.others.value) for code in PARTNERS]
    protocol = services.create_protocol(
        kind=kind,
        title=f"Fully filled {kind}: Rhannu & <gwybodaeth>",
        lead_organisation=LEAD,
        partners=partners,
        by=author,
    )
    version = protocol.versions[0]
    for section in template_for(protocol).sections:
        content = {f.code: _value(section, f) for f in section.fields if not f.is_table}
        content.update(
            {f.code: REVIEW for f in section.fields if f.type == "review_date"},
        )
        content = {k: v for k, v in content.items() if v is not None}
        if content:
            services.save_section(
                version,
                section.code,
                content,
                by=author,
                expected_row_version=section_rv(version, section.code),
            )
    partners_section = template_for(protocol).section_with("partners").code
    for index, partner in enumerate(version.partners):
        code = partner.organisation.code
        services.update_partner(
            partner,
            PartnerDetails(
                departments=f"Safeguarding team {index}\nData protection office",
                contact_name=f"Eleri Jones {index}",
                contact_email=f"ig@{code}.example",
            ),
            by=author,
            expected_row_version=section_rv(version, partners_section),
        )
    first, *others = version.partners
    data_section = template_for(protocol).section_with("data_items").code
    for item in (
        DataItemInput(
            category="Health history",
            description="Diagnoses and treatment\nwithin the last five years",
            is_special_category=True,
            source_partner_id=first.id,
            recipient_partner_ids=[p.id for p in others],
            article6=["art6-1-e"],
            article9=["art9-2-g"],
            schedule1=["sch1-p2-para18"],
            para18_reason="para18-2-c",
            policy_document_ref="APD-2026-01",
        ),
        DataItemInput(
            category="Offending history",
            is_criminal_offence=True,
            criminal_offence_condition="sch1-p2-para10",
            source_partner_id=first.id,
            recipient_partner_ids=[others[0].id],
            article6=["art6-1-c", "art6-1-e"],
            other_basis="Common law duty of confidence set aside\nin the public interest",
            policy_document_ref="APD-2026-02",
        ),
        DataItemInput(category="Name and address", article6=["art6-1-e"]),
    ):
        services.add_data_item(
            version, item, by=author, expected_row_version=section_rv(version, data_section)
        )
    flows_section = template_for(protocol).section_with("flows").code
    for flow in (
        FlowInput(
            what="Referral & assessment",
            from_partner_id=first.id,
            to_partner_id=others[0].id,
            method="Secure e-mail\n(Egress)",
            security="Encrypted in transit",
            frequency="As needed",
            purpose="To plan care",
        ),
        FlowInput(
            what="Monthly figures",
            from_partner_id=first.id,
            to_partner_id=others[1].id,
            method="Upload",
            frequency="Monthly",
        ),
        FlowInput(what="Minutes of the panel"),
    ):
        services.add_flow(
            version, flow, by=author, expected_row_version=section_rv(version, flows_section)
        )
    return version


def content_of(version) -> dict:
    """Everything an agreement says, field by field, in plain data."""
    template = template_for(version.protocol)
    sections = {}
    for section in template.sections:
        stored = version.section(section.code).content or {}
        kept = {
            k: v
            for k, v in stored.items()
            if v not in ("", [], None) and section.field(k) and not section.field(k).is_table
        }
        if kept:
            sections[section.code] = kept

    def org(partner):
        return partner.organisation.code if partner is not None else None

    return {
        "sections": sections,
        "review_date": version.review_date,
        "partners": [
            (org(p), p.role.value, p.departments, p.contact_name, p.contact_email)
            for p in version.partners
        ],
        "data_items": [
            {
                "category": i.category,
                "description": i.description,
                "special": i.is_special_category,
                "source": org(i.source_partner),
                "recipients": [org(r) for r in i.recipients],
                "bases": sorted(f"{b.catalogue.value}:{b.code}" for b in i.bases),
                "para18": i.para18_reason,
                "criminal": (i.is_criminal_offence, i.criminal_offence_condition),
                "policy": i.policy_document_ref,
                "other": i.other_basis,
            }
            for i in version.data_items
        ],
        "flows": [
            (
                f.what,
                org(f.from_partner),
                org(f.to_partner),
                f.method,
                f.security,
                f.frequency,
                f.purpose,
            )
            for f in version.flows
        ],
    }
