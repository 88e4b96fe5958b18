"""Put an agreement in force straight into the journeys' database, through the services and the
workflow (drafted, QA-approved, signed by every partner), for journeys about agreements that
already exist: the register, the reviews dashboard and the Word download.

    python tests/browser/seed_agreement.py INSTANCE_DIR KIND TITLE LEAD PARTNER... [--review-days N]
        [--author EMAIL] [--submitted] [--qa-group CODE] [--accord CODE]...

KIND is isp, dda, jca or dpa (a DPA's lead is its controller, the partners its processors).
--accord records that an organisation signed the WASPI Accord (as the register's editor would).

Prints the agreement's id and reference as JSON. The people who draft, approve and sign are
made here (they never sign in); journeys sign in as people they make with make_live_user.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "protocols"))

from protocol_helpers import fill_isp, join_qa_group, section_rv  # noqa: E402

from isp_manager import create_app  # noqa: E402
from isp_manager.accounts.models import Role, User  # noqa: E402
from isp_manager.calendar import wales_today  # noqa: E402
from isp_manager.extensions import db  # noqa: E402
from isp_manager.parties.models import Organisation  # noqa: E402
from isp_manager.protocols import services, workflow  # noqa: E402
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerDetails  # noqa: E402


def _ig_lead(code: str) -> User:
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.code == code))
    user = User(
        email=f"seed-{code}-{secrets.token_hex(4)}@example.test",
        name=f"IG lead of {organisation.name}",
        organisation=organisation,
        role=Role.IG_LEAD,
        password_hash="!",  # noqa: S106  (no password: cannot sign in)
    )
    db.session.add(user)
    db.session.flush()
    return user


def _jca_texts(version, review_date) -> dict:
    """A JCA's sections, naming every party where Article 26 wants each one named."""
    names = [p.organisation.name for p in version.partners]
    lead = names[0]
    answers = f"{lead} answers for all the parties; the others help within five working days."
    return {
        "about": {"agreement_statement": "The Article 26 arrangement between the parties."},
        "purpose": {"purpose": "One integrated family support service.", "purposes": ["Support"]},
        "roles": {
            "roles_relationships": " ".join(
                f"{n} works with the families it refers." for n in names
            ),
            "responsibilities": " ".join(f"{n} keeps its own records accurate." for n in names),
        },
        "lawful_basis": {"legal_powers": ["power-s28-ca2004"]},
        "data": {"data_subjects": ["Families supported by the service"]},
        "rights": {
            "privacy_information": f"{lead} gives the privacy notice at referral.",
            **{
                f"right_{r}": answers
                for r in (
                    "access",
                    "rectification",
                    "erasure",
                    "restriction",
                    "portability",
                    "objection",
                )
            },
        },
        "contact": {
            "contact_point": f"The Data Protection Officer of {lead}.",
            "rights_against_each": "A data subject may exercise their rights against each party.",
        },
        "essence": {
            "essence": "The partners run the service together.",
            "essence_where": "On each party's website.",
        },
        "security": {"security_measures": "Secure e-mail.", "breaches": f"{lead} notifies."},
        "review": {"review_date": review_date, "review_arrangements": "The lead arranges it."},
    }


def _dpa_texts(version, review_date) -> dict:
    """A DPA's sections, with every Article 28(3) term recorded."""
    terms = ("instructions", "confidentiality", "security", "sub_processors", "rights_assistance",
             "compliance_assistance", "end_of_services", "audits", "infringing_instructions")  # fmt: skip
    return {
        "about": {"agreement_statement": "The Article 28(3) contract."},
        "processing": {
            "subject_matter": "Hosting the case records.",
            "duration": "For the length of the contract.",
            "nature_purpose": "Storing case records for the controller.",
        },
        "data": {"data_subjects": ["Children referred to the service"]},
        "controller": {"controller_obligations": "Gives written instructions."},
        "processor": {term: f"The processor's undertaking: {term}." for term in terms},
        "review": {
            "review_date": review_date,
            "review_arrangements": "The controller arranges it.",
        },
    }


def _dda_texts(version, review_date) -> dict:
    return {
        "about": {"agreement_statement": "One-way disclosure under WASPI."},
        "purpose": {
            "purpose": "Attendance data for safeguarding reviews.",
            "purposes": ["Reviews"],
        },
        "parties": {"controller_relationship": "Separate controllers."},
        "lawful_basis": {"legal_powers": ["power-s28-ca2004"]},
        "data": {"data_subjects": ["Pupils"], "minimisation": "Only what is needed."},
        "security": {"security_measures": "Secure e-mail.", "retention": "One year."},
        "rights": {"access_requests": "Each answers.", "foi": "Consult first."},
        "breaches": {"breaches": "Within a day.", "complaints": "Own procedure."},
        "escalation": {"escalation": "To the IG leads."},
        "review": {"review_date": review_date, "review_arrangements": "Discloser arranges."},
    }


