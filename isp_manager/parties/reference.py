"""Loading the Welsh statutory bodies shipped with the product (parties/data/*.csv), and the
regional WASPI QA groups (qa_groups/data/qa-groups.csv).

Idempotent: a body is matched by its code; a changed row updates it, an unchanged row
changes nothing, and nothing is ever duplicated. Each change writes an audit event.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..audit.services import record_event, snapshot
from ..extensions import db
from ..law.lawful_basis import is_public_authority_by_default
from .models import Nation, Organisation, OrgKind
from .search import search_text_for

REFERENCE_FILE = Path(__file__).parent / "data" / "welsh-public-bodies.csv"
ALL_WALES = "wales"
AUDITED_FIELDS = (
    "code",
    "name",
    "name_cy",
    "kind",
    "nation",
    "ons_code",
    "s28_category",
    "relevant_partner_category",
    "covers_all_wales",
    "is_public_authority",
    "notes",
    "area_codes",
)


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    qa_groups_created: int = 0


def read_reference_rows(path: Path = REFERENCE_FILE) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _audit_view(org: Organisation) -> dict:
    data = snapshot(org, AUDITED_FIELDS[:-1])
    data["area_codes"] = sorted(a.code for a in org.areas)
    return data


def seed_reference(path: Path = REFERENCE_FILE) -> SeedResult:
    """Create or update every body in the reference file. The caller commits."""
    rows = read_reference_rows(path)
    existing = {
        o.code: o
        for o in db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.code.in_([r["code"] for r in rows]))
            .options(sa.orm.selectinload(Organisation.areas))
        )
    }
    result = SeedResult()
    # Councils first, so that every other body's areas can point at them.
    rows.sort(key=lambda r: r["kind"] != OrgKind.LOCAL_AUTHORITY.value)
    for row in rows:
        org = existing.get(row["code"])
        before = _audit_view(org) if org is not None else None
        if org is None:
            org = Organisation(code=row["code"])
            db.session.add(org)
            existing[row["code"]] = org
        _apply_row(org, row, existing)
        after = _audit_view(org)
        if before is None:
            result.created += 1
            record_event("organisation.created", org, after=after)
        elif before != after:
            result.updated += 1
            changed = [k for k in after if before.get(k) != after.get(k)]
            record_event(
                "organisation.updated",
                org,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        else:
            result.unchanged += 1
    db.session.flush()
    from ..qa_groups.services import seed_qa_groups  # the regional WASPI QA groups

    result.qa_groups_created = seed_qa_groups()
    return result


def _apply_row(org: Organisation, row: dict, by_code: dict[str, Organisation]) -> None:
    area_field = [a for a in row["areas"].split(";") if a]
    values = {
        "name": row["name"],
        "name_cy": row["name_cy"] or None,
        "kind": OrgKind(row["kind"]),
        # The reference bodies are Welsh unless the file says otherwise.
        "nation": Nation(row.get("nation") or Nation.WALES),
        "ons_code": row["ons_code"] or None,
        "s28_category": row["s28_category"] or None,
        "relevant_partner_category": row["relevant_partner_category"] or None,
        "covers_all_wales": ALL_WALES in area_field,
        "notes": row["notes"] or None,
    }
    for key, value in values.items():
        if getattr(org, key) != value:
            setattr(org, key, value)
    if org.id is None:  # a new body; an administrator's later choice is kept on re-seeding
        org.is_public_authority = is_public_authority_by_default(row["kind"])
    org.search_text = search_text_for(org.name, org.name_cy)
    area_codes = [a for a in area_field if a != ALL_WALES]
    if sorted(a.code for a in org.areas) != sorted(area_codes):
        org.areas = [by_code[c] for c in area_codes]
