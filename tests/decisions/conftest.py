"""Decision-record fixtures: answers for a complete share and not-share decision, and users
of Cardiff Council (the deciding organisation) and of another body."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.decisions import services

SHARE = {
    "subject_reference": "CS-2026-00417",
    "immediate_risk": False,
    "purpose": "To let the health board plan a strategy discussion about the child.",
    "information_description": "Dates of two home visits and the social worker's notes.",
    "includes_fact": True,
    "includes_opinion": True,
    "recipients": ["lhb-cardiff-and-vale"],
    "recipient_roles": "Named nurse for safeguarding",
    "consent_outcome": "not_sought",
    "consent_not_sought_reason": "Seeking consent would alert the adult suspected of harm.",
    "article6": "art6-1-e",
    "is_special_category": True,
    "article9": "art9-2-g",
    "schedule1": "sch1-p2-para18",
    "para18_reason": "para18-2-c",
    "policy_document_ref": "APD-CARDIFF-2026",
    "necessary": "Only the visit dates and notes the nurse needs.",
    "relevant": "All about the child's safety at home.",
    "adequate": "Enough for the nurse to understand the concern.",
    "accurate": "Notes are marked as the social worker's opinion.",
    "timely": "Shared before Friday's strategy discussion.",
    "secure": "Sent by secure e-mail to the named nurse.",
    "advice_sought": True,
    "advice_from": "Our information governance lead",
    "advice_identified_individual": False,
    "individual_told": False,
    "individual_not_told_reason": "Telling the family would put the child at risk.",
    "decision": "share",
    "decision_reasons": "The child is at risk of harm and the health board needs to know.",
    "shared_what": "The visit dates and the notes of both visits.",
    "shared_on": date(2026, 11, 20),
    "shared_how": "Secure e-mail (egress) to the named nurse's work address.",
}

NOT_SHARE = {
    "immediate_risk": False,
    "purpose": "A request from a youth club for the child's records.",
    "information_description": "The child's case file.",
    "consent_outcome": "refused",
    "advice_sought": False,
    "individual_told": True,
    "decision": "not_share",
    "decision_reasons": "The youth club has no need for the case file to keep the child safe.",
}


@pytest.fixture
def practitioner(make_user):
    return make_user("la-cardiff", Role.PRACTITIONER)


@pytest.fixture
def colleague(make_user):
    return make_user("la-cardiff", Role.PRACTITIONER)


@pytest.fixture
def ig_lead(make_user):
    return make_user("la-cardiff", Role.IG_LEAD)


@pytest.fixture
def other_org_lead(make_user):
    return make_user("lhb-cardiff-and-vale", Role.IG_LEAD)


@pytest.fixture
def admin(make_user):
    return make_user("la-cardiff", Role.ADMIN)


@pytest.fixture
def auditor(make_user):
    return make_user("la-cardiff", Role.AUDITOR)


@pytest.fixture
def recorded(practitioner):
    return services.create_decision(dict(SHARE), by=practitioner)
