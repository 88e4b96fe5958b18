"""Operations on the organisations register (the only place that changes it), and the
questions the register answers: who is a relevant partner of a council under s.162(4), and
whom a council may ask under s.164. The rules themselves are in law/rules.py; this module
loads the facts for them from the database, in a fixed number of queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import has_request_context
from sqlalchemy.orm import selectinload

from ..audit.services import changes, record_event, snapshot
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_locale, uk_date
from ..i18n import gettext as _
from ..law import RELEVANT_PARTNER, S28, S164_WHO, rules
from ..law.lawful_basis import is_public_authority_by_default
from ..text_input import is_storable
from .models import (
    Nation,
    Organisation,
    OrgKind,
    RelevantPartnerAgreement,
    can_act_for_council,
    can_edit_register,
    organisation_areas,
)
from .search import fold, search_text_for

WALES = ZoneInfo("Europe/London")
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_CODES = frozenset({"new"})  # /organisations/new is the add page
# ICO register entries: older ones are Z + 7 digits (Z1234567); since 2009 or so the ICO issues
# two letters + 6 digits, always starting with Z (ZA123456, ZB123456, ZC123456).
ICO_PATTERN = re.compile(r"^Z(?:\d{7}|[A-Z]\d{6})$")
MAX_LENGTHS = {
    "code": 64,
    "name": 200,
    "name_cy": 200,
    "dpo_name": 200,
    "ig_lead_name": 200,
    "dpo_email": 254,
    "ig_lead_email": 254,
    "waspi_designated_person": 200,
    "waspi_declaration_signed_by": 200,
    "waspi_declaration_signatory_role": 200,
    "notes": 500,
    "ons_code": 16,
}
EDITABLE_FIELDS = (
    "name",
    "name_cy",
    "kind",
    "nation",
    "s28_category",
    "relevant_partner_category",
    "areas",
    "covers_all_wales",
    "ico_registration",
    "dpo_name",
    "dpo_email",
    "ig_lead_name",
    "ig_lead_email",
    "waspi_signed_on",
    "waspi_designated_person",
    "waspi_declaration_signed_by",
    "waspi_declaration_signatory_role",
    "notes",
    "is_active",
    "is_public_authority",
)
# The details that are an organisation's own, which its IG lead keeps: who to contact and its
# data protection registration. Its name, kind, areas and statutory categories (what the law
# says of it) are the register's, which the instance's administrators keep.
OWN_DETAIL_FIELDS = (
    "ico_registration",
    "dpo_name",
    "dpo_email",
    "ig_lead_name",
    "ig_lead_email",
    "waspi_signed_on",
    "waspi_designated_person",
    "waspi_declaration_signed_by",
    "waspi_declaration_signatory_role",
)
AUDITED_FIELDS = ("code", *(f for f in EDITABLE_FIELDS if f != "areas"))
MAX_SEARCH_LENGTH = 100


def today() -> date:
    """Today's date in Wales."""
    return datetime.now(WALES).date()


def _locale(locale: str | None) -> str:
    if locale:
        return locale
    return current_locale() if has_request_context() else "en"


# ------------------------------------------------------------------ reading the register


def get_organisation(code: str) -> Organisation:
    """The organisation with this code, with its areas loaded; NotFound if there is none."""
    org = get_organisation_or_none(code)
    if org is None:
        raise NotFound(_("There is no organisation with the code %(code)s.", code=code))
    return org


def get_organisation_or_none(code: str) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.code == (code or "").strip().lower())
        .options(selectinload(Organisation.areas))
    )


def councils(*, active_only: bool = True, locale: str | None = None) -> list[Organisation]:
    """The Welsh councils (the areas bodies cover, and the councils with relevant partners),
    by name in the current language (one query)."""
    stmt = sa.select(Organisation).where(_is_welsh_council())
    if active_only:
        stmt = stmt.where(Organisation.is_active)
    return list(db.session.scalars(stmt.order_by(*by_name(locale))))


def by_name(locale: str | None = None):
    """ORDER BY terms for organisations by name in `locale` (the current language if None):
    Welsh pages in the Welsh alphabet, by the stored sort keys."""
    return Organisation.name_order(_locale(locale))


def sorted_by_name(orgs, locale: str | None = None, *, key=lambda o: o) -> list:
    """`orgs` (or items whose `key` is an organisation) by name in `locale`, in Python."""
    locale = _locale(locale)
    return sorted(orgs, key=lambda item: (key(item).sort_key(locale), key(item).id or 0))


def _is_welsh_council():
    return sa.and_(
        Organisation.kind == OrgKind.LOCAL_AUTHORITY, Organisation.nation == Nation.WALES
    )


WASPI_ACCORD_SIGNED = "signed"
WASPI_ACCORD_NOT_SIGNED = "not_signed"
WASPI_ACCORD_FILTERS = (WASPI_ACCORD_SIGNED, WASPI_ACCORD_NOT_SIGNED)


@dataclass
class RegisterFilters:
    """What the register list is narrowed to. `status`: active, inactive or all. `locale`:
    the language whose alphabetical order it is in (the current language if None)."""

    q: str = ""
    kind: OrgKind | None = None
    nation: Nation | None = None
    area: Organisation | None = None
    s28_category: str | None = None
    status: str = "active"
    waspi_accord: str | None = None  # WASPI_ACCORD_SIGNED or WASPI_ACCORD_NOT_SIGNED
    locale: str | None = None


def register_query(filters: RegisterFilters) -> sa.Select:
    """The register list as one SELECT (areas eager-loaded), ordered by name in the filters'
    language (Welsh collation for Welsh)."""
    stmt = sa.select(Organisation).options(selectinload(Organisation.areas))
    if filters.status == "active":
        stmt = stmt.where(Organisation.is_active)
    elif filters.status == "inactive":
        stmt = stmt.where(~Organisation.is_active)
    if filters.kind is not None:
        stmt = stmt.where(Organisation.kind == filters.kind)
    if filters.nation is not None:
        stmt = stmt.where(Organisation.nation == filters.nation)
    if filters.s28_category:
        stmt = stmt.where(Organisation.s28_category == filters.s28_category)
    if filters.area is not None:
        stmt = stmt.where(_covers(filters.area))
    if filters.waspi_accord == WASPI_ACCORD_SIGNED:
        stmt = stmt.where(Organisation.waspi_signed_on.is_not(None))
    elif filters.waspi_accord == WASPI_ACCORD_NOT_SIGNED:
        stmt = stmt.where(Organisation.waspi_signed_on.is_(None))
    term = fold(filters.q)[:MAX_SEARCH_LENGTH]
    if term:
        stmt = stmt.where(
            sa.or_(
                Organisation.search_text.contains(term, autoescape=True),
                Organisation.code.contains(term, autoescape=True),
            )
        )
    return stmt.order_by(*by_name(filters.locale))


