"""`flask demo-data`: the small scale through the real command, then counts and integrity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import scoped_session, sessionmaker

from isp_manager.accounts.demo import DEMO_ACCOUNTS, DEMO_DOMAIN
from isp_manager.accounts.models import Role, User
from isp_manager.audit.models import AuditEvent
from isp_manager.demo_data import LOADED_ACTION, SCALES
from isp_manager.extensions import db
from isp_manager.law.rules import BodyFacts, relevant_partner_category
from isp_manager.parties.models import Organisation, OrgKind, organisation_areas
from isp_manager.parties.search import search_text_for

PASSWORD = "demo password for the tests"  # noqa: S105 (a test fixture)


@pytest.fixture(scope="module")
def db_session(app):
    """Loading the demo data takes a few seconds, so this module loads it once and every test
    reads it: one transaction for the whole module, rolled back at its end (this replaces
    the per-test transaction of conftest.py)."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(scope="module")
def demo(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["demo-data", "--scale", "small", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return result


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_small_scale_totals(demo):
    scale = SCALES["small"]
    assert count(Organisation) == scale.organisations
    assert count(User) == scale.users
    demo_orgs = count(Organisation, Organisation.code.startswith("demo-"))
    assert f"{demo_orgs:,} demo organisations" in demo.output
    # One audit event per demo record, and one saying the demo data was loaded.
    assert count(AuditEvent, AuditEvent.action == "organisation.created") >= demo_orgs
    assert count(AuditEvent, AuditEvent.action == "user.created") == scale.users
    assert count(AuditEvent, AuditEvent.action == LOADED_ACTION) == 1


def test_prints_every_demo_account_and_the_password(demo):
    for _role, local, *_ in DEMO_ACCOUNTS:
        assert f"{local}@{DEMO_DOMAIN}" in demo.output
    assert demo.output.rstrip().endswith(PASSWORD)


def test_demo_accounts_sign_in_with_the_printed_password(demo):
    hashes = set()
    for role, local, code, *_ in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == f"{local}@{DEMO_DOMAIN}"))
        assert user.role == role and user.organisation.code == code and user.is_active
        hashes.add(user.password_hash)
    assert len(hashes) == 1  # hashed once, shared (argon2 is slow on purpose)
    assert PasswordHasher().verify(hashes.pop(), PASSWORD)


def test_demo_admins_and_ig_leads_have_the_printed_two_factor_key(demo):
    key = demo.output.split("once for all of them: ", 1)[1].split()[0]
    users = db.session.scalars(sa.select(User)).all()
    required = [u for u in users if u.two_factor_required]
    assert required and all(u.has_two_factor and u.totp_secret == key for u in required)
    assert not any(u.has_two_factor for u in users if not u.two_factor_required)


def test_users_of_every_role_in_existing_organisations(demo):
    roles = set(db.session.scalars(sa.select(User.role).distinct()))
    assert roles == set(Role)
    orphans = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .where(Organisation.id.is_(None))
    )
    assert orphans == 0
    emails = db.session.scalars(sa.select(User.email)).all()
    assert len(emails) == len({e.lower() for e in emails})
    board_officers = db.session.scalars(
        sa.select(Organisation.kind).join(User).where(User.role == Role.BOARD_OFFICER)
    ).all()
    assert set(board_officers) == {OrgKind.SAFEGUARDING_BOARD}


def test_every_demo_organisation_has_an_area_and_search_text(demo):
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.code.startswith("demo-"))
        .options(sa.orm.selectinload(Organisation.areas))
    ).all()
    for o in orgs:
        assert o.covers_all_wales or o.areas, o.code
        assert all(a.kind == OrgKind.LOCAL_AUTHORITY for a in o.areas), o.code
        assert o.search_text == search_text_for(o.name, o.name_cy)
    kinds = {o.kind for o in orgs}
    assert {
        OrgKind.SCHOOL,
        OrgKind.CHARITY,
        OrgKind.PROBATION_PROVIDER,
        OrgKind.OTHER,
    } <= kinds
    assert any(o.name_cy and o.name_cy != o.name for o in orgs), "Welsh names expected"
    assert any(o.name.startswith("Ysgol") for o in orgs), "Welsh-medium schools expected"


