"""Word export of any version of an agreement, shaped like a published WASPI ISP, in English,
Welsh, or both side by side (Welsh first).

Cover page (title, status in the workflow's words, version V1/V2..., date, lead organisation,
QA group), a document control page (QA group and date, review date, and the version history:
each version's drafting, submission, return, approval, coming into force, supersession or
withdrawal, when and by whom), a contents page listing the headings, then the template's
numbered sections in order with their fields: text as entered, lists as bullets, and the structured parts as tables (partners,
legal powers and lawful bases with their citations, data items, the Appendix B information
reference table, and the signatures, with blank rows for partners that have not signed).
Header and footer carry the title, the version, page X of Y and the protective marking.

The version and everything in it is loaded in one go (a fixed number of queries, whatever
the number of partners and data items); long tables are written straight as XML.
"""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa
from docx import Document
from flask import current_app, send_file
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..documents import (
    add_cover_page,
    add_heading,
    add_in_language,
    add_key_value_table,
    add_long_table,
    add_page_break,
    add_table,
    add_text,
    add_toc,
    document_bytes,
    new_document,
)
from ..documents.layout import (
    BILINGUAL,
    SIDE_BY_SIDE,
    current_language,
    page_label,
    say,
    writing_in,
)
from ..extensions import db
from ..i18n import current_locale, uk_date
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import PARA18_REASONS, SCHEDULE1
from ..law import catalogue as law_catalogue
from . import services
from .content import signature_statement
from .models import (
    BASIS_CATALOGUES,
    KIND_RULES,
    BasisCatalogue,
    Protocol,
    ProtocolDataItem,
    ProtocolKind,
    ProtocolPartner,
    ProtocolSignature,
    ProtocolVersion,
    QaDecision,
    VersionState,
)
from .templates_data import ProtocolTemplate, TemplateField, TemplateSection, template_for

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_OPTIONAL_SUFFIX = re.compile(r"\s*\((optional|dewisol)\)\s*$", re.IGNORECASE)

# The columns of the structured tables, by a key that importing.py reads them back by.
PARTNER_COLUMNS = (
    ("name", _l("Partner organisation")),
    ("departments", _l("Departments / teams")),
    ("contact", _l("Owner / point of contact")),
)
PARTY_COLUMNS = (
    ("name", _l("Organisation")),
    ("role", _l("Role")),
    ("departments", _l("Departments / teams")),
    ("contact", _l("Owner / point of contact")),
)
DATA_ITEM_COLUMNS = (
    ("information", _l("Information")),
    ("special", _l("Special category")),
    ("source", _l("Provided by")),
    ("recipients", _l("Received by")),
    ("bases", _l("Lawful basis")),
)
FLOW_COLUMNS = (
    ("what", _l("What is shared")),
    ("from", _l("From")),
    ("to", _l("To")),
    ("how", _l("How, and how securely")),
    ("frequency", _l("How often")),
    ("purpose", _l("Why")),
)
SIGNATURE_COLUMNS = (
    ("organisation", _l("Organisation")),
    ("signatory", _l("Signatory")),
    ("signature", _l("Signature")),
)
BASES_USED_HEADING = _l("Lawful bases relied on")
# The sentences the service writes itself around the tables (not content of the agreement).
INTRO_ISP = _l("The lead organisation is %(lead)s.")
INTRO_DDA = _l("The discloser is %(org)s. The lead organisation is %(lead)s.")
INTRO_DPA = _l(
    "The controller is %(org)s; every other party is its processor. The lead organisation is %(lead)s."
)
INTRO_JCA = _l(
    "The lead organisation is %(lead)s. Every party is a joint controller of the personal data processed under this agreement."
)
# The sentence above the signatures table and the empty tables of parties are the kind's
# words (party_words.py): "Each partner organisation signs...", "Each joint controller signs...".
# The lines of a data item's lawful basis cell beside the citations.
PARA18_LINE = _l("Consent not relied on: %(reason)s (%(citation)s)")
CRIMINAL_LINE = _l("Criminal offence data: %(condition)s")
NO_CONDITION = _l("no condition entered")
POLICY_LINE = _l("Appropriate policy document: %(ref)s")
OTHER_LINE = _l("Other: %(text)s")
# The line of a flow's "How, and how securely" cell that says how securely.
SECURITY_LINE = _l("Security: %(text)s")


def _labels(columns) -> list[str]:
    return [str(label) for _key, label in columns]


# ---------------------------------------------------------------- loading


