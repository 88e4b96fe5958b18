"""Drafting operations on protocols: create, save a section, partners, data items, flows.

Every function takes domain objects and the acting user, checks access through access.py,
validates, changes the records, writes one audit event and flushes (the request commits).
Workflow transitions (submit, QA, sign, withdraw, new version) are in workflow.py.

Concurrency: every edit names the row_version of the section it changes (a hidden field on
the page, If-Match in the API). A different number means someone else saved first, and a
missing or malformed one says nothing about what the editor saw: both are 409.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.services import SERVICE_ORG_CODE
from ..audit.services import record_event, snapshot
from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import SCHEDULE1
from ..law import catalogue as law_catalogue
from ..law.lawful_basis import lawful_basis_problems
from ..parties.models import Organisation
from .access import Action, can, can_start_protocol, names_signatory, require
from .lawful_bases import INPUT_FIELDS, is_public_authority_task, problem_message
from .models import (
    BASIS_CATALOGUES,
    KIND_RULES,
    ROLES_BY_KIND,
    BasisCatalogue,
    PartnerRole,
    Protocol,
    ProtocolDataItem,
    ProtocolFlow,
    ProtocolKind,
    ProtocolLawfulBasis,
    ProtocolPartner,
    ProtocolQaReview,
    ProtocolSection,
    ProtocolSignature,
    ProtocolVersion,
    VersionState,
)
from .qa import add_months
from .templates_data import ProtocolTemplate, registry, template_for

MAX_TEXT = 20_000
MAX_LINE = 500
MAX_LIST = 200
PARTNER_FIELDS = (
    "organisation_id",
    "role",
    "departments",
    "contact_name",
    "contact_email",
    "signatory_user_id",
    "signatory_name",
    "signatory_role",
    "can_edit",
)
SIGNATORY_FIELDS = frozenset({"signatory_user_id", "signatory_name", "signatory_role"})
DATA_ITEM_FIELDS = (
    "category",
    "description",
    "is_special_category",
    "source_partner_id",
    "policy_document_ref",
    "other_basis",
    "para18_reason",
    "is_criminal_offence",
    "criminal_offence_condition",
)
FLOW_FIELDS = (
    "what",
    "from_partner_id",
    "to_partner_id",
    "method",
    "security",
    "frequency",
    "purpose",
)


# ---------------------------------------------------------------- reading


def editor_options(*, with_protocol: bool = True):
    """Eager loading for a version and everything its pages show: a fixed number of queries.
    Without the protocol's other versions and their partners when those are loaded already."""
    protocol = (
        (
            joinedload(ProtocolVersion.protocol)
            .selectinload(Protocol.versions)
            .selectinload(ProtocolVersion.partners),
        )
        if with_protocol
        else ()
    )
    return (
        *protocol,
        selectinload(ProtocolVersion.sections),
        selectinload(ProtocolVersion.partners).joinedload(ProtocolPartner.organisation),
        selectinload(ProtocolVersion.data_items).selectinload(ProtocolDataItem.bases),
        # A data item's recipients are partners of the same version, loaded (with their
        # organisation and signatory) just above: the rows here carry only the partners.
        selectinload(ProtocolVersion.data_items)
        .selectinload(ProtocolDataItem.recipients)
        .options(lazyload(ProtocolPartner.organisation), lazyload(ProtocolPartner.signatory_user)),
        selectinload(ProtocolVersion.flows),
        selectinload(ProtocolVersion.signatures).joinedload(ProtocolSignature.user),
        selectinload(ProtocolVersion.signatures).joinedload(ProtocolSignature.attested_by),
        selectinload(ProtocolVersion.qa_reviews).joinedload(ProtocolQaReview.reviewer),
        joinedload(ProtocolVersion.assigned_qa_group),
    )


def signature_with_scan(protocol_id: int, signature_id: int, user) -> ProtocolSignature:
    """A paper signature with its scanned page, for someone who may see the agreement (404 for
    anyone else, and for a signature with no scan)."""
    from sqlalchemy.orm import undefer

    signature = db.session.scalar(
        sa.select(ProtocolSignature)
        .join(ProtocolVersion, ProtocolVersion.id == ProtocolSignature.version_id)
        .where(ProtocolSignature.id == signature_id, ProtocolVersion.protocol_id == protocol_id)
        .options(undefer(ProtocolSignature.scan))
    )
    if signature is None:
        raise NotFound(_("Agreement not found."))
    require(user, Action.VIEW, signature.version)
    if not signature.has_scan:
        raise NotFound(_("That signature has no scanned page."))
    return signature


def get_protocol(protocol_id: int, user) -> Protocol:
    """The protocol, if it exists and the user may see it (404 otherwise)."""
    from .access import can_view_protocol

    protocol = db.session.scalar(
        sa.select(Protocol)
        .where(Protocol.id == protocol_id)
        .options(selectinload(Protocol.versions).selectinload(ProtocolVersion.partners))
    )
    if protocol is None or not can_view_protocol(user, protocol):
        raise NotFound(_("Agreement not found."))
    return protocol


def load_version(protocol_id: int, number: int | None, user) -> ProtocolVersion:
    """One version with everything eager-loaded; the current one when number is None."""
    protocol = get_protocol(protocol_id, user)
    target = version_by_number(protocol, number) if number else current_version(protocol)
    version = db.session.scalar(
        sa.select(ProtocolVersion)
        .where(ProtocolVersion.id == target.id)
        .options(*editor_options(with_protocol=False))
    )
    require(user, Action.VIEW, version)
    return version