def _covers(council: Organisation):
    """SQL condition: the organisation covers this council's area (or all of Wales)."""
    in_area = sa.select(organisation_areas.c.organisation_id).where(
        organisation_areas.c.council_id == council.id
    )
    return sa.or_(Organisation.covers_all_wales, Organisation.id.in_(in_area))


# The columns of the reference file (parties/data/welsh-public-bodies.csv): the register's CSV
# export is written in it, and `flask organisations import` reads it.
REGISTER_CSV_COLUMNS = (
    "code",
    "name",
    "name_cy",
    "kind",
    "ons_code",
    "s28_category",
    "relevant_partner_category",
    "areas",
    "notes",
    "nation",
)
# The WASPI Accord columns: written by the export, read by the import when the file has them
# (the reference file does not: whether a body has signed is the register's, not the file's).
WASPI_CSV_COLUMNS = (
    "waspi_signed_on",
    "waspi_designated_person",
    "waspi_declaration_signed_by",
    "waspi_declaration_signatory_role",
)
# The export puts a label beside each column of codes, in the reader's language; an import
# ignores them (the codes are what it reads).
LABELLED_CSV_COLUMNS = ("kind", "s28_category", "relevant_partner_category", "nation")
LABEL_CSV_COLUMNS = tuple(f"{c}_label" for c in LABELLED_CSV_COLUMNS)
EXPORT_CSV_COLUMNS = tuple(
    label
    for column in (*REGISTER_CSV_COLUMNS, *WASPI_CSV_COLUMNS)
    for label in ((column, f"{column}_label") if column in LABELLED_CSV_COLUMNS else (column,))
)
ALL_WALES_AREA = "wales"  # "areas" in the file: council codes separated by ';', or "wales"


def register_csv_rows(filters: RegisterFilters):
    """The register list as rows of EXPORT_CSV_COLUMNS (the list's own queries), labels in
    the filters' language."""
    locale = _locale(filters.locale)
    for org in db.session.scalars(register_query(filters)):
        areas = ALL_WALES_AREA if org.covers_all_wales else ";".join(a.code for a in org.areas)
        yield (
            org.code,
            org.name,
            org.name_cy,
            org.kind.value,
            org.kind.label,
            org.ons_code,
            org.s28_category,
            S28[org.s28_category].label(locale) if org.s28_category else None,
            org.relevant_partner_category,
            RELEVANT_PARTNER[org.relevant_partner_category].label(locale)
            if org.relevant_partner_category
            else None,
            areas,
            org.notes,
            org.nation.value,
            org.nation.label,
            org.waspi_signed_on.isoformat() if org.waspi_signed_on else None,
            org.waspi_designated_person,
            org.waspi_declaration_signed_by,
            org.waspi_declaration_signatory_role,
        )


