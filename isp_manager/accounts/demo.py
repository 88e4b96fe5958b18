"""Demo users of every role, spread over the organisations as a real instance would be:
most in councils, health boards and police, fewer in schools and charities.

A handful of named demo accounts (printed by `flask demo-data`) come first; every demo
user shares the one password hashed by the command.
"""

from __future__ import annotations

from datetime import timedelta

from ..demo_data import DemoContext, insert_audit_events, insert_rows
from ..parties.demo import slug
from ..parties.demo_catalogue import FIRST_NAMES, LAST_NAMES
from ..parties.models import OrgKind
from .models import TWO_FACTOR_ROLES, Role, User

DEMO_DOMAIN = "demo.isp-manager.example"

# (role, e-mail local part, organisation code, name, job title)
DEMO_ACCOUNTS = [
    (Role.ADMIN, "admin", "la-cardiff", "Alys Admin", "Service administrator"),
    (
        Role.IG_LEAD,
        "ig-lead.cardiff",
        "la-cardiff",
        "Gwen Morgan",
        "Information Governance Manager",
    ),
    (Role.PRACTITIONER, "practitioner.cardiff", "la-cardiff", "Rhys Evans", "Senior Social Worker"),
    (
        Role.IG_LEAD,
        "ig-lead.gwynedd",
        "la-gwynedd",
        "Elin Hughes",
        "Rheolwr Llywodraethu Gwybodaeth",
    ),
    (
        Role.IG_LEAD,
        "ig-lead.police",
        "police-south-wales",
        "Mark Davies",
        "Information Sharing Manager",
    ),
    (
        Role.IG_LEAD,
        "ig-lead.health",
        "lhb-cardiff-and-vale",
        "Priya Patel",
        "Head of Information Governance",
    ),
    (
        Role.BOARD_OFFICER,
        "board-officer",
        "board-cardiff-and-vale",
        "Siân Lewis",
        "Board Business Manager",
    ),
    (Role.AUDITOR, "auditor", "demo-body-audit-wales", "Owain Price", "Senior Auditor"),
]

JOB_TITLES = {
    Role.ADMIN: ("Service administrator", "Systems Administrator"),
    Role.IG_LEAD: (
        "Information Governance Manager",
        "Data Protection Officer",
        "Information Governance Lead",
        "Head of Information Governance",
        "Rheolwr Llywodraethu Gwybodaeth",
    ),
    Role.BOARD_OFFICER: (
        "Regional Safeguarding Board Business Manager",
        "Board Co-ordinator",
        "Safeguarding Board Development Officer",
    ),
    Role.AUDITOR: ("Internal Auditor", "Senior Auditor", "Information Assurance Officer"),
}
PRACTITIONER_TITLES = {
    OrgKind.LOCAL_AUTHORITY: (
        "Social Worker",
        "Senior Practitioner",
        "Team Manager, Children's Services",
        "Gweithiwr Cymdeithasol",
        "Safeguarding Lead, Education",
    ),
    OrgKind.LOCAL_HEALTH_BOARD: (
        "Named Nurse, Safeguarding Children",
        "Health Visitor",
        "School Nurse",
        "Safeguarding Midwife",
    ),
    OrgKind.CHIEF_OFFICER_OF_POLICE: (
        "Detective Sergeant, Public Protection Unit",
        "Police Constable, MASH",
        "Detective Inspector",
    ),
    OrgKind.SCHOOL: ("Designated Safeguarding Person", "Headteacher", "Pennaeth"),
    OrgKind.YOUTH_OFFENDING_TEAM: ("Youth Justice Officer", "Case Manager"),
    OrgKind.PROBATION_PROVIDER: ("Probation Officer", "Senior Probation Officer"),
    OrgKind.CHARITY: ("Project Worker", "Safeguarding Officer", "Family Support Worker"),
}
# How many users an organisation of each kind tends to have, relative to one another.
KIND_WEIGHTS = {
    OrgKind.LOCAL_AUTHORITY: 60,
    OrgKind.LOCAL_HEALTH_BOARD: 40,
    OrgKind.CHIEF_OFFICER_OF_POLICE: 30,
    OrgKind.NHS_TRUST: 10,
    OrgKind.YOUTH_OFFENDING_TEAM: 6,
    OrgKind.PROBATION_PROVIDER: 6,
    OrgKind.SAFEGUARDING_BOARD: 3,
    OrgKind.SCHOOL: 0.3,
    OrgKind.CHARITY: 0.5,
}
DEFAULT_WEIGHT = 1.0


