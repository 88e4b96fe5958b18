"""Creating protocols and editing their structured content through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, PARTNERS, section_rv, table_rv

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, PermissionDenied
from isp_manager.extensions import db
from isp_manager.protocols import services
from isp_manager.protocols.models import PartnerRole, ProtocolKind, VersionState
from isp_manager.protocols.qa import SectionStatus, section_status
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerChoice, PartnerDetails
from isp_manager.protocols.templates_data import template_for


def test_create_isp_records_template_reference_and_partners(ig):
    author = ig(LEAD)
    protocol = services.create_protocol(
        kind="isp",
        title="  Child safeguarding  ",
        lead_organisation=LEAD,
        partners=PARTNERS,
        by=author,
    )
    version = protocol.versions[0]
    assert protocol.reference == f"ISP-{date.today().year}-0001"
    assert (protocol.template_code, protocol.template_version) == ("waspi-isp", "1.0")
    assert protocol.title == "Child safeguarding"
    assert version.label == "V1" and version.state == VersionState.DRAFT
    assert [(p.organisation.code, p.role) for p in version.partners] == [
        (LEAD, PartnerRole.LEAD)
    ] + [(c, PartnerRole.PARTNER) for c in PARTNERS]
    assert [s.code for s in version.sections] == [s.code for s in template_for(protocol).sections]
    second = services.create_protocol(
        kind="isp", title="Another", lead_organisation=LEAD, partners=[], by=author
    )
    assert second.reference.endswith("-0002")
    dda = services.create_protocol(
        kind="dda", title="One way", lead_organisation=LEAD, partners=["la-cardiff"], by=author
    )
    assert dda.reference.startswith("DDA-") and dda.reference.endswith("-0001")
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "protocols", AuditEvent.record_id == str(protocol.id)
        )
    )
    assert event.action == "protocol.created" and event.after["lead_organisation"] == LEAD


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        (
            {"partners": ["no-such-body"]},
            "partners",
            "no organisation with the code 'no-such-body'",
        ),
        ({"partners": ["la-cardiff", "la-cardiff"]}, "partners", "listed more than once"),
        ({"partners": [LEAD, LEAD]}, "partners", "listed more than once"),
        ({"title": ""}, "title", "Enter a title"),
        ({"kind": "xyz"}, "kind", "isp, dda, jca or dpa"),
        (
            {"lead_organisation": "nowhere"},
            "lead_organisation",
            "no organisation with the code 'nowhere'",
        ),
        (
            {
                "kind": "dda",
                "partners": [
                    PartnerChoice("la-cardiff", "discloser"),
                    PartnerChoice("police-south-wales", "discloser"),
                ],
            },
            "partners",
            "exactly one discloser",
        ),
        (
            {
                "kind": "dda",
                "partners": [
                    PartnerChoice(LEAD, "discloser"),
                    PartnerChoice("la-cardiff", "discloser"),
                ],
            },
            "partners",
            "exactly one discloser",
        ),
        (
            {"kind": "dda", "partners": [PartnerChoice("la-cardiff", "lead")]},
            "partners",
            "not a party's role",
        ),
    ],
)
def test_create_refuses_bad_input_with_field_messages(ig, kwargs, field, words):
    args = {
        "kind": "isp",
        "title": "T",
        "lead_organisation": LEAD,
        "partners": ["la-cardiff"],
        "by": ig(LEAD),
        **kwargs,
    }
    with pytest.raises(InvalidInput) as error:
        services.create_protocol(**args)
    assert words in " ".join(error.value.errors[field])


@pytest.mark.parametrize(
    ("org_code", "role"),
    [
        (
            "la-cardiff",
            Role.IG_LEAD,
        ),  # another organisation's IG lead cannot start one led by the UHB
        (LEAD, Role.PRACTITIONER),
        (LEAD, Role.AUDITOR),
        (LEAD, Role.ADMIN),
    ],
)
def test_only_an_ig_lead_of_the_lead_organisation_starts_one(make_user, org_code, role):
    with pytest.raises(PermissionDenied):
        services.create_protocol(
            kind="isp", title="T", lead_organisation=LEAD, partners=[], by=make_user(org_code, role)
        )


def test_dda_roles_lead_is_discloser_by_default_or_a_named_discloser(ig):
    author = ig(LEAD)
    default = services.create_protocol(
        kind="dda",
        title="T",
        lead_organisation=LEAD,
        partners=["la-cardiff", "police-south-wales"],
        by=author,
    )
    assert [p.role for p in default.versions[0].partners] == [
        PartnerRole.DISCLOSER,
        PartnerRole.RECIPIENT,
        PartnerRole.RECIPIENT,
    ]
    named = services.create_protocol(
        kind="dda",
        title="T",
        lead_organisation=LEAD,
        partners=[PartnerChoice("police-south-wales", "discloser")],
        by=author,
    )
    assert {p.organisation.code: p.role for p in named.versions[0].partners} == {
        LEAD: PartnerRole.RECIPIENT,
        "police-south-wales": PartnerRole.DISCLOSER,
    }


def test_section_statuses_move_from_not_started_to_completed(draft_isp):
    version, author = draft_isp()
    template = template_for(version.protocol)
    intro = template.section("introduction")
    assert section_status(version, intro) == SectionStatus.NOT_STARTED
    services.save_section(
        version,
        "introduction",
        {"purpose": "Protect children"},
        by=author,
        expected_row_version=section_rv(version, "introduction"),
    )
    assert section_status(version, intro) == SectionStatus.IN_PROGRESS
    with pytest.raises(InvalidInput) as error:
        services.save_section(
            version,
            "introduction",
            {},
            by=author,
            mark_complete=True,
            expected_row_version=section_rv(version, "introduction"),
        )
    assert set(error.value.errors) == {"purposes", "accord_statement"}
    services.save_section(
        version,
        "introduction",
        {"purposes": "One\n\n Two \n", "accord_statement": "Under WASPI"},
        by=author,
        mark_complete=True,
        expected_row_version=section_rv(version, "introduction"),
    )
    assert version.section("introduction").content["purposes"] == ["One", "Two"]
    assert section_status(version, intro) == SectionStatus.COMPLETED


def test_section_fields_are_validated(draft_isp):
    version, author = draft_isp()
    rv = section_rv(version, "legislation")
    with pytest.raises(InvalidInput) as error:
        services.save_section(
            version,
            "legislation",
            {"legal_powers": ["power-s28-ca2004", "made-up"], "colour": "x"},
            by=author,
            expected_row_version=rv,
        )
    assert "made-up" in error.value.errors["legal_powers"][0]
    assert "colour" in error.value.errors
    services.save_section(
        version,
        "legislation",
        {"legal_powers": ["power-s47-ca1989", "power-s28-ca2004"]},
        by=author,
        expected_row_version=rv,
    )
    assert version.section("legislation").content["legal_powers"] == [
        "power-s28-ca2004",
        "power-s47-ca1989",
    ]


@pytest.mark.parametrize(
    ("offset_days", "words"), [(-1, "today or in the future"), (400, "within 12 months")]
)
def test_review_date_in_the_past_or_beyond_policy_is_refused(draft_isp, offset_days, words):
    version, author = draft_isp()
    with pytest.raises(InvalidInput) as error:
        services.save_section(
            version,
            "review",
            {"review_date": date.today() + timedelta(days=offset_days)},
            by=author,
            expected_row_version=section_rv(version, "review"),
        )
    assert words in error.value.errors["review_date"][0]
    assert version.review_date is None


def test_partners_add_update_remove(draft_isp, ig):
    version, author = draft_isp(partners=["la-cardiff"])
    rv = lambda: section_rv(version, "partners")  # noqa: E731
    added = services.add_partner(
        version, "police-south-wales", by=author, expected_row_version=rv()
    )
    assert added.role == PartnerRole.PARTNER
    with pytest.raises(InvalidInput, match="already a party"):
        services.add_partner(version, "police-south-wales", by=author, expected_row_version=rv())
    with pytest.raises(InvalidInput, match="no organisation"):
        services.add_partner(version, "nope", by=author, expected_row_version=rv())
    with pytest.raises(InvalidInput) as error:
        services.update_partner(
            added,
            PartnerDetails(contact_email="not-an-address"),
            by=author,
            expected_row_version=rv(),
        )
    assert "correct format" in error.value.errors["contact_email"][0]
    services.update_partner(
        added,
        PartnerDetails(contact_name="Sam", contact_email="sam@police.example", can_edit=True),
        by=author,
        expected_row_version=rv(),
    )
    assert added.can_edit and added.contact_name == "Sam"
    lead = version.partners[0]
    with pytest.raises(InvalidInput, match="leads this agreement"):
        services.remove_partner(lead, by=author, expected_row_version=rv())
    services.remove_partner(added, by=author, expected_row_version=rv())
    assert [p.organisation.code for p in version.partners] == [LEAD, "la-cardiff"]


def test_a_partner_with_edit_rights_can_edit_but_not_manage_partners(draft_isp, ig):
    version, author = draft_isp()
    council = version.partner_for(ig("la-cardiff").organisation_id)
    council_lead = ig("la-cardiff")
    with pytest.raises(PermissionDenied):
        services.save_section(
            version,
            "rights",
            {"other_rights": "x"},
            by=council_lead,
            expected_row_version=section_rv(version, "rights"),
        )
    services.update_partner(
        council,
        PartnerDetails(can_edit=True),
        by=author,
        expected_row_version=table_rv(council.version, "partners"),
    )
    services.save_section(
        version,
        "rights",
        {"other_rights": "x"},
        by=council_lead,
        expected_row_version=section_rv(version, "rights"),
    )
    with pytest.raises(PermissionDenied):
        services.add_partner(
            version, "nhs-wast", by=council_lead, expected_row_version=table_rv(version, "partners")
        )
    with pytest.raises(PermissionDenied):
        services.update_partner(
            council,
            PartnerDetails(can_edit=False),
            by=council_lead,
            expected_row_version=table_rv(council.version, "partners"),
        )


def test_partner_named_in_items_or_flows_cannot_be_removed(draft_isp):
    version, author = draft_isp()
    lead, council = version.partners[0], version.partners[1]
    services.add_flow(
        version,
        FlowInput(what="Referrals", from_partner_id=lead.id, to_partner_id=council.id),
        by=author,
        expected_row_version=table_rv(version, "flows"),
    )
    with pytest.raises(InvalidInput, match="Referrals"):
        services.remove_partner(
            council, by=author, expected_row_version=table_rv(council.version, "partners")
        )


def test_data_items_validate_partners_and_codes(draft_isp):
    version, author = draft_isp()
    lead, council = version.partners[0], version.partners[1]
    with pytest.raises(InvalidInput) as error:
        services.add_data_item(
            version,
            DataItemInput(
                category="",
                source_partner_id=lead.id,
                recipient_partner_ids=[lead.id, 99999],
                article6=["art6-9-z"],
                article9=["art9-2-h"],
            ),
            by=author,
            expected_row_version=table_rv(version, "data_items"),
        )
    errors = error.value.errors
    assert set(errors) == {"category", "recipient_partner_ids", "article6", "article9"}
    item = services.add_data_item(
        version,
        DataItemInput(
            category="School attendance",
            source_partner_id=council.id,
            recipient_partner_ids=[lead.id],
            article6=["art6-1-e", "art6-1-c"],
        ),
        by=author,
        expected_row_version=table_rv(version, "data_items"),
    )
    assert sorted(item.basis_codes("article6")) == ["art6-1-c", "art6-1-e"]
    services.update_data_item(
        item,
        DataItemInput(
            category="Attendance",
            source_partner_id=council.id,
            recipient_partner_ids=[lead.id],
            article6=["art6-1-e"],
        ),
        by=author,
        expected_row_version=table_rv(item.version, "data_items"),
    )
    assert item.basis_codes("article6") == ["art6-1-e"] and item.category == "Attendance"
    services.remove_data_item(
        item, by=author, expected_row_version=table_rv(item.version, "data_items")
    )
    assert version.data_items == []


def test_flows_must_run_between_different_partners(draft_isp):
    version, author = draft_isp()
    lead = version.partners[0]
    with pytest.raises(InvalidInput) as error:
        services.add_flow(
            version,
            FlowInput(what="", from_partner_id=lead.id, to_partner_id=lead.id),
            by=author,
            expected_row_version=table_rv(version, "flows"),
        )
    assert set(error.value.errors) == {"what", "to_partner_id"}


def test_a_stale_row_version_is_a_conflict_and_changes_nothing(draft_isp):
    version, author = draft_isp()
    seen = section_rv(version, "rights")
    services.save_section(
        version, "rights", {"other_rights": "First"}, by=author, expected_row_version=seen
    )
    with pytest.raises(Conflict, match="Someone else saved changes"):
        services.save_section(
            version, "rights", {"other_rights": "Second"}, by=author, expected_row_version=seen
        )
    assert version.section("rights").content["other_rights"] == "First"
    # another section's counter is independent
    services.save_section(
        version,
        "security",
        {"retention": "x"},
        by=author,
        expected_row_version=section_rv(version, "security"),
    )


def test_every_change_writes_an_audit_event(draft_isp):
    version, author = draft_isp()
    services.save_section(
        version,
        "rights",
        {"other_rights": "First"},
        by=author,
        expected_row_version=section_rv(version, "rights"),
    )
    services.add_partner(
        version, "nhs-wast", by=author, expected_row_version=table_rv(version, "partners")
    )
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.record_type == "protocol_versions", AuditEvent.record_id == str(version.id)
        )
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["protocol.section_saved", "protocol.partner_added"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "protocol.section_saved", AuditEvent.record_id == str(version.id)
        )
    )
    assert event.after == {"section": "rights", "content": {"other_rights": "First"}}
    assert event.actor_id == author.id


def test_kind_labels():
    assert ProtocolKind.DDA.label == "Data Disclosure Agreement"


def _every_versioned_edit(version, author):
    """(name, call(expected_row_version)) for every service that takes an expected version."""
    lead, council = version.partners[0], version.partners[1]
    item = services.add_data_item(
        version,
        DataItemInput(category="Attendance", source_partner_id=council.id),
        by=author,
        expected_row_version=table_rv(version, "data_items"),
    )
    flow = services.add_flow(
        version,
        FlowInput(what="Referrals", from_partner_id=lead.id, to_partner_id=council.id),
        by=author,
        expected_row_version=table_rv(version, "flows"),
    )
    spare = version.partners[2]
    return [
        (
            "save_section",
            lambda rv: services.save_section(
                version,
                "rights",
                {"other_rights": "Overwritten"},
                by=author,
                expected_row_version=rv,
            ),
        ),
        (
            "add_partner",
            lambda rv: services.add_partner(
                version, "nhs-wast", by=author, expected_row_version=rv
            ),
        ),
        (
            "update_partner",
            lambda rv: services.update_partner(
                council,
                PartnerDetails(contact_name="Overwritten"),
                by=author,
                expected_row_version=rv,
            ),
        ),
        (
            "remove_partner",
            lambda rv: services.remove_partner(spare, by=author, expected_row_version=rv),
        ),
        (
            "add_data_item",
            lambda rv: services.add_data_item(
                version, DataItemInput(category="New"), by=author, expected_row_version=rv
            ),
        ),
        (
            "update_data_item",
            lambda rv: services.update_data_item(
                item, DataItemInput(category="Overwritten"), by=author, expected_row_version=rv
            ),
        ),
        (
            "remove_data_item",
            lambda rv: services.remove_data_item(item, by=author, expected_row_version=rv),
        ),
        (
            "add_flow",
            lambda rv: services.add_flow(
                version, FlowInput(what="New"), by=author, expected_row_version=rv
            ),
        ),
        (
            "update_flow",
            lambda rv: services.update_flow(
                flow, FlowInput(what="Overwritten"), by=author, expected_row_version=rv
            ),
        ),
        ("remove_flow", lambda rv: services.remove_flow(flow, by=author, expected_row_version=rv)),
    ]


EDITS = [
    "save_section",
    "add_partner",
    "update_partner",
    "remove_partner",
    "add_data_item",
    "update_data_item",
    "remove_data_item",
    "add_flow",
    "update_flow",
    "remove_flow",
]


@pytest.mark.parametrize("name", EDITS)
@pytest.mark.parametrize("expected", [None, "", "abc", "1.5", [], -1])
def test_a_missing_or_malformed_row_version_is_a_conflict_not_an_overwrite(
    draft_isp, name, expected
):
    version, author = draft_isp()
    edit = dict(_every_versioned_edit(version, author))[name]
    db.session.flush()
    counters = [(s.code, s.row_version) for s in version.sections]
    shape = (len(version.partners), len(version.data_items), len(version.flows))
    with pytest.raises(Conflict) as refused:
        edit(expected)
    message = "We could not tell which version" if expected != -1 else "Someone else saved"
    assert message in refused.value.message and refused.value.errors.keys() == {"row_version"}
    assert [(s.code, s.row_version) for s in version.sections] == counters
    assert (len(version.partners), len(version.data_items), len(version.flows)) == shape
    assert "Overwritten" not in str(version.section("rights").content)
    assert version.partners[1].contact_name != "Overwritten"