# ------------------------------------------------------------------ changing the register


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportRejected(Exception):
    """A file with bad rows: nothing was loaded. `problems` are sentences naming the line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def import_organisations(rows) -> ImportResult:
    """Create or update the bodies in `rows` (pairs of line number and a row of
    REGISTER_CSV_COLUMNS), all or nothing: each row is checked as the add and edit forms check
    their input (same cleaners, same rules between fields), and if any row is wrong nothing
    is changed and ImportRejected lists every problem with its line. A body is matched by its
    code, so loading a file twice changes nothing the second time. The caller commits."""
    rows = list(rows)
    codes = [(row.get("code") or "").strip().lower() for _line, row in rows]
    existing = {
        o.code: o
        for o in db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.code.in_(codes))
            .options(selectinload(Organisation.areas))
        )
    }
    problems: list[str] = []
    planned = []
    first_line: dict[str, int] = {}
    for (line, row), code in zip(rows, codes, strict=True):
        errors: dict[str, list[str]] = {}
        if code in first_line:
            errors["code"] = [
                _(
                    "%(code)s is already on line %(line)d of the file",
                    code=code,
                    line=first_line[code],
                )
            ]
        first_line.setdefault(code, line)
        org = existing.get(code)
        if org is None and "code" not in errors:
            _clean_code(code, errors)
        target = org or Organisation(code=code, search_text="", kind=OrgKind.OTHER, name="")
        values = _clean_fields(
            _fields_from_row(row), target, errors, required=("name", "kind", "nation")
        )
        if org is not None:
            _check_welsh_name_kept(org, values, errors)
        for field, messages in errors.items():
            problems.extend(
                _("Line %(line)d, %(field)s: %(message)s", line=line, field=field, message=m)
                for m in messages
            )
        planned.append((org, target, values))
    if problems:
        raise ImportRejected(problems)
    return _load_planned(planned)


def _fields_from_row(row: dict) -> dict:
    areas = [a.strip() for a in (row.get("areas") or "").split(";") if a.strip()]
    fields = {
        key: row.get(key) or None for key in REGISTER_CSV_COLUMNS if key not in ("code", "areas")
    }
    fields["areas"] = [a for a in areas if a != ALL_WALES_AREA]
    fields["covers_all_wales"] = ALL_WALES_AREA in areas
    for key in WASPI_CSV_COLUMNS:
        if key in row:
            fields[key] = (row[key] or "").strip() or None
    return fields


def _load_planned(planned) -> ImportResult:
    result = ImportResult()
    for org, target, values in planned:
        before = _audit_view(org) if org is not None else None
        if org is None:
            db.session.add(target)
        _apply(target, values)
        db.session.flush()
        after = _audit_view(target)
        if before is None:
            result.created += 1
            record_event("organisation.created", target, after=after)
        elif before != after:
            result.updated += 1
            old, new = changes(before, after)
            record_event("organisation.updated", target, before=old, after=new)
        else:
            result.unchanged += 1
    return result


def create_organisation(fields: dict, *, by) -> Organisation:
    """Add an organisation to the register (administrators). `fields` holds `code` and any of
    EDITABLE_FIELDS; `areas` is a list of council codes. Raises InvalidInput naming each field."""
    _require_register_editor(by)
    fields = dict(fields)
    errors: dict[str, list[str]] = {}
    code = _clean_code(fields.pop("code", None), errors)
    fields.setdefault("covers_all_wales", False)
    fields.setdefault("is_active", True)
    fields.setdefault("is_public_authority", None)
    org = Organisation(code=code or "", search_text="", kind=OrgKind.OTHER, name="")
    values = _clean_fields(fields, org, errors, required=("name", "kind", "nation"))
    if errors:
        raise InvalidInput(errors=errors)
    db.session.add(org)
    _apply(org, values)
    db.session.flush()
    record_event("organisation.created", org, by=by, after=_audit_view(org))
    return org


def update_organisation(org: Organisation, fields: dict, *, by) -> Organisation:
    """Change some of an organisation's details (administrators). Only EDITABLE_FIELDS may be
    given; the code never changes (Conflict). Writes one audit event with the changes."""
    _require_register_editor(by)
    fields = dict(fields)
    if "code" in fields:
        if (fields.pop("code") or "").strip().lower() != org.code:
            raise Conflict(
                _("The code of an organisation cannot be changed after it is created."),
                field="code",
            )
    errors: dict[str, list[str]] = {}
    new_kind = _as_kind(fields.get("kind"))
    if org.is_local_authority and new_kind is not None and new_kind != org.kind:
        raise Conflict(
            _(
                "A local authority cannot be changed into another kind of organisation: other "
                "organisations' areas refer to it."
            ),
            field="kind",
        )
    before = _audit_view(org)
    required = tuple(key for key in ("name", "kind", "nation") if key in fields)
    values = _clean_fields(fields, org, errors, required=required)
    _check_welsh_name_kept(org, values, errors)
    if errors:
        raise InvalidInput(errors=errors)
    _apply(org, values)
    db.session.flush()
    old, new = changes(before, _audit_view(org))
    if new:
        record_event("organisation.updated", org, by=by, before=old, after=new)
    return org


def update_own_details(org: Organisation, fields: dict, *, by) -> Organisation:
    """Change the organisation's own details (OWN_DETAIL_FIELDS): its IG lead, for their own
    organisation, or an administrator. Any other field is refused, naming it; one audit event."""
    from ..accounts import access

    access.require(by, access.Action.EDIT_DETAILS, org)
    kept = [key for key in fields if key not in OWN_DETAIL_FIELDS]
    if kept:
        raise InvalidInput(
            errors={
                key: [
                    _(
                        "%(field)s is part of the register, which the service's administrators "
                        "keep: ask them to change it",
                        field=key,
                    )
                ]
                for key in kept
            }
        )
    before = _audit_view(org)
    errors: dict[str, list[str]] = {}
    values = _clean_fields(dict(fields), org, errors)
    if errors:
        raise InvalidInput(errors=errors)
    _apply(org, values)
    db.session.flush()
    old, new = changes(before, _audit_view(org))
    if new:
        record_event("organisation.updated", org, by=by, before=old, after=new)
    return org


def _check_welsh_name_kept(org: Organisation, values: dict, errors: dict) -> None:
    """A recorded Welsh name is corrected, never silently emptied: the register is bilingual,
    and an empty box is more often a slip than a decision."""
    if org.name_cy and "name_cy" in values and values["name_cy"] is None:
        errors.setdefault("name_cy", []).append(
            _(
                "Enter the Welsh name. A Welsh name that has been recorded (%(name)s) can be "
                "corrected but not removed",
                name=org.name_cy,
            )
        )


def _require_register_editor(user) -> None:
    if not can_edit_register(user):
        raise PermissionDenied(_("Only an administrator can add or change organisations."))


def _audit_view(org: Organisation) -> dict:
    data = snapshot(org, AUDITED_FIELDS)
    data["area_codes"] = sorted(a.code for a in org.areas)
    return data


def _apply(org: Organisation, values: dict) -> None:
    values = dict(values)
    given = "is_public_authority" in values
    public_authority = values.pop("is_public_authority", None)
    for key, value in values.items():
        if key == "areas":
            org.areas = value
        elif getattr(org, key) != value:
            setattr(org, key, value)
    if org.kind == OrgKind.LOCAL_AUTHORITY:
        # A council's area is its own area.
        org.covers_all_wales = False
        org.areas = [org]
    if given:  # None: it follows the kind of organisation
        if public_authority is None:
            public_authority = is_public_authority_by_default(org.kind.value)
        if org.is_public_authority != public_authority:
            org.is_public_authority = public_authority
    org.search_text = search_text_for(org.name, org.name_cy)


def _clean_code(raw, errors: dict) -> str | None:
    code = (raw or "").strip()
    message = None
    if not code:
        message = _("Enter a code for the organisation, like yot-cardiff")
    elif len(code) > MAX_LENGTHS["code"]:
        message = _("The code must be %(n)d characters or fewer", n=MAX_LENGTHS["code"])
    elif not CODE_PATTERN.match(code) or code in RESERVED_CODES:
        message = _(
            "The code must be lower-case letters, numbers and single hyphens, like yot-cardiff"
        )
    elif db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code)):
        message = _(
            "An organisation with the code %(code)s already exists: choose another code", code=code
        )
    if message:
        errors["code"] = [message]
        return None
    return code


def _clean_fields(fields: dict, org: Organisation, errors: dict, required=()) -> dict:
    """Each given field checked on its own, then the rules between fields (law/rules.py)."""
    values = {}
    for key, raw in fields.items():
        cleaner = _CLEANERS.get(key)
        if cleaner is None:
            errors.setdefault(key, []).append(
                _("%(field)s is not a detail that can be set here", field=key)
            )
            continue
        try:
            values[key] = cleaner(raw)
        except InvalidInput as error:
            errors.setdefault(key, []).extend(error.errors[None])
    for key in required:
        if values.get(key) in (None, "") and key not in errors:
            errors[key] = [_REQUIRED_MESSAGES[key]()]
    if not errors:
        _check_between_fields(org, values, errors)
    return values


def _check_between_fields(org: Organisation, values: dict, errors: dict) -> None:
    kind = values.get("kind", org.kind)
    areas = values.get("areas", org.areas if org.id else [])
    all_wales = values.get("covers_all_wales", org.covers_all_wales)
    if kind == OrgKind.LOCAL_AUTHORITY:
        areas, all_wales = [org], False
    if all_wales and areas:
        errors["areas"] = [_("Choose either All of Wales or particular councils' areas, not both")]
        return
    problems = rules.category_problems(
        kind=kind.value,
        s28_category=values.get("s28_category", org.s28_category),
        relevant_partner_category=values.get(
            "relevant_partner_category", org.relevant_partner_category
        ),
        covers_all_wales=bool(all_wales),
        has_areas=bool(areas),
    )
    for field, problem in problems.items():
        errors[field] = [_category_message(field, problem, kind, values, org)]
    _check_waspi_accord(org, values, errors)


def _check_waspi_accord(org: Organisation, values: dict, errors: dict) -> None:
    """The Accord's details hang on its date: a Designated Person or a signatory of the
    Declaration without the date the Accord was signed is refused, and a signatory is a name
    and a role together (the role says the Declaration was adopted at the right level)."""

    def value(key):
        return values.get(key, getattr(org, key))

    signed_by = value("waspi_declaration_signed_by")
    role = value("waspi_declaration_signatory_role")
    if not value("waspi_signed_on"):
        if signed_by or role:
            errors["waspi_signed_on"] = [
                _(
                    "Enter the date the WASPI Accord was signed, or remove who signed the "
                    "Declaration of Acceptance and Participation"
                )
            ]
        elif value("waspi_designated_person"):
            errors["waspi_signed_on"] = [
                _("Enter the date the WASPI Accord was signed, or remove the designated person")
            ]
    if role and not signed_by:
        errors["waspi_declaration_signed_by"] = [
            _(
                "Enter the name of the person who signed the Declaration of Acceptance and "
                "Participation, or remove their role"
            )
        ]
    elif signed_by and not role:
        errors["waspi_declaration_signatory_role"] = [
            _(
                "Enter the role of the person who signed the Declaration of Acceptance and "
                "Participation, like Chief Executive"
            )
        ]


def waspi_accord_warnings(org: Organisation) -> list[str]:
    """What is missing from a signed Accord's record, though it may be saved without it: the
    Declaration of many bodies was signed years ago, and who signed it is found out later."""
    if not org.waspi_signed_on:
        return []
    warnings = []
    if not org.waspi_declaration_signed_by:
        warnings.append(
            _(
                "Who signed the Declaration of Acceptance and Participation is not recorded: "
                "add their name and role when you know them"
            )
        )
    if not org.waspi_designated_person:
        warnings.append(_("The Designated Person for the WASPI Accord is not recorded"))
    return warnings


def _category_message(field: str, problem: str, kind: OrgKind, values: dict, org) -> str:
    if problem == "agreement_only":
        return _(
            "Another local authority is a relevant partner (s.162(4)(b)) only by a recorded "
            "agreement: leave this empty and record the agreement on the council's page"
        )
    if problem == "needs_all_wales":
        return _("This relevant-partner category acts for the whole of Wales: choose All of Wales")
    if problem == "needs_area":
        return _("Choose the councils' areas this organisation covers, or All of Wales")
    code = values.get(field, getattr(org, field))
    catalogue = S28 if field == "s28_category" else RELEVANT_PARTNER
    return _(
        "%(citation)s does not apply to this kind of organisation (%(kind)s): choose the "
        "category for this kind of organisation, or none",
        citation=catalogue[code].citation_for(_locale(None)),
        kind=kind.label,
    )


# Each cleaner turns a raw value (from a form or the API) into the stored value, or raises
# InvalidInput with a message saying how to fix it.


def _text(field: str, label):
    def clean(raw):
        value = (raw or "").strip() if isinstance(raw, str | type(None)) else None
        if value is None:
            raise InvalidInput(_("%(label)s must be text", label=label()))
        if len(value) > MAX_LENGTHS[field]:
            raise InvalidInput(
                _(
                    "%(label)s must be %(n)d characters or fewer",
                    label=label(),
                    n=MAX_LENGTHS[field],
                )
            )
        return value or None

    return clean


def _email(field: str, example_message):
    def clean(raw):
        value = _text(field, lambda: _("The e-mail address"))(raw)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise InvalidInput(example_message()) from None

    return clean


def _as_kind(raw) -> OrgKind | None:
    try:
        return OrgKind(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _clean_nation(raw):
    if raw in (None, ""):
        return None
    try:
        return Nation(raw)
    except ValueError:
        raise InvalidInput(_("Select the nation the organisation is in from the list")) from None


def _clean_kind(raw):
    kind = _as_kind(raw)
    if kind is None and raw not in (None, ""):
        raise InvalidInput(_("Select the kind of organisation from the list"))
    return kind


def _catalogue_code(catalogue, message):
    def clean(raw):
        if raw in (None, ""):
            return None
        if raw not in catalogue:
            raise InvalidInput(message())
        return raw

    return clean


def _clean_areas(raw) -> list[Organisation]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str) or not all(isinstance(c, str) for c in raw):
        raise InvalidInput(_("Give the areas as a list of council codes, like la-cardiff"))
    wanted = sorted({c.strip().lower() for c in raw if c.strip()})
    looked_up = [c for c in wanted if is_storable(c)]
    found = {
        o.code: o
        for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.code.in_(looked_up), _is_welsh_council())
        )
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInput(
            _(
                "%(codes)s: not a council's code. Use the codes of Welsh councils, like la-cardiff",
                codes=", ".join(unknown),
            )
        )
    return sorted_by_name(found.values(), "en")


def _clean_bool(label):
    def clean(raw):
        if not isinstance(raw, bool):
            raise InvalidInput(_("%(label)s must be true or false", label=label()))
        return raw

    return clean


def _clean_optional_bool(label):
    """True, false, or None: work it out from the kind of organisation."""
    strict = _clean_bool(label)
    return lambda raw: None if raw is None else strict(raw)


def _clean_ico(raw):
    if raw in (None, ""):
        return None
    value = re.sub(r"\s+", "", str(raw)).upper()
    if not ICO_PATTERN.match(value):
        raise InvalidInput(
            _(
                "Enter the ICO registration number as it appears on the ICO register, like Z1234567 or ZA123456"
            )
        )
    return value


def _clean_waspi_date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(
                _("Enter the date the WASPI Accord was signed as a real date")
            ) from None
    if not isinstance(raw, date):
        raise InvalidInput(_("Enter the date the WASPI Accord was signed as a real date"))
    if raw > today():
        raise InvalidInput(_("The date the WASPI Accord was signed must be today or in the past"))
    return raw


_REQUIRED_MESSAGES = {
    "name": lambda: _("Enter the organisation's name"),
    "kind": lambda: _("Select the kind of organisation"),
    "nation": lambda: _("Select the nation the organisation is in"),
}
_CLEANERS = {
    "name": _text("name", lambda: _("Name")),
    "name_cy": _text("name_cy", lambda: _("Welsh name")),
    "kind": _clean_kind,
    "nation": _clean_nation,
    "ons_code": _text("ons_code", lambda: _("The ONS code")),
    "s28_category": _catalogue_code(S28, lambda: _("Select a section 28 category from the list")),
    "relevant_partner_category": _catalogue_code(
        RELEVANT_PARTNER, lambda: _("Select a relevant-partner category from the list")
    ),
    "areas": _clean_areas,
    "covers_all_wales": _clean_bool(lambda: _("All of Wales")),
    "ico_registration": _clean_ico,
    "dpo_name": _text("dpo_name", lambda: _("The data protection officer's name")),
    "dpo_email": _email(
        "dpo_email",
        lambda: _(
            "Enter the data protection officer's e-mail address in the correct format, like name@example.org"
        ),
    ),
    "ig_lead_name": _text("ig_lead_name", lambda: _("The IG lead's name")),
    "ig_lead_email": _email(
        "ig_lead_email",
        lambda: _(
            "Enter the IG lead's e-mail address in the correct format, like name@example.org"
        ),
    ),
    "waspi_signed_on": _clean_waspi_date,
    "waspi_designated_person": _text("waspi_designated_person", lambda: _("The designated person")),
    "waspi_declaration_signed_by": _text(
        "waspi_declaration_signed_by",
        lambda: _("The name of who signed the Declaration of Acceptance and Participation"),
    ),
    "waspi_declaration_signatory_role": _text(
        "waspi_declaration_signatory_role",
        lambda: _("The role of who signed the Declaration of Acceptance and Participation"),
    ),
    "notes": _text("notes", lambda: _("Notes")),
    "is_active": _clean_bool(lambda: _("Active")),
    "is_public_authority": _clean_optional_bool(lambda: _("Public authority")),
}


# ------------------------------------------------------------------ s.162(4)(b) agreements


def current_agreements_of(council: Organisation) -> list[RelevantPartnerAgreement]:
    """The council's current s.162(4)(b) agreements, both sides (one query)."""
    return _agreements_of(council, current_only=True)


