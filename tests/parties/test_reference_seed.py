"""`flask seed-reference`: the 78 Welsh bodies, loaded idempotently."""

from __future__ import annotations

import csv
from collections import Counter

import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.parties.models import Organisation, OrgKind, organisation_areas
from isp_manager.parties.reference import REFERENCE_FILE, read_reference_rows, seed_reference
from tests.conftest import org


def count(db_session, what) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(what))


def test_the_register_holds_every_welsh_statutory_body():
    kinds = Counter(o.kind for o in services_all())
    assert kinds[OrgKind.LOCAL_AUTHORITY] == 22
    assert kinds[OrgKind.LOCAL_HEALTH_BOARD] == 7
    assert kinds[OrgKind.NHS_TRUST] == 3
    assert kinds[OrgKind.CHIEF_OFFICER_OF_POLICE] == 4
    assert kinds[OrgKind.LOCAL_POLICING_BODY] == 4
    assert kinds[OrgKind.SAFEGUARDING_BOARD] == 6
    assert kinds[OrgKind.PRISON] == 6
    for code in ("nca", "btpa", "hmpps-wales", "welsh-ministers-lsa"):
        assert org(code)
    assert sum(kinds.values()) == len(read_reference_rows()) == 78


def test_every_reference_body_has_a_welsh_name():
    assert [o.code for o in services_all() if not o.name_cy] == []
    assert org("prison-usk").display_name("cy") == "Carchar EF Brynbuga"
    assert org("pcc-south-wales").display_name("cy") == "Comisiynydd Heddlu a Throseddu De Cymru"
    assert org("board-gwent").display_name("cy") == "Bwrdd Diogelu Gwent"


def services_all():
    from isp_manager.extensions import db

    return db.session.scalars(sa.select(Organisation)).all()


def test_seeding_twice_changes_nothing(db_session):
    orgs, areas, events = (count(db_session, Organisation), count(db_session, organisation_areas),
                           count(db_session, AuditEvent))  # fmt: skip
    result = seed_reference()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 78)
    assert count(db_session, Organisation) == orgs
    assert count(db_session, organisation_areas) == areas
    assert count(db_session, AuditEvent) == events


def test_a_changed_row_is_updated_not_duplicated(db_session, tmp_path):
    rows = read_reference_rows()
    for row in rows:
        if row["code"] == "lhb-powys":
            row["name"] = "Powys Teaching Health Board (renamed)"
            row["areas"] = "la-powys;la-ceredigion"
    changed = write_rows(tmp_path / "bodies.csv", rows)
    orgs = count(db_session, Organisation)

    result = seed_reference(changed)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 77)
    assert count(db_session, Organisation) == orgs
    lhb = org("lhb-powys")
    assert lhb.name == "Powys Teaching Health Board (renamed)"
    assert sorted(a.code for a in lhb.areas) == ["la-ceredigion", "la-powys"]
    assert "renamed" in lhb.search_text
    event = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.record_id == str(lhb.id), AuditEvent.record_type == "organisations")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "organisation.updated" and event.actor_id is None
    assert event.before == {"name": "Powys Teaching Health Board", "area_codes": ["la-powys"]}
    assert event.after == {
        "name": "Powys Teaching Health Board (renamed)",
        "area_codes": ["la-ceredigion", "la-powys"],
    }
    # and back again: the shipped file wins
    assert seed_reference(REFERENCE_FILE).updated == 1
    assert org("lhb-powys").name == "Powys Teaching Health Board"


def write_rows(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_new_rows_are_created_and_lost_areas_restored_with_audit_events(db_session, tmp_path):
    db_session.execute(sa.delete(organisation_areas))
    rows = read_reference_rows()
    rows.append(
        {**rows[-1], "code": "board-test", "name": "Test Safeguarding Board", "areas": "la-cardiff"}
    )
    path = write_rows(tmp_path / "bodies.csv", rows)

    result = seed_reference(path)

    assert result.created == 1
    assert result.updated == sum(1 for r in rows[:-1] if r["areas"] != "wales")
    created = org("board-test")
    [event] = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_id == str(created.id), AuditEvent.record_type == "organisations"
        )
    ).all()
    assert event.action == "organisation.created"
    assert event.after["area_codes"] == ["la-cardiff"]
    assert seed_reference(path).created == 0
    assert count(db_session, Organisation) == 79


def test_seed_reference_command(app):
    result = app.test_cli_runner().invoke(args=["seed-reference"])
    assert result.exit_code == 0
    assert "0 created, 0 updated, 78 unchanged" in result.output


def test_every_reference_body_is_a_public_authority(db_session):
    assert [o.code for o in services_all() if not o.is_public_authority] == []


def test_reseeding_keeps_an_administrators_public_authority_choice(db_session):
    org("board-gwent").is_public_authority = False
    db_session.flush()
    seed_reference()
    assert org("board-gwent").is_public_authority is False