def current_version(protocol: Protocol) -> ProtocolVersion:
    """The version in force (active) if there is one, else the latest version."""
    active = next((v for v in protocol.versions if v.state == VersionState.ACTIVE), None)
    return active or protocol.versions[-1]


def latest_version(protocol: Protocol) -> ProtocolVersion:
    return protocol.versions[-1]


def open_version(protocol: Protocol) -> ProtocolVersion | None:
    """The version on its way to becoming active (draft to awaiting signatures), if any."""
    return next((v for v in protocol.versions if v.state.is_open), None)


def version_by_number(protocol: Protocol, number: int) -> ProtocolVersion:
    found = next((v for v in protocol.versions if v.number == number), None)
    if found is None:
        raise NotFound(_("There is no version %(n)s of this agreement.", n=number))
    return found


# ---------------------------------------------------------------- creating


@dataclass
class PartnerChoice:
    """A partner named when creating a protocol: the organisation code and, for a DDA, the role."""

    code: str
    role: str | None = None


def create_protocol(
    *,
    kind: ProtocolKind | str,
    title: str,
    lead_organisation: str | Organisation,
    partners: list[PartnerChoice | str] = (),
    by,
    template_code: str | None = None,
) -> Protocol:
    """Start a protocol from its template: V1 in draft, the lead and the named partners on it."""
    errors: dict[str, list[str]] = {}
    kind = _parse_kind(kind, errors)
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Enter a title for the agreement"))
    elif len(title) > 300:
        errors.setdefault("title", []).append(_("The title must be 300 characters or fewer"))
    lead = _organisation(lead_organisation, "lead_organisation", errors)
    choices = [p if isinstance(p, PartnerChoice) else PartnerChoice(str(p)) for p in partners]
    resolved = _resolve_partners(kind, lead, choices, errors) if kind and lead else []
    template = _choose_template(kind, template_code, errors) if kind else None
    if errors:
        raise InvalidInput(errors=errors)
    if not can_start_protocol(by) or by.organisation_id != lead.id:
        raise PermissionDenied(
            _(
                "Only an information governance lead of %(org)s can start an agreement it leads.",
                org=lead.name,
            ),
            field="lead_organisation",
        )
    protocol = Protocol(
        reference=_next_reference(kind),
        kind=kind,
        title=title,
        lead_organisation=lead,
        template_code=template.code,
        template_version=template.version,
        created_by_id=by.id,
    )
    version = ProtocolVersion(
        protocol=protocol, number=1, state=VersionState.DRAFT, created_by_id=by.id
    )
    _add_sections(version, template)
    for position, (organisation, role) in enumerate(resolved):
        version.partners.append(
            ProtocolPartner(organisation=organisation, role=role, position=position, can_edit=False)
        )
    db.session.add(protocol)
    db.session.flush()
    record_event(
        "protocol.created",
        protocol,
        by=by,
        after={
            **snapshot(
                protocol, ("reference", "kind", "title", "template_code", "template_version")
            ),
            "lead_organisation": lead.code,
            "partners": [f"{o.code}:{r.value}" for o, r in resolved],
        },
    )
    return protocol


def _parse_kind(kind, errors) -> ProtocolKind | None:
    try:
        return ProtocolKind(kind)
    except ValueError:
        errors.setdefault("kind", []).append(
            _("Choose the kind of agreement: isp, dda, jca or dpa")
        )
        return None


def _not_a_body(organisation: Organisation, field_name: str, errors) -> bool:
    """The service's own administration organisation is never a party to an agreement."""
    if organisation.code != SERVICE_ORG_CODE:
        return False
    errors.setdefault(field_name, []).append(
        _(
            "%(org)s runs this service and is not a body on the register: choose a public body or partner organisation",
            org=organisation.display_name(current_locale()),
        )
    )
    return True


def _organisation(value, field_name: str, errors) -> Organisation | None:
    if isinstance(value, Organisation):
        return None if _not_a_body(value, field_name, errors) else value
    code = (value or "").strip() if isinstance(value, str) else ""
    found = (
        db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
        if code
        else None
    )
    if found is None or not found.is_active:
        errors.setdefault(field_name, []).append(
            _(
                "There is no organisation with the code '%(code)s' on the register: use a code like la-cardiff",
                code=code,
            )
            if code
            else _("Choose the lead organisation")
        )
        return None
    return None if _not_a_body(found, field_name, errors) else found


def _resolve_partners(kind, lead, choices, errors) -> list[tuple[Organisation, PartnerRole]]:
    """The lead first, then each partner once, with roles checked for the kind of agreement."""
    codes = [c.code for c in choices]
    known = {
        o.code: o
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes)))
    }
    roles = {r.value for r in _allowed_roles(kind)}
    result: list[tuple[Organisation, PartnerRole | None]] = []
    seen: set[str] = set()
    lead_role = None
    for choice in choices:
        organisation = known.get(choice.code)
        if organisation is None or not organisation.is_active:
            errors.setdefault("partners", []).append(
                _(
                    "There is no organisation with the code '%(code)s' on the register",
                    code=choice.code,
                )
            )
            continue
        if _not_a_body(organisation, "partners", errors):
            continue
        if choice.code in seen:
            errors.setdefault("partners", []).append(
                _(
                    "%(org)s is listed more than once: list each party once",
                    org=organisation.display_name(current_locale()),
                )
            )
            continue
        seen.add(choice.code)
        if choice.role is not None and choice.role not in roles:
            errors.setdefault("partners", []).append(
                _(
                    "'%(role)s' is not a party's role in this kind of agreement: use %(roles)s",
                    role=choice.role,
                    roles=", ".join(sorted(roles)),
                )
            )
            continue
        role = PartnerRole(choice.role) if choice.role else None
        if organisation.id == lead.id:
            lead_role = role
            continue
        result.append((organisation, role))
    return _assign_roles(kind, lead, lead_role, result, errors)


