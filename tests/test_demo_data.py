"""`flask demo-data`: the small scale through the real command, then counts and integrity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from isp_manager.accounts.demo import DEMO_ACCOUNTS, DEMO_DOMAIN
from isp_manager.accounts.models import Role, User
from isp_manager.audit.models import AuditEvent
from isp_manager.demo_data import LOADED_ACTION, SCALES
from isp_manager.extensions import db
from isp_manager.law.rules import BodyFacts, relevant_partner_category
from isp_manager.parties.models import Organisation, OrgKind, organisation_areas
from isp_manager.parties.search import search_text_for

PASSWORD = "demo password for the tests"  # noqa: S105 (a test fixture)


@pytest.fixture
def demo(app):
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
    hasher = PasswordHasher()
    for role, local, code, *_ in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == f"{local}@{DEMO_DOMAIN}"))
        assert user.role == role and user.organisation.code == code and user.is_active
        assert hasher.verify(user.password_hash, PASSWORD)


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
        OrgKind.YOUTH_OFFENDING_TEAM,
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


def test_short_password_on_stdin_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["demo-data", "--scale", "small", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert count(Organisation, Organisation.code.startswith("demo-")) == 0