def agreements_of(council: Organisation) -> list[RelevantPartnerAgreement]:
    """All of the council's s.162(4)(b) agreements, current first, then ended (one query)."""
    return _agreements_of(council, current_only=False)


def _agreements_of(council: Organisation, *, current_only: bool) -> list[RelevantPartnerAgreement]:
    stmt = sa.select(RelevantPartnerAgreement).where(
        sa.or_(
            RelevantPartnerAgreement.council_id == council.id,
            RelevantPartnerAgreement.other_council_id == council.id,
        )
    )
    if current_only:
        stmt = stmt.where(RelevantPartnerAgreement.ended_on.is_(None))
    stmt = stmt.order_by(
        RelevantPartnerAgreement.ended_on.is_not(None),
        RelevantPartnerAgreement.agreed_on.desc(),
        RelevantPartnerAgreement.id,
    )
    return list(db.session.scalars(stmt))


def get_agreement(council: Organisation, agreement_id: int) -> RelevantPartnerAgreement:
    """One agreement of this council; NotFound if the council is not a party to it."""
    agreement = db.session.get(RelevantPartnerAgreement, agreement_id)
    if agreement is None or council.id not in (agreement.council_id, agreement.other_council_id):
        raise NotFound(_("This council has no such agreement."))
    return agreement


