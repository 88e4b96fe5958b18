"""Fixtures for protocol tests: users of the partner organisations and ready-made agreements."""

from __future__ import annotations

import pytest
from protocol_helpers import LEAD, PARTNERS, fill_isp, join_qa_group, section_rv

from isp_manager.accounts.models import Role
from isp_manager.protocols import services, workflow


@pytest.fixture
def ig(make_user):
    """ig(org_code) -> an IG lead of that organisation (a new one each call). IG leads are
    members of the WASPI South QA Group (the group these tests submit to) unless qa=False;
    the service still refuses those of the lead or submitting organisation."""

    def _ig(org_code=LEAD, role=Role.IG_LEAD, *, qa=True):
        user = make_user(org_code, role)
        if qa and role == Role.IG_LEAD:
            join_qa_group(user)
        return user

    return _ig


@pytest.fixture
def draft_isp(ig):
    """A three-partner ISP led by Cardiff and Vale UHB, V1 in draft, nothing filled in."""

    def _make(author=None, partners=PARTNERS):
        author = author or ig(LEAD)
        protocol = services.create_protocol(
            kind="isp",
            title="Safeguarding children in Cardiff and the Vale",
            lead_organisation=LEAD,
            partners=list(partners),
            by=author,
        )
        return protocol.versions[0], author

    return _make


@pytest.fixture
def complete_isp(draft_isp):
    def _make(author=None):
        version, author = draft_isp(author)
        fill_isp(version, author)
        return version, author

    return _make


@pytest.fixture
def active_isp(complete_isp, ig):
    """An active V1: submitted, QA-approved by a partner's IG lead, signed by every partner."""

    def _make():
        version, author = complete_isp()
        workflow.submit_for_qa(
            version, expected_etag=version.etag, by=author, qa_group="waspi-south"
        )
        workflow.approve_qa(
            version,
            expected_etag=version.etag,
            by=ig("la-cardiff"),
        )
        for partner in version.partners:
            workflow.sign_protocol(version, expected_etag=version.etag, by=partner.signatory_user)
        return version, author

    return _make


@pytest.fixture
def version_in(complete_isp, ig):
    """version_in(state) -> (version, author): a three-partner ISP V1 brought to that state.
    In awaiting_signatures, Cardiff Council has signed; superseded means V2 is now active."""

    def _make(state: str):
        version, author = complete_isp()
        if state == "draft":
            return version, author
        if state == "withdrawn":
            workflow.withdraw_protocol(
                version.protocol, expected_etag=version.etag, reason="No longer needed", by=author
            )
            return version, author
        workflow.submit_for_qa(
            version, expected_etag=version.etag, by=author, qa_group="waspi-south"
        )
        if state == "submitted":
            return version, author
        if state == "returned":
            workflow.return_with_comments(
                version,
                expected_etag=version.etag,
                comments="Say more in section 3",
                by=ig("la-cardiff"),
            )
            return version, author
        workflow.approve_qa(
            version,
            expected_etag=version.etag,
            by=ig("la-cardiff"),
        )
        if state == "qa_approved":
            return version, author
        workflow.sign_protocol(
            version, expected_etag=version.etag, by=version.partners[1].signatory_user
        )
        if state == "awaiting_signatures":
            return version, author
        for partner in version.partners[:1] + version.partners[2:]:
            workflow.sign_protocol(version, expected_etag=version.etag, by=partner.signatory_user)
        if state == "active":
            return version, author
        assert state == "superseded"
        new = workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)
        services.save_section(
            new,
            "review",
            {"review_date": version.review_date},
            by=author,
            expected_row_version=section_rv(new, "review"),
            mark_complete=True,
        )
        workflow.submit_for_qa(new, expected_etag=new.etag, by=author, qa_group="waspi-south")
        workflow.approve_qa(new, expected_etag=new.etag, by=ig("la-vale-of-glamorgan"))
        for partner in new.partners:
            workflow.sign_protocol(new, expected_etag=new.etag, by=partner.signatory_user)
        return version, author

    return _make
