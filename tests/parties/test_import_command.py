"""`flask organisations import FILE.csv`: more bodies in the reference layout, all or nothing,
idempotent, with a line-numbered message for each bad row."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.extensions import db
from isp_manager.parties.models import Nation, Organisation, OrgKind
from isp_manager.parties.services import REGISTER_CSV_COLUMNS
from tests.conftest import org

SCHOOL = {"code": "school-ysgol-treganna", "name": "Ysgol Treganna", "name_cy": "Ysgol Treganna",
          "kind": "school", "areas": "la-cardiff", "nation": "wales"}  # fmt: skip
COLLEGE = {"code": "college-cambria", "name": "Coleg Cambria", "kind": "other",
           "areas": "la-flintshire;la-wrexham", "notes": "Further education college", "nation": "wales"}  # fmt: skip
HOUSING = {"code": "housing-wales-and-west", "name": "Wales & West Housing", "kind": "other",
           "areas": "wales", "nation": "wales"}  # fmt: skip
BORDER = {"code": "nhs-countess-of-chester", "name": "Countess of Chester Hospital NHS Foundation Trust",
          "kind": "nhs_foundation_trust", "areas": "la-flintshire", "nation": "england"}  # fmt: skip


def write(path, rows, columns=REGISTER_CSV_COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    return path


def count(what) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(what))


@pytest.fixture
def run(app):
    def _run(path):
        return app.test_cli_runner().invoke(args=["organisations", "import", str(path)])

    return _run


def test_loads_bodies_and_a_second_run_changes_nothing(run, tmp_path):
    path = write(tmp_path / "bodies.csv", [SCHOOL, COLLEGE, HOUSING, BORDER])
    before = count(Organisation)
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "4 created, 0 updated, 0 unchanged" in result.output
    assert count(Organisation) == before + 4
    assert sorted(a.code for a in org("college-cambria").areas) == ["la-flintshire", "la-wrexham"]
    assert org("housing-wales-and-west").covers_all_wales
    border = org("nhs-countess-of-chester")
    assert (border.kind, border.nation) == (OrgKind.NHS_FOUNDATION_TRUST, Nation.ENGLAND)
    events = count(AuditEvent)
    again = run(path)
    assert again.exit_code == 0 and "0 created, 0 updated, 4 unchanged" in again.output
    assert count(Organisation) == before + 4 and count(AuditEvent) == events


def test_existing_codes_are_updated(run, tmp_path):
    run(write(tmp_path / "a.csv", [SCHOOL]))
    result = run(write(tmp_path / "b.csv", [{**SCHOOL, "name": "Ysgol Gymraeg Treganna"}, COLLEGE]))
    assert "1 created, 1 updated, 0 unchanged" in result.output
    assert org("school-ysgol-treganna").name == "Ysgol Gymraeg Treganna"
    # a reference body can be corrected the same way
    police = {"code": "police-gwent", "name": "Gwent Police (Chief Constable)", "name_cy": "Heddlu Gwent",
              "kind": "chief_officer_of_police", "s28_category": "s28-d", "relevant_partner_category": "rp-a",
              "areas": "la-blaenau-gwent;la-caerphilly;la-monmouthshire;la-newport;la-torfaen",
              "notes": "checked 2026", "nation": "wales"}  # fmt: skip
    assert "0 created, 1 updated" in run(write(tmp_path / "c.csv", [police])).output
    assert org("police-gwent").notes == "checked 2026"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({**COLLEGE, "kind": "dragon"}, "Line 3, kind: Select the kind of organisation from the list"),
        ({**COLLEGE, "nation": "atlantis"}, "Line 3, nation: Select the nation the organisation is in from the list"),
        ({**COLLEGE, "nation": ""}, "Line 3, nation: Select the nation the organisation is in"),
        ({**COLLEGE, "s28_category": "s28-b"}, "Line 3, s28_category: Children Act 2004, s.28(1)(b) does not apply"),
        ({**COLLEGE, "relevant_partner_category": "rp-b"}, "Line 3, relevant_partner_category: Another local authority"),
        ({**COLLEGE, "areas": "la-atlantis"}, "Line 3, areas: la-atlantis: not a council's code"),
        ({**COLLEGE, "name": ""}, "Line 3, name: Enter the organisation's name"),
        ({**COLLEGE, "code": "Bad Code"}, "Line 3, code: The code must be lower-case letters"),
        ({**COLLEGE, "code": SCHOOL["code"]}, "Line 3, code: school-ysgol-treganna is already on line 2 of the file"),
        ({**COLLEGE, "code": "police-gwent", "name_cy": ""}, "Line 3, name_cy: Enter the Welsh name"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_by_its_line_and_nothing_is_loaded(run, tmp_path, bad, message):
    before, events = count(Organisation), count(AuditEvent)
    result = run(write(tmp_path / "bad.csv", [SCHOOL, bad, HOUSING]))
    assert result.exit_code != 0
    assert message in result.output
    assert "Nothing was loaded" in result.output
    assert (count(Organisation), count(AuditEvent)) == (before, events)


def test_every_bad_row_is_reported_at_once(run, tmp_path):
    rows = [{**SCHOOL, "kind": "castle"}, COLLEGE, {**HOUSING, "nation": "mars", "name": ""}]
    result = run(write(tmp_path / "bad.csv", rows))
    assert "Line 2, kind" in result.output
    assert "Line 4, nation" in result.output and "Line 4, name" in result.output
    assert "Line 3" not in result.output
    assert "3 problem(s)" in result.output


def test_a_file_in_another_layout_is_refused(run, tmp_path):
    path = write(tmp_path / "odd.csv", [SCHOOL], columns=("code", "name", "kind", "colour"))
    result = run(path)
    assert result.exit_code != 0
    assert "Line 1: there is no nation column" in result.output
    assert "Line 1: colour is not a column of the register" in result.output


def test_an_exported_register_loads_back_unchanged(client, run, tmp_path):
    exported = client.get("/organisations.csv?kind=youth_offending_team").get_data(as_text=True)
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 17 unchanged" in result.output