def record_agreement(
    council: Organisation, other: Organisation | None, agreed_on, notes: str | None = None, *, by
) -> RelevantPartnerAgreement:
    """Record that two councils agree it is appropriate to co-operate (s.162(4)(b)).

    Allowed for administrators and the IG lead of either council."""
    if not can_act_for_council(by, council, *([other] if other is not None else [])):
        raise PermissionDenied(
            _(
                "Only an administrator or the IG lead of one of the two councils can record their agreement."
            )
        )
    errors: dict[str, list[str]] = {}
    if not council.is_welsh_council:
        errors["council"] = [
            _(
                "%(name)s is not a local authority: s.162(4)(b) agreements are "
                "between two local authorities",
                name=council.name,
            )
        ]
    _check_other_council(council, other, errors)
    _check_agreement_date(agreed_on, "agreed_on", errors, None)
    notes = (notes or "").strip() or None
    if notes and len(notes) > MAX_LENGTHS["notes"]:
        errors["notes"] = [_("Notes must be %(n)d characters or fewer", n=MAX_LENGTHS["notes"])]
    if not errors:
        _check_no_current_agreement(council, other, errors)
    if errors:
        raise InvalidInput(errors=errors)
    first, second = sorted((council, other), key=lambda o: o.id)
    agreement = RelevantPartnerAgreement(
        council=first, other_council=second, agreed_on=agreed_on, notes=notes, recorded_by_id=by.id
    )
    db.session.add(agreement)
    db.session.flush()
    record_event(
        "relevant_partner_agreement.recorded", agreement, by=by, after=_agreement_view(agreement)
    )
    return agreement