def test_every_council_has_a_youth_offending_team_and_a_probation_unit(demo):
    councils = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrgKind.LOCAL_AUTHORITY)
    ).all()
    covered = {}
    for kind in (OrgKind.YOUTH_OFFENDING_TEAM, OrgKind.PROBATION_PROVIDER):
        covered[kind] = set(
            db.session.scalars(
                sa.select(organisation_areas.c.council_id)
                .join(Organisation, Organisation.id == organisation_areas.c.organisation_id)
                .where(Organisation.kind == kind)
            )
        )
    for council in councils:
        assert council.id in covered[OrgKind.YOUTH_OFFENDING_TEAM], council.code
        assert council.id in covered[OrgKind.PROBATION_PROVIDER], council.code
    yots = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrgKind.YOUTH_OFFENDING_TEAM)
    ).all()
    assert {y.s28_category for y in yots} == {"s28-i"}


def test_probation_units_are_relevant_partners_of_their_councils(demo):
    unit = db.session.scalar(
        sa.select(Organisation).where(Organisation.code == "demo-probation-cardiff-and-vale")
    )
    cardiff = db.session.scalar(sa.select(Organisation).where(Organisation.code == "la-cardiff"))
    swansea = db.session.scalar(sa.select(Organisation).where(Organisation.code == "la-swansea"))

    def facts(o):
        return BodyFacts(
            o.code,
            o.kind.value,
            o.relevant_partner_category,
            o.covers_all_wales,
            frozenset(a.code for a in o.areas),
        )

    assert relevant_partner_category(facts(cardiff), facts(unit)) == "rp-d"
    assert relevant_partner_category(facts(swansea), facts(unit)) is None


def test_running_again_writes_nothing(app, demo):
    runner = app.test_cli_runner()
    before = (count(Organisation), count(User))
    same = runner.invoke(args=["demo-data", "--scale", "small"])
    assert same.exit_code == 0
    assert "already has the small demo data; nothing was written" in same.output
    other = runner.invoke(args=["demo-data", "--scale", "large"])
    assert other.exit_code == 1
    assert "nothing was written" in other.output and "new database" in other.output
    assert (count(Organisation), count(User)) == before


