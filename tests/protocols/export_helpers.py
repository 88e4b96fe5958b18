"""Helpers for the export, register and review tests: reading a .docx back, and building
agreements quickly (a filled-in one with tricky text, and one with 20 partners and 200 items)."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from protocol_helpers import LEAD, PARTNERS, fill_isp, section_rv

from isp_manager.extensions import db
from isp_manager.parties.models import Organisation
from isp_manager.protocols import services, workflow
from isp_manager.protocols.models import (
    BasisCatalogue,
    ProtocolDataItem,
    ProtocolFlow,
    ProtocolLawfulBasis,
)

TRICKY = 'Tom & Jerry\'s <b>"quoted"</b> ‘curly’ — Gŵyl Ŷ â Ŵ ŷ ŵ > done'


def read_docx(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def heading_texts(doc, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_with_header(doc, *first_cells: str):
    """The first table whose header row starts with these cells."""
    for table in doc.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[: len(first_cells)] == list(first_cells):
            return table
    raise AssertionError(f"no table with header {first_cells}")


def cover_details(doc) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}


def field_instructions(part_element) -> list[str]:
    return [e.text.strip() for e in part_element.iter(qn("w:instrText"))]


def make_active(version, author, ig, *, qa_group="waspi-south"):
    """Submit to a QA group, QA-approve (by a member from a partner) and have every partner sign."""
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group=qa_group)
    workflow.approve_qa(version, expected_etag=version.etag, by=ig("la-cardiff"))
    for partner in version.partners:
        workflow.sign_protocol(version, expected_etag=version.etag, by=partner.signatory_user)
    return version


def tricky_isp(ig, *, title=None):
    """A complete three-partner ISP whose title, purpose, teams, data item and flow hold &, <, >,
    quotes and Welsh letters. V1 in draft."""
    author = ig(LEAD)
    protocol = services.create_protocol(
        kind="isp",
        title=title or f"Rhannu {TRICKY}",
        lead_organisation=LEAD,
        partners=list(PARTNERS),
        by=author,
    )
    version = protocol.versions[0]
    fill_isp(version, author)
    services.save_section(
        version,
        "introduction",
        {
            "purpose": f"Purpose: {TRICKY}\nSecond line",
            "purposes": ["Child protection enquiries", TRICKY],
            "accord_statement": "Supplementary to WASPI.",
        },
        by=author,
        expected_row_version=section_rv(version, "introduction"),
        mark_complete=True,
    )
    partner = version.partners[1]
    partner.departments = f"Teams {TRICKY}"
    item = version.data_items[0]
    item.description = f"Description {TRICKY}"
    version.flows[0].purpose = f"Why {TRICKY}"
    db.session.flush()
    return version, author


def add_partner_codes(exclude: set[str], count: int) -> list[str]:
    codes = db.session.scalars(
        sa.select(Organisation.code)
        .where(Organisation.code.not_in(exclude))
        .order_by(Organisation.code)
    ).all()
    return list(codes[:count])


def big_isp(ig, *, partners: int = 20, items: int = 200, flows: int = 60):
    """A draft ISP with `partners` parties (lead included), `items` data items each with lawful
    bases and two recipients, and `flows` Appendix B rows: the export benchmark's shape."""
    author = ig(LEAD)
    codes = add_partner_codes({LEAD}, partners - 1)
    protocol = services.create_protocol(
        kind="isp",
        title="Regional safeguarding information sharing",
        lead_organisation=LEAD,
        partners=codes,
        by=author,
    )
    version = protocol.versions[0]
    for n, partner in enumerate(version.partners):
        partner.departments = f"Safeguarding team {n}; Children's services"
        partner.contact_name = f"Contact {n}"
        partner.contact_email = f"contact{n}@example.test"
        partner.signatory_name = f"Signatory {n}"
        partner.signatory_role = "Director"
    for section in version.sections:
        section.content = {"purpose": "Protect children at risk " * 10, "purposes": ["One", "Two"]}
    parties = version.partners
    for n in range(items):
        item = ProtocolDataItem(
            position=n,
            category=f"Data item {n}",
            description=f"Description of item {n}",
            is_special_category=n % 3 == 0,
            source_partner=parties[n % len(parties)],
            recipients=[parties[(n + 1) % len(parties)], parties[(n + 2) % len(parties)]],
            policy_document_ref="APD-1" if n % 3 == 0 else None,
            para18_reason="para18-2-b" if n % 3 == 0 else None,
        )
        item.bases = [ProtocolLawfulBasis(catalogue=BasisCatalogue.ARTICLE6, code="art6-1-e")]
        if n % 3 == 0:
            item.bases += [
                ProtocolLawfulBasis(catalogue=BasisCatalogue.ARTICLE9, code="art9-2-g"),
                ProtocolLawfulBasis(catalogue=BasisCatalogue.SCHEDULE1, code="sch1-p2-para18"),
            ]
        version.data_items.append(item)
    for n in range(flows):
        version.flows.append(
            ProtocolFlow(
                position=n,
                what=f"Flow {n}",
                from_partner=parties[n % len(parties)],
                to_partner=parties[(n + 1) % len(parties)],
                method="Secure e-mail",
                security="Encrypted",
                frequency="Weekly",
                purpose="Safeguarding",
            )
        )
    db.session.flush()
    return version, author


def review_date_in(days: int) -> date:
    from datetime import timedelta

    from isp_manager.calendar import wales_today

    return wales_today() + timedelta(days=days)


def quick_agreement(
    author,
    title,
    *,
    partners=("la-cardiff",),
    kind="isp",
    state="active",
    review_date=None,
    purpose="Protect children at risk",
    lead=LEAD,
):
    """An agreement put straight into a state, without the workflow (for lists and reminders):
    fast enough to make dozens. `author` must be an IG lead of `lead`."""
    from isp_manager.db import utcnow
    from isp_manager.protocols.models import VersionState

    protocol = services.create_protocol(
        kind=kind, title=title, lead_organisation=lead, partners=list(partners), by=author
    )
    version = protocol.versions[0]
    first = version.sections[0]
    first.content = {"purpose": purpose}
    state = VersionState(state)
    if state.is_frozen:
        now = utcnow()
        version.approved_at, version.approved_by_id = now, author.id
        version.review_date = review_date or review_date_in(300)
        version.qa_group = "WASPI South QA Group"
        if state in (VersionState.ACTIVE, VersionState.SUPERSEDED):
            version.activated_at = now
        if state == VersionState.SUPERSEDED:
            version.superseded_at = now
        if state == VersionState.WITHDRAWN:
            version.withdrawn_at, version.withdrawal_reason = now, "No longer needed"
    elif state in (VersionState.SUBMITTED, VersionState.RETURNED):
        version.submitted_at = utcnow()
    version.state = state
    db.session.flush()
    return version
