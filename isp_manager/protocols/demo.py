"""Demo agreements of the four kinds: Information Sharing Protocols, Data Disclosure
Agreements, Joint Controller Agreements and controller-processor agreements, in the
proportions of the WASPI library (KIND_SHARES).

Joint Controller Agreements are made between the statutory bodies of an area (a council
and its health board, mostly); a controller-processor agreement has one controller and one
or two processors (a commissioned charity or service provider where the area has one). Their
terms are written for their parties: every Article 26 field names the joint controllers it
must, every Article 28(3) term is recorded.

Each protocol is led by a body with an information governance lead and shared with bodies
around its area; it has one to three versions (earlier ones superseded), sections filled
from its template, partners, data items with lawful bases, Appendix B flows, QA reviews and
signatures as far as its state has gone. Two more are for the benchmarks: EXPORT_BENCH_TITLE
has 20 partners and 200 data items (the Word export and the editor pages at their biggest),
SMALL_BENCH_TITLE three partners and four items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..accounts.demo import DEMO_DOMAIN
from ..accounts.models import Role
from ..demo_data import DemoContext, insert_audit_events, insert_rows
from ..parties.models import OrgKind
from ..qa_groups.models import QaGroup, QaGroupMember
from .models import (
    KIND_RULES,
    BasisCatalogue,
    PartnerRole,
    PendingImport,
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
    QaDecision,
    VersionState,
    data_item_recipients,
)
from .templates_data import DEFAULT_DIRECTORY, load_templates

EXPORT_BENCH_TITLE = "Cardiff and Vale Regional Safeguarding Information Sharing Protocol"
EXPORT_BENCH_PARTNERS = 20
EXPORT_BENCH_DATA_ITEMS = 200
# A small agreement for the benchmark to compare with: the editor pages should run the
# same number of queries for both.
SMALL_BENCH_TITLE = "Cardiff Multi-Agency Safeguarding Hub Information Sharing Protocol"
SMALL_BENCH_DATA_ITEMS = 4
CHUNK = 400  # protocols written per round of inserts
QA_MEMBERS_PER_GROUP = 6  # IG leads of bodies across Wales in each regional QA group
# Named demo accounts that sit on a regional QA group (the bench reads the police's queue).
DEMO_QA_MEMBERS = {"waspi-south": "ig-lead.police", "waspi-north": "ig-lead.gwynedd"}

# The share of each kind among the generated agreements (ISPs are most of the WASPI library).
KIND_SHARES = (
    (ProtocolKind.ISP, 0.70),
    (ProtocolKind.DDA, 0.15),
    (ProtocolKind.JCA, 0.07),
    (ProtocolKind.DPA, 0.08),
)
JCA_TOPICS = (
    "Integrated Family Support Service",
    "Regional Partnership Board pooled budget for care homes",
    "Integrated Autism Service",
    "Community Resource Team",
    "Multi-Agency Safeguarding Hub (MASH)",
    "Regional Adoption Service",
    "Edge of Care Service",
    "Children's Continuing Care",
)
DPA_TOPICS = (
    "Independent advocacy for children looked after",
    "Family group conferencing service",
    "Return interviews for missing children",
    "Hosting of the safeguarding case management system",
    "Young carers support service",
    "Translation and interpreting for child protection conferences",
    "Secure printing and posting of conference minutes",
)
# Processors are bodies commissioned to act for the controller, where the area has one.
PROCESSOR_KINDS = {OrgKind.CHARITY, OrgKind.OTHER, OrgKind.SPECIAL_HEALTH_AUTHORITY}
JOINT_CONTROLLER_KINDS = {
    OrgKind.LOCAL_AUTHORITY,
    OrgKind.LOCAL_HEALTH_BOARD,
    OrgKind.CHIEF_OFFICER_OF_POLICE,
    OrgKind.YOUTH_OFFENDING_TEAM,
}
# Wording for the fields that have no suggested wording in the JCA and DPA templates.
# fmt: off
TERM_TEXTS = {
    ProtocolKind.JCA: {
        "agreement_statement": "This agreement records how the parties, as joint controllers, determine together the purposes and means of the processing, as Article 26 UK GDPR requires.",
        "purpose": "To plan, deliver and review one integrated service for the people it supports.",
        "essence": "The partners run this service together and decide together how your information is used. You can ask any of them about your information; the contact point below answers for all of them.",
        "essence_where": "On each party's website, in the service's leaflet and at the first appointment.",
        "security_measures": "Each party keeps the information on its own systems, accredited to the NHS Data Security and Protection Toolkit or Cyber Essentials Plus, and shares it only by secure e-mail.",
        "review_arrangements": "The lead organisation arranges the review with the joint controllers before the review date.",
    },
    ProtocolKind.DPA: {
        "subject_matter": "The processor provides the service commissioned by the controller and processes the personal data of the people referred to it.",
        "duration": "From the start of the contract until its end, and after that only while the processor returns or deletes the data.",
        "nature_purpose": "Recording, storing, consulting and sending back case information, to provide the commissioned service to the people the controller refers.",
        "security": "The processor holds Cyber Essentials Plus, encrypts the data at rest and in transit, limits access to named staff and keeps an audit log of access.",
        "rights_assistance": "The processor passes any request from a data subject to the controller within two working days and gives the controller the records it needs to answer.",
        "compliance_assistance": "The processor tells the controller of a personal data breach within 24 hours and helps with impact assessments and any prior consultation with the Information Commissioner.",
        "audits": "The processor gives the controller the information it needs to show compliance and allows audits and inspections by the controller or an auditor it appoints, on ten working days' notice.",
    },
}
# fmt: on

# fmt: off
ISP_TOPICS = (
    "Multi-Agency Safeguarding Hub (MASH)", "Child Sexual Exploitation Risk Management",
    "Youth Justice Information Sharing", "Multi-Agency Risk Assessment Conference (MARAC)",
    "Looked After Children Health Assessments", "Missing Children Return Interviews",
    "School Nursing and Education Welfare", "Early Help Hub", "Integrated Family Support Service",
    "Prevent and Channel Panel", "Adult Safeguarding Referrals", "Substance Misuse Area Planning Board",
    "Flying Start Health Visiting", "Team Around the Family", "Child Death Review",
    "Multi-Agency Public Protection Arrangements (MAPPA)", "Young Carers Identification",
    "Perinatal Mental Health Pathway", "Exploitation and Contextual Safeguarding Panel",
)
DDA_TOPICS = (
    "Disclosure of domestic abuse incident notifications to schools (Operation Encompass)",
    "Disclosure of school attendance data for the Youth Justice Service",
    "Disclosure of health visiting records for child protection conferences",
    "Disclosure of custody records to the Youth Offending Team",
    "Disclosure of housing tenancy information for safeguarding enquiries",
)
DATA_ITEMS = (  # (category, special category?)
    ("Name, address and date of birth", False), ("NHS number", False),
    ("Names and relationships of household members", False), ("Child protection plan status", False),
    ("Looked after status and placement", False), ("School attendance and exclusions", False),
    ("Police incident reports involving the child or household", False),
    ("Offending history and current orders", False), ("Health history relevant to safeguarding", True),
    ("Mental health assessments", True), ("Ethnicity and religion", True),
    ("Substance misuse treatment", True), ("Sexual exploitation risk assessment", True),
    ("Domestic abuse risk assessment (DASH)", False), ("Care and support plan", False),
    ("Contact details of the lead professional", False),
)
DEPARTMENTS = {
    OrgKind.LOCAL_AUTHORITY: "Children's Services; Adult Services; Education",
    OrgKind.LOCAL_HEALTH_BOARD: "Safeguarding Team; Health Visiting; School Nursing",
    OrgKind.CHIEF_OFFICER_OF_POLICE: "Public Protection Unit; MASH",
    OrgKind.YOUTH_OFFENDING_TEAM: "Case management",
    OrgKind.PROBATION_PROVIDER: "Offender management",
}
METHODS = ("Secure e-mail", "Shared case management system", "Telephone, confirmed by secure e-mail",
           "Discussed at the multi-agency meeting, minutes by secure e-mail", "Secure file transfer")
FREQUENCIES = ("As needed", "Daily", "Weekly", "Monthly", "At each referral")
GLOSSARY = [
    {"term": "MASH", "definition": "Multi-Agency Safeguarding Hub"},
    {"term": "WASPI", "definition": "Wales Accord on the Sharing of Personal Information"},
    {"term": "Designated Person", "definition": "The person each organisation names under the Accord"},
]
LIST_ENTRIES = {
    "purposes": ["To identify children and adults at risk early", "To plan and review multi-agency support",
                 "To meet the partners' statutory safeguarding duties"],
    "data_subjects": ["Children and young people referred to the service", "Their parents and carers",
                      "Adults at risk"],
}
# The state of a protocol's latest version, and how often.
LATEST_STATES = (
    (VersionState.ACTIVE, 0.55), (VersionState.DRAFT, 0.12), (VersionState.AWAITING_SIGNATURES, 0.10),
    (VersionState.SUBMITTED, 0.05), (VersionState.RETURNED, 0.05), (VersionState.QA_APPROVED, 0.03),
    (VersionState.WITHDRAWN, 0.10),
)
# fmt: on


@dataclass
class _Version:
    number: int
    state: VersionState
    created_at: datetime
    author: dict
    times: dict = field(default_factory=dict)
    review_date: date | None = None


@dataclass
class _Plan:
    kind: ProtocolKind
    title: str
    lead: dict  # organisation info
    partners: list[tuple[dict, PartnerRole]]  # lead first
    versions: list[_Version]
    data_items: int
    reference: str = ""
    qa_group: dict | None = None  # {"id", "name", "members"}: the group it is submitted to


class _Generator:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        registry = load_templates(DEFAULT_DIRECTORY)
        self.templates = {kind: registry.default_for(kind) for kind in ProtocolKind}
        self.ig_leads: dict[int, list[dict]] = {}
        for user in ctx.users:
            if user["role"] == Role.IG_LEAD and user["is_active"]:
                self.ig_leads.setdefault(user["organisation_id"], []).append(user)
        self.candidates = [o for o in ctx.organisations.values() if o["id"] in self.ig_leads]
        self.by_council: dict[int, list[dict]] = {}
        for org in self.candidates:
            for council_id in org["council_ids"]:
                self.by_council.setdefault(council_id, []).append(org)
        self.all_wales = [o for o in self.candidates if o["covers_all_wales"]]
        self.sequence = _existing_reference_numbers(ctx)
        self.contents = {kind: self._contents(t) for kind, t in self.templates.items()}
        self.qa_groups = self._qa_groups()

    def _qa_groups(self) -> list[dict]:
        """The regional QA groups, each given members: IG leads of bodies across Wales."""
        rows = self.ctx.conn.execute(
            sa.select(QaGroup.id, QaGroup.code, QaGroup.name).order_by(QaGroup.id)
        ).all()
        by_email = {u["email"]: u for u in self.ctx.users}
        taken = {
            (g, u) for g, u in self.ctx.conn.execute(
                sa.select(QaGroupMember.qa_group_id, QaGroupMember.user_id))
        }  # fmt: skip
        groups, new = [], []
        for group_id, code, name in rows:
            orgs = self.rng.sample(self.candidates, min(QA_MEMBERS_PER_GROUP, len(self.candidates)))
            members = [self.ig_leads[o["id"]][0] for o in orgs]
            named = by_email.get(f"{DEMO_QA_MEMBERS.get(code)}@{DEMO_DOMAIN}")
            if named is not None and named not in members:
                members.insert(0, named)
            new += [{"qa_group_id": group_id, "user_id": m["id"], "added_at": self.ctx.now}
                    for m in members if (group_id, m["id"]) not in taken]  # fmt: skip
            groups.append({"id": group_id, "name": name, "members": members})
        insert_rows(self.ctx.conn, QaGroupMember.__table__, new)
        self.ctx.count("QA group members", len(new))
        return groups

    # ---------------------------------------------------------------- planning

    def kinds(self, n: int) -> list[ProtocolKind]:
        """`n` kinds in the proportions of KIND_SHARES (each kind at least once from n = 4),
        in a random order."""
        counts = {kind: int(n * share) for kind, share in KIND_SHARES}
        by_remainder = sorted(KIND_SHARES, key=lambda ks: n * ks[1] - counts[ks[0]], reverse=True)
        for kind, _share in by_remainder[: n - sum(counts.values())]:
            counts[kind] += 1
        if n >= len(KIND_SHARES):
            for kind in counts:
                if counts[kind] == 0:
                    counts[kind] = 1
                    counts[ProtocolKind.ISP] -= 1
        kinds = [kind for kind, count in counts.items() for _ in range(count)]
        self.rng.shuffle(kinds)
        return kinds

    def plan(
        self, *, title=None, kind=None, lead=None, partners=None, states=None, items=None
    ) -> _Plan:
        rng = self.rng
        kind = kind or ProtocolKind.ISP
        lead = lead or self._pick_lead()
        if partners is None:
            partners = self._pick_partners(kind, lead)
        first, others = KIND_RULES[kind].roles
        members = [(lead, first)] + [(o, others) for o in partners]
        if title is None:
            title = self._title(kind, lead, partners)
        plan = _Plan(
            kind, title, lead, members, self._versions(lead, states), items or rng.randint(3, 12)
        )
        year = plan.versions[0].created_at.year
        number = self.sequence[(kind.short_label, year)] = (
            self.sequence.get((kind.short_label, year), 0) + 1
        )
        plan.reference = f"{kind.short_label}-{year}-{number:04d}"
        plan.qa_group = rng.choice(self.qa_groups) if self.qa_groups else None
        return plan

    def _title(self, kind: ProtocolKind, lead: dict, partners: list[dict]) -> str:
        area, choice = self._area_name(lead), self.rng.choice
        if kind == ProtocolKind.DDA:
            return f"{choice(DDA_TOPICS)} ({area})"
        if kind == ProtocolKind.JCA:
            return f"{choice(JCA_TOPICS)}: {area} Joint Controller Agreement"
        if kind == ProtocolKind.DPA:
            processor = partners[0]["name"] if partners else area
            return f"{choice(DPA_TOPICS)}: {area}, processed by {processor}"
        return f"{choice(ISP_TOPICS)}: {area}"

    def _pick_lead(self) -> dict:
        weights = {OrgKind.LOCAL_AUTHORITY: 50, OrgKind.LOCAL_HEALTH_BOARD: 25,
                   OrgKind.CHIEF_OFFICER_OF_POLICE: 15}  # fmt: skip
        return self.rng.choices(
            self.candidates, [weights.get(o["kind"], 1) for o in self.candidates]
        )[0]

    def _pick_partners(self, kind: ProtocolKind, lead: dict) -> list[dict]:
        rng = self.rng
        nearby = {o["id"]: o for c in lead["council_ids"] for o in self.by_council.get(c, [])}
        nearby.update({o["id"]: o for o in rng.sample(self.all_wales, min(2, len(self.all_wales)))})
        nearby.pop(lead["id"], None)
        pool = list(nearby.values())
        if kind in (ProtocolKind.JCA, ProtocolKind.DPA):
            wanted = JOINT_CONTROLLER_KINDS if kind == ProtocolKind.JCA else PROCESSOR_KINDS
            pool = [o for o in pool if o["kind"] in wanted] or pool
        n = {
            ProtocolKind.DDA: rng.randint(1, 3),
            ProtocolKind.JCA: rng.randint(1, 3),
            ProtocolKind.DPA: 1 if rng.random() < 0.8 else 2,
        }.get(kind) or rng.randint(1, 7)
        return rng.sample(pool, min(n, len(pool)))

    def _area_name(self, org: dict) -> str:
        councils = [self.ctx.organisations[c] for c in org["council_ids"]]
        if org["kind"] == OrgKind.LOCAL_AUTHORITY or not councils:
            return org["name"]
        return councils[0]["name"] if len(councils) == 1 else org["name"]

    def _versions(self, lead: dict, states) -> list[_Version]:
        rng = self.rng
        if states is None:
            latest = rng.choices([s for s, _ in LATEST_STATES], [w for _, w in LATEST_STATES])[0]
            count = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
            states = [VersionState.SUPERSEDED] * (count - 1) + [latest]
            if latest.is_open and count > 1:
                states[-2] = VersionState.ACTIVE  # the previous version stays in force meanwhile
        # Each version gets at least 60 days before the next, and nothing happens after now.
        now = self.ctx.now
        start = now - timedelta(days=rng.uniform(60 * len(states) + 10, 1100))
        gap = (now - timedelta(days=60) - start) / len(states)
        authors = self.ig_leads[lead["id"]]
        versions = []
        for n, state in enumerate(states, start=1):
            version = _Version(n, state, start + gap * (n - 1), rng.choice(authors))
            self._milestones(version)
            versions.append(version)
        for version, following in zip(versions, versions[1:], strict=False):
            if version.state == VersionState.SUPERSEDED:
                version.times["superseded_at"] = (
                    following.times.get("activated_at") or following.created_at
                )
        return versions

    def _milestones(self, v: _Version) -> None:
        """When a version was submitted, approved, activated or withdrawn, as its state says."""
        rng, t = self.rng, v.times
        reached = _reached(v.state)
        if "submitted" in reached:
            t["submitted_at"] = v.created_at + timedelta(days=rng.uniform(3, 20))
        if "approved" in reached:
            t["approved_at"] = t["submitted_at"] + timedelta(days=rng.uniform(2, 15))
            v.review_date = (t["approved_at"] + timedelta(days=365)).date()
        if "active" in reached:
            t["activated_at"] = t["approved_at"] + timedelta(days=rng.uniform(1, 15))
        if v.state == VersionState.WITHDRAWN:
            t["withdrawn_at"] = v.created_at + timedelta(days=rng.uniform(1, 50))

    def _contents(self, template) -> dict[str, dict]:
        """Section content for a template: the suggested wording (or, for the JCA and DPA
        terms that have none, TERM_TEXTS), sample lists, a glossary."""
        texts = TERM_TEXTS.get(template.kind, {})
        contents = {}
        for section in template.sections:
            content = {}
            for f in section.fields:
                if f.type in ("text", "textarea"):
                    content[f.code] = (
                        f.suggested.en
                        if f.suggested
                        else texts.get(f.code, f"{f.label.en}: see the partners' own procedures.")
                    )
                elif f.type == "list":
                    content[f.code] = LIST_ENTRIES.get(f.code, ["As set out in section 1"])
                elif f.type == "catalogue" and f.catalogue == "LEGAL_POWERS":
                    content[f.code] = ["power-s164", "power-s28-ca2004", "power-s47-ca1989"]
                elif f.type == "glossary":
                    content[f.code] = GLOSSARY
            contents[section.code] = content
        return contents

    def _plan_contents(self, plan: _Plan) -> dict[str, dict]:
        """The template's content, with the fields that must name the parties (a JCA's
        Article 26 terms) written for this plan's parties."""
        contents = self.contents[plan.kind]
        named = [
            (section.code, f)
            for section in self.templates[plan.kind].sections
            for f in section.fields
            if f.must_name
        ]
        if not named:
            return contents
        contents = {code: dict(content) for code, content in contents.items()}
        for code, f in named:
            contents[code][f.code] = _naming_text(f.code, plan)
        return contents

    # ---------------------------------------------------------------- writing

    def write(self, plans: list[_Plan]) -> None:
        ctx = self.ctx
        protocol_ids = insert_rows(ctx.conn, Protocol.__table__, (self._protocol_row(p) for p in plans),
                                   with_ids=True)  # fmt: skip
        versions = [
            (plan, pid, v)
            for plan, pid in zip(plans, protocol_ids, strict=True)
            for v in plan.versions
        ]
        version_ids = insert_rows(ctx.conn, ProtocolVersion.__table__,
                                  (self._version_row(p, pid, v) for p, pid, v in versions),
                                  with_ids=True)  # fmt: skip
        ctx.count("protocols", len(plans))
        ctx.count("protocol versions", len(version_ids))
        self._sections(versions, version_ids)
        partner_ids = self._partners(versions, version_ids)
        self._data_items_and_flows(versions, version_ids, partner_ids)
        self._signatures_and_reviews(versions, version_ids, partner_ids)
        events = []
        for plan, pid in zip(plans, protocol_ids, strict=True):
            first = plan.versions[0]
            events.append(("protocol.created", "protocols", pid, first.created_at,
                           {"reference": plan.reference, "kind": plan.kind.value, "title": plan.title},
                           first.author["id"], plan.lead["id"]))  # fmt: skip
        for (_plan, _pid, v), vid in zip(versions, version_ids, strict=True):
            if "approved_at" in v.times:
                events.append(("protocol.qa_approved", "protocol_versions", vid, v.times["approved_at"],
                               {"state": "qa_approved"}, None, None))  # fmt: skip
            if "activated_at" in v.times:
                events.append(("protocol.activated", "protocol_versions", vid, v.times["activated_at"],
                               {"state": "active"}, None, None))  # fmt: skip
        insert_audit_events(ctx, events)

    def _protocol_row(self, plan: _Plan) -> dict:
        template = self.templates[plan.kind]
        at = plan.versions[0].created_at
        return {"reference": plan.reference, "kind": plan.kind, "title": plan.title,
                "lead_organisation_id": plan.lead["id"], "template_code": template.code,
                "template_version": template.version, "created_by_id": plan.versions[0].author["id"],
                "created_at": at, "updated_at": plan.versions[-1].created_at}  # fmt: skip

    def _version_row(self, plan: _Plan, protocol_id: int, v: _Version) -> dict:
        t, state, at = v.times, v.state, v.created_at
        approver = self._approver(plan) if "approved_at" in t else None
        return {
            "protocol_id": protocol_id, "number": v.number, "state": state, "row_version": 1,
            "based_on_id": None, "change_summary": None if v.number == 1 else "Annual review: partners and data items updated",
            "created_by_id": v.author["id"], "submitted_at": t.get("submitted_at"),
            "submitted_by_id": v.author["id"] if "submitted_at" in t else None,
            "approved_at": t.get("approved_at"), "approved_by_id": approver["id"] if approver else None,
            "qa_group_id": plan.qa_group["id"] if plan.qa_group and "submitted_at" in t else None,
            "qa_group": plan.qa_group["name"] if plan.qa_group and approver else None,
            "review_date": v.review_date,
            "activated_at": t.get("activated_at"), "superseded_at": t.get("superseded_at"),
            "withdrawn_at": t.get("withdrawn_at"), "withdrawn_by_id": v.author["id"] if "withdrawn_at" in t else None,
            "withdrawal_reason": "The service this agreement supported has ended." if "withdrawn_at" in t else None,
            "created_at": at, "updated_at": max(t.values(), default=at),
        }  # fmt: skip

    def _approver(self, plan: _Plan) -> dict:
        """A QA reviewer: a member of its QA group from a body that is not a party to it (else
        any IG lead of a body that is not a party)."""
        members = {o["id"] for o, _ in plan.partners}
        if plan.qa_group:
            eligible = [u for u in plan.qa_group["members"] if u["organisation_id"] not in members]
            if eligible:
                return self.rng.choice(eligible)
        while True:
            org = self.rng.choice(self.candidates)
            if org["id"] not in members:
                return self.rng.choice(self.ig_leads[org["id"]])

    def _sections(self, versions, version_ids) -> None:
        def rows():
            for (plan, _pid, v), vid in zip(versions, version_ids, strict=True):
                complete = v.state != VersionState.DRAFT
                for position, (code, content) in enumerate(self._plan_contents(plan).items()):
                    done = complete or self.rng.random() < 0.5
                    yield {"version_id": vid, "code": code, "position": position,
                           "content": content if done else {}, "is_complete": done,
                           "row_version": 1, "updated_at": v.created_at,
                           "updated_by_id": v.author["id"]}  # fmt: skip

        insert_rows(self.ctx.conn, ProtocolSection.__table__, rows())

    def _partners(self, versions, version_ids) -> list[list[int]]:
        rows, sizes = [], []
        for (plan, _pid, _v), vid in zip(versions, version_ids, strict=True):
            sizes.append(len(plan.partners))
            for position, (org, role) in enumerate(plan.partners):
                lead = self.rng.choice(self.ig_leads[org["id"]])
                rows.append({"version_id": vid, "organisation_id": org["id"], "role": role,
                             "position": position, "departments": DEPARTMENTS.get(org["kind"]),
                             "contact_name": lead["name"], "contact_email": lead["email"],
                             "signatory_name": lead["name"], "signatory_role": "Designated Person (WASPI)",
                             "can_edit": position == 0})  # fmt: skip
        ids = insert_rows(self.ctx.conn, ProtocolPartner.__table__, rows, with_ids=True)
        out, i = [], 0
        for n in sizes:
            out.append(ids[i : i + n])
            i += n
        return out

    def _data_items_and_flows(self, versions, version_ids, partner_ids) -> None:
        rng = self.rng
        items, recipients_of, flows = [], [], []
        for (plan, _pid, _v), vid, partners in zip(versions, version_ids, partner_ids, strict=True):
            # A DDA's discloser and a DPA's controller provide every item.
            dda = plan.kind in (ProtocolKind.DDA, ProtocolKind.DPA)
            for position in range(plan.data_items):
                category, special = DATA_ITEMS[position % len(DATA_ITEMS)]
                if position >= len(DATA_ITEMS):
                    category = f"{category} ({position // len(DATA_ITEMS) + 1})"
                source = partners[0] if dda else rng.choice(partners)
                others = [p for p in partners if p != source]
                recipients = (
                    others if dda else rng.sample(others, min(len(others), rng.randint(1, 3)))
                )
                items.append({"version_id": vid, "position": position, "category": category,
                              "description": None, "is_special_category": special, "source_partner_id": source,
                              "policy_document_ref": "Appropriate policy document (DPA 2018 Sch.1 Pt.4)" if special else None,
                              "other_basis": None, "para18_reason": "para18-2-c" if special else None,
                              "is_criminal_offence": False, "criminal_offence_condition": None})  # fmt: skip
                recipients_of.append(recipients)
            for position in range(rng.randint(2, 5) if len(partners) > 1 else 0):
                source = partners[0] if dda else rng.choice(partners)
                target = rng.choice([p for p in partners if p != source])
                if plan.kind == ProtocolKind.DPA and rng.random() < 0.3:
                    source, target = target, source  # the processor reports back
                flows.append({"version_id": vid, "position": position,
                              "what": DATA_ITEMS[position][0], "from_partner_id": source, "to_partner_id": target,
                              "method": rng.choice(METHODS), "security": "Encrypted in transit; OFFICIAL-SENSITIVE",
                              "frequency": rng.choice(FREQUENCIES), "purpose": "To assess and manage risk to the child"})  # fmt: skip
        table = ProtocolDataItem.__table__
        item_ids = insert_rows(self.ctx.conn, table, items, with_ids=True)
        insert_rows(self.ctx.conn, data_item_recipients, (
            {"data_item_id": item_id, "partner_id": p}
            for item_id, recipients in zip(item_ids, recipients_of, strict=True) for p in recipients
        ))  # fmt: skip
        insert_rows(self.ctx.conn, ProtocolLawfulBasis.__table__, (
            {"data_item_id": item_id, "catalogue": catalogue, "code": code}
            for item_id, item in zip(item_ids, items, strict=True)
            for catalogue, code in _bases(item["is_special_category"])
        ))  # fmt: skip
        insert_rows(self.ctx.conn, ProtocolFlow.__table__, flows)
        self.ctx.count("protocol data items", len(item_ids))

    def _signatures_and_reviews(self, versions, version_ids, partner_ids) -> None:
        rng = self.rng
        signatures, reviews = [], []
        for (plan, _pid, v), vid, partners in zip(versions, version_ids, partner_ids, strict=True):
            t = v.times
            if "approved_at" in t:
                reviews.append({"version_id": vid, "reviewer_id": self._approver(plan)["id"],
                                "decision": QaDecision.APPROVED, "comments": None, "section_comments": {},
                                "qa_group": plan.qa_group and plan.qa_group["name"], "decided_at": t["approved_at"]})  # fmt: skip
            if v.state == VersionState.RETURNED:
                reviews.append({"version_id": vid, "reviewer_id": self._approver(plan)["id"],
                                "decision": QaDecision.RETURNED,
                                "comments": "Name the Schedule 1 condition for each special category item.",
                                "section_comments": {}, "qa_group": plan.qa_group and plan.qa_group["name"],
                                "decided_at": t["submitted_at"] + timedelta(days=7)})  # fmt: skip
            signed = _signed_count(v.state, len(partners), rng)
            for (org, _role), partner_id in list(zip(plan.partners, partners, strict=True))[
                :signed
            ]:
                user = rng.choice(self.ig_leads[org["id"]])
                at = t.get("activated_at") or t["approved_at"] + timedelta(days=1)
                signatures.append({"version_id": vid, "partner_id": partner_id, "user_id": user["id"],
                                   "name": user["name"], "role": "Designated Person (WASPI)",
                                   "signed_at": at - timedelta(hours=rng.uniform(0, 48))})  # fmt: skip
        insert_rows(self.ctx.conn, ProtocolQaReview.__table__, reviews)
        insert_rows(self.ctx.conn, ProtocolSignature.__table__, signatures)
        self.ctx.count("protocol signatures", len(signatures))