def test_short_password_on_stdin_is_refused(app, demo):
    before = count(User)
    result = app.test_cli_runner().invoke(
        args=["demo-data", "--scale", "small", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert count(User) == before


# ---------------------------------------------------------------- protocols


def test_protocols_with_versions_partners_and_signatures(demo):
    from isp_manager.protocols.demo import (
        EXPORT_BENCH_DATA_ITEMS,
        EXPORT_BENCH_PARTNERS,
        EXPORT_BENCH_TITLE,
    )
    from isp_manager.protocols.models import Protocol, ProtocolVersion, VersionState

    assert count(Protocol) == SCALES["small"].protocols + 2  # and the two for the benchmarks
    bench = db.session.scalar(sa.select(Protocol).where(Protocol.title == EXPORT_BENCH_TITLE))
    version = bench.active_version
    assert len(version.partners) == EXPORT_BENCH_PARTNERS
    assert len(version.data_items) == EXPORT_BENCH_DATA_ITEMS
    assert len(version.signatures) == EXPORT_BENCH_PARTNERS
    states = set(db.session.scalars(sa.select(ProtocolVersion.state).distinct()))
    assert {VersionState.ACTIVE, VersionState.DRAFT, VersionState.SUPERSEDED} <= states


def test_signed_versions_pass_quality_assurance(demo):
    """What the demo data calls approved would pass the service's own QA checklist."""
    from isp_manager.protocols.models import ProtocolVersion, VersionState
    from isp_manager.protocols.qa import failures, qa_checklist
    from isp_manager.protocols.templates_data import template_for

    versions = db.session.scalars(
        sa.select(ProtocolVersion).where(ProtocolVersion.state == VersionState.ACTIVE)
    ).all()
    assert versions
    for version in versions:
        template = template_for(version.protocol)
        problems = failures(qa_checklist(version, template, today=version.approved_at.date()))
        assert problems == [], (version.protocol.reference, [p.message for p in problems])
        signed = {s.partner_id for s in version.signatures}
        assert signed == {p.id for p in version.partners}


def test_every_kind_of_agreement_in_the_proportions_of_the_waspi_library(demo):
    """ISPs are most of the library, then DDAs, then JCAs and controller-processor agreements;
    each kind's parties have that kind's roles."""
    from isp_manager.protocols.demo import KIND_SHARES
    from isp_manager.protocols.models import (
        KIND_RULES,
        Protocol,
        ProtocolKind,
        VersionState,
    )

    protocols = db.session.scalars(sa.select(Protocol)).all()
    per_kind = {kind: [p for p in protocols if p.kind == kind] for kind in ProtocolKind}
    generated = SCALES["small"].protocols
    for kind, share in KIND_SHARES:
        extra = 2 if kind == ProtocolKind.ISP else 0  # the two agreements of the benchmarks
        assert abs(len(per_kind[kind]) - extra - generated * share) <= 1, kind
    for kind in (ProtocolKind.JCA, ProtocolKind.DPA):
        states = {v.state for p in per_kind[kind] for v in p.versions}
        assert VersionState.ACTIVE in states, kind
        for protocol in per_kind[kind]:
            assert protocol.template_code == f"waspi-{kind.value}"
            first, others = KIND_RULES[kind].roles
            for version in protocol.versions:
                roles = [p.role for p in version.partners]
                assert roles[0] == first and roles.count(first) == 1, protocol.reference
                assert set(roles[1:]) == {others}, protocol.reference
    titles = " ".join(p.title for p in per_kind[ProtocolKind.DPA])
    assert "processed by" in titles


def test_joint_controller_and_processor_terms_are_written_for_their_parties(demo):
    """A JCA in force names each joint controller in its roles and responsibilities; a DPA
    in force records every Article 28(3) term; a DPA's data goes between its controller
    and a processor, never between two processors."""
    from isp_manager.protocols.models import PartnerRole, Protocol, ProtocolKind
    from isp_manager.protocols.templates_data import template_for

    for kind in (ProtocolKind.JCA, ProtocolKind.DPA):
        for protocol in db.session.scalars(sa.select(Protocol).where(Protocol.kind == kind)):
            version = protocol.active_version
            if version is None:
                continue
            template = template_for(protocol)
            terms = [(s.code, f.code) for s in template.sections for f in s.fields if f.term]
            assert terms
            for section, code in terms:
                assert version.section(section).content.get(code), (protocol.reference, code)
            if kind == ProtocolKind.JCA:
                text = version.section("roles").content["responsibilities"]
                for partner in version.partners:
                    assert partner.organisation.name in text, protocol.reference
            else:
                controller = next(p for p in version.partners if p.role == PartnerRole.CONTROLLER)
                assert all(i.source_partner_id == controller.id for i in version.data_items)
                for flow in version.flows:
                    assert controller.id in (flow.from_partner_id, flow.to_partner_id)


def test_submitted_versions_name_a_regional_qa_group_reviewed_by_its_members(demo):
    """Every version that went to QA names one of the regional groups; whoever approved it is
    a member of that group, from neither the lead organisation nor the submitter's."""
    from isp_manager.accounts.models import User
    from isp_manager.protocols.models import ProtocolVersion
    from isp_manager.qa_groups.models import QaGroup, QaGroupMember

    assert count(QaGroup) == 5
    members = set(db.session.execute(sa.select(QaGroupMember.qa_group_id, QaGroupMember.user_id)))
    assert len(members) >= 5
    police = db.session.scalar(sa.select(User).where(User.email.startswith("ig-lead.police@")))
    south = db.session.scalar(sa.select(QaGroup).where(QaGroup.code == "waspi-south"))
    assert (south.id, police.id) in members
    submitted = db.session.scalars(
        sa.select(ProtocolVersion).where(ProtocolVersion.submitted_at.is_not(None))
    ).all()
    assert submitted
    for version in submitted:
        assert version.qa_group_id is not None, version.protocol.reference
        if version.approved_by_id is not None:
            assert (version.qa_group_id, version.approved_by_id) in members
            assert version.approved_by.organisation_id != version.protocol.lead_organisation_id
            assert version.qa_group == version.assigned_qa_group.name


# ---------------------------------------------------------------- s.164 requests


def test_requests_follow_the_law_and_the_lifecycle(demo):
    from isp_manager.calendar import due_date
    from isp_manager.cooperation.kind import S164
    from isp_manager.cooperation.models import CooperationRequest
    from isp_manager.lifecycle.models import RequestState
    from isp_manager.lifecycle.reasons import reasons_problem
    from isp_manager.parties.services import eligibility_for_s164

    requests = db.session.scalars(
        sa.select(CooperationRequest).options(sa.orm.selectinload(CooperationRequest.events))
    ).all()
    assert len(requests) == SCALES["small"].cooperation_requests
    states = {r.state for r in requests}
    assert {RequestState.SENT, RequestState.ANSWERED, RequestState.CLOSED} <= states
    for r in requests[::10]:
        eligibility = eligibility_for_s164(r.requesting_org, r.requested_org)
        assert eligibility.code == r.s164_basis, r.reference
    for r in requests:
        assert r.events[0].event_type.value == "drafted"
        if r.written_reasons:
            assert reasons_problem(r.written_reasons, wording=S164.reasons_wording) is None, (
                r.written_reasons
            )
        plain = not r.is_urgent and r.stopped_working_days == 0
        if r.sent_on and plain and len([e for e in r.events if e.new_due_date]) == 1:
            assert r.due_date == due_date(r.sent_on, 10).date, r.reference


def test_new_requests_are_numbered_after_the_demo_ones(demo):
    from isp_manager.cooperation.models import CooperationRequest
    from isp_manager.lifecycle.services import allocate_reference

    year = db.session.scalar(sa.select(sa.func.max(CooperationRequest.sent_on))).year
    reference = allocate_reference("S164", year)
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(CooperationRequest)
        .where(CooperationRequest.reference == reference)
    )
    assert taken == 0
    assert int(reference.rsplit("-", 1)[1]) > 1


# ---------------------------------------------------------------- decision records


def test_decisions_meet_every_rule_and_one_organisation_holds_many(demo):
    from isp_manager.decisions import services
    from isp_manager.decisions.demo import BUSIEST
    from isp_manager.decisions.models import Decision, DecisionState

    decisions = db.session.scalars(
        sa.select(Decision).options(
            sa.orm.selectinload(Decision.recipients),
            sa.orm.selectinload(Decision.amendments),
            sa.orm.selectinload(Decision.organisation),
        )
    ).all()
    assert len(decisions) == SCALES["small"].decisions
    assert {d.state for d in decisions} == {DecisionState.RECORDED}
    per_org: dict[str, int] = {}
    for d in decisions:
        per_org[d.organisation.code] = per_org.get(d.organisation.code, 0) + 1
    assert max(per_org, key=per_org.get) == BUSIEST
    assert per_org[BUSIEST] > len(decisions) / 5 and len(per_org) > 10
    assert {d.current_decision.value for d in decisions} == {"share", "not_share"}
    assert any(d.amendments for d in decisions) and not all(d.amendments for d in decisions)
    for d in decisions:
        values = services.current_values(d)
        assert services.rule_problems(values, d.organisation) == {}, d.reference
        assert d.organisation not in d.recipients
        assert (d.current_decision.value, d.current_consent_outcome.value) == (
            values["decision"],
            values["consent_outcome"],
        )
        assert d.current_article6 == values["article6"]
        assert d.reference.startswith(f"DEC-{d.decided_on.year}-")
    recorded = count(AuditEvent, AuditEvent.action == "decision.recorded")
    amended = count(AuditEvent, AuditEvent.action == "decision.amended")
    assert recorded == len(decisions)
    assert amended == sum(len(d.amendments) for d in decisions)


def test_new_decisions_are_numbered_after_the_demo_ones(demo):
    from isp_manager.decisions.models import Decision
    from isp_manager.lifecycle.services import allocate_reference

    year = db.session.scalar(sa.select(sa.func.max(Decision.decided_on))).year
    reference = allocate_reference("DEC", year)
    assert count(Decision, Decision.reference == reference) == 0
    assert int(reference.rsplit("-", 1)[1]) > 1