class _Users:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.rows: list[dict] = []
        self.emails: set[str] = set()

    def add(self, org: dict, role: Role, *, name=None, email=None, title=None, active=True) -> dict:
        rng = self.rng
        if name is None:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if email is None:
            email = self._email(name, org["domain"])
        created = self.ctx.now - timedelta(days=rng.uniform(1, 400))
        recently = rng.random() < 0.75
        row = {
            "email": email,
            "name": name,
            "job_title": title or self._title(role, org["kind"]),
            "organisation_id": org["id"],
            "role": role,
            "password_hash": self.ctx.password_hash,
            "is_active_user": active,
            "must_change_password": False,
            "answers_requests": role == Role.IG_LEAD,
            "last_login_at": self.ctx.now - timedelta(hours=rng.uniform(1, 2000))
            if recently
            else None,
            "session_version": 1,
            "totp_secret": self.ctx.totp_secret_encrypted if role in TWO_FACTOR_ROLES else None,
            "totp_enabled_at": created if role in TWO_FACTOR_ROLES else None,
            "created_at": created,
            "updated_at": created,
        }
        self.emails.add(email)
        self.rows.append(row)
        return row

    def _email(self, name: str, domain: str) -> str:
        first, _, last = name.partition(" ")
        base = f"{slug(first)}.{slug(last)}"
        email, n = f"{base}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domain}"
        return email

    def _title(self, role: Role, kind: OrgKind) -> str:
        if role == Role.PRACTITIONER:
            return self.rng.choice(
                PRACTITIONER_TITLES.get(kind, ("Practitioner", "Safeguarding Officer"))
            )
        return self.rng.choice(JOB_TITLES[role])


def _role_for(org: dict, rng) -> Role:
    if org["kind"] == OrgKind.SAFEGUARDING_BOARD:
        return Role.BOARD_OFFICER
    return Role.IG_LEAD if rng.random() < 0.15 else Role.PRACTITIONER


def generate(ctx: DemoContext) -> None:
    """Write the demo users (the named accounts first); fills ctx.users and ctx.accounts."""
    by_code = {org["code"]: org for org in ctx.organisations.values()}
    users = _Users(ctx)
    for role, local, code, name, title in DEMO_ACCOUNTS:
        org = by_code[code]
        users.add(org, role, name=name, email=f"{local}@{DEMO_DOMAIN}", title=title)
        ctx.accounts.append((role.label, f"{local}@{DEMO_DOMAIN}", org["name"]))
    _core_users(ctx, users)
    _spread_users(ctx, users, ctx.scale.users - len(users.rows))
    table = User.__table__
    ids = insert_rows(ctx.conn, table, users.rows, with_ids=True)
    events = []
    for user_id, row in zip(ids, users.rows, strict=True):
        ctx.users.append(
            {
                "id": user_id,
                "organisation_id": row["organisation_id"],
                "role": row["role"],
                "name": row["name"],
                "email": row["email"],
                "is_active": row["is_active_user"],
            }
        )
        events.append(
            (
                "user.created",
                "users",
                user_id,
                row["created_at"],
                {"email": row["email"], "role": row["role"].value},
            )
        )
    insert_audit_events(ctx, events)
    ctx.count("demo users", len(ids))


def _core_users(ctx: DemoContext, users: _Users) -> None:
    """Every statutory body gets its IG leads (councils two), every board an officer;
    a few more administrators and auditors."""
    rng = ctx.rng
    statutory = [
        o
        for o in ctx.organisations.values()
        if not o["is_demo"]
        or o["kind"] in (OrgKind.YOUTH_OFFENDING_TEAM, OrgKind.PROBATION_PROVIDER)
    ]
    for org in statutory:
        if org["kind"] == OrgKind.SAFEGUARDING_BOARD:
            users.add(org, Role.BOARD_OFFICER)
        else:
            for _ in range(2 if org["kind"] == OrgKind.LOCAL_AUTHORITY else 1):
                users.add(org, Role.IG_LEAD)
    councils = [o for o in statutory if o["kind"] == OrgKind.LOCAL_AUTHORITY]
    for org in rng.sample(councils, 3):
        users.add(org, Role.ADMIN)
    for _ in range(max(2, ctx.scale.users // 500)):
        users.add(rng.choice(statutory), Role.AUDITOR)


def _spread_users(ctx: DemoContext, users: _Users, n: int) -> None:
    if n <= 0:
        return
    rng = ctx.rng
    orgs = list(ctx.organisations.values())
    weights = [KIND_WEIGHTS.get(o["kind"], DEFAULT_WEIGHT) for o in orgs]
    for org in rng.choices(orgs, weights, k=n):
        users.add(org, _role_for(org, rng), active=rng.random() > 0.03)