def _naming_text(code: str, plan: _Plan) -> str:
    """A JCA field that names its parties: each of them, or the lead that answers for all."""
    lead = plan.lead["name"]
    if code == "roles_relationships":
        return " ".join(
            f"{org['name']} leads the service and holds the shared case record."
            if n == 0
            else f"{org['name']} delivers its part of the service and sees the people it refers."
            for n, (org, _role) in enumerate(plan.partners)
        )
    if code == "responsibilities":
        return " ".join(
            f"{org['name']} is responsible for the accuracy and security of what it records, "
            "and for the training of its own staff."
            for org, _role in plan.partners
        )
    if code == "privacy_information":
        return (
            f"{lead} gives the privacy information at referral, for all the parties; "
            "each party publishes it on its website."
        )
    if code == "contact_point":
        return f"The Data Protection Officer of {lead}, through the contact details on its website."
    if code == "breaches":
        return (
            f"{lead} notifies the Information Commissioner and the data subjects; the party "
            "whose system or staff were involved tells it within 24 hours."
        )
    return f"{lead} answers the request for all the parties; the others send what they hold within five working days."


def _existing_reference_numbers(ctx: DemoContext) -> dict[tuple[str, int], int]:
    """The last number used per prefix and year (ISP-2026-0042), so demo references follow on."""
    numbers: dict[tuple[str, int], int] = {}
    for (reference,) in ctx.conn.execute(sa.select(Protocol.__table__.c.reference)):
        prefix, year, number = reference.split("-")
        key = (prefix, int(year))
        numbers[key] = max(numbers.get(key, 0), int(number))
    return numbers