TEXTS = {"dda": _dda_texts, "jca": _jca_texts, "dpa": _dpa_texts}


def _fill(version, by, review_date) -> None:
    """Fill a DDA, JCA or DPA so that it passes every QA check: its parties' details, one data
    item and one Appendix B row from the first party to the others, and every section."""
    sv = services.save_section
    texts = TEXTS[version.protocol.kind.value](version, review_date)
    for partner in version.partners:
        services.update_partner(
            partner,
            PartnerDetails(
                departments="Education welfare",
                contact_name=f"Contact {partner.organisation.code}",
                contact_email=f"ig@{partner.organisation.code}.example",
                signatory_name="Signatory",
                signatory_role="Director",
            ),
            by=by,
            expected_row_version=section_rv(version, "partners"),
        )
    discloser, *recipients = version.partners
    services.add_data_item(
        version,
        DataItemInput(
            category="School attendance",
            source_partner_id=discloser.id,
            recipient_partner_ids=[r.id for r in recipients],
            article6=["art6-1-e"],
        ),
        by=by,
        expected_row_version=section_rv(version, "data"),
    )
    services.add_flow(
        version,
        FlowInput(
            what="Attendance list",
            from_partner_id=discloser.id,
            to_partner_id=recipients[0].id,
            method="Secure e-mail",
            security="Encrypted",
            frequency="Monthly",
            purpose="Safeguarding reviews",
        ),
        by=by,
        expected_row_version=section_rv(version, "information_flows"),
    )
    for code, data in texts.items():
        sv(
            version,
            code,
            data,
            by=by,
            expected_row_version=section_rv(version, code),
            mark_complete=True,
        )
    for code in ("partners", "information_flows"):
        sv(
            version,
            code,
            {},
            by=by,
            expected_row_version=section_rv(version, code),
            mark_complete=True,
        )


def _record_accord(codes) -> None:
    from isp_manager.parties.services import get_organisation, update_organisation

    admin = _ig_lead("la-cardiff")
    admin.role = Role.ADMIN
    for code in codes:
        update_organisation(
            get_organisation(code),
            {
                "waspi_signed_on": "2019-05-01",
                "waspi_designated_person": "Data Protection Officer",
                "waspi_declaration_signed_by": "Chief Executive of the body",
                "waspi_declaration_signatory_role": "Chief Executive",
            },
            by=admin,
        )


def seed(
    kind: str,
    title: str,
    lead: str,
    partners: list[str],
    review_days: int,
    *,
    author_email: str | None = None,
    submitted_only: bool = False,
    qa_group: str = "waspi-south",
    accord: tuple[str, ...] = (),
) -> dict:
    _record_accord(accord)
    author = (
        db.session.scalar(db.select(User).where(User.email == author_email))
        if author_email
        else _ig_lead(lead)
    )
    protocol = services.create_protocol(
        kind=kind, title=title, lead_organisation=lead, partners=partners, by=author
    )
    version = protocol.versions[0]
    review_date = wales_today() + timedelta(days=max(review_days, 30))
    if kind == "isp":
        fill_isp(version, author, review_date=review_date)
    else:
        _fill(version, author, review_date)
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group=qa_group)
    if submitted_only:  # left with the WASPI South QA Group for a journey to review
        db.session.flush()
        return {"id": protocol.id, "reference": protocol.reference, "version": version.number}
    reviewer = _ig_lead(partners[0])
    join_qa_group(reviewer, qa_group)
    workflow.approve_qa(version, expected_etag=version.etag, by=reviewer)
    for partner in version.partners:
        workflow.sign_protocol(
            version, expected_etag=version.etag, by=_ig_lead(partner.organisation.code)
        )
    if review_days < 30:  # time has passed since approval: the review is close or overdue
        version.review_date = wales_today() + timedelta(days=review_days)
    db.session.flush()
    return {"id": protocol.id, "reference": protocol.reference, "version": version.number}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("instance")
    parser.add_argument("kind", choices=["isp", "dda", "jca", "dpa"])
    parser.add_argument("title")
    parser.add_argument("lead")
    parser.add_argument("partners", nargs="+")
    parser.add_argument("--review-days", type=int, default=300)
    parser.add_argument("--author", help="e-mail of an existing IG lead of LEAD who drafts it")
    parser.add_argument("--submitted", action="store_true", help="stop once submitted for QA")
    parser.add_argument("--qa-group", default="waspi-south", help="code of the QA group")
    parser.add_argument("--accord", action="append", default=[], help="signed the WASPI Accord")
    args = parser.parse_args()
    instance = Path(args.instance)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'live.sqlite'}",
            "SECRET_KEY": "journeys",
        },
        instance_path=instance,
    )
    with app.test_request_context():
        result = seed(
            args.kind,
            args.title,
            args.lead,
            args.partners,
            args.review_days,
            author_email=args.author,
            submitted_only=args.submitted,
            qa_group=args.qa_group,
            accord=tuple(args.accord),
        )
        db.session.commit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
