"""Versions (frozen once QA-approved, copied into new drafts) and the DDA's one discloser."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, make_signatory, organisation_of, section_rv, table_rv

from isp_manager.errors import Conflict, InvalidInput
from isp_manager.extensions import db
from isp_manager.protocols import services, workflow
from isp_manager.protocols.models import PartnerRole, ProtocolPartner, VersionState
from isp_manager.protocols.qa import failures, qa_checklist
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerDetails
from isp_manager.protocols.templates_data import template_for


@pytest.mark.parametrize(
    "state", ["qa_approved", "awaiting_signatures", "active", "superseded", "withdrawn"]
)
def test_frozen_versions_refuse_every_edit(version_in, state):
    version, author = version_in(state)
    before = (
        dict(version.section("rights").content),
        len(version.partners),
        len(version.data_items),
    )
    item, flow, partner = version.data_items[0], version.flows[0], version.partners[1]
    edits = [
        lambda: services.save_section(
            version,
            "rights",
            {"complaints": "x"},
            by=author,
            expected_row_version=section_rv(version, "rights"),
        ),
        lambda: services.add_partner(
            version, "nhs-wast", by=author, expected_row_version=table_rv(version, "partners")
        ),
        lambda: services.update_partner(
            partner,
            PartnerDetails(contact_name="x"),
            by=author,
            expected_row_version=table_rv(partner.version, "partners"),
        ),
        lambda: services.remove_partner(
            partner, by=author, expected_row_version=table_rv(partner.version, "partners")
        ),
        lambda: services.add_data_item(
            version,
            DataItemInput(category="x"),
            by=author,
            expected_row_version=table_rv(version, "data_items"),
        ),
        lambda: services.remove_data_item(
            item, by=author, expected_row_version=table_rv(item.version, "data_items")
        ),
        lambda: services.update_flow(
            flow,
            FlowInput(what="x"),
            by=author,
            expected_row_version=table_rv(flow.version, "flows"),
        ),
        lambda: services.remove_flow(
            flow, by=author, expected_row_version=table_rv(flow.version, "flows")
        ),
    ]
    for edit in edits:
        with pytest.raises(Conflict):
            edit()
    assert (
        dict(version.section("rights").content),
        len(version.partners),
        len(version.data_items),
    ) == before


def test_adding_a_partner_to_an_active_protocol_needs_a_new_version(version_in, ig):
    version, author = version_in("active")
    with pytest.raises(Conflict, match="Start a new version"):
        services.add_partner(
            version, "nhs-wast", by=author, expected_row_version=table_rv(version, "partners")
        )
    new = workflow.start_new_version(
        version.protocol, expected_etag=version.etag, by=author, change_summary="Adding WAST"
    )
    assert (new.number, new.state, new.based_on_id) == (2, VersionState.DRAFT, version.id)
    services.add_partner(
        new,
        "nhs-wast",
        by=author,
        expected_row_version=table_rv(new, "partners"),
        details=PartnerDetails(
            contact_name="A",
            contact_email="a@wast.example",
            signatory_user_id=make_signatory(organisation_of("nhs-wast")).id,
            signatory_role="Director",
        ),
    )
    services.save_section(
        new,
        "review",
        {"review_date": version.review_date},
        by=author,
        expected_row_version=section_rv(new, "review"),
        mark_complete=True,
    )
    workflow.submit_for_qa(new, expected_etag=new.etag, by=author, qa_group="waspi-south")
    workflow.approve_qa(new, expected_etag=new.etag, by=ig("la-cardiff"))
    signers = [p.organisation.code for p in new.partners]
    assert "nhs-wast" in signers and len(signers) == 5
    for partner in new.partners[:-1]:
        workflow.sign_protocol(new, expected_etag=new.etag, by=partner.signatory_user)
        assert (
            new.state == VersionState.AWAITING_SIGNATURES and version.state == VersionState.ACTIVE
        )
    workflow.sign_protocol(
        new, expected_etag=new.etag, by=new.partners[-1].signatory_user
    )  # every partner, old and new, signs the new version
    assert new.state == VersionState.ACTIVE
    assert version.state == VersionState.SUPERSEDED and version.superseded_at
    assert services.current_version(version.protocol) is new


def test_a_new_version_copies_content_and_leaves_the_frozen_one_untouched(version_in):
    version, author = version_in("active")
    frozen_rights = dict(version.section("rights").content)
    new = workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)
    assert [p.organisation_id for p in new.partners] == [
        p.organisation_id for p in version.partners
    ]
    assert {p.id for p in new.partners}.isdisjoint({p.id for p in version.partners})
    [item] = new.data_items
    assert item.source_partner.version is new and all(r.version is new for r in item.recipients)
    assert sorted(b.code for b in item.bases) == sorted(b.code for b in version.data_items[0].bases)
    assert new.flows[0].from_partner.version is new
    assert new.review_date is None and new.signatures == [] and new.qa_reviews == []
    services.save_section(
        new,
        "rights",
        {"complaints": "Changed in V2"},
        by=author,
        expected_row_version=section_rv(new, "rights"),
    )
    db.session.expire_all()
    assert version.section("rights").content == frozen_rights
    with pytest.raises(Conflict, match="already being prepared"):
        workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)


def test_only_one_active_and_one_open_version_in_the_database(version_in):
    version, author = version_in("active")
    protocol = version.protocol
    new = workflow.start_new_version(
        protocol, expected_etag=services.current_version(protocol).etag, by=author
    )
    new.state = VersionState.ACTIVE
    new.approved_at, new.approved_by_id, new.review_date = (
        version.approved_at,
        author.id,
        version.review_date,
    )
    new.activated_at = version.activated_at
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.flush()


def test_an_active_version_needs_approval_in_the_database(draft_isp):
    version, _ = draft_isp()
    version.state = VersionState.ACTIVE
    with pytest.raises(sa.exc.IntegrityError, match="approved_has_approval|check constraint"):
        with db.session.begin_nested():
            db.session.flush()


# ---------------------------------------------------------------- DDA


@pytest.fixture
def dda(ig):
    author = ig(LEAD)
    protocol = services.create_protocol(
        kind="dda",
        title="Disclosure of A&E attendances to councils",
        lead_organisation=LEAD,
        partners=["la-cardiff", "la-vale-of-glamorgan"],
        by=author,
    )
    return protocol.versions[0], author


def test_dda_has_exactly_one_discloser(dda):
    version, author = dda
    discloser, council, vale = version.partners
    assert discloser.role == PartnerRole.DISCLOSER
    with pytest.raises(InvalidInput, match="already the discloser"):
        services.update_partner(
            council,
            PartnerDetails(role="discloser"),
            by=author,
            expected_row_version=table_rv(council.version, "partners"),
        )
    with pytest.raises(InvalidInput, match="Choose a role"):
        services.update_partner(
            council,
            PartnerDetails(role="partner"),
            by=author,
            expected_row_version=table_rv(council.version, "partners"),
        )
    added = services.add_partner(
        version, "police-south-wales", by=author, expected_row_version=table_rv(version, "partners")
    )
    assert added.role == PartnerRole.RECIPIENT
    # hand the discloser role over: first make the lead a recipient, then the council the discloser
    services.update_partner(
        discloser,
        PartnerDetails(role="recipient"),
        by=author,
        expected_row_version=table_rv(discloser.version, "partners"),
    )
    services.update_partner(
        council,
        PartnerDetails(role="discloser"),
        by=author,
        expected_row_version=table_rv(council.version, "partners"),
    )
    assert [p.role for p in version.partners] == [
        PartnerRole.RECIPIENT,
        PartnerRole.DISCLOSER,
        PartnerRole.RECIPIENT,
        PartnerRole.RECIPIENT,
    ]


def test_dda_database_refuses_two_disclosers(dda):
    version, _ = dda
    version.partners[1].role = PartnerRole.DISCLOSER
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.flush()


def test_dda_qa_check_needs_a_discloser_and_a_recipient(dda):
    version, author = dda
    template = template_for(version.protocol)
    assert "parties" not in {c.code for c in failures(qa_checklist(version, template))}
    services.update_partner(
        version.partners[0],
        PartnerDetails(role="recipient"),
        by=author,
        expected_row_version=table_rv(version.partners[0].version, "partners"),
    )
    [check] = [c for c in failures(qa_checklist(version, template)) if c.code == "parties"]
    assert "exactly one discloser" in check.message and check.section == "partners"


def test_dda_information_flows_one_way_only(dda):
    version, author = dda
    discloser, council, vale = version.partners
    with pytest.raises(InvalidInput) as error:
        services.add_data_item(
            version,
            DataItemInput(
                category="Attendances",
                source_partner_id=council.id,
                recipient_partner_ids=[discloser.id],
            ),
            by=author,
            expected_row_version=table_rv(version, "data_items"),
        )
    assert set(error.value.errors) == {"source_partner_id", "recipient_partner_ids"}
    with pytest.raises(InvalidInput):
        services.add_flow(
            version,
            FlowInput(what="x", from_partner_id=council.id, to_partner_id=vale.id),
            by=author,
            expected_row_version=table_rv(version, "flows"),
        )
    services.add_flow(
        version,
        FlowInput(what="Attendances", from_partner_id=discloser.id, to_partner_id=vale.id),
        by=author,
        expected_row_version=section_rv(version, "information_flows"),
    )


def test_partner_rows_are_unique_per_version(draft_isp):
    version, _ = draft_isp()
    db.session.add(
        ProtocolPartner(
            version=version,
            organisation_id=version.partners[1].organisation_id,
            role=PartnerRole.PARTNER,
            position=9,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.flush()