def end_agreement(agreement: RelevantPartnerAgreement, ended_on, *, by) -> RelevantPartnerAgreement:
    """Record that an s.162(4)(b) agreement has ended; the row is kept, and it no longer counts."""
    if not agreement.can_change(by):
        raise PermissionDenied(
            _(
                "Only an administrator or the IG lead of one of the two councils can end their agreement."
            )
        )
    if not agreement.is_current:
        raise Conflict(
            _("This agreement already ended on %(date)s.", date=uk_date(agreement.ended_on))
        )
    errors: dict[str, list[str]] = {}
    _check_agreement_date(ended_on, "ended_on", errors, agreement.agreed_on)
    if errors:
        raise InvalidInput(errors=errors)
    before = _agreement_view(agreement)
    agreement.ended_on = ended_on
    agreement.ended_by_id = by.id
    db.session.flush()
    record_event(
        "relevant_partner_agreement.ended",
        agreement,
        by=by,
        before={"ended_on": before["ended_on"]},
        after={"ended_on": ended_on},
    )
    return agreement


def _check_other_council(council, other, errors: dict) -> None:
    if other is None:
        errors["other_council"] = [_("Select the other council")]
    elif not other.is_welsh_council:
        errors["other_council"] = [
            _("%(name)s is not a local authority in Wales: choose another council", name=other.name)
        ]
    elif other.id == council.id:
        errors["other_council"] = [_("Choose a council other than %(name)s", name=council.name)]


def _check_agreement_date(value, field: str, errors: dict, not_before: date | None) -> None:
    if not isinstance(value, date):
        errors[field] = [_("Enter the date, like 27 3 2025")]
    elif value > today():
        errors[field] = [_("The date must be today or in the past")]
    elif not_before and value < not_before:
        errors[field] = [
            _(
                "The date the agreement ended cannot be before the date it was made (%(date)s)",
                date=uk_date(not_before),
            )
        ]


def _check_no_current_agreement(council, other, errors: dict) -> None:
    first, second = sorted((council.id, other.id))
    existing = db.session.scalar(
        sa.select(RelevantPartnerAgreement).where(
            RelevantPartnerAgreement.council_id == first,
            RelevantPartnerAgreement.other_council_id == second,
            RelevantPartnerAgreement.ended_on.is_(None),
        )
    )
    if existing is not None:
        errors["other_council"] = [
            _(
                "%(a)s and %(b)s already have an agreement, made on %(date)s",
                a=council.name,
                b=other.name,
                date=uk_date(existing.agreed_on),
            )
        ]


def _agreement_view(agreement: RelevantPartnerAgreement) -> dict:
    return {
        "council": agreement.council.code,
        "other_council": agreement.other_council.code,
        "agreed_on": agreement.agreed_on,
        "notes": agreement.notes,
        "ended_on": agreement.ended_on,
    }


# ------------------------------------------------------------------ s.162(4) relevant partners


class RelevantPartner(NamedTuple):
    """One s.162(4) relationship, seen from one side: `organisation` is the other side (the
    partner on a council's page, the council on a partner's page)."""

    organisation: Organisation
    category: str
    reason: str

    @property
    def citation(self) -> str:
        return RELEVANT_PARTNER[self.category].citation

    def section_for(self, locale: str = "en") -> str:
        """The s.162(4) paragraph in the page's language: "s.162(4)(a)", "a.162(4)(a)"."""
        return RELEVANT_PARTNER[self.category].section_for(locale)

    def limit_for(self, locale: str = "en") -> str | None:
        """The functions the partner is one for, if only some (rp-c, rp-g); else None."""
        return rules.relevant_partner_limit(self.category, locale)


def _facts(org: Organisation, area_codes=()) -> rules.BodyFacts:
    return rules.BodyFacts(
        code=org.code,
        kind=org.kind.value,
        relevant_partner_category=org.relevant_partner_category,
        covers_all_wales=org.covers_all_wales,
        area_codes=frozenset(area_codes),
        nation=org.nation.value,
    )


def _reason(
    partner: Organisation,
    council: Organisation,
    category: str,
    locale: str,
    agreed_on: date | None = None,
) -> str:
    why = rules.relevant_partner_reason(
        category,
        area=council.area_name(locale),
        date=uk_date(agreed_on) if agreed_on else "",
        locale=locale,
    )
    return f"{partner.display_name(locale)}: {why}"


def relevant_partners_of(
    council: Organisation, *, locale: str | None = None
) -> list[RelevantPartner]:
    """The relevant partners of a local authority under s.162(4), with the reason for each, in
    the current language: area-based categories from the register (one query), and rp-b from
    recorded agreements (one query). Empty for a body that is not a Welsh council."""
    if not council.is_welsh_council:
        return []
    locale = _locale(locale)
    council_facts = _facts(council, {council.code})
    candidates = db.session.scalars(
        sa.select(Organisation).where(
            Organisation.is_active,
            Organisation.id != council.id,
            Organisation.relevant_partner_category.in_(rules.AREA_BASED_CATEGORIES),
            _covers(council),
        )
    )
    found = []
    for body in candidates:
        # The query matched the body's areas against this council: its facts say so.
        facts = _facts(body, () if body.covers_all_wales else {council.code})
        category = rules.relevant_partner_category(council_facts, facts)
        if category:
            found.append(RelevantPartner(body, category, _reason(body, council, category, locale)))
    for agreement in current_agreements_of(council):
        other = agreement.other_side(council.id)
        if other.is_active:
            reason = _reason(other, council, rules.AGREEMENT_CATEGORY, locale, agreement.agreed_on)
            found.append(RelevantPartner(other, rules.AGREEMENT_CATEGORY, reason))
    locale_order = sorted_by_name(found, locale, key=lambda p: p.organisation)
    return sorted(locale_order, key=lambda p: p.category)


