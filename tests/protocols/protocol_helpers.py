"""Helpers shared by the protocol tests: the partner codes and a filled-in ISP."""

from __future__ import annotations

from datetime import date

from isp_manager.protocols import services
from isp_manager.protocols.qa import add_months
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerDetails

LEAD = "lhb-cardiff-and-vale"
PARTNERS = ["la-cardiff", "la-vale-of-glamorgan", "police-south-wales"]
SOUTH = "waspi-south"


def join_qa_group(user, code: str = SOUTH):
    """Make the user a member of a QA group (as an administrator would)."""
    import sqlalchemy as sa

    from isp_manager.extensions import db
    from isp_manager.qa_groups.models import QaGroup, QaGroupMember

    group = db.session.scalar(sa.select(QaGroup).where(QaGroup.code == code))
    db.session.add(QaGroupMember(qa_group_id=group.id, user_id=user.id))
    db.session.flush()
    db.session.expire(group, ["members"])
    return group


def organisation_of(code: str):
    import sqlalchemy as sa

    from isp_manager.extensions import db
    from isp_manager.parties.models import Organisation

    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def make_signatory(organisation, *, name=None, job_title="Director", role=None):
    """An active account at the organisation, to be named as a partner's signatory."""
    import secrets

    from isp_manager.accounts.models import Role, User
    from isp_manager.extensions import db

    user = User(
        email=f"signatory-{organisation.code}-{secrets.token_hex(4)}@example.test",
        name=name or f"Signatory of {organisation.name}",
        job_title=job_title,
        organisation=organisation,
        role=role or Role.PRACTITIONER,
        password_hash="!",  # noqa: S106  (these tests never sign in as them)
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_all(version, partners=None):
    """Every partner (or those given) signs, each by its named signatory from their account."""
    from isp_manager.protocols import workflow

    for partner in partners if partners is not None else list(version.partners):
        workflow.sign_protocol(version, expected_etag=version.etag, by=partner.signatory_user)


def section_rv(version, code):
    return version.section(code).row_version


def fill_isp(version, by, *, review_date=None):
    """Complete every section of a WASPI ISP draft so that it passes the QA checks."""
    sv = services.save_section
    sv(
        version,
        "introduction",
        {
            "purpose": "Protect children at risk",
            "purposes": ["Child protection enquiries"],
            "accord_statement": "Supplementary to WASPI.",
        },
        by=by,
        expected_row_version=section_rv(version, "introduction"),
        mark_complete=True,
    )
    for partner in version.partners:
        services.update_partner(
            partner,
            PartnerDetails(
                departments="Safeguarding",
                contact_name=f"Contact {partner.organisation.code}",
                contact_email=f"ig@{partner.organisation.code}.example",
                signatory_user_id=make_signatory(partner.organisation).id,
                signatory_role="Director",
            ),
            by=by,
            expected_row_version=section_rv(version, "partners"),
        )
    sv(
        version,
        "partners",
        {"controller_relationship": "Separate controllers."},
        by=by,
        expected_row_version=section_rv(version, "partners"),
        mark_complete=True,
    )
    sv(
        version,
        "obligations",
        {"organisational": "Train staff.", "practitioner": "Record decisions."},
        by=by,
        expected_row_version=section_rv(version, "obligations"),
        mark_complete=True,
    )
    sv(
        version,
        "legislation",
        {"legal_powers": ["power-s28-ca2004", "power-s47-ca1989"]},
        by=by,
        expected_row_version=section_rv(version, "legislation"),
        mark_complete=True,
    )
    lead, *others = version.partners
    services.add_data_item(
        version,
        DataItemInput(
            category="Health history",
            is_special_category=True,
            source_partner_id=lead.id,
            recipient_partner_ids=[p.id for p in others],
            article6=["art6-1-e"],
            article9=["art9-2-g"],
            schedule1=["sch1-p2-para18"],
            para18_reason="para18-2-c",
            policy_document_ref="APD-2026-01",
        ),
        by=by,
        expected_row_version=section_rv(version, "personal_information"),
    )
    sv(
        version,
        "personal_information",
        {"data_subjects": ["Children at risk"], "consent": "Not relied on."},
        by=by,
        expected_row_version=section_rv(version, "personal_information"),
        mark_complete=True,
    )
    sv(
        version,
        "rights",
        {"access_requests": "Each answers.", "other_rights": "Tell others."},
        by=by,
        expected_row_version=section_rv(version, "rights"),
        mark_complete=True,
    )
    sv(
        version,
        "security",
        {
            "security_measures": "Secure e-mail.",
            "retention": "Per schedule.",
            "breaches": "Within a day.",
        },
        by=by,
        expected_row_version=section_rv(version, "security"),
        mark_complete=True,
    )
    sv(
        version,
        "review",
        {
            "review_date": review_date or add_months(date.today(), 11),
            "review_arrangements": "Lead arranges.",
        },
        by=by,
        expected_row_version=section_rv(version, "review"),
        mark_complete=True,
    )
    services.add_flow(
        version,
        FlowInput(
            what="Referral",
            from_partner_id=lead.id,
            to_partner_id=others[0].id,
            method="Secure e-mail",
            security="Encrypted",
            frequency="As needed",
            purpose="Safeguarding",
        ),
        by=by,
        expected_row_version=section_rv(version, "information_flows"),
    )
    sv(
        version,
        "information_flows",
        {},
        by=by,
        expected_row_version=section_rv(version, "information_flows"),
        mark_complete=True,
    )
    return version


def table_rv(version, table):
    """The row_version of the section holding a table: "partners", "data_items" or "flows"."""
    from isp_manager.protocols.templates_data import template_for

    return section_rv(version, template_for(version.protocol).section_with(table).code)
