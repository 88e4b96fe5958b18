"""The QA checklist: each check passes or fails on its own, and submission lists the failures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from protocol_helpers import table_rv

from isp_manager.protocols import services, workflow
from isp_manager.protocols.qa import add_months, failures, qa_checklist
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerDetails
from isp_manager.protocols.templates_data import template_for
from isp_manager.protocols.workflow import QaChecksFailed


def _failing(version, today=None):
    return [
        (c.code, c.section)
        for c in failures(qa_checklist(version, template_for(version.protocol), today))
    ]


def test_a_complete_isp_passes_every_check(complete_isp):
    version, _ = complete_isp()
    checks = qa_checklist(version, template_for(version.protocol))
    assert checks and not failures(checks)
    assert all(c.passed for c in checks if c.code != "waspi_accord")
    codes = {c.code for c in checks}
    assert {
        "section_complete",
        "parties",
        "partner_contact",
        "lawful_basis",
        "article9",
        "schedule1",
        "policy_document",
        "flow_complete",
        "review_date",
    } <= codes


def test_an_empty_draft_fails_with_each_section_linked(draft_isp):
    version, author = draft_isp()
    failing = _failing(version)
    sections = {s for code, s in failing if code == "section_complete"}
    assert sections == {
        "introduction",
        "partners",
        "obligations",
        "legislation",
        "personal_information",
        "rights",
        "security",
        "review",
        "information_flows",
    }
    assert ("review_date", "review") in failing
    with pytest.raises(QaChecksFailed) as error:
        workflow.submit_for_qa(
            version, expected_etag=version.etag, by=author, qa_group="waspi-south"
        )
    assert "introduction" in error.value.errors
    assert all(check.section for check in error.value.checks)
    assert version.state.value == "draft"


def test_partner_without_contact_or_signatory(complete_isp):
    version, author = complete_isp()
    police = version.partners[3]
    services.update_partner(
        police,
        PartnerDetails(
            contact_name="",
            signatory_user_id=None,
            signatory_name="",
            signatory_role="",
            provided={"contact_name", "signatory_user_id", "signatory_name", "signatory_role"},
        ),
        by=author,
        expected_row_version=table_rv(police.version, "partners"),
    )
    [check] = [c for c in failures(qa_checklist(version, template_for(version.protocol)))]
    assert check.code == "partner_contact" and check.anchor == f"partner-{police.id}"
    assert (
        "South Wales Police" in check.message
        and "point of contact" in check.message
        and "signatory" in check.message
    )


def _good_input(item) -> DataItemInput:
    return DataItemInput(
        category=item.category,
        is_special_category=True,
        source_partner_id=item.source_partner_id,
        recipient_partner_ids=[p.id for p in item.recipients],
        article6=["art6-1-e"],
        article9=["art9-2-g"],
        schedule1=["sch1-p2-para18"],
        para18_reason="para18-2-c",
        policy_document_ref="APD-1",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"article6": []}, {"lawful_basis"}),
        ({"article9": [], "schedule1": [], "para18_reason": None}, {"article9"}),
        ({"schedule1": [], "para18_reason": None}, {"schedule1"}),
        ({"policy_document_ref": ""}, {"policy_document"}),
        ({"recipient_partner_ids": []}, {"recipients"}),
        (
            {"article9": ["art9-2-c"], "schedule1": [], "para18_reason": None},
            set(),
        ),  # vital interests needs no Schedule 1 condition
        (
            {
                "article9": ["art9-2-h"],
                "schedule1": ["sch1-p1-para2"],
                "para18_reason": None,
                "policy_document_ref": "",
            },
            set(),
        ),  # Part 1 para 2 goes with (h) and needs no policy document
        (
            {"is_criminal_offence": True, "criminal_offence_condition": "sch1-p3-para33"},
            set(),
        ),
    ],
)
def test_lawful_basis_checks(complete_isp, change, expected):
    """What is only missing may be saved in a draft; QA asks for it."""
    version, author = complete_isp()
    item = version.data_items[0]
    data = _good_input(item)
    for key, value in change.items():
        setattr(data, key, value)
    services.update_data_item(
        item, data, by=author, expected_row_version=table_rv(item.version, "data_items")
    )
    assert {code for code, _ in _failing(version)} == expected


def test_legitimate_interests_pass_for_a_partner_that_is_not_a_public_authority(complete_isp):
    version, author = complete_isp()
    item = version.data_items[0]
    item.source_partner.organisation.is_public_authority = False
    data = _good_input(item)
    data.article6 = ["art6-1-f"]
    services.update_data_item(
        item, data, by=author, expected_row_version=table_rv(version, "data_items")
    )
    assert _failing(version) == []


def _basis(catalogue, code):
    from isp_manager.protocols.models import ProtocolLawfulBasis

    return ProtocolLawfulBasis(catalogue=catalogue, code=code)


# Data saved before the rules (or changed outside the forms) that breaks one: the checklist
# says what is wrong and how to fix it, linked to the item; nothing is changed for the user.
EXISTING_BAD_DATA = [
    (
        "para 18 without a reason",
        lambda i: setattr(i, "para18_reason", None),
        {"para18"},
        "why consent is not relied on",
    ),
    (
        "para 18 with consent",
        lambda i: i.bases.append(_basis("article6", "art6-1-a")),
        {"para18"},
        "remove consent or paragraph 18",
    ),
    (
        "legitimate interests for a health board",
        lambda i: setattr(i.bases[0], "code", "art6-1-f"),
        {"lawful_basis_public_authority"},
        "not available to a public authority",
    ),
    (
        "a Part 2 condition with Art. 9(2)(h)",
        lambda i: setattr(i.bases[1], "code", "art9-2-h"),
        {"schedule1_article9", "schedule1"},
        "DPA 2018 Sch.1 Pt.2 para 18 goes with UK GDPR Art. 9(2)(g)",
    ),
    (
        "criminal offence data without a condition",
        lambda i: setattr(i, "is_criminal_offence", True),
        {"criminal_offence"},
        "criminal offence data is processed under",
    ),
    ("no recipient", lambda i: i.recipients.clear(), {"recipients"}, "partner that receives it"),
]


@pytest.mark.parametrize(
    ("case", "break_it", "expected", "fix"),
    EXISTING_BAD_DATA,
    ids=[c[0] for c in EXISTING_BAD_DATA],
)
def test_existing_data_that_breaks_a_rule_shows_in_the_checklist(
    complete_isp, case, break_it, expected, fix
):
    version, _author = complete_isp()
    item = version.data_items[0]
    assert [b.code for b in item.bases] == ["art6-1-e", "art9-2-g", "sch1-p2-para18"]
    break_it(item)
    before = ([(b.catalogue, b.code) for b in item.bases], item.para18_reason)
    failed = failures(qa_checklist(version, template_for(version.protocol)))
    assert {c.code for c in failed} == expected
    assert all(c.section == "personal_information" for c in failed)
    assert all(c.anchor == f"data-item-{item.id}" for c in failed)
    assert any(fix in c.message and c.message.startswith(item.category) for c in failed)
    assert ([(b.catalogue, b.code) for b in item.bases], item.para18_reason) == before


def test_appendix_b_rows_need_source_recipient_method_and_purpose(complete_isp):
    version, author = complete_isp()
    services.add_flow(
        version,
        FlowInput(what="Strategy minutes"),
        by=author,
        expected_row_version=table_rv(version, "flows"),
    )
    [check] = failures(qa_checklist(version, template_for(version.protocol)))
    assert check.section == "information_flows"
    assert "who shares it" in check.message and "who receives it" in check.message
    assert "how it is shared" in check.message and "why" in check.message


@pytest.mark.parametrize(
    ("review_in_days", "approved_days_ago", "ok"),
    [(30, 0, True), (-1, 0, False), (0, 0, True), (None, 0, False)],
)
def test_review_date_checks(complete_isp, review_in_days, approved_days_ago, ok):
    version, _ = complete_isp()
    version.review_date = (
        None if review_in_days is None else date.today() + timedelta(days=review_in_days)
    )
    failing = {code for code, _ in _failing(version)}
    assert ("review_date" not in failing) == ok


def test_review_date_must_be_within_policy_months_of_approval(complete_isp, app):
    version, _ = complete_isp()
    months = current_app.config["REVIEW_POLICY_MONTHS"]
    today = date(2026, 11, 25)
    version.review_date = add_months(today, months)
    assert "review_date" not in {c for c, _ in _failing(version, today)}
    version.review_date = add_months(today, months) + timedelta(days=1)
    [check] = failures(qa_checklist(version, template_for(version.protocol), today))
    assert check.code == "review_date" and "within 12 months" in check.message


def test_policy_months_come_from_configuration(complete_isp, app, monkeypatch):
    version, _ = complete_isp()
    monkeypatch.setitem(app.config, "REVIEW_POLICY_MONTHS", 6)
    version.review_date = add_months(date.today(), 7)
    assert "review_date" in {c for c, _ in _failing(version)}


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 25), 12) == date(2027, 11, 25)
    assert add_months(date(2027, 12, 1), 1) == date(2028, 1, 1)


def test_checklist_in_welsh_names_sections_and_partners_in_welsh(draft_isp):
    version, _ = draft_isp()
    with force_locale("cy"):
        text = " ".join(c.message for c in qa_checklist(version, template_for(version.protocol)))
    assert "1. Cyflwyniad" in text and "Cyngor Caerdydd" in text
    assert "Introduction" not in text and "Cardiff Council" not in text


def test_partners_that_have_not_signed_the_waspi_accord_are_flagged_not_refused(
    complete_isp, db_session
):
    from isp_manager.protocols.qa import flags

    version, author = complete_isp()
    orgs = [p.organisation for p in version.partners]
    orgs[0].waspi_signed_on = date(2019, 4, 1)
    for other in orgs[1:]:
        other.waspi_signed_on = None
    db_session.flush()
    checks = qa_checklist(version, template_for(version.protocol))
    [flag] = flags(checks)
    assert flag.code == "waspi_accord" and flag.advisory
    for other in orgs[1:]:
        assert other.name in flag.message
    assert orgs[0].name not in flag.message
    assert flag not in failures(checks)
    for other in orgs[1:]:
        other.waspi_signed_on = date(2020, 5, 6)
    db_session.flush()
    checks = qa_checklist(version, template_for(version.protocol))
    assert not flags(checks)
    assert [c.passed for c in checks if c.code == "waspi_accord"] == [True]