def councils_partnered_by(
    body: Organisation, *, locale: str | None = None
) -> list[RelevantPartner]:
    """The councils `body` is a relevant partner of, with category and reason (fixed queries):
    for a council, those it has an agreement with; for others, the councils of its areas."""
    locale = _locale(locale)
    if body.is_local_authority:
        return [
            RelevantPartner(
                council,
                rules.AGREEMENT_CATEGORY,
                _reason(body, council, rules.AGREEMENT_CATEGORY, locale, agreement.agreed_on),
            )
            for agreement in current_agreements_of(body)
            if (council := agreement.other_side(body.id)).is_active
        ]
    if not body.is_active or body.relevant_partner_category not in rules.AREA_BASED_CATEGORIES:
        return []
    stmt = sa.select(Organisation).where(_is_welsh_council(), Organisation.is_active)
    if not body.covers_all_wales:
        stmt = stmt.where(
            Organisation.id.in_(
                sa.select(organisation_areas.c.council_id).where(
                    organisation_areas.c.organisation_id == body.id
                )
            )
        )
    area_councils = list(db.session.scalars(stmt.order_by(*by_name(locale))))
    facts = _facts(body, {c.code for c in area_councils})
    found = []
    for council in area_councils:
        category = rules.relevant_partner_category(_facts(council, {council.code}), facts)
        if category:
            found.append(
                RelevantPartner(council, category, _reason(body, council, category, locale))
            )
    return found


# ------------------------------------------------------------------ s.164(2): who may be asked


class S164Eligibility(NamedTuple):
    """Whether a council may ask a body under s.164: the s.164(2) code, or None with the reason."""

    code: str | None
    explanation: str


def eligibility_for_s164(
    council: Organisation, body: Organisation, *, locale: str | None = None
) -> S164Eligibility:
    """Under which part of s.164(2) `council` may ask `body` for co-operation or information,
    with an explanation; if it may not, the explanation says why and who can be asked instead."""
    locale = _locale(locale)
    if not body.is_active:
        return S164Eligibility(
            None,
            _(
                "%(body)s is no longer active on the register, so it cannot be asked.",
                body=body.display_name(locale),
            )
            + " "
            + _who_can_be_asked(council, locale),
        )
    touches = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(organisation_areas)
        .where(
            organisation_areas.c.organisation_id == body.id,
            organisation_areas.c.council_id == council.id,
        )
    )
    council_facts = _facts(council, {council.code})
    body_facts = _facts(body, {council.code} if touches else ())
    category = rules.relevant_partner_category(council_facts, body_facts)
    agreement = None
    if category is None and body.is_local_authority and council.is_local_authority:
        agreement = next(
            (a for a in current_agreements_of(council) if a.other_side(council.id).id == body.id),
            None,
        )
        category = rules.AGREEMENT_CATEGORY if agreement else None
    is_partner = category is not None
    code = rules.s164_basis(council_facts, body_facts, is_relevant_partner=is_partner)
    if code:
        return S164Eligibility(code, _s164_yes(code, council, body, category, agreement, locale))
    refusal = rules.s164_refusal(council_facts, body_facts, is_relevant_partner=is_partner)
    return S164Eligibility(None, _s164_no(refusal, council, body, locale))


def explain_s164_basis(
    code: str,
    council: Organisation,
    body: Organisation,
    *,
    on: date | None = None,
    locale: str | None = None,
) -> str:
    """Why `council` could ask `body` under the s.164(2) paragraph `code` (kept on a request
    when it was sent), in the reader's language. For s.164(2)(a) the reason is the body's
    relevant-partner category on the register or, between two councils, their agreement in
    force on `on` (the request date); if neither is there any more, the sentence says only that
    the body was a relevant partner."""
    locale = _locale(locale)
    category = agreement = None
    if code == "s164-2-a":
        if body.is_local_authority and council.is_local_authority:
            agreement = _agreement_in_force(council, body, on)
            category = rules.AGREEMENT_CATEGORY if agreement else None
        elif body.relevant_partner_category in rules.AREA_BASED_CATEGORIES:
            category = body.relevant_partner_category
    return _s164_yes(code, council, body, category, agreement, locale)


def _agreement_in_force(
    council: Organisation, other: Organisation, on: date | None
) -> RelevantPartnerAgreement | None:
    """The two councils' s.162(4)(b) agreement in force on `on` (else the current one)."""
    found = [a for a in agreements_of(council) if a.other_side(council.id).id == other.id]
    in_force = [
        a
        for a in found
        if on is not None and a.agreed_on <= on and (a.ended_on is None or a.ended_on >= on)
    ]
    return next(iter(in_force), None) or next((a for a in found if a.ended_on is None), None)


def _s164_yes(code, council, body, category, agreement, locale) -> str:
    names = {
        "body": body.display_name(locale),
        "council": council.display_name(locale),
        "area": council.area_name(locale),
    }
    if code == "s164-2-a":
        if category is None:
            return _(
                "%(body)s is a relevant partner of %(council)s, so it can be asked under s.164(2)(a).",
                **names,
            )
        why = rules.relevant_partner_reason(
            category,
            area=names["area"],
            date=uk_date(agreement.agreed_on) if agreement else "",
            locale=locale,
        )
        return _(
            "%(body)s is a relevant partner of %(council)s (%(why)s), so it can be asked under s.164(2)(a).",
            why=why,
            **names,
        )
    if code == "s164-2-b":
        if body.kind == OrgKind.LOCAL_HEALTH_BOARD:
            return _(
                "%(body)s is a Local Health Board that is not a relevant partner of %(council)s, "
                "so it can be asked under s.164(2)(b).",
                **names,
            )
        if body.kind == OrgKind.NHS_TRUST:
            return _(
                "%(body)s is an NHS trust that is not a relevant partner of %(council)s, "
                "so it can be asked under s.164(2)(b).",
                **names,
            )
        return _(
            "%(body)s is a local authority that is not a relevant partner of %(council)s, "
            "so it can be asked under s.164(2)(b).",
            **names,
        )
    return _(
        "%(body)s is a youth offending team whose area includes %(area)s, so it can be asked "
        "under s.164(2)(c).",
        **names,
    )