def _assign_roles(kind, lead, lead_role, others, errors):
    rules = KIND_RULES[kind]
    if rules.fixed_lead:
        if lead_role not in (None, rules.first) or any(
            r not in (None, rules.others) for _, r in others
        ):
            errors.setdefault("partners", []).append(_fixed_roles_message(kind))
        return [(lead, rules.first)] + [(o, rules.others) for o, _ in others]
    named_firsts = [o for o, r in others if r == rules.first]
    if lead_role == rules.first or (lead_role is None and not named_firsts):
        named_firsts = [lead, *named_firsts]
    if len(named_firsts) > 1:
        errors.setdefault("partners", []).append(
            _one_first_message(kind, ", ".join(o.name for o in named_firsts))
        )
    first = named_firsts[0] if named_firsts else None
    parties = [(lead, rules.first if lead == first else rules.others)]
    parties += [(o, rules.first if o == first else rules.others) for o, _ in others]
    return parties


def _fixed_roles_message(kind: ProtocolKind) -> str:
    if kind == ProtocolKind.JCA:
        return _(
            "In a Joint Controller Agreement the lead organisation is the lead and every other organisation is a joint controller"
        )
    return _(
        "In an Information Sharing Protocol the lead organisation is the lead and every other organisation is a partner"
    )


def _one_first_taken_message(kind: ProtocolKind, org: str) -> str:
    if kind == ProtocolKind.DPA:
        return _(
            "A controller-processor agreement has exactly one controller: %(org)s is already the controller. Make it a processor first.",
            org=org,
        )
    return _(
        "A Data Disclosure Agreement has exactly one discloser: %(org)s is already the discloser. Make it a recipient first.",
        org=org,
    )


def _one_first_message(kind: ProtocolKind, names: str) -> str:
    if kind == ProtocolKind.DPA:
        return _(
            "A controller-processor agreement has exactly one controller: %(names)s are all named as controllers",
            names=names,
        )
    return _(
        "A Data Disclosure Agreement has exactly one discloser: %(names)s are all named as disclosers",
        names=names,
    )


def _allowed_roles(kind: ProtocolKind):
    return ROLES_BY_KIND[kind]


def _choose_template(kind, template_code, errors) -> ProtocolTemplate | None:
    templates = registry()
    if template_code:
        template = templates.latest(template_code)
        if template is None or template.kind != kind:
            errors.setdefault("template", []).append(
                _(
                    "There is no %(kind)s template with the code '%(code)s'",
                    kind=kind.short_label,
                    code=template_code,
                )
            )
        return template
    return templates.default_for(kind)


def _next_reference(kind: ProtocolKind) -> str:
    prefix = f"{kind.short_label}-{utcnow().year}-"
    last = db.session.scalar(
        sa.select(sa.func.max(Protocol.reference)).where(Protocol.reference.like(prefix + "%"))
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _add_sections(version: ProtocolVersion, template: ProtocolTemplate) -> None:
    for position, section in enumerate(template.sections):
        version.sections.append(ProtocolSection(code=section.code, position=position, content={}))


# ---------------------------------------------------------------- concurrency and touching


def check_row_version(section: ProtocolSection, expected: int | str | None) -> None:
    """Refuse a change made from an out-of-date copy of the section (409), or from a copy that
    does not say which version it was (no or a malformed row_version): that is not a licence
    to overwrite."""
    try:
        seen = int(expected) if expected is not None else None
    except (TypeError, ValueError):
        seen = None
    if seen is None:
        raise Conflict(
            _(
                "We could not tell which version of this section your changes were made to, so they have not been saved. Reload the page, then make your changes again."
            ),
            field="row_version",
        )
    if seen != section.row_version:
        raise Conflict(
            _(
                "Someone else saved changes to this section after you opened it. Your changes have not been saved: reload the page to see the latest version, then make your changes again."
            ),
            field="row_version",
        )


def check_version_etag(version: ProtocolVersion, expected: str | None) -> None:
    """Refuse a transition asked for on an out-of-date copy of the version (409), or from a
    copy that does not say which version it was (no or a malformed ETag, from If-Match or the
    form): that is not a licence to act on whatever the version has become."""
    wanted = _etags(expected)
    if not wanted:
        raise Conflict(
            _(
                "We could not tell which version of this agreement you were looking at, so nothing has been changed. Reload the page, check the agreement, then try again."
            ),
            field="etag",
        )
    if "*" not in wanted and version.etag not in wanted and str(version.row_version) not in wanted:
        raise Conflict(
            _(
                "This agreement has changed since you last loaded it. Nothing has been changed: reload it, check the changes, then try again."
            ),
            field="etag",
        )


_ETAG = re.compile(r'\*|[0-9]{1,18}|"[^"\s,]{1,100}"')


def _etags(expected) -> set[str]:
    """The entity tags in an If-Match value ('"12.3", W/"12.4"'); empty when there is none or
    any of them is malformed."""
    if not isinstance(expected, str) or len(expected) > 1000:
        return set()
    tags = {tag.strip().removeprefix("W/") for tag in expected.split(",")}
    return tags if all(_ETAG.fullmatch(tag) for tag in tags) else set()


def _touch(version: ProtocolVersion, section: ProtocolSection, by) -> None:
    """Mark the section and its version changed: both counters go up, and the UPDATE fails if
    another request changed either in the meantime."""
    now = utcnow()
    section.updated_at = now
    section.updated_by_id = by.id
    version.updated_at = now
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _(
                "Someone else changed this agreement at the same time. Your changes have not been saved: reload the page and try again."
            )
        ) from None