def _reached(state: VersionState) -> set[str]:
    """The milestones a version in `state` has passed."""
    if state in (VersionState.DRAFT, VersionState.WITHDRAWN):
        return set()
    if state in (VersionState.SUBMITTED, VersionState.RETURNED):
        return {"submitted"}
    if state in (VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES):
        return {"submitted", "approved"}
    return {"submitted", "approved", "active"}


def _signed_count(state: VersionState, partners: int, rng) -> int:
    if state in (VersionState.ACTIVE, VersionState.SUPERSEDED):
        return partners
    if state == VersionState.AWAITING_SIGNATURES:
        return rng.randint(1, partners - 1) if partners > 1 else 0
    return 0


def _bases(special: bool) -> list[tuple[BasisCatalogue, str]]:
    bases = [(BasisCatalogue.ARTICLE6, "art6-1-e")]
    if special:
        bases += [
            (BasisCatalogue.ARTICLE9, "art9-2-g"),
            (BasisCatalogue.SCHEDULE1, "sch1-p2-para18"),
        ]
    return bases


def generate(ctx: DemoContext) -> None:
    """Write the demo protocols (the two the benchmarks use first)."""
    generator = _Generator(ctx)
    by_code = {o["code"]: o for o in ctx.organisations.values()}
    lead = by_code["la-cardiff"]
    others = [o for o in generator.candidates if o["id"] != lead["id"]]
    ctx.rng.shuffle(others)
    bench = generator.plan(
        title=EXPORT_BENCH_TITLE, kind=ProtocolKind.ISP, lead=lead,
        partners=others[: EXPORT_BENCH_PARTNERS - 1], states=[VersionState.ACTIVE],
        items=EXPORT_BENCH_DATA_ITEMS,
    )  # fmt: skip
    small = generator.plan(
        title=SMALL_BENCH_TITLE, kind=ProtocolKind.ISP, lead=lead,
        partners=[by_code["police-south-wales"], by_code["lhb-cardiff-and-vale"]],
        states=[VersionState.ACTIVE], items=SMALL_BENCH_DATA_ITEMS,
    )  # fmt: skip
    plans, first_of = [bench, small], set()
    for kind in generator.kinds(ctx.scale.protocols):
        # The first JCA and DPA are in force, so that every scale has one of each to read.
        fixed = kind in (ProtocolKind.JCA, ProtocolKind.DPA) and kind not in first_of
        first_of.add(kind)
        plans.append(generator.plan(kind=kind, states=[VersionState.ACTIVE] if fixed else None))
    for start in range(0, len(plans), CHUNK):
        generator.write(plans[start : start + CHUNK])
    _bench_pending_import(ctx, [lead, *others[: EXPORT_BENCH_PARTNERS - 1]])


