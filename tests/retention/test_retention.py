"""Retention: the registry, periods, review dates, the due list, extending and disposing
(with their refusals), and after a disposal no trace of the record's personal data in any
text column of any table, the audit log included; the audit log's guard still refuses every
other change."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.cooperation import services as cooperation
from isp_manager.decisions import services as decisions
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.lifecycle.models import Outcome
from isp_manager.retention import services
from isp_manager.retention.models import RetentionDisposal
from isp_manager.retention.registry import KINDS, PLACEHOLDER, add_months
from tests.cooperation.factories import REQUEST_DAY, details
from tests.decisions.conftest import SHARE

SECRET = "Zebedee-Quokka-7731"  # personal data no other record holds
LATER = date(2040, 1, 1)  # past every default review date of these records


@pytest.fixture
def lead(make_user):
    return make_user("la-cardiff", Role.IG_LEAD)


@pytest.fixture
def secret_decision(make_user):
    author = make_user("la-cardiff", Role.PRACTITIONER)
    values = {
        **SHARE,
        "subject_reference": "CS-7731-ZQ",
        "purpose": f"Protect the child {SECRET} at home.",
        "decision_reasons": f"The health board must know about {SECRET} now.",
        "shared_what": f"Visit notes about {SECRET}.",
        "individual_not_told_reason": f"Telling {SECRET}'s family would put them at risk.",
    }
    decision = decisions.create_decision(values, by=author)
    decisions.amend_decision(
        decision, f"Corrected the note about {SECRET}.", {"shared_how": f"Egress to {SECRET}"},
        by=author,
    )  # fmt: skip
    return decision


@pytest.fixture
def secret_request(make_user):
    council = make_user("la-cardiff", Role.PRACTITIONER)
    body = make_user("lhb-cardiff-and-vale", Role.IG_LEAD)
    req = cooperation.create_request(
        details(
            details=f"Appointments of {SECRET} since January.",
            purpose=f"Assess the needs of {SECRET}.",
            subject_reference="CS-7731-ZQ",
        ),
        by=council,
        send=True,
        on=REQUEST_DAY,
    )
    cooperation.ask_for_clarification(req, f"Which clinic does {SECRET} attend?", by=body)
    cooperation.give_clarification(req, f"{SECRET} attends the Heath clinic.", by=council)
    cooperation.respond_to_request(
        req,
        cooperation.AnswerInput(
            outcome=Outcome.PARTLY_COMPLIED,
            ground="s164-ground-a",
            written_reasons=f"Disclosing the rest would prejudice an inquiry about {SECRET}.",
            not_provided=f"The notes of {SECRET}'s last visit.",
            items=[
                cooperation.ItemInput(
                    description=f"Dates of {SECRET}'s appointments",
                    nature="fact",
                    provided_on=date(2027, 1, 5),
                    provided_how="Secure e-mail",
                )
            ],
        ),
        by=body,
        on=date(2027, 1, 5),
    )
    return req


def _text_columns_holding(text: str) -> list[str]:
    """Every (table.column) of every table in the database whose text holds `text`."""
    inspector = sa.inspect(db.session.connection())
    found = []
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            kind = str(column["type"]).upper()
            if not any(t in kind for t in ("CHAR", "TEXT", "JSON", "CLOB")):
                continue
            name = column["name"]
            cast = f'CAST("{name}" AS TEXT)'
            hits = db.session.execute(
                sa.text(f'SELECT count(*) FROM "{table}" WHERE {cast} LIKE :needle'),  # noqa: S608
                {"needle": f"%{text}%"},
            ).scalar()
            if hits:
                found.append(f"{table}.{name}")
    return found


def test_the_registry_names_each_record_type_with_its_personal_columns():
    assert {"decision", "cooperation_request", "advice_request"} <= set(KINDS)
    for kind in KINDS.values():
        table = kind.model.__table__
        assert "retention_review_on" in table.c and kind.owner_column in table.c
        assert set(kind.personal) <= set(table.c.keys())
        assert kind.default_months > 0 and str(kind.why_default)
        assert any(i.name == f"ix_{table.name}_retention_due" for i in table.indexes)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 20), 72, date(2032, 11, 20)),
        (date(2026, 12, 5), 1, date(2027, 1, 5)),
    ],
)
def test_add_months_in_python_and_in_sql_agree(start, months, expected):
    from isp_manager.retention.registry import add_months_sql, as_date

    dialect = db.session.get_bind().dialect.name
    in_sql = db.session.scalar(
        sa.select(
            add_months_sql(
                as_date(sa.literal(start.isoformat()), dialect), sa.literal(months), dialect
            )
        )
    )
    assert add_months(start, months) == expected
    assert str(in_sql) == expected.isoformat()


def test_each_record_gets_a_review_date_from_the_default_period(secret_decision, secret_request):
    assert secret_decision.retention_review_on == add_months(secret_decision.decided_on, 72)
    assert secret_request.retention_review_on == date(2033, 1, 5)  # six years after the answer


def test_the_ig_lead_sets_a_period_and_review_dates_follow_audited(lead, secret_decision):
    services.set_period(KINDS["decision"], 24, by=lead)
    db.session.refresh(secret_decision)
    assert secret_decision.retention_review_on == add_months(secret_decision.decided_on, 24)
    assert services.months_for(KINDS["decision"], lead.organisation_id) == 24
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "retention.period_set")
    ).one()
    assert event.before["months"] == 72 and event.after["months"] == 24


@pytest.mark.parametrize("months", [0, -3, 1201, "six", None, True])
def test_a_period_out_of_range_is_refused_on_the_field(lead, months):
    with pytest.raises(InvalidInput) as refused:
        services.set_period(KINDS["decision"], months, by=lead)
    assert "months" in refused.value.errors


@pytest.mark.parametrize(
    "org_code, role, error",
    [
        ("la-cardiff", Role.PRACTITIONER, PermissionDenied),
        ("la-cardiff", Role.ADMIN, PermissionDenied),
        ("la-cardiff", Role.AUDITOR, PermissionDenied),
        ("la-swansea", Role.IG_LEAD, NotFound),
    ],
)
def test_only_the_records_own_ig_lead_extends_or_disposes(
    make_user, secret_decision, org_code, role, error
):
    user = make_user(org_code, role)
    kind = KINDS["decision"]
    with pytest.raises(error):
        services.extend_retention(
            kind, secret_decision, LATER, "Litigation is pending now.", by=user
        )
    with pytest.raises(error):
        services.dispose_of(kind, secret_decision, by=user, today=LATER)
    if role is not Role.IG_LEAD:
        with pytest.raises(error):
            services.set_period(kind, 12, by=user)


def test_the_due_list_holds_records_past_their_review_date_only(
    lead, secret_decision, secret_request
):
    org_id = lead.organisation_id
    assert services.due_page(org_id, date(2030, 1, 1), page=1, per_page=10) == ([], 0)
    items, total = services.due_page(org_id, LATER, page=1, per_page=10)
    assert total == 2 and {i.kind.code for i in items} == {"decision", "cooperation_request"}
    assert [i.review_on for i in items] == sorted(i.review_on for i in items)
    other = db.session.scalar(sa.text("SELECT id FROM organisations WHERE code = 'la-swansea'"))
    assert services.due_page(other, LATER, page=1, per_page=10) == ([], 0)


def test_extending_moves_the_review_date_and_a_new_period_does_not_undo_it(lead, secret_decision):
    kind = KINDS["decision"]
    services.extend_retention(kind, secret_decision, LATER, "A claim has been threatened.", by=lead)
    services.set_period(kind, 12, by=lead)
    db.session.refresh(secret_decision)
    assert secret_decision.retention_review_on == LATER


@pytest.mark.parametrize(
    "new_date, reason, field",
    [
        (LATER, "short", "reason"),
        (LATER, "", "reason"),
        (date(2026, 1, 1), "A claim has been threatened.", "new_review_on"),
        (None, "A claim has been threatened.", "new_review_on"),
    ],
)
def test_an_extension_needs_a_later_date_and_a_reason(
    lead, secret_decision, new_date, reason, field
):
    with pytest.raises(InvalidInput) as refused:
        services.extend_retention(KINDS["decision"], secret_decision, new_date, reason, by=lead)
    assert field in refused.value.errors


def test_a_record_not_yet_due_or_an_open_request_is_not_disposed_of(lead, make_user):
    decision = decisions.create_decision(dict(SHARE), by=make_user("la-cardiff", Role.PRACTITIONER))
    with pytest.raises(Conflict):
        services.dispose_of(KINDS["decision"], decision, by=lead, today=date(2027, 1, 1))
    council = make_user("la-cardiff", Role.PRACTITIONER)
    req = cooperation.create_request(details(), by=council, send=True, on=REQUEST_DAY)
    with pytest.raises(Conflict, match="still open"):
        services.dispose_of(KINDS["cooperation_request"], req, by=lead, today=LATER)


@pytest.mark.parametrize("kind_code", ["decision", "cooperation_request"])
def test_after_disposal_no_text_column_of_any_table_holds_the_personal_data(
    lead, secret_decision, secret_request, kind_code
):
    record = secret_decision if kind_code == "decision" else secret_request
    other = secret_request if kind_code == "decision" else secret_decision
    kind = KINDS[kind_code]
    services.extend_retention(
        kind, record, date(2039, 1, 1), f"Kept for {SECRET}'s appeal.", by=lead
    )
    assert _text_columns_holding(SECRET)  # the search finds it before
    services.dispose_of(kind, record, by=lead, today=LATER)
    # The other record still holds it: tombstone it by hand so only this one is tested.
    services.dispose_of(KINDS[other.__class__ is type(secret_decision) and "decision"
                              or "cooperation_request"], other, by=lead, today=LATER)  # fmt: skip
    assert _text_columns_holding(SECRET) == []
    assert _text_columns_holding("CS-7731-ZQ") == []


def test_disposal_keeps_a_tombstone_event_and_the_figures(lead, secret_request):
    kind = KINDS["cooperation_request"]
    disposal = services.dispose_of(kind, secret_request, by=lead, today=LATER)
    db.session.refresh(secret_request)
    assert secret_request.details == PLACEHOLDER and secret_request.subject_reference is None
    assert secret_request.outcome is Outcome.PARTLY_COMPLIED  # the yearly figures count it
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "cooperation_requests",
            AuditEvent.record_id == str(secret_request.id),
        )
    ).all()
    tombstone = [e for e in events if e.action == "retention.disposed"]
    assert len(tombstone) == 1 and tombstone[0].actor_id == lead.id
    assert tombstone[0].after["rule"] == disposal.rule and tombstone[0].after["months"] == 72
    assert all(e.before is None and e.after is None for e in events if e is not tombstone[0])
    with pytest.raises(Conflict):
        services.dispose_of(kind, secret_request, by=lead, today=LATER)
    assert services.due_page(lead.organisation_id, LATER, page=1, per_page=10)[1] == 0


def _refused(statement: str) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text(statement))


def test_the_audit_guard_refuses_every_other_change(lead, secret_decision, secret_request):
    services.dispose_of(KINDS["decision"], secret_decision, by=lead, today=LATER)
    # noqa: S608 below: the statements are built from ids, to show the guard refuses them.
    disposed = f"record_type = 'decisions' AND record_id = '{secret_decision.id}'"
    live = f"record_type = 'cooperation_requests' AND record_id = '{secret_request.id}'"
    _refused(f"UPDATE audit_events SET before = NULL, after = NULL WHERE {live}")  # noqa: S608
    _refused(f"UPDATE audit_events SET action = 'forged' WHERE {disposed}")  # noqa: S608
    _refused("UPDATE audit_events SET after = NULL WHERE action = 'retention.disposed'")
    _refused(f"DELETE FROM audit_events WHERE {disposed}")  # noqa: S608
    _refused("DELETE FROM retention_disposals")
    _refused("UPDATE retention_disposals SET record_id = 'x'")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RetentionDisposal)) == 1


def test_the_review_command_lists_the_records_due(app, lead, secret_decision, monkeypatch):
    from isp_manager.retention import cli

    monkeypatch.setattr(cli, "wales_today", lambda: LATER)
    result = app.test_cli_runner().invoke(args=["retention", "review", "--org", "la-cardiff"])
    assert result.exit_code == 0, result.output
    assert f"la-cardiff\tdecision\t{secret_decision.reference}" in result.output
    assert "1 record(s) due for review." in result.output


def test_a_disposed_advice_request_leaves_no_trace_of_its_question_or_answer(lead, make_user):
    from isp_manager.decisions import advice as advice_service

    secret = "quokka-lantern-5521"
    author = make_user("la-cardiff", Role.PRACTITIONER)
    advice = advice_service.ask_advice(
        f"May we share the school's notes under pattern {secret} with the health board?",
        by=author,
    )
    kind = KINDS["advice_request"]
    with pytest.raises(Conflict):  # unanswered: not yet
        services.dispose_of(kind, advice, by=lead, today=LATER)
    advice_service.answer_advice(
        advice, f"Yes: the notes under pattern {secret} are covered by the ISP.", by=lead
    )
    assert advice.retention_review_on is not None
    assert _text_columns_holding(secret)
    services.dispose_of(kind, advice, by=lead, today=LATER)
    assert _text_columns_holding(secret) == []
    assert advice.question == PLACEHOLDER


def test_a_disposed_board_request_leaves_no_trace_of_its_personal_data(make_user):
    from isp_manager.board_requests import services as board
    from tests.board_requests.conftest import BOARD, REASONS, SPECIFIED, WHY, details

    secret = "wombat-harbour-8812"
    officer = make_user(BOARD, Role.BOARD_OFFICER)
    board_lead = make_user(BOARD, Role.IG_LEAD)
    body = make_user("lhb-cardiff-and-vale", Role.IG_LEAD)
    req = board.create_request(
        details(
            why_qualifying=f"{WHY} Its records of {secret} are central to the review.",
            information_specified=f"{SPECIFIED} The notes about {secret}.",
            review_reference="CPR-CV-8812",
            contact_name=f"Bethan {secret}",
        ),
        by=officer,
        send=True,
        on=REQUEST_DAY,
    )
    board.respond_to_request(
        req,
        board.AnswerInput(
            "partly_complied",
            reasons=f"{REASONS} The file on {secret} is held by the police.",
            not_provided=f"The file on {secret}.",
        ),
        by=body,
        on=date(2027, 1, 5),
    )
    board.record_follow_up(req, f"Asked the police for the file on {secret}.", by=officer)
    assert _text_columns_holding(secret)
    services.dispose_of(KINDS["board_request"], req, by=board_lead, today=LATER)
    assert _text_columns_holding(secret) == []
    assert _text_columns_holding("CPR-CV-8812") == []