def _editable_section(version: ProtocolVersion, section_code: str, by, action=Action.EDIT):
    require(by, action, version)
    template = template_for(version.protocol)
    template_section = template.section(section_code)
    stored = version.section(section_code)
    if template_section is None or stored is None:
        raise NotFound(_("There is no section '%(code)s' in this agreement.", code=section_code))
    return template, template_section, stored


# ---------------------------------------------------------------- sections


def save_section(
    version: ProtocolVersion,
    section_code: str,
    data: dict,
    *,
    by,
    expected_row_version: int | None,
    mark_complete: bool | None = None,
) -> ProtocolSection:
    """Save the structured fields of a section. `data` holds the section's JSON fields (and the
    review date for the review section); table-backed parts have their own operations.
    With mark_complete, every required field must be filled."""
    template, section, stored = _editable_section(version, section_code, by)
    check_row_version(stored, expected_row_version)
    if section.is_signatures:
        raise Conflict(
            _("Signatures are added by signing the agreement, not by editing this section.")
        )
    errors: dict[str, list[str]] = {}
    unknown = set(data) - {
        f.code for f in section.fields if not f.is_table or f.type == "review_date"
    }
    for name in sorted(unknown):
        errors.setdefault(name, []).append(
            _("'%(name)s' is not a field of this section", name=name)
        )
    content = dict(stored.content or {})
    for template_field in section.fields:
        if template_field.code not in data:
            continue
        value = data[template_field.code]
        if template_field.type == "review_date":
            review_date = _clean_review_date(value, template_field.code, errors)
            continue
        content[template_field.code] = _clean_value(template_field, value, errors)
    if errors:
        raise InvalidInput(errors=errors)
    before = {
        "content": stored.content,
        "is_complete": stored.is_complete,
        "review_date": version.review_date,
    }
    stored.content = content
    if any(f.type == "review_date" and f.code in data for f in section.fields):
        version.review_date = review_date
    if mark_complete is not None:
        stored.is_complete = bool(mark_complete)
    if stored.is_complete:
        _require_complete(version, section)
    _touch(version, stored, by)
    after = {
        "content": stored.content,
        "is_complete": stored.is_complete,
        "review_date": version.review_date,
    }
    changed = [k for k in after if before[k] != after[k]]
    record_event(
        "protocol.section_saved",
        version,
        by=by,
        before={"section": section_code, **{k: before[k] for k in changed}},
        after={"section": section_code, **{k: after[k] for k in changed}},
    )
    return stored


def _require_complete(version: ProtocolVersion, section) -> None:
    from .qa import missing_fields

    missing = missing_fields(version, section)
    if missing:
        raise InvalidInput(
            errors={
                f.code: [
                    _(
                        "%(label)s is needed before this section can be marked as completed",
                        label=f.label,
                    )
                ]
                for f in missing
            }
        )


def _clean_value(template_field, value, errors):
    code = template_field.code
    kind = template_field.type
    if kind in ("text", "textarea"):
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.setdefault(code, []).append(
                _("%(label)s must be text", label=template_field.label)
            )
            return ""
        limit = MAX_LINE if kind == "text" else MAX_TEXT
        if len(value) > limit:
            errors.setdefault(code, []).append(
                _(
                    "%(label)s must be %(n)s characters or fewer",
                    label=template_field.label,
                    n=limit,
                )
            )
        return value.strip().replace("\r\n", "\n")
    if kind == "list":
        return _clean_list(template_field, value, errors)
    if kind == "catalogue":
        return _clean_codes(template_field, value, errors)
    if kind == "glossary":
        return _clean_glossary(template_field, value, errors)
    return value


def _clean_list(template_field, value, errors) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(template_field.code, []).append(
            _("%(label)s must be a list of text entries", label=template_field.label)
        )
        return []
    entries = [v.strip() for v in value if v.strip()]
    if len(entries) > MAX_LIST or any(len(v) > MAX_LINE for v in entries):
        errors.setdefault(template_field.code, []).append(
            _(
                "%(label)s: enter at most %(n)s entries of up to %(c)s characters each",
                label=template_field.label,
                n=MAX_LIST,
                c=MAX_LINE,
            )
        )
    return entries