def _bench_pending_import(ctx: DemoContext, organisations: list[dict]) -> None:
    """A 30-page ISP read and waiting for Cardiff's IG lead to confirm (the import review
    page the benchmarks time): 20 partners, 200 data items, 30 headings not in the template."""
    email = f"ig-lead.cardiff@{DEMO_DOMAIN}"
    owner = next((u for u in ctx.users if u["email"] == email), None)
    if owner is None:
        return
    paragraph = "The partners share what each needs to protect the person, and no more. " * 6
    result = {
        "title": "Imported: Gwent adults at risk information sharing protocol",
        "template_code": "waspi-isp",
        "bilingual": False,
        "sections": {
            "introduction": {"purpose": paragraph, "purposes": ["Adult protection enquiries"]},
            "security": {"security_measures": paragraph, "retention": paragraph},
        },
        "matched": [],
        "partners": [
            {"name": o["name"], "code": o["code"], "exact": True, "role": None}
            for o in organisations
        ],
        "data_items": [
            {"category": f"Data item {n}", "description": "", "is_special_category": False}
            for n in range(1, 201)
        ],
        "review_date": "2027-04-01",
        "unmatched": [
            {"heading": f"{n}. Local arrangements {n}", "text": paragraph * 3} for n in range(9, 39)
        ],
    }
    insert_rows(
        ctx.conn,
        PendingImport.__table__,
        [
            {
                "owner_id": owner["id"],
                "kind": "isp",
                "template_code": "waspi-isp",
                "template_version": "1.0",
                "filename": "gwent-adults-at-risk.docx",
                "result": result,
                "created_at": ctx.now,
            }
        ],
    )
