"""The rules of a decision record, as tables: each set of answers and the field it is refused on
(nothing is saved), and the rules the law sets, through law.lawful_basis."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.audit.models import AuditEvent
from isp_manager.decisions import services
from isp_manager.decisions.models import Decision, DecisionState
from isp_manager.errors import Conflict, InvalidInput
from isp_manager.extensions import db
from tests.decisions.conftest import NOT_SHARE, SHARE


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Decision))


@pytest.mark.parametrize(
    "base, changes, field, words",
    [
        (SHARE, {"recipients": []}, "recipients", "at least one organisation"),
        (SHARE, {"shared_what": ""}, "shared_what", "what was shared"),
        (SHARE, {"shared_on": None}, "shared_on", "date"),
        (SHARE, {"shared_how": " "}, "shared_how", "how securely"),
        (SHARE, {"decision_reasons": ""}, "decision_reasons", "reasons"),
        (NOT_SHARE, {"decision_reasons": None}, "decision_reasons", "whether to share or not"),
        (NOT_SHARE, {"decision_reasons": "No."}, "decision_reasons", "at least a sentence"),
        (SHARE, {"para18_reason": None}, "para18_reason", "18(2)"),
        (
            SHARE,
            {"consent_outcome": "given_explicitly", "article6": "art6-1-a"},
            "schedule1",
            "cannot be relied on together with consent",
        ),
        (SHARE, {"article9": None}, "article9", "Article 9 condition"),
        (
            SHARE,
            {"is_special_category": False, "schedule1": None, "para18_reason": None},
            "article9",
            "only for special category",
        ),
        (SHARE, {"policy_document_ref": ""}, "policy_document_ref", "policy document"),
        (SHARE, {"article6": "art6-1-f"}, "article6", "public authority"),
        (SHARE, {"article6": None}, "article6", "Article 6"),
        (SHARE, {"is_criminal_offence": True}, "criminal_offence_condition", "Criminal"),
        (
            SHARE,
            {"consent_outcome": "not_sought", "consent_not_sought_reason": ""},
            "consent_not_sought_reason",
            "why consent",
        ),
        (SHARE, {"individual_not_told_reason": None}, "individual_not_told_reason", "why"),
        (SHARE, {"advice_from": ""}, "advice_from", "whom"),
        (SHARE, {"timely": ""}, "timely", "justification"),
        (SHARE, {"includes_fact": False, "includes_opinion": False}, "includes_fact", "fact"),
        (SHARE, {"subject_reference": "Jane Smith"}, "subject_reference", "person's name"),
        (SHARE, {"subject_reference": "Siân Ap Llŷr"}, "subject_reference", "person's name"),
        (SHARE, {"subject_reference": "case one"}, "subject_reference", "case number"),
        (SHARE, {"recipients": ["no-such-body"]}, "recipients", "no-such-body"),
        (SHARE, {"article6": "art6-9-z"}, "article6", "provisions offered"),
        (SHARE, {"decision": "maybe"}, "decision", "answers offered"),
        (SHARE, {"immediate_risk": None}, "immediate_risk", "immediate risk"),
        (
            SHARE,
            {
                "consent_outcome": "refused",
                "article6": "art6-1-a",
                "schedule1": "sch1-p2-para6",
                "para18_reason": None,
            },
            "article6",
            "given explicitly",
        ),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused_naming_the_field(
    practitioner, base, changes, field, words
):
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        with db.session.begin_nested():
            services.create_decision({**base, **changes}, by=practitioner)
    messages = refused.value.errors.get(field)
    assert messages, refused.value.errors
    assert any(words.lower() in m.lower() for m in messages), messages
    assert _count() == before


@pytest.mark.parametrize("answers", [SHARE, NOT_SHARE])
def test_complete_decisions_are_recorded_with_who_decided_and_when(practitioner, answers):
    decision = services.create_decision(dict(answers), by=practitioner)
    assert decision.state is DecisionState.RECORDED
    assert decision.reference.startswith("DEC-")
    assert decision.decided_by_name == practitioner.name
    assert decision.decided_by_role == "practitioner"
    assert decision.organisation_id == practitioner.organisation_id
    assert decision.current_decision.value == answers["decision"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "decision.recorded", AuditEvent.record_id == str(decision.id)
        )
    )
    assert event.actor_id == practitioner.id
    assert event.after["decision"] == answers["decision"] and event.before == {"state": "draft"}


def test_consent_given_explicitly_with_article_6_1_a_is_a_lawful_basis(practitioner):
    answers = {
        **SHARE,
        "consent_outcome": "given_explicitly",
        "article6": "art6-1-a",
        "is_special_category": False,
        "article9": None,
        "schedule1": None,
        "para18_reason": None,
        "policy_document_ref": None,
    }
    assert services.create_decision(answers, by=practitioner).state is DecisionState.RECORDED


def test_public_authority_is_the_deciding_organisations_own_flag(make_org, make_user):
    from isp_manager.accounts.models import Role
    from isp_manager.parties.models import OrgKind

    charity = make_org(kind=OrgKind.CHARITY)
    assert charity.is_public_authority is False
    worker = make_user(charity, Role.PRACTITIONER)
    decision = services.create_decision({**SHARE, "article6": "art6-1-f"}, by=worker)
    assert decision.article6 == "art6-1-f"


def test_a_draft_keeps_answers_page_by_page_and_lists_for_its_author(practitioner):
    draft = services.start_draft(by=practitioner)
    services.save_answers(draft, {"purpose": "To protect the child."}, by=practitioner)
    services.save_answers(draft, {"immediate_risk": True}, by=practitioner)
    assert services.drafts_of(practitioner) == [draft]
    assert draft.purpose == "To protect the child." and draft.immediate_risk is True
    with pytest.raises(InvalidInput) as refused:
        services.record_decision(draft, by=practitioner)
    assert "decision" in refused.value.errors


def test_a_name_as_subject_reference_is_refused_even_on_a_draft(practitioner):
    draft = services.start_draft(by=practitioner)
    with pytest.raises(InvalidInput) as refused:
        services.save_answers(draft, {"subject_reference": "Jane Smith"}, by=practitioner)
    assert "name" in refused.value.errors["subject_reference"][0]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_amendment_needs_a_reason(recorded, practitioner, reason):
    with pytest.raises(InvalidInput) as refused:
        services.amend_decision(recorded, reason, {"shared_how": "By hand"}, by=practitioner)
    assert "reason" in refused.value.errors
    assert recorded.amendments == []


def test_an_amendment_keeps_the_original_and_shows_the_current_view(recorded, practitioner):
    amendment = services.amend_decision(
        recorded,
        "The method was typed wrongly.",
        {"shared_how": "Secure e-mail to the nurse"},
        by=practitioner,
    )
    assert recorded.shared_how == SHARE["shared_how"]  # the record itself never changes
    assert services.current_values(recorded)["shared_how"] == "Secure e-mail to the nurse"
    assert amendment.changes == {
        "shared_how": {"before": SHARE["shared_how"], "after": "Secure e-mail to the nurse"}
    }
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.amended"))
    assert event.before == {"shared_how": SHARE["shared_how"]}
    assert event.after["reason"] == "The method was typed wrongly."


def test_an_amendment_must_leave_a_lawful_record(recorded, practitioner):
    with pytest.raises(InvalidInput) as refused:
        services.amend_decision(recorded, "Wrong basis", {"article6": "art6-1-f"}, by=practitioner)
    assert "article6" in refused.value.errors
    assert recorded.amendments == []


def test_an_amendment_changing_the_decision_moves_it_in_the_register(recorded, practitioner):
    services.amend_decision(
        recorded, "We did not in the end share it.", {"decision": "not_share"}, by=practitioner
    )
    assert recorded.decision.value == "share"
    assert recorded.current_decision.value == "not_share"
    assert services.current_values(recorded)["shared_what"] is None


def test_an_amendment_with_no_change_is_refused(recorded, practitioner):
    with pytest.raises(InvalidInput) as refused:
        services.amend_decision(
            recorded, "No change", {"shared_how": SHARE["shared_how"]}, by=practitioner
        )
    assert "_schema" in refused.value.errors


def test_a_recorded_decision_cannot_be_edited_as_a_draft(recorded, practitioner):
    with pytest.raises(Conflict):
        services.save_answers(recorded, {"purpose": "Something else"}, by=practitioner)