def _clean_codes(template_field, value, errors) -> list[str]:
    catalogue = getattr(law_catalogue, template_field.catalogue)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(template_field.code, []).append(
            _("%(label)s must be a list of codes", label=template_field.label)
        )
        return []
    unknown = [v for v in value if v not in catalogue]
    if unknown:
        errors.setdefault(template_field.code, []).append(
            _(
                "%(label)s: unknown codes %(codes)s; use codes like %(example)s",
                label=template_field.label,
                codes=", ".join(unknown),
                example=catalogue.codes[0],
            )
        )
    chosen = set(value)
    return [c for c in catalogue.codes if c in chosen]


def _clean_glossary(template_field, value, errors) -> list[dict]:
    if not isinstance(value, list):
        errors.setdefault(template_field.code, []).append(
            _("%(label)s must be a list of terms and definitions", label=template_field.label)
        )
        return []
    rows = []
    for number, row in enumerate(value, start=1):
        term = str((row or {}).get("term") or "").strip() if isinstance(row, dict) else ""
        definition = (
            str((row or {}).get("definition") or "").strip() if isinstance(row, dict) else ""
        )
        if not term and not definition:
            continue
        if not term or not definition:
            errors.setdefault(template_field.code, []).append(
                _("Term %(n)s: enter both the term and its definition", n=number)
            )
        rows.append({"term": term[:MAX_LINE], "definition": definition[:MAX_TEXT]})
    return rows


