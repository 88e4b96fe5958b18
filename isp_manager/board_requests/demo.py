"""Demo s.137 board requests: the six Safeguarding Boards ask health boards, councils,
police forces, schools and others for information over the last two years; the Cardiff and
Vale board (the demo board officer's) makes a large part of them, so its list and figures
grow with the scale. Each request is complete and answered the way the services would record
it (reasons for anything not provided; answers from bodies without users recorded by the
board), numbered before the app's own, and in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import Role
from ..calendar import add_working_days, working_days_between
from ..demo_data import DemoContext, insert_audit_events, insert_rows, save_reference_numbers
from ..lifecycle.models import ReceivedVia, ReferenceSequence, RequestState
from ..parties.models import OrgKind
from .models import BOARD_OUTCOMES, BoardPurpose, BoardRequest

PREFIX = BoardRequest.REFERENCE_PREFIX
SCALE_REQUESTS = {"small": 2_000, "wales": 20_000, "large": 40_000}
HISTORY_DAYS = 730
CHUNK = 5000
BUSIEST = "board-cardiff-and-vale"
BUSIEST_SHARE = 0.4
RESPONSE_DAYS = 20
ASKED_KINDS = (
    OrgKind.LOCAL_AUTHORITY,
    OrgKind.LOCAL_HEALTH_BOARD,
    OrgKind.CHIEF_OFFICER_OF_POLICE,
    OrgKind.NHS_TRUST,
    OrgKind.SCHOOL,
    OrgKind.CHARITY,
    OrgKind.YOUTH_OFFENDING_TEAM,
)
WHY = (
    "Its health visiting and emergency services saw the child several times in the year before "
    "the incident under review.",
    "The school's designated safeguarding lead recorded concerns about the child's attendance "
    "and wellbeing during the period the review covers.",
    "The force attended the family home on several occasions and holds the incident logs the "
    "review needs to understand the timeline.",
)
SPECIFIED = (
    "Records of contact with the family between 1 January and 30 September, with the names "
    "and roles of the staff involved.",
    "Attendance records and safeguarding concerns logged for the child during the last school "
    "year, with any referrals made.",
    "Incident logs and risk assessments for the address during the period under review.",
)
REASONS = (
    "Part of the records were destroyed under the retention schedule before the request "
    "arrived, so only the later records can be provided.",
    "The information is held by a contractor whose contract ended, and it could not be "
    "retrieved in the time available despite several attempts.",
)


class _Requests:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.today = ctx.now.date()
        orgs = list(ctx.organisations.values())
        self.boards = [o["id"] for o in orgs if o["kind"] == OrgKind.SAFEGUARDING_BOARD]
        self.busiest = next((o["id"] for o in orgs if o["code"] == BUSIEST), None)
        self.asked = [o["id"] for o in orgs if o["is_active"] and o["kind"] in ASKED_KINDS]
        self.officers: dict[int, list[dict]] = {}
        self.staff: dict[int, list[dict]] = {}
        for user in ctx.users:
            if not user["is_active"]:
                continue
            if user["role"] == Role.BOARD_OFFICER:
                self.officers.setdefault(user["organisation_id"], []).append(user)
            elif user["role"] != Role.AUDITOR:
                self.staff.setdefault(user["organisation_id"], []).append(user)
        self.boards = [b for b in self.boards if b in self.officers]
        table = ReferenceSequence.__table__
        self.numbers = {row.year: row.last_number for row in ctx.conn.execute(
            sa.select(table).where(table.c.prefix == PREFIX))}  # fmt: skip
        self.columns = [c.name for c in BoardRequest.__table__.columns if c.name != "id"]

    def _reference(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"{PREFIX}-{year}-{self.numbers[year]:06d}"

    def make(self, sent_on) -> dict:
        rng = self.rng
        board = (
            self.busiest
            if self.busiest in self.officers and rng.random() < BUSIEST_SHARE
            else rng.choice(self.boards)
        )
        officer = rng.choice(self.officers[board])
        body = rng.choice(self.asked)
        provide_to = None
        if rng.random() < 0.1:
            provide_to = rng.choice([a for a in self.asked[:50] if a != body] or [None])
        due = add_working_days(sent_on, RESPONSE_DAYS)[0]
        sent_at = datetime.combine(sent_on, time(10), tzinfo=UTC)
        shape = rng.randrange(len(WHY))
        row = dict.fromkeys(self.columns) | {
            "reference": self._reference(sent_on.year), "requesting_org_id": board,
            "requested_org_id": body, "provide_to_org_id": provide_to,
            "created_by_id": officer["id"], "is_urgent": False, "stopped_working_days": 0,
            "sent_at": sent_at, "sent_on": sent_on, "due_date": due,
            "why_qualifying": WHY[shape], "information_specified": SPECIFIED[shape],
            "relates_to": rng.choice((["s137-a"], ["s137-b"], ["s137-b", "s137-c"])),
            "purpose": rng.choice(list(BoardPurpose)),
            "review_reference": f"CPR-{sent_on.year}-{rng.randrange(1, 40):02d}"
            if rng.random() < 0.6 else None,
            "protective_marking": "OFFICIAL-SENSITIVE", "contact_name": officer["name"],
            "contact_email": officer["email"],
            "created_at": sent_at, "updated_at": sent_at, "state": RequestState.SENT,
        }  # fmt: skip
        if provide_to is None:
            row["provide_to_org_id"] = None
        answer_after = rng.randint(3, 30)
        answered_on = add_working_days(sent_on, answer_after)[0]
        if answered_on < self.today and rng.random() < 0.92:
            self._answer(row, body, officer, answered_on)
        elif rng.random() < 0.03:
            row |= {"state": RequestState.WITHDRAWN, "withdrawn_at": sent_at + timedelta(days=2),
                    "withdrawal_reason": "The review panel no longer needs the information."}  # fmt: skip
        return row

    def _answer(self, row: dict, body: int, officer: dict, answered_on) -> None:
        rng = self.rng
        outcome = rng.choices(BOARD_OUTCOMES, (0.78, 0.15, 0.07))[0]
        at = datetime.combine(answered_on, time(14), tzinfo=UTC)
        staff = self.staff.get(body)
        answerer = rng.choice(staff) if staff else officer
        row |= {
            "state": RequestState.CLOSED if rng.random() < 0.7 else RequestState.ANSWERED,
            "outcome": outcome, "answered_at": at, "answered_on": answered_on,
            "answered_by_id": answerer["id"],
            "working_days_to_answer": working_days_between(row["sent_on"], answered_on),
            "written_reasons": rng.choice(REASONS) if outcome.is_refusal else None,
            "closed_at": at + timedelta(days=3), "updated_at": at,
        }  # fmt: skip
        if row["state"] is RequestState.ANSWERED:
            row["closed_at"] = None
        if not staff:
            row |= {"answered_by_id": None, "answer_recorded_by_id": officer["id"],
                    "answered_by_name": "The head of service",
                    "answer_received_via": rng.choice(list(ReceivedVia))}  # fmt: skip

    def write(self, days) -> None:
        ctx = self.ctx
        rows = [self.make(day) for day in days]
        ids = insert_rows(ctx.conn, BoardRequest.__table__, rows, with_ids=True)
        insert_audit_events(ctx, [
            ("board_request.sent", "board_request", i, row["sent_at"],
             {"state": "sent", "reference": row["reference"]},
             row["created_by_id"], row["requesting_org_id"])
            for i, row in zip(ids, rows, strict=True)
        ])  # fmt: skip
        ctx.count("board requests", len(ids))

    def save_reference_numbers(self) -> None:
        save_reference_numbers(self.ctx, PREFIX, self.numbers)


def generate(ctx: DemoContext) -> None:
    """Write the scale's board requests (20,000 at the all-Wales scale)."""
    requests = _Requests(ctx)
    if not requests.boards or not requests.asked:
        return
    today = ctx.now.date()
    total = SCALE_REQUESTS.get(ctx.scale.name, 2_000)
    days = sorted(
        today - timedelta(days=1 + int(HISTORY_DAYS * ctx.rng.random() ** 1.3))
        for _ in range(total)
    )
    for start in range(0, len(days), CHUNK):
        requests.write(days[start : start + CHUNK])
    requests.save_reference_numbers()
