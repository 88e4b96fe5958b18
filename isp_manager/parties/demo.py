"""Demo organisations: youth offending teams, probation delivery units, schools, surgeries,
care homes, charities and other bodies around the Welsh reference bodies.

Every demo code starts with "demo-". The fixed bodies (youth offending teams, probation,
fire and rescue, colleges, all-Wales bodies and charities) are written at every scale; the
local ones (schools, surgeries, care homes, charities, youth projects, housing) fill the
scale's total, spread over the councils by population.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import sqlalchemy as sa

from ..demo_data import DemoContext, insert_audit_events, insert_rows
from ..law.lawful_basis import is_public_authority_by_default
from .demo_catalogue import (
    ALL_WALES_BODIES,
    AREAS,
    BORDER_BODIES,
    CHARITY_PATTERNS,
    COLLEGES,
    FIRST_NAMES,
    LAST_NAMES,
    LOCAL_FAMILIES,
    LOCALITY_FIRST,
    LOCALITY_SECOND,
    NATIONAL_CHARITIES,
    PROBATION_UNITS,
    SAINTS,
    SCHOOL_TYPES,
)
from .models import Nation, Organisation, OrgKind, organisation_areas
from .search import name_keys


def _lower_article(name: str | None) -> str | None:
    """Welsh writes the article in lower case inside a name: "Ysgol Gymraeg y Barri"."""
    return re.sub(r"(?<=\S) (Y|Yr) ", lambda m: f" {m.group(1).lower()} ", name) if name else name


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def short_council_names(name: str, name_cy: str | None) -> tuple[str, str]:
    """ "Cardiff Council" -> "Cardiff"; "Cyngor Sir Gâr" -> "Sir Gâr"."""
    en = re.sub(r"\s+(County Borough|County|City)?\s*Council$", "", name).removeprefix("Isle of ")
    cy = re.sub(r"^Cyngor\s+(Bwrdeistref Sirol|Dinas)?\s*", "", name_cy or en)
    return en, cy


class _Builder:
    """Collects organisation rows and their areas before the bulk insert."""

    def __init__(self, ctx: DemoContext, councils: dict[str, dict]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.councils = councils
        self.rows: list[dict] = []
        self.areas: list[list[str]] = []
        self.names_by_council: dict[str, set[str]] = {}
        self.regions = _health_board_regions(ctx, councils)

    def add(
        self,
        code,
        name,
        name_cy,
        kind,
        areas,
        *,
        all_wales=False,
        s28=None,
        rp=None,
        notes=None,
        nation=Nation.WALES,
    ):
        rng = self.rng
        name, name_cy = _lower_article(name), _lower_article(name_cy)
        name_cy = name_cy if name_cy != name else None
        created = self.ctx.now - timedelta(days=rng.uniform(1, 540))
        domain = f"{slug(name)[:40]}.example"
        dpo = self._person() if rng.random() < 0.7 else None
        lead = self._person() if rng.random() < 0.7 else None
        # Most public bodies have signed the Accord; fewer schools, surgeries and charities.
        public = is_public_authority_by_default(str(kind))
        signed = self._waspi_date() if rng.random() < (0.75 if public else 0.35) else None
        signatory = self._person() if signed and rng.random() < 0.9 else None
        self.rows.append(
            {
                "code": code,
                "name": name,
                "name_cy": name_cy,
                **name_keys(name, name_cy),
                "kind": kind,
                "nation": nation,
                "ons_code": None,
                "s28_category": s28,
                "relevant_partner_category": rp,
                "covers_all_wales": all_wales,
                "is_public_authority": is_public_authority_by_default(str(kind)),
                "ico_registration": f"Z{rng.randrange(1_000_000, 9_999_999)}"
                if rng.random() < 0.85
                else None,
                "dpo_name": dpo,
                "dpo_email": f"dpo@{domain}" if dpo else None,
                "ig_lead_name": lead,
                "ig_lead_email": f"{slug(lead)}@{domain}" if lead else None,
                "waspi_signed_on": signed,
                "waspi_designated_person": self._person() if signed else None,
                "waspi_declaration_signed_by": signatory,
                "waspi_declaration_signatory_role": _signatory_role(kind) if signatory else None,
                "notes": notes,
                "is_active": rng.random() > 0.02,
                "created_at": created,
                "updated_at": created,
            }
        )
        self.areas.append(list(areas))

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _waspi_date(self) -> date:
        start = date(2012, 1, 1)
        return start + timedelta(days=self.rng.randrange((self.ctx.now.date() - start).days))

    # ---------------------------------------------------------------- fixed bodies

    def fixed_bodies(self) -> None:
        for suffix, en, cy, councils in PROBATION_UNITS:
            self.add(
                f"demo-probation-{suffix}",
                f"Probation Service Wales: {en} Probation Delivery Unit",
                f"Gwasanaeth Prawf Cymru: Uned Cyflawni Prawf {cy}",
                OrgKind.PROBATION_PROVIDER,
                councils,
                rp="rp-d",
                notes="Probation services provider (Offender Management Act 2007, s.3(2))",
            )
        for suffix, en, kind, nation, councils in BORDER_BODIES:
            self.add(f"demo-{suffix}", en, None, OrgKind(kind), councils, nation=Nation(nation))
        for suffix, en, cy, councils in COLLEGES:
            self.add(
                f"demo-college-{suffix}",
                en,
                cy,
                OrgKind.OTHER,
                councils,
                notes="Further education college",
            )
        for suffix, en, cy in ALL_WALES_BODIES:
            self.add(f"demo-body-{suffix}", en, cy, OrgKind.OTHER, [], all_wales=True)
        for suffix, en, cy in NATIONAL_CHARITIES:
            self.add(f"demo-charity-{suffix}", en, cy, OrgKind.CHARITY, [], all_wales=True)

    # ---------------------------------------------------------------- local bodies

    def local_bodies(self, total: int) -> None:
        if total <= 0:
            return
        weights = [share for _, share in LOCAL_FAMILIES]
        counts = [int(total * w / sum(weights)) for w in weights]
        counts[0] += total - sum(counts)
        council_codes = list(self.councils)
        populations = [AREAS[c].population for c in council_codes]
        for (family, _), n in zip(LOCAL_FAMILIES, counts, strict=True):
            make = getattr(self, f"_{family}")
            for i, council in enumerate(self.rng.choices(council_codes, populations, k=n), start=1):
                make(f"demo-{family}-{council.removeprefix('la-')}-{i:05d}", council)

    def _place(self, council: str, locality_share: float = 0.6) -> tuple[str, str]:
        if self.rng.random() < locality_share:
            first, second = self.rng.choice(LOCALITY_FIRST), self.rng.choice(LOCALITY_SECOND)
            name = first + second if first.endswith("-") else f"{first} {second.capitalize()}"
            return name, name
        return self.rng.choice(AREAS[council].places)

    def _unique(self, council: str, make) -> tuple[str, str, bool]:
        """A (name, name_cy, welsh_medium) not already used in this council area."""
        used = self.names_by_council.setdefault(council, set())
        for _ in range(8):
            en, cy, welsh = make()
            if en not in used:
                break
        else:
            town, _town_cy = self.rng.choice(AREAS[council].places)
            en, cy = f"{en}, {town}", f"{cy}, {_town_cy}"
        used.add(en)
        return en, cy, welsh

    def _school(self, code: str, council: str) -> None:
        def make():
            kind = self.rng.choices([t for t, _ in SCHOOL_TYPES], [w for _, w in SCHOOL_TYPES])[0]
            welsh = self.rng.random() < AREAS[council].welsh_medium
            loc, loc_cy = self._place(council)
            if kind == "faith":
                saint, saint_cy = self.rng.choice(SAINTS)
                if self.rng.random() < 0.5:
                    return f"{saint} RC Primary School", f"Ysgol Gynradd Gatholig {saint_cy}", False
                return (
                    f"{saint} Church in Wales Primary School",
                    f"Ysgol Gynradd yr Eglwys yng Nghymru {saint_cy}",
                    False,
                )
            if welsh:
                cy = {
                    "primary": f"Ysgol Gymraeg {loc_cy}",
                    "secondary": f"Ysgol Gyfun {loc_cy}",
                    "infant": f"Ysgol Fabanod {loc_cy}",
                    "junior": f"Ysgol Iau {loc_cy}",
                    "special": f"Ysgol Arbennig {loc_cy}",
                }[kind]
                return cy, cy, True
            en = {
                "primary": f"{loc} Primary School",
                "secondary": f"{loc} {self.rng.choice(['High', 'Comprehensive'])} School",
                "infant": f"{loc} Infants School",
                "junior": f"{loc} Junior School",
                "special": f"{loc} Special School",
            }[kind]
            cy = {
                "primary": f"Ysgol Gynradd {loc_cy}",
                "secondary": f"Ysgol Uwchradd {loc_cy}",
                "infant": f"Ysgol Fabanod {loc_cy}",
                "junior": f"Ysgol Iau {loc_cy}",
                "special": f"Ysgol Arbennig {loc_cy}",
            }[kind]
            return en, cy, False

        en, cy, welsh = self._unique(council, make)
        self.add(
            code,
            en,
            cy,
            OrgKind.SCHOOL,
            [council],
            notes="School (Welsh-medium)" if welsh else "School",
        )

    def _gp(self, code: str, council: str) -> None:
        def make():
            loc, loc_cy = self._place(council, 0.5)
            en, cy = self.rng.choice(
                [
                    (f"{loc} Surgery", f"Meddygfa {loc_cy}"),
                    (f"{loc} Medical Centre", f"Canolfan Feddygol {loc_cy}"),
                    (f"{loc} Health Centre", f"Canolfan Iechyd {loc_cy}"),
                    (f"{loc} Medical Practice", f"Practis Meddygol {loc_cy}"),
                ]
            )
            return en, cy, False

        en, cy, _ = self._unique(council, make)
        self.add(code, en, cy, OrgKind.OTHER, [council], notes="GP practice")

    def _care(self, code: str, council: str) -> None:
        def make():
            loc, loc_cy = self._place(council, 0.8)
            en, cy = self.rng.choice(
                [
                    (f"{loc} Care Home", f"Cartref Gofal {loc_cy}"),
                    (f"Plas {loc} Nursing Home", f"Cartref Nyrsio Plas {loc_cy}"),
                    (f"{loc} Children's Home", f"Cartref Plant {loc_cy}"),
                ]
            )
            return en, cy, False

        en, cy, _ = self._unique(council, make)
        self.add(code, en, cy, OrgKind.OTHER, [council], notes="Care home")

    def _charity(self, code: str, council: str) -> None:
        def make():
            town, town_cy = self.rng.choice(AREAS[council].places)
            loc, _ = self._place(council, 1.0)
            en, cy = self.rng.choice(CHARITY_PATTERNS)
            values = {"town": town, "town_cy": town_cy, "loc": loc}
            return en.format(**values), cy.format(**values), False

        en, cy, _ = self._unique(council, make)
        areas = [council]
        if self.rng.random() < 0.15:  # some work across the neighbouring councils of their region
            region = self.regions.get(council, [])
            areas += self.rng.sample(
                [c for c in region if c != council], min(2, max(0, len(region) - 1))
            )
        self.add(code, en, cy, OrgKind.CHARITY, areas)

    def _youth(self, code: str, council: str) -> None:
        def make():
            town, town_cy = self._place(council, 0.4)
            return self.rng.choice(
                [
                    (f"{town} Youth Project", f"Prosiect Ieuenctid {town_cy}", False),
                    (f"{town} Youth Centre", f"Canolfan Ieuenctid {town_cy}", False),
                    (
                        f"{town} Detached Youth Work",
                        f"Gwaith Ieuenctid Datgysylltiedig {town_cy}",
                        False,
                    ),
                ]
            )

        en, cy, _ = self._unique(council, make)
        self.add(
            code,
            en,
            cy,
            OrgKind.YOUTH_SUPPORT_SERVICE,
            [council],
            s28="s28-l",
            notes="Youth support services under arrangements with the council",
        )

    def _housing(self, code: str, council: str) -> None:
        def make():
            town, town_cy = self._place(council, 0.3)
            return self.rng.choice(
                [
                    (f"{town} Housing Association", f"Cymdeithas Tai {town_cy}", False),
                    (f"{town} Supported Housing", f"Tai â Chymorth {town_cy}", False),
                ]
            )

        en, cy, _ = self._unique(council, make)
        self.add(code, en, cy, OrgKind.OTHER, [council], notes="Housing association")


_SIGNATORY_ROLES = {
    OrgKind.SCHOOL: "Headteacher",
    OrgKind.CHIEF_OFFICER_OF_POLICE: "Chief Constable",
    OrgKind.LOCAL_POLICING_BODY: "Police and Crime Commissioner",
    OrgKind.FIRE_AND_RESCUE_AUTHORITY: "Chief Fire Officer",
    OrgKind.YOUTH_OFFENDING_TEAM: "Head of Service",
    OrgKind.PROBATION_PROVIDER: "Regional Probation Director",
}


def _signatory_role(kind: OrgKind) -> str:
    """Who usually signs the Declaration of Acceptance and Participation for this kind."""
    return _SIGNATORY_ROLES.get(kind, "Chief Executive")


def _load_existing(ctx: DemoContext) -> dict[str, dict]:
    """Every organisation already on the register into ctx.organisations; returns the councils."""
    orgs = Organisation.__table__
    areas = organisation_areas
    area_map: dict[int, list[int]] = {}
    for org_id, council_id in ctx.conn.execute(
        sa.select(areas.c.organisation_id, areas.c.council_id)
    ):
        area_map.setdefault(org_id, []).append(council_id)
    columns = (
        orgs.c.id,
        orgs.c.code,
        orgs.c.name,
        orgs.c.name_cy,
        orgs.c.kind,
        orgs.c.covers_all_wales,
        orgs.c.is_active,
        orgs.c.relevant_partner_category,
    )
    councils = {}
    for row in ctx.conn.execute(sa.select(*columns).order_by(orgs.c.id)).mappings():
        info = _info(dict(row), area_map.get(row["id"], []))
        ctx.organisations[row["id"]] = info
        if row["kind"] == OrgKind.LOCAL_AUTHORITY:
            councils[row["code"]] = info
    return councils


def _info(row: dict, council_ids: list[int]) -> dict:
    return {
        **row,
        "kind": OrgKind(row["kind"]),
        "council_ids": council_ids,
        "domain": f"{slug(row['name'])[:40]}.example",
        "is_demo": row["code"].startswith("demo-"),
    }


def generate(ctx: DemoContext) -> None:
    """Write the demo organisations and their areas; fills ctx.organisations."""
    councils = _load_existing(ctx)
    missing = sorted(set(AREAS) - set(councils))
    if missing:
        raise RuntimeError(f"reference councils missing: {', '.join(missing)}")
    builder = _Builder(ctx, councils)
    builder.fixed_bodies()
    builder.local_bodies(ctx.scale.organisations - len(ctx.organisations) - len(builder.rows))
    table = Organisation.__table__
    ids = insert_rows(ctx.conn, table, builder.rows, with_ids=True)
    council_id = {code: info["id"] for code, info in councils.items()}
    insert_rows(
        ctx.conn,
        organisation_areas,
        (
            {"organisation_id": org_id, "council_id": council_id[c]}
            for org_id, area_codes in zip(ids, builder.areas, strict=True)
            for c in area_codes
        ),
    )
    events = []
    for org_id, row, area_codes in zip(ids, builder.rows, builder.areas, strict=True):
        ctx.organisations[org_id] = _info(
            {**row, "id": org_id}, [council_id[c] for c in area_codes]
        )
        events.append(
            (
                "organisation.created",
                "organisations",
                org_id,
                row["created_at"],
                {"code": row["code"], "name": row["name"], "kind": row["kind"].value},
            )
        )
    insert_audit_events(ctx, events)
    ctx.count("demo organisations", len(ids))


def _health_board_regions(ctx: DemoContext, councils: dict[str, dict]) -> dict[str, list[str]]:
    """council code -> the councils of its health board's area (the usual regional footprint)."""
    code_by_id = {info["id"]: code for code, info in councils.items()}
    regions: dict[str, list[str]] = {}
    for info in ctx.organisations.values():
        if info["kind"] == OrgKind.LOCAL_HEALTH_BOARD:
            members = [code_by_id[i] for i in info["council_ids"] if i in code_by_id]
            for code in members:
                regions[code] = members
    return regions