def _clean_review_date(value, code: str, errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors.setdefault(code, []).append(
                _("Enter the review date as a real date, like 2027-03-27")
            )
            return None
    if not isinstance(value, date):
        errors.setdefault(code, []).append(
            _("Enter the review date as a real date, like 2027-03-27")
        )
        return None
    today = date.today()
    if value < today:
        errors.setdefault(code, []).append(_("The review date must be today or in the future"))
    months = current_app.config["REVIEW_POLICY_MONTHS"]
    if value > add_months(today, months):
        errors.setdefault(code, []).append(
            _(
                "The review date must be within %(months)s months: choose %(latest)s or earlier",
                months=months,
                latest=add_months(today, months).strftime("%d/%m/%Y"),
            )
        )
    return value


# ---------------------------------------------------------------- partners


@dataclass
class PartnerDetails:
    departments: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    # The signatory: an account at the partner (its id) or a named officer (name and role).
    signatory_user_id: int | None = None
    signatory_name: str | None = None
    signatory_role: str | None = None
    can_edit: bool | None = None
    role: str | None = None
    # The fields the caller means to set (None above means "not given" unless listed here).
    provided: set[str] = field(default_factory=set)

    def fields_given(self) -> set[str]:
        names = (
            "departments",
            "contact_name",
            "contact_email",
            "signatory_user_id",
            "signatory_name",
            "signatory_role",
            "can_edit",
            "role",
        )
        return self.provided or {k for k in names if getattr(self, k) is not None}


def _partners_section(version: ProtocolVersion, by, action=Action.EDIT):
    template = template_for(version.protocol)
    return _editable_section(version, template.section_with("partners").code, by, action)


def add_partner(
    version: ProtocolVersion,
    organisation: Organisation | str,
    *,
    by,
    expected_row_version: int | None,
    details: PartnerDetails | None = None,
) -> ProtocolPartner:
    """Add an organisation from the register as a partner of a draft version."""
    stored = _partners_section(version, by, Action.MANAGE_PARTNERS)[2]
    check_row_version(stored, expected_row_version)
    errors: dict[str, list[str]] = {}
    organisation = _organisation(organisation, "organisation", errors)
    if organisation and version.partner_for(organisation.id):
        errors.setdefault("organisation", []).append(
            _(
                "%(org)s is already a party to this agreement",
                org=organisation.display_name(current_locale()),
            )
        )
    if errors:
        raise InvalidInput(errors=errors)
    details = details or PartnerDetails()
    default_role = KIND_RULES[version.protocol.kind].others
    partner = ProtocolPartner(
        organisation=organisation,
        role=default_role,
        position=max((p.position for p in version.partners), default=-1) + 1,
        can_edit=False,
    )
    version.partners.append(partner)
    _apply_partner_details(version, partner, details, by)
    _touch(version, stored, by)
    record_event(
        "protocol.partner_added", version, by=by, after={"partner": _partner_snapshot(partner)}
    )
    return partner


def update_partner(
    partner: ProtocolPartner, details: PartnerDetails, *, by, expected_row_version: int | None
) -> ProtocolPartner:
    """Change a partner's teams, contact, signatory, role (DDA) or edit rights. A partner's own
    IG leads may name its signatory while the version is drafted, without edit rights."""
    version = partner.version
    given = details.fields_given()
    if (
        given <= SIGNATORY_FIELDS
        and names_signatory(by, partner)
        and not can(by, Action.EDIT, version)
    ):
        stored = _signatory_section(version, partner, by)
    else:
        stored = _partners_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    if {"role", "can_edit"} & given:
        require(by, Action.MANAGE_PARTNERS, version)
    before = _partner_snapshot(partner)
    _apply_partner_details(version, partner, details, by)
    _touch(version, stored, by)
    after = _partner_snapshot(partner)
    record_event(
        "protocol.partner_changed",
        version,
        by=by,
        before={"partner": before},
        after={"partner": after},
    )
    return partner


def _signatory_section(version: ProtocolVersion, partner: ProtocolPartner, by):
    """The partners section, for a partner's own IG lead naming its signatory (drafts only)."""
    require(by, Action.VIEW, version)
    if not version.state.is_editable:
        raise Conflict(
            _(
                "The signatory cannot be changed now: this version is %(state)s. Start a new version to name another.",
                state=version.state.label.lower(),
            )
        )
    return version.section(template_for(version.protocol).section_with("partners").code)


def signatory_candidates(partner: ProtocolPartner) -> list:
    """The active accounts of the partner's organisation, who may be named its signatory."""
    from ..accounts.models import User

    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id == partner.organisation_id,
                User.is_active_user.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def _apply_signatory(partner: ProtocolPartner, details: PartnerDetails, errors) -> None:
    """Name the signatory: an active account of the partner's own organisation, or (with no
    account) an officer by name and role. The role is required either way unless the
    account's job title gives it."""
    from ..accounts.models import User

    provided = details.fields_given()
    if "signatory_user_id" not in provided:
        return
    user_id = details.signatory_user_id
    if user_id in (None, "", 0):
        partner.signatory_user_id = None
        partner.signatory_user = None
        return
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None or user.organisation_id != partner.organisation_id:
        errors.setdefault("signatory_user_id", []).append(
            _(
                "Choose a person with an account at %(org)s",
                org=partner.organisation.display_name(current_locale()),
            )
        )
        return
    if not user.is_active_user:
        errors.setdefault("signatory_user_id", []).append(
            _(
                "%(name)s's account is deactivated: choose someone with an active account",
                name=user.name,
            )
        )
        return
    partner.signatory_user = user
    partner.signatory_user_id = user.id
    partner.signatory_name = user.name
    if not partner.signatory_role and user.job_title:
        partner.signatory_role = user.job_title[:200]


def _apply_partner_details(version, partner, details: PartnerDetails, by) -> None:
    errors: dict[str, list[str]] = {}
    provided = details.fields_given()
    for name, limit in (
        ("departments", 2000),
        ("contact_name", 200),
        ("contact_email", 254),
        ("signatory_name", 200),
        ("signatory_role", 200),
    ):
        if name not in provided:
            continue
        value = (getattr(details, name) or "").strip()
        if len(value) > limit:
            errors.setdefault(name, []).append(_("Enter %(n)s characters or fewer", n=limit))
        setattr(partner, name, value or None)
    email = partner.contact_email
    if (
        "contact_email" in provided
        and email
        and ("@" not in email or "." not in email.rsplit("@", 1)[-1])
    ):
        errors.setdefault("contact_email", []).append(
            _("Enter the contact's e-mail address in the correct format, like name@example.org")
        )
    _apply_signatory(partner, details, errors)
    if "can_edit" in provided and details.can_edit is not None:
        partner.can_edit = (
            bool(details.can_edit)
            and not partner.organisation_id == version.protocol.lead_organisation_id
        )
    if "role" in provided and details.role:
        _set_role(version, partner, details.role, errors)
    if errors:
        raise InvalidInput(errors=errors)


def _set_role(version, partner, role_value: str, errors) -> None:
    kind = version.protocol.kind
    allowed = _allowed_roles(kind)
    try:
        role = PartnerRole(role_value)
    except ValueError:
        role = None
    rules = KIND_RULES[kind]
    if role not in allowed or (rules.fixed_lead and role != partner.role):
        errors.setdefault("role", []).append(
            _fixed_roles_message(kind)
            if rules.fixed_lead
            else _(
                "Choose a role for this kind of agreement: %(roles)s",
                roles=", ".join(r.value for r in allowed),
            )
        )
        return
    if role == rules.first:
        other = next(
            (p for p in version.partners if p.role == rules.first and p is not partner),
            None,
        )
        if other:
            errors.setdefault("role", []).append(
                _one_first_taken_message(kind, other.organisation.display_name(current_locale()))
            )
            return
    partner.role = role


def remove_partner(partner: ProtocolPartner, *, by, expected_row_version: int | None) -> None:
    """Remove a partner from a draft version; not the lead, nor one that data items or flows name."""
    version = partner.version
    stored = _partners_section(version, by, Action.MANAGE_PARTNERS)[2]
    check_row_version(stored, expected_row_version)
    name = partner.organisation.display_name(current_locale())
    if partner.organisation_id == version.protocol.lead_organisation_id:
        raise InvalidInput(
            _("%(org)s leads this agreement and cannot be removed", org=name), field="partner"
        )
    uses = [
        i.category
        for i in version.data_items
        if i.source_partner_id == partner.id or partner in i.recipients
    ]
    uses += [f.what for f in version.flows if partner.id in (f.from_partner_id, f.to_partner_id)]
    if uses:
        raise InvalidInput(
            _(
                "%(org)s is named in data items or Appendix B rows (%(uses)s): change or remove those first",
                org=name,
                uses="; ".join(uses[:5]),
            ),
            field="partner",
        )
    before = _partner_snapshot(partner)
    version.partners.remove(partner)
    db.session.delete(partner)
    _touch(version, stored, by)
    record_event("protocol.partner_removed", version, by=by, before={"partner": before})


def _partner_snapshot(partner: ProtocolPartner) -> dict:
    data = snapshot(partner, PARTNER_FIELDS[1:])
    data["organisation"] = partner.organisation.code
    return data


# ---------------------------------------------------------------- data items


@dataclass
class DataItemInput:
    category: str = ""
    description: str | None = None
    is_special_category: bool = False
    source_partner_id: int | None = None
    recipient_partner_ids: list[int] = field(default_factory=list)
    article6: list[str] = field(default_factory=list)
    article9: list[str] = field(default_factory=list)
    schedule1: list[str] = field(default_factory=list)
    policy_document_ref: str | None = None
    other_basis: str | None = None
    para18_reason: str | None = None
    is_criminal_offence: bool = False
    criminal_offence_condition: str | None = None


def _data_section(version, by):
    template = template_for(version.protocol)
    return _editable_section(version, template.section_with("data_items").code, by)


def add_data_item(
    version: ProtocolVersion, data: DataItemInput, *, by, expected_row_version: int | None
) -> ProtocolDataItem:
    stored = _data_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    item = ProtocolDataItem(
        position=max((i.position for i in version.data_items), default=-1) + 1, category=""
    )
    _apply_data_item(version, item, data)
    version.data_items.append(item)
    _touch(version, stored, by)
    record_event(
        "protocol.data_item_added", version, by=by, after={"data_item": _item_snapshot(item)}
    )
    return item


def update_data_item(
    item: ProtocolDataItem, data: DataItemInput, *, by, expected_row_version: int | None
) -> ProtocolDataItem:
    version = item.version
    stored = _data_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    before = _item_snapshot(item)
    _apply_data_item(version, item, data)
    _touch(version, stored, by)
    record_event(
        "protocol.data_item_changed",
        version,
        by=by,
        before={"data_item": before},
        after={"data_item": _item_snapshot(item)},
    )
    return item


def remove_data_item(item: ProtocolDataItem, *, by, expected_row_version: int | None) -> None:
    version = item.version
    stored = _data_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    before = _item_snapshot(item)
    version.data_items.remove(item)
    db.session.delete(item)
    _touch(version, stored, by)
    record_event("protocol.data_item_removed", version, by=by, before={"data_item": before})


def _apply_data_item(version, item: ProtocolDataItem, data: DataItemInput) -> None:
    errors: dict[str, list[str]] = {}
    category = (data.category or "").strip()
    if not category:
        errors.setdefault("category", []).append(
            _("Enter the category of information, like 'Child protection plan status'")
        )
    elif len(category) > 300:
        errors.setdefault("category", []).append(_("The category must be 300 characters or fewer"))
    partners = {p.id: p for p in version.partners}
    source = partners.get(data.source_partner_id) if data.source_partner_id else None
    if data.source_partner_id and source is None:
        errors.setdefault("source_partner_id", []).append(
            _("Choose the party that provides this information from the parties to this agreement")
        )
    recipient_ids = list(dict.fromkeys(data.recipient_partner_ids or []))
    recipients = [partners[i] for i in recipient_ids if i in partners]
    if len(recipients) != len(recipient_ids):
        errors.setdefault("recipient_partner_ids", []).append(
            _("Choose who receives it from the parties to this agreement")
        )
    if source is not None and source in recipients:
        errors.setdefault("recipient_partner_ids", []).append(
            _("The party that provides the information cannot also be one that receives it")
        )
    if KIND_RULES[version.protocol.kind].one_way:
        if source is not None and source.role != PartnerRole.DISCLOSER:
            errors.setdefault("source_partner_id", []).append(
                _("In a Data Disclosure Agreement only the discloser provides information")
            )
        if any(r.role != PartnerRole.RECIPIENT for r in recipients):
            errors.setdefault("recipient_partner_ids", []).append(
                _("In a Data Disclosure Agreement only recipients receive information")
            )
    codes = {}
    for catalogue, values in (
        (BasisCatalogue.ARTICLE6, data.article6),
        (BasisCatalogue.ARTICLE9, data.article9),
        (BasisCatalogue.SCHEDULE1, data.schedule1),
    ):
        known = BASIS_CATALOGUES[catalogue]
        unknown = [c for c in values or [] if c not in known]
        if unknown:
            errors.setdefault(catalogue.value, []).append(
                _(
                    "Unknown codes %(codes)s: use codes like %(example)s",
                    codes=", ".join(unknown),
                    example=known.codes[0],
                )
            )
        codes[catalogue] = [c for c in known.codes if c in set(values or [])]
    _check_lawful_basis(data, codes, source, errors)
    for name, limit in (
        ("policy_document_ref", 300),
        ("other_basis", MAX_TEXT),
        ("description", MAX_TEXT),
    ):
        if len(getattr(data, name) or "") > limit:
            errors.setdefault(name, []).append(_("Enter %(n)s characters or fewer", n=limit))
    if errors:
        raise InvalidInput(errors=errors)
    item.category = category
    item.description = (data.description or "").strip() or None
    item.is_special_category = bool(data.is_special_category)
    item.source_partner = source
    item.source_partner_id = source.id if source else None
    item.recipients = recipients
    item.policy_document_ref = (data.policy_document_ref or "").strip() or None
    item.other_basis = (data.other_basis or "").strip() or None
    item.para18_reason = data.para18_reason or None
    item.is_criminal_offence = bool(data.is_criminal_offence)
    item.criminal_offence_condition = data.criminal_offence_condition or None
    wanted = {(cat, code) for cat, values in codes.items() for code in values}
    item.bases = [b for b in item.bases if (b.catalogue, b.code) in wanted]
    have = {(b.catalogue, b.code) for b in item.bases}
    for cat, code in sorted(wanted - have):
        item.bases.append(ProtocolLawfulBasis(catalogue=cat, code=code))


def _check_lawful_basis(data: DataItemInput, codes: dict, source, errors: dict) -> None:
    """Refuse the combinations the law does not allow (law/lawful_basis.py); what is only
    missing may be saved in a draft, and QA asks for it."""
    condition = data.criminal_offence_condition or None
    if condition and condition not in SCHEDULE1:
        errors.setdefault("criminal_offence_condition", []).append(
            _(
                "Unknown codes %(codes)s: use codes like %(example)s",
                codes=condition,
                example=SCHEDULE1.codes[0],
            )
        )
        condition = None
    problems = lawful_basis_problems(
        article6=codes[BasisCatalogue.ARTICLE6],
        article9=codes[BasisCatalogue.ARTICLE9],
        schedule1=codes[BasisCatalogue.SCHEDULE1],
        is_special_category=bool(data.is_special_category),
        is_criminal_offence=bool(data.is_criminal_offence),
        criminal_offence_condition=condition,
        para18_reason=data.para18_reason or None,
        policy_document_ref=data.policy_document_ref,
        is_public_authority_task=is_public_authority_task(source),
    )
    for problem in problems:
        if not problem.is_incomplete:
            field_name = INPUT_FIELDS.get(problem.field, problem.field)
            errors.setdefault(field_name, []).append(problem_message(problem))


def _item_snapshot(item: ProtocolDataItem) -> dict:
    data = snapshot(item, DATA_ITEM_FIELDS)
    data["recipients"] = [p.organisation.code for p in item.recipients]
    data["bases"] = sorted(f"{b.catalogue.value}:{b.code}" for b in item.bases)
    return data


# ---------------------------------------------------------------- Appendix B flows


@dataclass
class FlowInput:
    what: str = ""
    from_partner_id: int | None = None
    to_partner_id: int | None = None
    method: str | None = None
    security: str | None = None
    frequency: str | None = None
    purpose: str | None = None


def _flows_section(version, by):
    template = template_for(version.protocol)
    return _editable_section(version, template.section_with("flows").code, by)


def add_flow(
    version: ProtocolVersion, data: FlowInput, *, by, expected_row_version: int | None
) -> ProtocolFlow:
    stored = _flows_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    flow = ProtocolFlow(position=max((f.position for f in version.flows), default=-1) + 1, what="")
    _apply_flow(version, flow, data)
    version.flows.append(flow)
    _touch(version, stored, by)
    record_event("protocol.flow_added", version, by=by, after={"flow": snapshot(flow, FLOW_FIELDS)})
    return flow


def update_flow(
    flow: ProtocolFlow, data: FlowInput, *, by, expected_row_version: int | None
) -> ProtocolFlow:
    version = flow.version
    stored = _flows_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    before = snapshot(flow, FLOW_FIELDS)
    _apply_flow(version, flow, data)
    _touch(version, stored, by)
    record_event(
        "protocol.flow_changed",
        version,
        by=by,
        before={"flow": before},
        after={"flow": snapshot(flow, FLOW_FIELDS)},
    )
    return flow


def remove_flow(flow: ProtocolFlow, *, by, expected_row_version: int | None) -> None:
    version = flow.version
    stored = _flows_section(version, by)[2]
    check_row_version(stored, expected_row_version)
    before = snapshot(flow, FLOW_FIELDS)
    version.flows.remove(flow)
    db.session.delete(flow)
    _touch(version, stored, by)
    record_event("protocol.flow_removed", version, by=by, before={"flow": before})


def _apply_flow(version, flow: ProtocolFlow, data: FlowInput) -> None:
    errors: dict[str, list[str]] = {}
    what = (data.what or "").strip()
    if not what:
        errors.setdefault("what", []).append(_("Enter what information is shared"))
    partners = {p.id: p for p in version.partners}
    for name in ("from_partner_id", "to_partner_id"):
        value = getattr(data, name)
        if value and value not in partners:
            errors.setdefault(name, []).append(_("Choose a party to this agreement"))
    if data.from_partner_id and data.from_partner_id == data.to_partner_id:
        errors.setdefault("to_partner_id", []).append(
            _("The party receiving it must be different from the one sharing")
        )
    if KIND_RULES[version.protocol.kind].one_way:
        source = partners.get(data.from_partner_id)
        target = partners.get(data.to_partner_id)
        if source is not None and source.role != PartnerRole.DISCLOSER:
            errors.setdefault("from_partner_id", []).append(
                _("In a Data Disclosure Agreement information comes only from the discloser")
            )
        if target is not None and target.role != PartnerRole.RECIPIENT:
            errors.setdefault("to_partner_id", []).append(
                _("In a Data Disclosure Agreement information goes only to a recipient")
            )
    for name in ("what", "method", "security", "purpose"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors.setdefault(name, []).append(_("Enter %(n)s characters or fewer", n=MAX_TEXT))
    if len(data.frequency or "") > 200:
        errors.setdefault("frequency", []).append(_("Enter 200 characters or fewer"))
    if errors:
        raise InvalidInput(errors=errors)
    flow.what = what
    flow.from_partner_id = data.from_partner_id or None
    flow.to_partner_id = data.to_partner_id or None
    flow.from_partner = partners.get(data.from_partner_id)
    flow.to_partner = partners.get(data.to_partner_id)
    for name in ("method", "security", "frequency", "purpose"):
        setattr(flow, name, (getattr(data, name) or "").strip() or None)
