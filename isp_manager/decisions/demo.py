"""Demo share / not-share decision records.

Practitioners and IG leads of councils, health boards, police forces and the other bodies with
staff record decisions over the last two years; Cardiff Council (the demo IG lead's
organisation) holds a large part of them, so its register is the one that grows with the
scale. Each decision is one of a few complete, lawful shapes (the service's own rules would
accept every one: tests/test_demo_data.py checks); some have an amendment with its reason.
Recorded and amended decisions are in the audit log, as the services would have written them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import Role
from ..demo_data import DemoContext, insert_audit_events, insert_rows, save_reference_numbers
from ..lifecycle.models import ReferenceSequence
from ..parties.models import OrgKind
from ..teams.models import Team, team_members
from .models import (
    ConsentOutcome,
    Decision,
    DecisionAmendment,
    DecisionOutcome,
    DecisionState,
    decision_recipients,
)

PREFIX = Decision.REFERENCE_PREFIX
HISTORY_DAYS = 730
CHUNK = 5000
BUSIEST = "la-cardiff"
TEAMS = ("Youth offending team", "Safeguarding hub", "Children's services", "Early help")
AMENDED_SHARE = 0.06
AUTHORS = (Role.PRACTITIONER, Role.IG_LEAD)
DECIDING_KINDS = (
    OrgKind.LOCAL_AUTHORITY,
    OrgKind.LOCAL_HEALTH_BOARD,
    OrgKind.CHIEF_OFFICER_OF_POLICE,
    OrgKind.NHS_TRUST,
    OrgKind.YOUTH_OFFENDING_TEAM,
    OrgKind.SCHOOL,
)
RECIPIENT_KINDS = (
    OrgKind.LOCAL_AUTHORITY,
    OrgKind.LOCAL_HEALTH_BOARD,
    OrgKind.CHIEF_OFFICER_OF_POLICE,
    OrgKind.NHS_TRUST,
    OrgKind.YOUTH_OFFENDING_TEAM,
)

PRINCIPLES = {
    "necessary": "Only what the recipient needs to keep the child safe, nothing more.",
    "relevant": "All of it is about the risk to the child.",
    "adequate": "Enough for the recipient to understand the concern and act on it.",
    "accurate": "Checked against the case record; opinions are marked as such.",
    "timely": "Shared before the strategy discussion.",
    "secure": "Sent by secure e-mail to a named person.",
}
PURPOSES = (
    "To let the recipient take part in a strategy discussion about the child.",
    "To help the recipient assess the risk to the child at home.",
    "To plan a joint visit to the family with the recipient.",
    "To make sure the child's school knows about the safety plan.",
)
DESCRIPTIONS = (
    "Dates of recent home visits and the social worker's notes of them.",
    "A summary of incidents reported at the address in the last year.",
    "The child protection plan and the names of the core group.",
    "Attendance records and the designated safeguarding lead's concerns.",
)
SHARE_REASONS = (
    "The child is at risk of harm and the recipient needs to know to protect them.",
    "Sharing lets the agencies co-ordinate their work and avoid missing a risk.",
    "The recipient cannot plan its part of the safety plan without this information.",
)
NOT_SHARE_REASONS = (
    "The request did not show why the recipient needs the information to keep the child safe.",
    "The information asked for is not relevant to the concern and sharing it would be unfair.",
    "A summary was enough; the full records would be more than the recipient needs.",
)
HOW = (
    "Secure e-mail to the named recipient's work address.",
    "Read out at the strategy discussion and confirmed by secure e-mail.",
    "Secure file transfer to the recipient's safeguarding team.",
)
AMENDMENTS = (
    ("shared_how", "Secure e-mail (Egress) to the named recipient's work address.",
     "The practitioner confirmed the e-mail went through Egress."),
    ("decision_reasons", "The child is at risk of harm; the recipient needs the information "
     "to plan a protective response with us.", "The reasons were recorded too briefly."),
)  # fmt: skip


def _shape(rng, kind: str) -> dict:
    """The answers of one decision of a kind: a lawful share under public task with the
    safeguarding condition, a share on explicit consent, or a decision not to share."""
    common = {
        "immediate_risk": rng.random() < 0.05,
        "purpose": rng.choice(PURPOSES),
        "information_description": rng.choice(DESCRIPTIONS),
        "includes_fact": True,
        "includes_opinion": rng.random() < 0.6,
        "includes_historical": rng.random() < 0.2,
        "is_special_category": False,
        "is_criminal_offence": False,
        "advice_sought": rng.random() < 0.4,
    }
    if common["advice_sought"]:
        common |= {"advice_from": "Our information governance lead",
                   "advice_identified_individual": False}  # fmt: skip
    told = rng.random() < 0.5
    common |= {"individual_told": told, "individual_not_told_reason": None if told else
               "Telling the family would put the child at greater risk."}  # fmt: skip
    if kind == "not_share":
        consent = rng.choice((ConsentOutcome.REFUSED, ConsentOutcome.NOT_SOUGHT))
        return common | {
            "decision": DecisionOutcome.NOT_SHARE,
            "decision_reasons": rng.choice(NOT_SHARE_REASONS),
            "consent_outcome": consent,
            "consent_not_sought_reason": "It was clear from the start that we would not share."
            if consent == ConsentOutcome.NOT_SOUGHT
            else None,
        }
    share = (
        common
        | PRINCIPLES
        | {
            "decision": DecisionOutcome.SHARE,
            "decision_reasons": rng.choice(SHARE_REASONS),
            "shared_what": "The information described, and nothing else.",
            "shared_how": rng.choice(HOW),
            "recipient_roles": "Named safeguarding lead",
        }
    )
    if kind == "consent":
        return share | {"consent_outcome": ConsentOutcome.GIVEN_EXPLICITLY, "article6": "art6-1-a"}
    return share | {
        "consent_outcome": ConsentOutcome.NOT_SOUGHT,
        "consent_not_sought_reason": "Seeking consent would alert the adult suspected of harm.",
        "article6": "art6-1-e",
        "is_special_category": True,
        "article9": "art9-2-g",
        "schedule1": "sch1-p2-para18",
        "para18_reason": rng.choice(("para18-2-b", "para18-2-c")),
        "policy_document_ref": "APD-2026",
    }


class _Decisions:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.today = ctx.now.date()
        self.staff: dict[int, list[dict]] = {}
        for user in ctx.users:
            if user["is_active"] and user["role"] in AUTHORS:
                self.staff.setdefault(user["organisation_id"], []).append(user)
        orgs = ctx.organisations.values()
        self.deciding = [
            o["id"] for o in orgs if o["kind"] in DECIDING_KINDS and o["id"] in self.staff
        ]
        self.recipients = [o["id"] for o in orgs if o["is_active"] and o["kind"] in RECIPIENT_KINDS]
        self.busiest = next((o["id"] for o in orgs if o["code"] == BUSIEST), None)
        self.numbers = {row.year: row.last_number for row in ctx.conn.execute(
            sa.select(ReferenceSequence.__table__).where(ReferenceSequence.__table__.c.prefix == PREFIX))}  # fmt: skip
        self.columns = [c.name for c in Decision.__table__.columns if c.name != "id"]
        self.team_of = self._teams()

    def _teams(self) -> dict[int, int]:
        """The busiest organisation's teams, each of its staff in one: {user id: team id}."""
        staff = self.staff.get(self.busiest) or []
        if not staff:
            return {}
        now = self.ctx.now
        ids = insert_rows(
            self.ctx.conn,
            Team.__table__,
            (
                {
                    "organisation_id": self.busiest,
                    "name": name,
                    "created_at": now,
                    "updated_at": now,
                }
                for name in TEAMS
            ),
            with_ids=True,
        )
        team_of = {user["id"]: ids[i % len(ids)] for i, user in enumerate(staff)}
        insert_rows(
            self.ctx.conn,
            team_members,
            ({"team_id": t, "user_id": u} for u, t in team_of.items()),
        )
        self.ctx.count("teams", len(ids))
        return team_of

    def _reference(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"{PREFIX}-{year}-{self.numbers[year]:06d}"

    def _organisation(self) -> int:
        if (
            self.busiest in self.staff
            and self.rng.random() < self.ctx.scale.busiest_decisions_share
        ):
            return self.busiest
        return self.rng.choice(self.deciding)

    def make(self, decided_on: date) -> tuple[dict, list[int], dict | None]:
        """A recorded decision row, its recipients' ids and its amendment (or None)."""
        rng = self.rng
        org_id = self._organisation()
        author = rng.choice(self.staff[org_id])
        kind = rng.choices(("public_task", "consent", "not_share"), (0.6, 0.1, 0.3))[0]
        answers = _shape(rng, kind)
        at = min(
            datetime.combine(decided_on, time(9), tzinfo=UTC)
            + timedelta(minutes=rng.uniform(0, 480)),
            self.ctx.now,
        )
        shared = answers["decision"] == DecisionOutcome.SHARE
        row = dict.fromkeys(self.columns) | answers | {
            "reference": self._reference(decided_on.year), "state": DecisionState.RECORDED,
            "organisation_id": org_id, "created_by_id": author["id"],
            "team_id": self.team_of.get(author["id"]),
            "subject_reference": f"CS-{decided_on.year}-{rng.randrange(10_000, 99_999)}"
            if rng.random() < 0.8 else None,
            "shared_on": decided_on if shared else None,
            "decided_by_name": author["name"], "decided_by_role": author["role"].value,
            "decided_on": decided_on, "recorded_at": at,
            "created_at": at - timedelta(minutes=rng.uniform(10, 120)), "updated_at": at,
            "current_decision": answers["decision"],
            "current_consent_outcome": answers["consent_outcome"],
            "current_article6": answers.get("article6"),
        }  # fmt: skip
        others = [r for r in self.recipients if r != org_id]
        recipients = rng.sample(others, rng.choice((1, 1, 2))) if shared else []
        amendment = None
        if rng.random() < AMENDED_SHARE:
            amendment = self._amendment(row, author, at)
        return row, recipients, amendment

    def _amendment(self, row: dict, author: dict, at: datetime) -> dict | None:
        field, after, reason = self.rng.choice(AMENDMENTS)
        if row[field] is None:
            return None
        amended_at = min(at + timedelta(days=self.rng.randint(1, 20)), self.ctx.now)
        return {
            "reason": reason, "changes": {field: {"before": row[field], "after": after}},
            "amended_by_id": author["id"], "amended_by_name": author["name"],
            "amended_at": amended_at,
        }  # fmt: skip

    def write(self, days: list[date]) -> None:
        ctx = self.ctx
        made = [self.make(day) for day in days]
        ids = insert_rows(ctx.conn, Decision.__table__, (row for row, _, _ in made), with_ids=True)
        insert_rows(ctx.conn, decision_recipients, (
            {"decision_id": decision_id, "organisation_id": org_id}
            for decision_id, (_, recipients, _) in zip(ids, made, strict=True)
            for org_id in recipients
        ))  # fmt: skip
        amended = [(i, row, a) for i, (row, _, a) in zip(ids, made, strict=True) if a]
        insert_rows(ctx.conn, DecisionAmendment.__table__, (
            {**a, "decision_id": i} for i, _, a in amended
        ))  # fmt: skip
        insert_audit_events(ctx, [
            ("decision.recorded", "decision", i, row["recorded_at"],
             {"state": "recorded", "reference": row["reference"]},
             row["created_by_id"], row["organisation_id"])
            for i, (row, _, _) in zip(ids, made, strict=True)
        ] + [
            ("decision.amended", "decision", i, a["amended_at"],
             {**{k: c["after"] for k, c in a["changes"].items()}, "reason": a["reason"]},
             a["amended_by_id"], row["organisation_id"])
            for i, row, a in amended
        ])  # fmt: skip
        ctx.count("decision records", len(ids))
        ctx.count("decision amendments", len(amended))

    def save_reference_numbers(self) -> None:
        save_reference_numbers(self.ctx, PREFIX, self.numbers)


def generate(ctx: DemoContext) -> None:
    """Write the scale's decision records, their recipients and amendments."""
    decisions = _Decisions(ctx)
    if not decisions.deciding:
        return
    today = ctx.now.date()
    days = sorted(
        today - timedelta(days=int(HISTORY_DAYS * ctx.rng.random() ** 1.3))
        for _ in range(ctx.scale.decisions)
    )
    for start in range(0, len(days), CHUNK):
        decisions.write(days[start : start + CHUNK])
    decisions.save_reference_numbers()