def export_options():
    """Everything the document shows, eager-loaded: one query per table, never per row."""
    return (
        selectinload(ProtocolVersion.sections),
        selectinload(ProtocolVersion.partners).joinedload(ProtocolPartner.organisation),
        selectinload(ProtocolVersion.data_items).selectinload(ProtocolDataItem.bases),
        selectinload(ProtocolVersion.data_items).selectinload(ProtocolDataItem.recipients),
        selectinload(ProtocolVersion.flows),
        selectinload(ProtocolVersion.signatures).joinedload(ProtocolSignature.attested_by),
        joinedload(ProtocolVersion.assigned_qa_group),
    )


def load_history(protocol: Protocol) -> None:
    """The agreement's versions, their QA reviews, and everyone who drafted, submitted,
    approved, returned or withdrew one, for the document control table: four queries,
    however long the history."""
    db.session.scalar(
        sa.select(Protocol)
        .where(Protocol.id == protocol.id)
        .options(selectinload(Protocol.versions).selectinload(ProtocolVersion.qa_reviews))
    )
    ids = {r.reviewer_id for v in protocol.versions for r in v.qa_reviews}
    for v in protocol.versions:
        ids |= {v.created_by_id, v.submitted_by_id, v.approved_by_id, v.withdrawn_by_id}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids - {None})))}
    for v in protocol.versions:
        for name in ("created_by", "submitted_by", "approved_by", "withdrawn_by"):
            set_committed_value(v, name, users.get(getattr(v, f"{name}_id")))
        for review in v.qa_reviews:
            set_committed_value(review, "reviewer", users.get(review.reviewer_id))


def load_for_export(protocol_id: int, number: int | None, user) -> ProtocolVersion:
    """The version to export (the current one when number is None), if the user may see the
    agreement: its party organisations, auditors and admins. Anyone else gets NotFound."""
    protocol = services.get_protocol(protocol_id, user)
    target = (
        services.version_by_number(protocol, number)
        if number is not None
        else services.current_version(protocol)
    )
    load_history(protocol)
    return db.session.scalar(
        sa.select(ProtocolVersion).where(ProtocolVersion.id == target.id).options(*export_options())
    )


def export_filename(version: ProtocolVersion) -> str:
    return f"{version.protocol.reference}-{version.label}.docx"


