"""Adding and changing organisations, and recording s.162(4)(b) agreements: the rules,
the messages each bad field gets, the access rule and the audit events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.parties import services
from isp_manager.parties.models import Organisation, OrgKind
from tests.conftest import org

YOT = {
    "code": "yot-cardiff-west",
    "name": "Cardiff West Youth Justice Service",
    "name_cy": "Gwasanaeth Cyfiawnder Ieuenctid Gorllewin Caerdydd",
    "kind": "youth_offending_team",
    "nation": "wales",
    "s28_category": "s28-i",
    "areas": ["la-cardiff"],
}


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN)


def events(db_session, record):
    return db_session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.record_type == record.__tablename__, AuditEvent.record_id == str(record.id)
        )
        .order_by(AuditEvent.id)
    ).all()


def field_errors(excinfo) -> dict:
    return {k: " ".join(v) for k, v in excinfo.value.errors.items()}


# ------------------------------------------------------------------ create


def test_admin_adds_a_youth_offending_team(db_session, admin):
    yot = services.create_organisation({**YOT, "ico_registration": "za 123456",
                                        "dpo_email": "DPO@Cardiff.gov.uk"}, by=admin)  # fmt: skip
    assert yot.code == "yot-cardiff-west" and yot.kind == OrgKind.YOUTH_OFFENDING_TEAM
    assert [a.code for a in yot.areas] == ["la-cardiff"]
    assert yot.ico_registration == "ZA123456"
    assert yot.dpo_email == "DPO@cardiff.gov.uk"
    assert "gwasanaeth cyfiawnder ieuenctid gorllewin caerdydd" in yot.search_text
    [event] = events(db_session, yot)
    assert event.action == "organisation.created" and event.actor_id == admin.id
    assert (
        event.after["area_codes"] == ["la-cardiff"]
        and event.after["kind"] == "youth_offending_team"
    )


def test_a_new_council_covers_its_own_area(admin):
    council = services.create_organisation(
        {
            "code": "la-test",
            "name": "Test County Council",
            "kind": "local_authority",
            "nation": "wales",
            "s28_category": "s28-a",
        },
        by=admin,
    )
    assert council.areas == [council]


def test_search_finds_the_new_body_by_either_name(admin):
    services.create_organisation(YOT, by=admin)
    stmt = services.register_query(services.RegisterFilters(q="CYFIAWNDER ieuenctid GORLLEWIN"))
    assert [o.code for o in services.db.session.scalars(stmt)] == ["yot-cardiff-west"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"code": ""}, "code", "Enter a code"),
        ({"code": "Yot Cardiff"}, "code", "lower-case letters, numbers and single hyphens"),
        ({"code": "yot--cardiff"}, "code", "single hyphens"),
        ({"code": "new"}, "code", "lower-case letters"),
        ({"code": "x" * 65}, "code", "64 characters or fewer"),
        ({"code": "la-cardiff"}, "code", "already exists"),
        ({"name": "  "}, "name", "Enter the organisation's name"),
        ({"name": "n" * 201}, "name", "200 characters or fewer"),
        ({"name_cy": "n" * 201}, "name_cy", "Welsh name must be 200 characters"),
        ({"kind": ""}, "kind", "Select the kind of organisation"),
        ({"kind": "spaceship"}, "kind", "from the list"),
        ({"s28_category": "s28-z"}, "s28_category", "Select a section 28 category"),
        ({"s28_category": "s28-d"}, "s28_category", "Children Act 2004, s.28(1)(d) does not apply"),
        ({"relevant_partner_category": "rp-a"}, "relevant_partner_category", "s.162(4)(a) does not apply"),
        ({"relevant_partner_category": "rp-b"}, "relevant_partner_category", "only by a recorded agreement"),
        ({"relevant_partner_category": "rp-q"}, "relevant_partner_category", "from the list"),
        ({"areas": []}, "areas", "Choose the councils' areas"),
        ({"areas": ["la-atlantis"]}, "areas", "la-atlantis: not a council's code"),
        ({"areas": ["police-gwent"]}, "areas", "police-gwent: not a council's code"),
        ({"areas": "la-cardiff"}, "areas", "list of council codes"),
        ({"covers_all_wales": True}, "areas", "either All of Wales or particular councils"),
        ({"covers_all_wales": "yes"}, "covers_all_wales", "true or false"),
        ({"ico_registration": "12345"}, "ico_registration", "like Z1234567 or ZA123456"),
        ({"ico_registration": "Z123456"}, "ico_registration", "like Z1234567"),
        ({"ico_registration": "AB123456"}, "ico_registration", "like Z1234567"),
        ({"dpo_email": "not-an-email"}, "dpo_email", "data protection officer's e-mail address"),
        ({"ig_lead_email": "a@b"}, "ig_lead_email", "IG lead's e-mail address"),
        ({"waspi_signed_on": date.today() + timedelta(days=2)}, "waspi_signed_on", "today or in the past"),
        ({"waspi_signed_on": "31/02/2024"}, "waspi_signed_on", "real date"),
        ({"waspi_designated_person": "Jo Bloggs"}, "waspi_signed_on", "or remove the designated person"),
        ({"waspi_declaration_signed_by": "Jo Bloggs", "waspi_declaration_signatory_role": "Chief Executive"}, "waspi_signed_on", "or remove who signed the Declaration"),
        ({"waspi_signed_on": date.today() + timedelta(days=1), "waspi_declaration_signed_by": "Jo Bloggs", "waspi_declaration_signatory_role": "Chief Executive"}, "waspi_signed_on", "today or in the past"),
        ({"waspi_signed_on": "2020-01-01", "waspi_declaration_signatory_role": "Chief Executive"}, "waspi_declaration_signed_by", "or remove their role"),
        ({"waspi_signed_on": "2020-01-01", "waspi_declaration_signed_by": "Jo Bloggs"}, "waspi_declaration_signatory_role", "like Chief Executive"),
        ({"waspi_signed_on": "2020-01-01", "waspi_declaration_signed_by": "x" * 201, "waspi_declaration_signatory_role": "CEO"}, "waspi_declaration_signed_by", "200 characters or fewer"),
        ({"notes": "n" * 501}, "notes", "500 characters or fewer"),
        ({"colour": "red"}, "colour", "not a detail that can be set"),
    ],
)  # fmt: skip
def test_create_refuses_bad_fields_with_a_message(db_session, admin, changes, field, words):
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    with pytest.raises(InvalidInput) as excinfo:
        services.create_organisation({**YOT, **changes}, by=admin)
    assert words in field_errors(excinfo)[field]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == before


def test_every_bad_field_is_reported_at_once(admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.create_organisation(
            {"code": "BAD CODE", "name": "", "kind": "", "dpo_email": "x"}, by=admin
        )
    assert set(excinfo.value.errors) == {"code", "name", "kind", "nation", "dpo_email"}


@pytest.mark.parametrize("ico", ["Z1234567", "ZA123456", "ZB910034", "zc 224111"])
def test_ico_numbers_in_both_formats_are_accepted(admin, ico):
    yot = services.create_organisation({**YOT, "ico_registration": ico}, by=admin)
    assert yot.ico_registration == ico.replace(" ", "").upper()


@pytest.mark.parametrize(
    "role", [Role.IG_LEAD, Role.PRACTITIONER, Role.BOARD_OFFICER, Role.AUDITOR]
)
def test_only_admins_add_organisations(make_user, role):
    with pytest.raises(PermissionDenied):
        services.create_organisation(YOT, by=make_user("la-cardiff", role))
    with pytest.raises(PermissionDenied):
        services.update_organisation(
            org("la-cardiff"), {"notes": "x"}, by=make_user("la-cardiff", role)
        )


# ------------------------------------------------------------------ update


def test_update_records_only_what_changed(db_session, admin):
    police = org("police-gwent")
    services.update_organisation(
        police,
        {"ico_registration": "Z7654321", "dpo_name": "Dee Pio", "waspi_signed_on": "2023-04-01",
         "waspi_designated_person": "A. Person", "name": police.name},
        by=admin,
    )  # fmt: skip
    event = events(db_session, police)[-1]
    assert event.action == "organisation.updated"
    assert event.before == {"ico_registration": None, "dpo_name": None, "waspi_signed_on": None,
                            "waspi_designated_person": None}  # fmt: skip
    assert event.after == {"ico_registration": "Z7654321", "dpo_name": "Dee Pio",
                           "waspi_signed_on": "2023-04-01", "waspi_designated_person": "A. Person"}  # fmt: skip
    assert police.waspi_signed_on == date(2023, 4, 1)


def test_update_that_changes_nothing_writes_no_event(db_session, admin):
    police = org("police-gwent")
    count = len(events(db_session, police))
    services.update_organisation(police, {"name": police.name}, by=admin)
    assert len(events(db_session, police)) == count


def test_update_areas_and_search_text(db_session, admin):
    lhb = org("lhb-powys")
    services.update_organisation(
        lhb, {"areas": ["la-powys", "la-ceredigion"], "name_cy": "Bwrdd Ŵyth"}, by=admin
    )
    assert sorted(a.code for a in lhb.areas) == ["la-ceredigion", "la-powys"]
    assert "bwrdd wyth" in lhb.search_text
    event = events(db_session, lhb)[-1]
    assert event.before["area_codes"] == ["la-powys"]
    assert event.after["area_codes"] == ["la-ceredigion", "la-powys"]


def test_code_cannot_change(admin):
    with pytest.raises(Conflict) as excinfo:
        services.update_organisation(org("police-gwent"), {"code": "police-gwent-2"}, by=admin)
    assert "code" in excinfo.value.errors
    services.update_organisation(
        org("police-gwent"), {"code": "police-gwent"}, by=admin
    )  # same: fine


def test_a_council_stays_a_council(admin):
    with pytest.raises(Conflict):
        services.update_organisation(org("la-cardiff"), {"kind": "charity"}, by=admin)


def test_update_checks_fields_against_the_stored_record(admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.update_organisation(
            org("welsh-ministers-lsa"), {"covers_all_wales": False}, by=admin
        )
    assert "whole of Wales" in field_errors(excinfo)["areas"]
    with pytest.raises(InvalidInput) as excinfo:
        services.update_organisation(org("police-gwent"), {"kind": "charity"}, by=admin)
    assert set(excinfo.value.errors) == {"s28_category", "relevant_partner_category"}


def test_deactivate(admin):
    services.update_organisation(org("prison-usk"), {"is_active": False}, by=admin)
    assert org("prison-usk").is_active is False
    codes = [
        o.code
        for o in services.db.session.scalars(services.register_query(services.RegisterFilters()))
    ]
    assert "prison-usk" not in codes
    inactive = services.register_query(services.RegisterFilters(status="inactive"))
    assert [o.code for o in services.db.session.scalars(inactive)] == ["prison-usk"]


# ------------------------------------------------------------------ agreements


@pytest.mark.parametrize(
    ("role", "org_code", "allowed"),
    [
        (Role.ADMIN, "police-gwent", True),
        (Role.IG_LEAD, "la-cardiff", True),
        (Role.IG_LEAD, "la-newport", True),
        (Role.IG_LEAD, "la-swansea", False),
        (Role.PRACTITIONER, "la-cardiff", False),
        (Role.BOARD_OFFICER, "la-cardiff", False),
        (Role.AUDITOR, "la-cardiff", False),
    ],
)
def test_who_records_an_agreement(db_session, make_user, role, org_code, allowed):
    user = make_user(org_code, role)
    if allowed:
        agreement = services.record_agreement(
            org("la-cardiff"), org("la-newport"), date(2025, 1, 2), by=user
        )
        [event] = events(db_session, agreement)
        assert event.action == "relevant_partner_agreement.recorded" and event.actor_id == user.id
        assert (
            event.after["council"] == "la-cardiff" and event.after["other_council"] == "la-newport"
        )
    else:
        with pytest.raises(PermissionDenied):
            services.record_agreement(
                org("la-cardiff"), org("la-newport"), date(2025, 1, 2), by=user
            )


@pytest.mark.parametrize(
    ("council", "other", "agreed_on", "field", "words"),
    [
        (
            "la-cardiff",
            "police-south-wales",
            date(2025, 1, 1),
            "other_council",
            "not a local authority",
        ),
        (
            "lhb-cardiff-and-vale",
            "la-cardiff",
            date(2025, 1, 1),
            "council",
            "between two local authorities",
        ),
        (
            "la-cardiff",
            "la-cardiff",
            date(2025, 1, 1),
            "other_council",
            "other than Cardiff Council",
        ),
        ("la-cardiff", None, date(2025, 1, 1), "other_council", "Select the other council"),
        (
            "la-cardiff",
            "la-newport",
            date.today() + timedelta(days=1),
            "agreed_on",
            "today or in the past",
        ),
        ("la-cardiff", "la-newport", None, "agreed_on", "Enter the date"),
    ],
)
def test_agreement_refusals(admin, council, other, agreed_on, field, words):
    with pytest.raises(InvalidInput) as excinfo:
        services.record_agreement(org(council), org(other) if other else None, agreed_on, by=admin)
    assert words in field_errors(excinfo)[field]


def test_duplicate_agreement_is_refused_either_way_round(admin):
    services.record_agreement(org("la-cardiff"), org("la-newport"), date(2025, 1, 2), by=admin)
    with pytest.raises(InvalidInput) as excinfo:
        services.record_agreement(org("la-newport"), org("la-cardiff"), date(2025, 2, 2), by=admin)
    assert (
        "already have an agreement, made on 2 January 2025"
        in field_errors(excinfo)["other_council"]
    )


def test_end_agreement_then_record_again(db_session, admin, make_user):
    agreement = services.record_agreement(
        org("la-cardiff"), org("la-newport"), date(2024, 1, 2), by=admin
    )
    with pytest.raises(PermissionDenied):
        services.end_agreement(
            agreement, date(2025, 1, 1), by=make_user("la-swansea", Role.IG_LEAD)
        )
    with pytest.raises(InvalidInput) as excinfo:
        services.end_agreement(agreement, date(2023, 1, 1), by=admin)
    assert "cannot be before the date it was made" in field_errors(excinfo)["ended_on"]
    services.end_agreement(agreement, date(2025, 1, 1), by=make_user("la-newport", Role.IG_LEAD))
    assert events(db_session, agreement)[-1].after == {"ended_on": "2025-01-01"}
    with pytest.raises(Conflict):
        services.end_agreement(agreement, date(2025, 1, 1), by=admin)
    again = services.record_agreement(
        org("la-newport"), org("la-cardiff"), date(2025, 3, 1), by=admin
    )
    assert [a.id for a in services.current_agreements_of(org("la-cardiff"))] == [again.id]
    assert [a.id for a in services.agreements_of(org("la-cardiff"))] == [again.id, agreement.id]


def test_notes_are_limited(admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.record_agreement(
            org("la-cardiff"), org("la-newport"), date(2025, 1, 2), "n" * 501, by=admin
        )
    assert "500 characters" in field_errors(excinfo)["notes"]


def test_the_declaration_signatory_is_recorded_audited_and_a_missing_one_is_a_warning(
    db_session, admin
):
    org = services.create_organisation(
        {**YOT, "waspi_signed_on": "2019-04-01", "waspi_designated_person": "Dee Pio"}, by=admin
    )
    assert any("not recorded" in w for w in services.waspi_accord_warnings(org))
    services.update_organisation(
        org,
        {
            "waspi_declaration_signed_by": "Ann Jones",
            "waspi_declaration_signatory_role": "Chief Executive",
        },
        by=admin,
    )
    assert services.waspi_accord_warnings(org) == []
    event = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "organisation.updated")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.before == {
        "waspi_declaration_signed_by": None,
        "waspi_declaration_signatory_role": None,
    }
    assert event.after == {
        "waspi_declaration_signed_by": "Ann Jones",
        "waspi_declaration_signatory_role": "Chief Executive",
    }


def test_only_an_administrator_records_the_declaration_signatory(db_session, make_user):
    org = services.create_organisation({**YOT}, by=make_user(role=Role.ADMIN))
    lead = make_user(org, role=Role.IG_LEAD)
    with pytest.raises(PermissionDenied):
        services.update_organisation(
            org, {"waspi_signed_on": "2019-04-01", "waspi_declaration_signed_by": "A"}, by=lead
        )
    assert org.waspi_declaration_signed_by is None


def test_the_register_filters_by_the_waspi_accord(db_session, admin):
    signed = services.create_organisation({**YOT, "waspi_signed_on": "2019-04-01"}, by=admin)

    def codes(value):
        rows = db_session.scalars(
            services.register_query(services.RegisterFilters(waspi_accord=value))
        )
        return {o.code for o in rows}

    assert signed.code in codes("signed")
    assert signed.code not in codes("not_signed")
    assert "la-cardiff" in codes("not_signed") and "la-cardiff" not in codes("signed")
