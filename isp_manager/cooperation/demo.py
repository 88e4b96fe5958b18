"""Demo s.164 requests between councils and the bodies they may ask.

Pairs follow the law (law.rules.s164_basis: relevant partners, other councils, health boards
and NHS trusts, youth offending teams of the area); busier councils ask more. Requests were
sent over the last two years on working days; their state follows from their age: old ones
answered and mostly closed, recent ones sent, acknowledged or awaiting clarification, a few
overdue, some drafts and withdrawals. Due dates are the service's own (working days in
Wales); answers carry outcomes, grounds, written reasons and what was provided. Each step is
on the request's timeline and in the audit log, as the services would have written it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

import sqlalchemy as sa

from ..accounts.models import Role
from ..calendar import due_date as working_due_date
from ..calendar import is_working_day
from ..demo_data import DemoContext, insert_audit_events, insert_rows, save_reference_numbers
from ..law.rules import BodyFacts, relevant_partner_category, relevant_partner_reason, s164_basis
from ..lifecycle.models import (
    REQUESTED_SIDE,
    REQUESTER_SIDE,
    ExtensionState,
    InformationNature,
    Outcome,
    ReferenceSequence,
    RequestState,
    TimelineEventType,
)
from ..parties.demo_catalogue import AREAS
from ..parties.models import OrgKind
from .kind import S164
from .models import (
    CooperationEvent,
    CooperationExtension,
    CooperationRequest,
    ProvidedItem,
    RequestType,
)

CHUNK = 5000
HISTORY_DAYS = 730
RESPONSE_DAYS = 10  # the configured default for both request types
URGENT_DAYS = 3

# How much of a council's asking goes to each kind of body (shared among the bodies of a kind).
# fmt: off
KIND_SHARES = {
    OrgKind.CHIEF_OFFICER_OF_POLICE: 26, OrgKind.LOCAL_HEALTH_BOARD: 24, OrgKind.YOUTH_OFFENDING_TEAM: 14,
    OrgKind.LOCAL_AUTHORITY: 12, OrgKind.PROBATION_PROVIDER: 9, OrgKind.NHS_TRUST: 9,
    OrgKind.LOCAL_POLICING_BODY: 2, OrgKind.SECRETARY_OF_STATE_OFFENDER_MANAGEMENT: 3,
    OrgKind.WELSH_MINISTERS: 1,
}
# What a request to a relevant partner limited to some functions says it concerns.
LIMITED_FUNCTION_SAID = {
    "rp-c": "Offender management (OMA 2007 s.3): the parent's licence conditions",
    "rp-g": "Learning and skills (LSA 2000 Part 2): the young person's post-16 provision",
}
# What a request for "another social services function" says it is for.
OTHER_FUNCTIONS = ("Support for carers (Part 3 carer's assessment)", "Direct payments review",
                   "Adoption support services", "Preparing a care leaver's pathway plan")  # fmt: skip
FUNCTIONS = (("ssf-safeguarding", 45), ("ssf-assessment", 25), ("ssf-care-support", 15),
             ("ssf-looked-after", 10), ("ssf-other", 5))
DETAILS = (
    "Please share any information you hold about the household at the address given by secure e-mail, "
    "including contact with your service in the last 12 months.",
    "We are making enquiries under section 47 of the Children Act 1989. Please tell us about any incidents "
    "involving the household in the last two years and any risk assessments you hold.",
    "Please provide the health visiting and school nursing records relevant to safeguarding, for the initial "
    "child protection conference.",
    "Please confirm whether the young person is known to your service and share the current intervention plan "
    "and risk assessment.",
    "We ask for your co-operation in a strategy discussion and in sharing your assessment of risk to the adult.",
    "Please share school attendance, exclusions and any safeguarding records held for the child.",
)
PURPOSES = {
    "ssf-safeguarding": "To decide whether the child or adult is at risk and what protective action is needed.",
    "ssf-assessment": "To assess the person's needs for care and support under Part 3 of the Act.",
    "ssf-care-support": "To plan how the person's assessed needs for care and support will be met.",
    "ssf-looked-after": "To plan and review the care of a looked after child.",
    "ssf-other": "To carry out the council's social services functions for the family.",
}
REASONS = {
    "s164-ground-a": (
        "The records asked for are held as part of a live criminal investigation. Disclosing them now would be "
        "incompatible with our duty to protect the integrity of that investigation; we will share once charging "
        "decisions are made.",
        "The information was given to us in confidence by a third party who has not consented, and sharing it "
        "would breach our duty of confidence; there is no overriding public interest shown in the request.",
        "Our statutory duty of confidentiality in respect of the patient's records prevents disclosure of the "
        "full clinical notes; a summary of safeguarding concerns has been provided instead.",
    ),
    "s164-ground-b": (
        "Collating ten years of case records by hand would take the team several weeks and stop it carrying out "
        "its own safeguarding work; we have offered the last two years instead.",
        "The request asks for staff to attend weekly meetings for six months, which would leave our duty rota "
        "unstaffed and have an adverse effect on the exercise of our functions.",
        "The system holding these records is being migrated and cannot be searched until next month without "
        "halting live casework; we will answer in full once it is back.",
    ),
}
NOT_PROVIDED = "Records older than two years, which are archived and would take weeks to retrieve."
PROVIDED = (("Incident log extract for the last 12 months", InformationNature.FACT),
            ("Summary of contacts with the household", InformationNature.HISTORICAL),
            ("Practitioner's assessment of risk", InformationNature.OPINION),
            ("Attendance and exclusion record", InformationNature.FACT))
HOW = ("Secure e-mail", "Secure file transfer", "Read out at the strategy discussion, confirmed by secure e-mail")
WITHDRAWAL = "The family has moved out of the area and the case has been transferred."
URGENT_REASON = "A child protection strategy discussion is planned for this week."
# fmt: on


@dataclass
class _Pair:
    council: dict
    body: dict
    basis: str
    reason: str


def _facts(org: dict, councils: dict[int, dict]) -> BodyFacts:
    return BodyFacts(
        org["code"], org["kind"].value, org.get("relevant_partner_category"),
        org["covers_all_wales"], frozenset(councils[c]["code"] for c in org["council_ids"]),
    )  # fmt: skip


def _area_name(council_name: str) -> str:
    """ "Cardiff Council" -> "Cardiff", as Organisation.area_name() writes it."""
    for suffix in (" County Borough Council", " County Council", " City Council", " Council"):
        if council_name.endswith(suffix):
            return council_name.removesuffix(suffix)
    return council_name


def eligible_pairs(ctx: DemoContext) -> dict[int, list[_Pair]]:
    """For every council, the bodies it may ask under s.164(2), with the basis and why."""
    orgs = [o for o in ctx.organisations.values() if o["is_active"] and o["kind"] in KIND_SHARES]
    councils = {
        o["id"]: o for o in ctx.organisations.values() if o["kind"] == OrgKind.LOCAL_AUTHORITY
    }
    pairs: dict[int, list[_Pair]] = {}
    for council in councils.values():
        area = _area_name(council["name"])
        council_facts = _facts(council, councils)
        for body in orgs:
            facts = _facts(body, councils)
            category = relevant_partner_category(council_facts, facts)
            basis = s164_basis(council_facts, facts, is_relevant_partner=category is not None)
            if basis is None:
                continue
            if category:
                reason = f"{body['name']}: {relevant_partner_reason(category, area=area)}"
            elif basis == "s164-2-c":
                reason = (
                    f"{body['name']} is a youth offending team for an area that includes {area}"
                )
            else:
                reason = f"{body['name']} is a {body['kind'].label.lower()} that is not a relevant partner of {area}"
            pairs.setdefault(council["id"], []).append(_Pair(council, body, basis, reason))
    return pairs


class _Calendar:
    """Working days over the history, as an index, so dates a number of working days apart
    are a lookup (200,000 requests would otherwise walk the calendar millions of times)."""

    def __init__(self, today: date):
        self.today = today
        start = today - timedelta(days=HISTORY_DAYS + 10)
        day, self.days, self.index = start, [], {}
        while day <= today + timedelta(days=200):
            if is_working_day(day):
                self.index[day] = len(self.days)
                self.days.append(day)
            day += timedelta(days=1)
        self._due: dict[tuple[date, int], tuple[date, str]] = {}

    def add(self, day: date, n: int) -> date:
        return self.days[self.index[day] + n]

    def between(self, start: date, end: date) -> int:
        return self.index[end] - self.index[start]

    def due(self, day: date, n: int) -> tuple[date, str]:
        if (day, n) not in self._due:
            self._due[(day, n)] = tuple(working_due_date(day, n))
        return self._due[(day, n)]

    def working_day_in_past(self, rng) -> date:
        while True:
            day = self.today - timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.3))
            if day in self.index:
                return day


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(8, 30), tzinfo=UTC) + timedelta(minutes=rng.uniform(0, 540))


class _Requests:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.calendar = _Calendar(ctx.now.date())
        self.pairs = eligible_pairs(ctx)
        self.councils = [ctx.organisations[c] for c in self.pairs]
        # Cumulative weights, worked out once: random.choices would redo them on every call.
        self.council_weights = list(accumulate(AREAS[c["code"]].population for c in self.councils))
        self.body_weights = {
            cid: list(accumulate(self._weights(pairs))) for cid, pairs in self.pairs.items()
        }
        self.functions = [f for f, _ in FUNCTIONS]
        self.function_weights = list(accumulate(w for _, w in FUNCTIONS))
        self.staff: dict[int, list[dict]] = {}
        for user in ctx.users:
            if user["is_active"] and user["role"] in (Role.IG_LEAD, Role.PRACTITIONER):
                self.staff.setdefault(user["organisation_id"], []).append(user)
        self.numbers = {row.year: row.last_number for row in ctx.conn.execute(
            sa.select(ReferenceSequence.__table__).where(ReferenceSequence.__table__.c.prefix == "S164"))}  # fmt: skip

    def _weights(self, pairs: list[_Pair]) -> list[float]:
        per_kind: dict[OrgKind, int] = {}
        for pair in pairs:
            per_kind[pair.body["kind"]] = per_kind.get(pair.body["kind"], 0) + 1
        return [KIND_SHARES[p.body["kind"]] / per_kind[p.body["kind"]] for p in pairs]

    def _reference(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"S164-{year}-{self.numbers[year]:06d}"

    def _person(self, org: dict) -> dict | None:
        staff = self.staff.get(org["id"])
        return self.rng.choice(staff) if staff else None

    # ---------------------------------------------------------------- one request

    def make(self, sent_on: date) -> tuple[dict, list[dict], list[dict]]:
        """A request row, its timeline events and what was provided (without ids yet)."""
        rng, cal = self.rng, self.calendar
        council = rng.choices(self.councils, cum_weights=self.council_weights)[0]
        pairs, weights = self.pairs[council["id"]], self.body_weights[council["id"]]
        pair = rng.choices(pairs, cum_weights=weights)[0]
        requester, answerer = self._person(council), self._person(pair.body)
        function = rng.choices(self.functions, cum_weights=self.function_weights)[0]
        created = _at(sent_on, rng) - timedelta(minutes=rng.uniform(5, 600))
        row = {
            "reference": self._reference(sent_on.year), "requesting_org_id": council["id"],
            "requested_org_id": pair.body["id"], "created_by_id": requester and requester["id"],
            "request_type": RequestType.INFORMATION if rng.random() < 0.7 else RequestType.COOPERATION,
            "function_code": function, "s164_basis": pair.basis, "basis_reason": pair.reason,
            "function_description": rng.choice(OTHER_FUNCTIONS) if function == "ssf-other" else None,
            "partner_function": LIMITED_FUNCTION_SAID.get(pair.body.get("relevant_partner_category"))
            if pair.basis == "s164-2-a" else None,
            "details": rng.choice(DETAILS), "purpose": PURPOSES[function],
            "secure_reply": "Reply by secure e-mail to the duty team" if rng.random() < 0.4 else None,
            "subject_reference": f"CS/{sent_on.year}/{rng.randrange(10_000, 99_999)}",
            "contact_name": requester and requester["name"],
            "contact_email": requester and requester["email"],
            "contact_phone": f"0300 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
            "is_urgent": False, "urgent_reason": None, "requested_due_date": None,
            "stopped_working_days": 0, "created_at": created, "updated_at": created,
            "state": RequestState.DRAFT, "answer_read_at": None,
        }  # fmt: skip
        events: list[dict] = []
        self._add(row, events, TimelineEventType.DRAFTED, created, requester)
        roll = rng.random()
        if roll < 0.015 and (cal.today - sent_on).days < 60:
            return row, events, []
        self._send(row, events, sent_on, requester)
        if roll < 0.04:
            withdrawn_on = cal.add(sent_on, rng.randint(0, 3))
            if withdrawn_on <= cal.today:
                at = self._add(row, events, TimelineEventType.WITHDRAWN, _at(withdrawn_on, rng),
                               requester, WITHDRAWAL)  # fmt: skip
                row.update(
                    state=RequestState.WITHDRAWN, withdrawn_at=at, withdrawal_reason=WITHDRAWAL
                )
                return row, events, []
        return row, events, self._progress(row, events, sent_on, requester, answerer)

    def _send(self, row, events, sent_on: date, requester) -> None:
        rng, cal = self.rng, self.calendar
        due, explanation = cal.due(sent_on, RESPONSE_DAYS)
        usual = None  # an urgent request's sent event keeps the usual date it is earlier than
        if rng.random() < 0.08:
            urgent = cal.add(sent_on, URGENT_DAYS)
            explanation = (
                f"Urgent: due {urgent:%-d %B %Y} ({URGENT_REASON}), "
                f"earlier than the usual {due:%-d %B %Y} ({explanation})"
            )
            row.update(is_urgent=True, urgent_reason=URGENT_REASON, requested_due_date=urgent)
            usual, due = due, urgent
        at = self._add(row, events, TimelineEventType.SENT, _at(sent_on, rng), requester,
                       old_due=usual, new_due=due)  # fmt: skip
        row.update(state=RequestState.SENT, sent_at=at, sent_on=sent_on, due_date=due,
                   due_explanation=explanation)  # fmt: skip

    def _progress(self, row, events, sent_on: date, requester, answerer) -> list[dict]:
        """Acknowledgement, clarification, extension and answer, as far as today allows."""
        rng, cal, today = self.rng, self.calendar, self.calendar.today
        ack_day = cal.add(sent_on, rng.choice((0, 1, 1, 2)))
        if rng.random() < 0.75 and ack_day <= today:
            at = self._add(row, events, TimelineEventType.ACKNOWLEDGED, _at(ack_day, rng), answerer)
            row.update(state=RequestState.ACKNOWLEDGED, acknowledged_at=at)
        taken = rng.choices(
            (rng.randint(1, 10), rng.randint(11, 20), rng.randint(21, 40)), (0.72, 0.2, 0.08)
        )[0]
        stopped = 0
        if rng.random() < 0.08:
            stopped = self._clarify(
                row, events, cal.add(ack_day, rng.randint(1, 3)), requester, answerer
            )
            if stopped is None:
                return []
        agreed_on = cal.add(row["due_date"], -2)
        if taken > RESPONSE_DAYS - 2 and rng.random() < 0.2 and agreed_on <= today:
            # The body asked asks for five more working days; the council agrees.
            old = row["due_date"]
            new, reason = (
                cal.add(old, 5),
                "Five more working days, please: the records are archived.",
            )
            asked_at = self._add(row, events, TimelineEventType.EXTENSION_REQUESTED,
                                 _at(cal.add(agreed_on, -1), rng), answerer, reason,
                                 old_due=old, new_due=new)  # fmt: skip
            row["due_date"] = new
            agreed_at = self._add(row, events, TimelineEventType.EXTENSION_AGREED,
                                  _at(agreed_on, rng), requester, reason, old_due=old, new_due=new)  # fmt: skip
            row["_extensions"] = [{
                "state": ExtensionState.AGREED, "old_due_date": old, "new_due_date": new,
                "reason": reason, "asked_by_side": REQUESTED_SIDE,
                "asked_by_id": answerer and answerer["id"], "asked_at": asked_at,
                "decided_by_side": REQUESTER_SIDE, "decided_by_id": requester and requester["id"],
                "decided_at": agreed_at, "refusal_reason": None,
            }]  # fmt: skip
        answered_on = cal.add(sent_on, taken + stopped)
        if answered_on > today:
            return []
        return self._answer(row, events, answered_on, taken, answerer, requester)

    def _clarify(self, row, events, asked: date, requester, answerer) -> int | None:
        """The body asks a question (the clock stops) and, unless it is still waiting, gets an
        answer (the clock restarts and the due date moves). The working days stopped, or None."""
        rng, cal = self.rng, self.calendar
        if asked > cal.today:
            return 0
        self._add(row, events, TimelineEventType.CLARIFICATION_REQUESTED, _at(asked, rng), answerer,
                  "Please confirm the child's date of birth and school.")  # fmt: skip
        row.update(clock_stopped_on=asked, state=RequestState.AWAITING_CLARIFICATION)
        answered = cal.add(asked, rng.randint(1, 6))
        if answered > cal.today:
            return None
        stopped = cal.between(asked, answered)
        old = row["due_date"]
        new = cal.add(old, stopped)
        self._add(row, events, TimelineEventType.CLARIFICATION_ANSWERED, _at(answered, rng), requester,
                  "Date of birth and school confirmed by secure e-mail.", old_due=old, new_due=new)  # fmt: skip
        row.update(clock_stopped_on=None, stopped_working_days=stopped, due_date=new,
                   state=RequestState.ACKNOWLEDGED if row.get("acknowledged_at") else RequestState.SENT)  # fmt: skip
        return stopped

    def _answer(
        self, row, events, answered_on: date, taken: int, answerer, requester
    ) -> list[dict]:
        rng = self.rng
        outcome = rng.choices(list(S164.answers.outcomes), (0.75, 0.15, 0.10))[0]
        ground = reasons = None
        if outcome.needs_ground_and_reasons:
            ground = rng.choice(("s164-ground-a", "s164-ground-a", "s164-ground-b"))
            reasons = rng.choice(REASONS[ground])
        at = self._add(
            row, events, TimelineEventType.ANSWERED, _at(answered_on, rng), answerer, reasons
        )
        row.update(state=RequestState.ANSWERED, outcome=outcome, answered_at=at, answered_on=at.date(),
                   answered_by_id=answerer and answerer["id"], working_days_to_answer=taken,
                   ground=ground, written_reasons=reasons,
                   not_provided=NOT_PROVIDED if outcome == Outcome.PARTLY_COMPLIED else None)  # fmt: skip
        # Someone at the body that asked reads most answers within days (opening the request
        # marks it read); a request is closed from its page, so a closed one has been read.
        read_day = answered_on + timedelta(days=rng.randint(0, 10))
        if rng.random() < 0.9 and read_day <= self.calendar.today:
            row.update(answer_read_at=max(_at(read_day, rng), at))
        close_day = answered_on + timedelta(days=rng.randint(1, 20))
        if rng.random() < 0.8 and close_day <= self.calendar.today:
            closed = self._add(
                row, events, TimelineEventType.CLOSED, _at(close_day, rng), requester
            )
            row.update(state=RequestState.CLOSED, closed_at=closed)
            row["answer_read_at"] = min(row.get("answer_read_at") or closed, closed)
        if outcome == Outcome.DECLINED:
            return []
        return [
            {"description": what, "nature": nature, "provided_on": answered_on,
             "provided_how": rng.choice(HOW)}
            for what, nature in rng.sample(PROVIDED, rng.randint(1, 2))
        ]  # fmt: skip

    @staticmethod
    def _add(row, events, kind, at, user, text=None, *, old_due=None, new_due=None) -> datetime:
        """Append a timeline event no earlier than the last one; returns its time."""
        at = max(at, row["updated_at"] + timedelta(minutes=1))
        row["updated_at"] = at
        events.append({"event_type": kind, "occurred_at": at, "actor_id": user and user["id"],
                       "organisation_id": user and user["organisation_id"], "text": text,
                       "old_due_date": old_due, "new_due_date": new_due})  # fmt: skip
        return at

    # ---------------------------------------------------------------- writing

    def write(self, dates: list[date]) -> None:
        ctx, table = self.ctx, CooperationRequest.__table__
        made = [self.make(day) for day in dates]
        blank = dict.fromkeys(
            c.name for c in table.columns if c.name != "id"
        )  # same keys in every row
        ids = insert_rows(ctx.conn, table, (
            {**blank, **{k: v for k, v in row.items() if not k.startswith("_")}}
            for row, _, _ in made
        ), with_ids=True)  # fmt: skip
        insert_rows(ctx.conn, CooperationExtension.__table__, (
            {**extension, "request_id": request_id}
            for request_id, (row, _, _) in zip(ids, made, strict=True)
            for extension in row.get("_extensions", ())
        ))  # fmt: skip
        insert_rows(ctx.conn, CooperationEvent.__table__, (
            {**event, "request_id": request_id}
            for request_id, (_, events, _) in zip(ids, made, strict=True) for event in events
        ))  # fmt: skip
        insert_rows(ctx.conn, ProvidedItem.__table__, (
            {**item, "request_id": request_id}
            for request_id, (_, _, items) in zip(ids, made, strict=True) for item in items
        ))  # fmt: skip
        insert_audit_events(ctx, [
            (f"cooperation_request.{event['event_type'].value}", "cooperation_requests", request_id,
             event["occurred_at"], {"state": row["state"].value} if event is events[-1] else None,
             event["actor_id"], event["organisation_id"])
            for request_id, (row, events, _) in zip(ids, made, strict=True) for event in events
        ])  # fmt: skip
        ctx.count("co-operation requests", len(ids))
        ctx.count("co-operation timeline events", sum(len(e) for _, e, _ in made))

    def save_reference_numbers(self) -> None:
        save_reference_numbers(self.ctx, "S164", self.numbers)


def generate(ctx: DemoContext) -> None:
    """Write the scale's s.164 requests, their timelines and answers."""
    requests = _Requests(ctx)
    # Request dates first, in order, so that ids and reference numbers follow the calendar.
    dates = sorted(
        requests.calendar.working_day_in_past(ctx.rng)
        for _ in range(ctx.scale.cooperation_requests)
    )
    for start in range(0, len(dates), CHUNK):
        requests.write(dates[start : start + CHUNK])
    requests.save_reference_numbers()