def _s164_no(refusal: str, council, body, locale) -> str:
    names = {
        "body": body.display_name(locale),
        "council": council.display_name(locale),
        "area": council.area_name(locale),
    }
    if refusal == "requester_not_local_authority":
        return _(
            "Only a local authority can make a request under s.164, and %(council)s is not one.",
            **names,
        )
    if refusal == "requester_outside_wales":
        return _(
            "%(council)s is a council in %(nation)s. A council outside Wales cannot make a "
            "request under the Social Services and Well-being (Wales) Act 2014: only a Welsh "
            "council can.",
            nation=council.nation.label,
            **names,
        )
    if refusal == "same_body":
        return _("%(council)s cannot make a s.164 request to itself.", **names)
    why = _outside_wales_refusal(refusal, body, names)
    if why:
        return why + " " + _who_can_be_asked(council, locale)
    if refusal == "yot_outside_area":
        why = _(
            "%(body)s cannot be asked under s.164: it is a youth offending team, but its area does "
            "not include %(area)s (s.164(2)(c) covers youth offending teams for an area any part of "
            "which falls within the requesting authority's area).",
            **names,
        )
    elif refusal == "partner_outside_area":
        why = _(
            "%(body)s cannot be asked under s.164: its area does not include %(area)s, so it is not "
            "a relevant partner of %(council)s (s.164(2)(a)), and it is not a local authority, Local "
            "Health Board, NHS trust (s.164(2)(b)) or youth offending team (s.164(2)(c)).",
            **names,
        )
        same_kind = [
            p.organisation.display_name(locale)
            for p in relevant_partners_of(council, locale=locale)
            if p.category == body.relevant_partner_category
        ]
        if same_kind:
            why += " " + _(
                "In the same category, %(council)s can ask: %(names)s.",
                names=", ".join(same_kind),
                **names,
            )
    else:
        why = _(
            "%(body)s cannot be asked under s.164: it is not a relevant partner of %(council)s, a "
            "local authority, a Local Health Board, an NHS trust or a youth offending team for "
            "%(area)s, and s.164(2) covers no one else.",
            **names,
        )
    return why + " " + _who_can_be_asked(council, locale)


def _outside_wales_refusal(refusal: str, body, names: dict) -> str | None:
    """Why a council, health board or trust that s.164(2)(b) does not reach cannot be asked."""
    nation = body.nation.label
    if refusal == "council_outside_wales":
        return _(
            "%(body)s cannot be asked under s.164: it is a council in %(nation)s, and a local "
            "authority in s.164(2)(b) is a council in Wales.",
            nation=nation,
            **names,
        )
    if refusal == "health_board_outside_wales":
        return _(
            "%(body)s cannot be asked under s.164: it is in %(nation)s, and a Local Health Board "
            "in s.164(2)(b) is a Welsh health board.",
            nation=nation,
            **names,
        )
    if refusal == "nhs_trust_outside_wales":
        return _(
            "%(body)s cannot be asked under s.164: it is a trust established in %(nation)s, and "
            'the register reads "NHS trust" in s.164(2)(b) as a trust established in Wales '
            "(the Act's definition, s.197(1), is still to be confirmed).",
            nation=nation,
            **names,
        )
    if refusal == "foundation_trust":
        return _(
            "%(body)s cannot be asked under s.164. An NHS foundation trust is not an NHS trust "
            "under s.164(2)(b).",
            **names,
        )
    return None


def _who_can_be_asked(council: Organisation, locale: str) -> str:
    kinds = "; ".join(
        _lower_first(f"{entry.label(locale)} ({entry.citation_for(locale)})") for entry in S164_WHO
    )
    return _(
        "Who %(council)s can ask instead: %(kinds)s.",
        council=council.display_name(locale),
        kinds=kinds,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# ----------------------------------------------------------------- naming one body


MAX_BODY_EXAMPLES = 5
MAX_SUGGESTIONS = 10


def active_bodies() -> sa.Select:
    """Every active organisation in the register, as a select to narrow further."""
    return sa.select(Organisation).where(Organisation.is_active)


def _matching(among: sa.Select, term: str) -> sa.Select:
    return among.where(
        sa.or_(
            Organisation.search_text.contains(term, autoescape=True),
            Organisation.code.contains(term, autoescape=True),
        )
    )


def find_body(text: str | None, among: sa.Select, *, field: str) -> Organisation | None:
    """The one body `text` names among `among` (a select of organisations): by its code, its
    name in English or Welsh, or a part of its name that no other body has. None for no text;
    InvalidInput on `field` when no body or several match, naming some of them."""
    term = fold(text or "")[:MAX_SEARCH_LENGTH]
    if not term:
        return None
    exact = db.session.scalars(
        among.where(
            sa.or_(
                Organisation.code == term,
                Organisation.search_text.startswith(term + " | ", autoescape=True),
                Organisation.search_text.endswith(" | " + term, autoescape=True),
            )
        )
        .order_by(*by_name())
        .limit(2)
    ).all()
    if len(exact) == 1:
        return exact[0]
    found = (
        exact
        or db.session.scalars(
            _matching(among, term).order_by(*by_name()).limit(MAX_BODY_EXAMPLES + 1)
        ).all()
    )
    if len(found) == 1:
        return found[0]
    shown = (text or "").strip()[:MAX_SEARCH_LENGTH]
    if not found:
        raise InvalidInput(
            _(
                "No body in the register matches “%(text)s”. Check the spelling, or enter "
                "the body’s code.",
                text=shown,
            ),
            field=field,
        )
    locale = current_locale()
    names = ", ".join(o.display_name(locale) for o in found[:MAX_BODY_EXAMPLES])
    raise InvalidInput(
        _(
            "More than one body matches “%(text)s” (%(names)s): enter more of the name, or "
            "the body’s code.",
            text=shown,
            names=names + ("…" if len(found) > MAX_BODY_EXAMPLES else ""),
        ),
        field=field,
    )


def suggest_bodies(text: str | None, among: sa.Select | None = None) -> list[Organisation]:
    """The first bodies whose name or code contains `text`, names starting with it first:
    the suggestions offered as someone types a body's name."""
    term = fold(text or "")[:MAX_SEARCH_LENGTH]
    if len(term) < 2:
        return []
    among = among if among is not None else active_bodies()
    # A name in either language that starts with the text comes first.
    starts_cy = Organisation.search_text.contains(" | " + term, autoescape=True)
    starts = sa.case(
        (sa.or_(Organisation.search_text.startswith(term, autoescape=True), starts_cy), 0),
        else_=1,
    )
    return list(
        db.session.scalars(
            _matching(among, term).order_by(starts, *by_name()).limit(MAX_SUGGESTIONS)
        )
    )