def docx_response(version: ProtocolVersion, language: str = "en"):
    """The version as a Word download (en, cy or bilingual), never kept in a shared cache."""
    response = send_file(
        io.BytesIO(export_version(version, language)),
        mimetype=DOCX_MIMETYPE,
        as_attachment=True,
        download_name=export_filename(version),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- the document


def export_version(version: ProtocolVersion, language: str = "en") -> bytes:
    """The .docx bytes of one version, in English, Welsh or both (`bilingual`)."""
    return document_bytes(build_document(version, language))


def build_document(version: ProtocolVersion, language: str = "en") -> Document:
    protocol = version.protocol
    template = template_for(protocol)
    doc = new_document(
        title=protocol.title,
        version_label=say(lambda: f"{version.label} {version.status_label}", language, " / "),
        marking=current_app.config.get("PROTECTIVE_MARKING", "OFFICIAL"),
        page_label=page_label(language),
        language=language,
        author=say(lambda: _lead_name(protocol), language, " / "),
        subject=say(lambda: str(protocol.kind.label), language, " / "),
    )
    add_cover_page(
        doc,
        protocol.title,
        _cover_rows(version, template, language),
        subtitle=say(lambda: str(protocol.kind.label), language, " / "),
    )
    add_heading(doc, say(lambda: _("Document control"), language, " / "), level=1)
    add_in_language(doc, language, lambda where, locale: _write_control(where, version))
    add_page_break(doc)
    add_toc(doc, say(lambda: _("Contents"), language, " / "))
    for index, section in enumerate(template.sections):
        if index == 0 or section.is_appendix:  # the body and each appendix start a page
            add_page_break(doc)
        _write_any_section(doc, version, section, language)
    return doc


def _lead_name(protocol) -> str:
    return protocol.lead_organisation.display_name(current_language())


def _cover_rows(version, template, language: str) -> list[tuple[str, str]]:
    if language != BILINGUAL:
        with writing_in(language):
            return cover_details(version, template, language)
    both = []
    for lang in SIDE_BY_SIDE:
        with writing_in(lang):
            both.append(cover_details(version, template, lang))
    return [
        ("\n".join(dict.fromkeys((cy_key, en_key))), "\n".join(dict.fromkeys((cy, en))))
        for (cy_key, cy), (en_key, en) in zip(*both, strict=True)
    ]


def _write_any_section(doc, version, section: TemplateSection, language: str) -> None:
    if language != BILINGUAL:
        with writing_in(language):
            _write_section(doc, version, section, language)
        return
    titles = []
    for lang in SIDE_BY_SIDE:
        with writing_in(lang):
            titles.append(section.title(lang))
    add_heading(doc, " / ".join(dict.fromkeys(titles)), level=1)
    add_in_language(
        doc,
        language,
        lambda where, lang: _write_section(where, version, section, lang, heading=False),
    )


# ---------------------------------------------------------------- document control


def _person(user) -> str:
    if user is None:
        return ""
    organisation = user.organisation.display_name(current_language()) if user.organisation else ""
    return ", ".join(v for v in (user.name, user.job_title, organisation) if v)


def version_history(version: ProtocolVersion) -> list[tuple[str, str, str, str]]:
    """(version, date, change, by whom) for every step of every version up to this one."""
    events = []
    for v in version.protocol.versions:
        if v.number > version.number:
            continue
        first = v.number == 1
        events.append(
            (
                v.created_at,
                v,
                v.change_summary or (_("First draft") if first else _("New version drafted")),
                v.created_by,
            )
        )
        if v.submitted_at:
            events.append((v.submitted_at, v, _("Submitted for QA"), v.submitted_by))
        for review in v.qa_reviews:
            if review.decision == QaDecision.RETURNED:
                events.append(
                    (review.decided_at, v, _("Returned with comments by QA"), review.reviewer)
                )
        if v.approved_at:
            change = (
                _("Quality assured by %(group)s: approved for signature", group=v.qa_group)
                if v.qa_group
                else _("Quality assured: approved for signature")
            )
            events.append((v.approved_at, v, change, v.approved_by))
        if v.activated_at:
            change = version.protocol.kind.words.say("every_signed_event")
            events.append((v.activated_at, v, change, None))
        if v.superseded_at:
            events.append((v.superseded_at, v, _("Superseded by a later version"), None))
        if v.withdrawn_at:
            change = _("Withdrawn: %(reason)s", reason=v.withdrawal_reason or "")
            events.append((v.withdrawn_at, v, change, v.withdrawn_by))
    events.sort(key=lambda e: (e[1].number, e[0]))
    return [(v.label, uk_date(at), change, _person(by)) for at, v, change, by in events]


def control_details(version: ProtocolVersion) -> list[tuple[str, str]]:
    return [
        (_("Status"), version.status_label),
        (_("QA group"), version.qa_group_name(current_locale()) or _("Not yet quality assured")),
        (
            _("Quality assured on"),
            uk_date(version.approved_at) if version.approved_at else _("Not yet"),
        ),
        (_("Review date"), uk_date(version.review_date) if version.review_date else _("Not set")),
    ]


def _write_control(where, version: ProtocolVersion) -> None:
    add_key_value_table(where, control_details(version))
    add_heading(where, _("Version history"), level=3)
    add_long_table(
        where,
        [_("Version"), _("Date"), _("Change"), _("By")],
        version_history(version),
        widths_cm=(2.2, 3.2, 6.1, 5),
    )


def cover_date(version: ProtocolVersion) -> date:
    """The date a published ISP shows: when it came into force, else when it was approved,
    else when the draft was last changed."""
    moment = version.activated_at or version.approved_at or version.updated_at or version.created_at
    return moment.date() if moment else date.today()


def cover_details(
    version: ProtocolVersion, template: ProtocolTemplate, locale: str
) -> list[tuple[str, str]]:
    protocol = version.protocol
    if version.approved_at and version.qa_group_name(locale):
        qa = version.qa_group_name(locale)
    elif version.approved_at:
        qa = _("Quality assured on %(date)s", date=uk_date(version.approved_at))
    else:
        qa = _("Not yet quality assured")
    rows = [
        (_("Reference"), protocol.reference),
        (_("Status"), version.status_label),
        (_("Version"), version.label),
        (_("Date"), uk_date(cover_date(version))),
        (_("Lead organisation"), protocol.lead_organisation.display_name(locale)),
        (_("Quality assurance"), qa),
        (_("Review date"), uk_date(version.review_date) if version.review_date else _("Not set")),
        (_("Template"), f"{template.name.get(locale)} {template.version}"),
    ]
    note = _version_note(version)
    if note:
        rows.append((_("Note"), note))
    return rows


def _version_note(version: ProtocolVersion) -> str:
    if version.state == VersionState.SUPERSEDED and version.superseded_at:
        return _(
            "This version was superseded by a later version on %(date)s.",
            date=uk_date(version.superseded_at),
        )
    if version.state == VersionState.WITHDRAWN and version.withdrawn_at:
        return _("This version was withdrawn on %(date)s.", date=uk_date(version.withdrawn_at))
    if not version.state.is_frozen:
        return _(
            "This is a draft (%(state)s). It has not been quality assured or signed.",
            state=version.state.label.lower(),
        )
    return ""


# ---------------------------------------------------------------- sections and fields


def _write_section(
    doc, version: ProtocolVersion, section: TemplateSection, locale: str, *, heading: bool = True
) -> None:
    if heading:
        add_heading(doc, section.title(locale), level=1)
    content = (version.section(section.code).content or {}) if version.section(section.code) else {}
    shown = [f for f in section.fields if _is_shown(version, f, content.get(f.code))]
    with_subheadings = len(shown) > 1
    for index, field in enumerate(shown, start=1):
        if with_subheadings:
            number = None if section.is_appendix else f"{section.number}.{index}"
            # in a bilingual document the sub-headings sit in the columns, not the contents
            level = 2 if heading else 3
            add_heading(doc, _field_label(field, locale), level=level, number=number)
        _WRITERS[field.type](doc, version, field, content.get(field.code), locale)


def _is_shown(version: ProtocolVersion, field: TemplateField, value) -> bool:
    """Table-backed parts always show (an empty table says so); other fields show when they
    have a value or are required (a draft then says what is missing)."""
    return field.is_table or field.required or _has_value(value)


def _has_value(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_has_value(v) for v in value)
    if isinstance(value, dict):
        return any(_has_value(v) for v in value.values())
    return value is not None


def _field_label(field: TemplateField, locale: str) -> str:
    return _OPTIONAL_SUFFIX.sub("", field.label.get(locale))


def _not_completed(doc) -> None:
    add_text(doc, _("Not completed."))


def _write_text(doc, version, field, value, locale) -> None:
    if isinstance(value, str) and value.strip():
        add_text(doc, value)
    else:
        _not_completed(doc)


def _write_list(doc, version, field, value, locale) -> None:
    items = [v for v in (value or []) if isinstance(v, str) and v.strip()]
    if not items:
        _not_completed(doc)
    for item in items:
        add_text(doc, item, style="List Bullet")


def _write_catalogue(doc, version, field, value, locale) -> None:
    catalogue = getattr(law_catalogue, field.catalogue)
    rows = []
    for code in value or []:
        entry = catalogue.get(code)
        rows.append((entry.citation_for(locale), entry.label(locale)) if entry else (code, ""))
    if not rows:
        _not_completed(doc)
        return
    what = _("Power or duty") if field.catalogue == "LEGAL_POWERS" else _("Provision")
    add_table(doc, [_("Citation"), what], rows, widths_cm=(5.5, 11))


def _write_glossary(doc, version, field, value, locale) -> None:
    rows = [
        (r.get("term", ""), r.get("definition", ""))
        for r in value or []
        if isinstance(r, dict) and _has_value(r)
    ]
    add_long_table(
        doc,
        [_("Term"), _("Definition")],
        rows,
        widths_cm=(5, 11.5),
        empty=_("No terms have been defined."),
    )


def _org(partner: ProtocolPartner | None, locale: str) -> str:
    return partner.organisation.display_name(locale) if partner is not None else _("(not named)")


def _contact(partner: ProtocolPartner) -> str:
    return "\n".join(v for v in (partner.contact_name, partner.contact_email) if v)


def _write_partners(doc, version, field, value, locale) -> None:
    protocol = version.protocol
    rules = KIND_RULES[protocol.kind]
    if protocol.kind != ProtocolKind.ISP:
        first = next((p for p in version.partners if p.role == rules.first), None)
        lead = protocol.lead_organisation.display_name(locale)
        intro = {ProtocolKind.DDA: INTRO_DDA, ProtocolKind.DPA: INTRO_DPA}.get(
            protocol.kind, INTRO_JCA
        )
        add_text(doc, str(intro) % {"org": _org(first, locale), "lead": lead})
        header = _labels(PARTY_COLUMNS)
        rows = [
            (_org(p, locale), p.role.label, p.departments or "", _contact(p))
            for p in version.partners
        ]
        widths = (5, 2.8, 4.2, 4.5)
    else:
        add_text(doc, str(INTRO_ISP) % {"lead": protocol.lead_organisation.display_name(locale)})
        header = _labels(PARTNER_COLUMNS)
        rows = [(_org(p, locale), p.departments or "", _contact(p)) for p in version.partners]
        widths = (6, 5, 5.5)
    empty = protocol.kind.words.say("none_yet")
    add_long_table(doc, header, rows, widths_cm=widths, empty=empty)


def _basis_lines(item: ProtocolDataItem, locale: str) -> list[str]:
    lines = []
    for catalogue in BasisCatalogue:
        known = BASIS_CATALOGUES[catalogue]
        lines += [known[code].citation_for(locale) for code in item.basis_codes(catalogue)]
    if item.para18_reason:
        reason = PARA18_REASONS[item.para18_reason]
        lines.append(
            str(PARA18_LINE)
            % {"reason": reason.label(locale), "citation": reason.citation_for(locale)}
        )
    if item.is_criminal_offence:
        condition = SCHEDULE1.get(item.criminal_offence_condition)
        text = condition.citation_for(locale) if condition else str(NO_CONDITION)
        lines.append(str(CRIMINAL_LINE) % {"condition": text})
    if item.policy_document_ref:
        lines.append(str(POLICY_LINE) % {"ref": item.policy_document_ref})
    if item.other_basis:
        lines.append(str(OTHER_LINE) % {"text": item.other_basis})
    return lines


def _write_data_items(doc, version, field, value, locale) -> None:
    header = _labels(DATA_ITEM_COLUMNS)
    rows = [
        (
            "\n".join(v for v in (item.category, item.description) if v),
            _("Yes") if item.is_special_category else _("No"),
            _org(item.source_partner, locale),
            "\n".join(_org(r, locale) for r in item.recipients),
            "\n".join(_basis_lines(item, locale)),
        )
        for item in version.data_items
    ]
    add_long_table(
        doc,
        header,
        rows,
        widths_cm=(4.5, 2.2, 3.2, 3.4, 3.2),
        empty=_("No data items have been listed."),
    )
    used = {(b.catalogue, b.code) for item in version.data_items for b in item.bases}
    used |= {
        (BasisCatalogue.SCHEDULE1, item.criminal_offence_condition)
        for item in version.data_items
        if item.is_criminal_offence and item.criminal_offence_condition
    }
    bases = [
        (entry.citation_for(locale), entry.label(locale))
        for catalogue in BasisCatalogue
        for entry in BASIS_CATALOGUES[catalogue]
        if (catalogue, entry.code) in used
    ]
    if bases:
        add_heading(doc, str(BASES_USED_HEADING), level=3)
        add_table(doc, [_("Citation"), _("Condition")], bases, widths_cm=(5.5, 11))


def _how(flow) -> str:
    """How it is shared, then how securely (marked, so that an import reads them apart)."""
    security = str(SECURITY_LINE) % {"text": flow.security} if flow.security else ""
    return "\n".join(v for v in (flow.method, security) if v)


def _write_flows(doc, version, field, value, locale) -> None:
    header = _labels(FLOW_COLUMNS)
    rows = [
        (
            flow.what,
            _org(flow.from_partner, locale),
            _org(flow.to_partner, locale),
            _how(flow),
            flow.frequency or "",
            flow.purpose or "",
        )
        for flow in version.flows
    ]
    add_long_table(
        doc,
        header,
        rows,
        widths_cm=(3.6, 2.6, 2.6, 3.2, 2, 2.5),
        empty=_("No information flows have been listed."),
    )


def _write_signatures(doc, version, field, value, locale) -> None:
    words = version.protocol.kind.words
    add_text(doc, words.say("signatures_intro"))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the sentence with its table
    signed = {s.partner_id: s for s in version.signatures}
    rows = []
    for partner in version.partners:
        signature = signed.get(partner.id)
        named = ", ".join(
            v for v in (partner.signatory_display_name, partner.signatory_display_role) if v
        )
        rows.append(
            (
                _org(partner, locale),
                named,
                signature_statement(signature) if signature else _("Not signed yet"),
            )
        )
    add_long_table(
        doc,
        _labels(SIGNATURE_COLUMNS),
        rows,
        widths_cm=(4.5, 4.5, 7.5),
        empty=words.say("none_yet"),
    )


def _write_review_date(doc, version, field, value, locale) -> None:
    if version.review_date:
        add_text(
            doc,
            _("This agreement will be reviewed by %(date)s.", date=uk_date(version.review_date)),
        )
    else:
        add_text(doc, _("Not set."))


_WRITERS = {
    "text": _write_text,
    "textarea": _write_text,
    "list": _write_list,
    "catalogue": _write_catalogue,
    "glossary": _write_glossary,
    "partners": _write_partners,
    "data_items": _write_data_items,
    "flows": _write_flows,
    "signatures": _write_signatures,
    "review_date": _write_review_date,
}
