"""Regional QA: a version goes to one QA group; only its members review it, never one of the
lead or submitting organisation; who is told at each step; the to-do tasks; the service's own
administration is never a party."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, join_qa_group

from isp_manager.accounts.models import Role
from isp_manager.accounts.services import service_organisation
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.mail import flush_pending
from isp_manager.protocols import services, workflow
from isp_manager.protocols.access import Action, can
from isp_manager.protocols.models import VersionState
from isp_manager.protocols.todo import lead_counts, qa_count
from isp_manager.qa_groups.services import find_group
from isp_manager.todo import tasks_for
from tests.conftest import bilingual


def _submit(version, author, group="waspi-south"):
    return workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group=group)


def _approve(version, user):
    return workflow.approve_qa(version, expected_etag=version.etag, by=user)


def test_submitting_names_one_group_and_records_it(complete_isp):
    version, author = complete_isp()
    with pytest.raises(InvalidInput) as missing:
        workflow.submit_for_qa(version, expected_etag=version.etag, by=author)
    assert list(missing.value.errors) == ["qa_group"]
    with pytest.raises(InvalidInput) as unknown:
        _submit(version, author, "waspi-atlantis")
    assert "qa_group" in unknown.value.errors
    assert version.state == VersionState.DRAFT
    _submit(version, author)
    assert version.assigned_qa_group.name == "WASPI South QA Group"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "protocol.submitted")
    )
    assert event.after["qa_group"] == "waspi-south"


def test_an_inactive_group_cannot_be_chosen(complete_isp):
    version, author = complete_isp()
    find_group("waspi-north").is_active = False
    with pytest.raises(InvalidInput) as error:
        _submit(version, author, "waspi-north")
    assert "qa_group" in error.value.errors


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member_of_a_partner", None),  # a partner's IG lead on the group: may review
        ("member_outside", None),  # an IG lead of a body that is not a party: may review
        ("colleague_of_submitter", PermissionDenied),  # same organisation as the submitter
        ("member_of_another_group", NotFound),  # not a party, not of this group: cannot see
        ("partner_not_member", PermissionDenied),  # a partner's IG lead not on the group
        ("auditor", PermissionDenied),
        ("practitioner_member", PermissionDenied),
    ],
)
def test_only_independent_members_of_the_group_review(complete_isp, make_user, who, expected):
    version, author = complete_isp()
    _submit(version, author)
    user = {
        "member_of_a_partner": lambda: make_user("la-cardiff", Role.IG_LEAD),
        "member_outside": lambda: make_user("la-swansea", Role.IG_LEAD),
        "colleague_of_submitter": lambda: make_user(LEAD, Role.IG_LEAD),
        "member_of_another_group": lambda: make_user("la-gwynedd", Role.IG_LEAD),
        "partner_not_member": lambda: make_user("la-cardiff", Role.IG_LEAD),
        "auditor": lambda: make_user("la-swansea", Role.AUDITOR),
        "practitioner_member": lambda: make_user("la-cardiff", Role.PRACTITIONER),
    }[who]()
    if who == "member_of_another_group":
        join_qa_group(user, "waspi-north")
    elif who != "partner_not_member":
        join_qa_group(user)
    for decide in (
        lambda: _approve(version, user),
        lambda: workflow.return_with_comments(
            version, expected_etag=version.etag, comments="Thin", by=user
        ),
    ):
        if expected is None:
            assert can(user, Action.QA_DECIDE, version)
            continue
        assert not can(user, Action.QA_DECIDE, version)
        with pytest.raises(expected):
            decide()
        assert version.state == VersionState.SUBMITTED
    if expected is None:
        review = _approve(version, user)
        assert version.state == VersionState.QA_APPROVED
        assert review.qa_group == version.qa_group == "WASPI South QA Group"


def test_a_partner_that_submits_cannot_review_it_from_its_own_organisation(
    complete_isp, ig, make_user
):
    version, author = complete_isp()
    partner_editor = ig("la-cardiff")
    partner = version.partner_for(partner_editor.organisation_id)
    services.update_partner(
        partner,
        services.PartnerDetails(can_edit=True),
        by=author,
        expected_row_version=version.section("partners").row_version,
    )
    _submit(version, partner_editor)
    colleague = ig("la-cardiff")  # a member who wrote nothing, of the submitter's organisation
    with pytest.raises(PermissionDenied):
        _approve(version, colleague)
    _approve(version, ig("police-south-wales"))


def test_the_group_renamed_is_the_group_shown(complete_isp, ig):
    version, author = complete_isp()
    _submit(version, author)
    group = find_group("waspi-south")
    group.name, group.name_cy = "WASPI South Central QA Group", "Grŵp SA WASPI y De Canol"
    assert version.qa_group_name("en") == "WASPI South Central QA Group"
    assert version.qa_group_name("cy") == "Grŵp SA WASPI y De Canol"


def test_a_returned_version_goes_back_to_its_group(version_in, ig):
    version, author = version_in("returned")
    assert version.qa_reviews[-1].qa_group == "WASPI South QA Group"
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author)
    assert version.assigned_qa_group.code == "waspi-south"


def test_a_member_reads_only_what_was_submitted_to_their_group(complete_isp, make_user):
    version, author = complete_isp()
    member = make_user("la-swansea", Role.IG_LEAD)
    join_qa_group(member)
    assert not can(member, Action.VIEW, version)
    _submit(version, author)
    assert can(member, Action.VIEW, version)
    assert not can(member, Action.EDIT, version) and not can(member, Action.SIGN, version)


# ---------------------------------------------------------------- who is told


def test_submitting_tells_the_groups_independent_members_only(app, complete_isp, make_user, outbox):
    version, author = complete_isp()
    reviewer = make_user("la-swansea", Role.IG_LEAD)
    colleague = make_user(LEAD, Role.IG_LEAD)
    other_group = make_user("la-gwynedd", Role.IG_LEAD)
    partner_not_member = make_user("la-cardiff", Role.IG_LEAD)
    join_qa_group(reviewer)
    join_qa_group(colleague)
    join_qa_group(other_group, "waspi-north")
    with app.test_request_context():
        _submit(version, author)
        flush_pending()
    told = {m["To"] for m in outbox()}
    assert reviewer.email in told
    assert not told & {colleague.email, other_group.email, partner_not_member.email, author.email}
    message = next(m for m in outbox() if m["To"] == reviewer.email)
    welsh, english = bilingual(message)
    assert "WASPI South QA Group" in english and "Grŵp SA WASPI y De" in welsh
    assert version.protocol.title not in message.as_string()  # references and links only
    assert f"/agreements/{version.protocol_id}/versions/1" in english


def test_approval_tells_each_partners_signatories(app, version_in, ig, outbox):
    version, _author = version_in("submitted")
    signatories = [p.signatory_user for p in version.partners]
    reviewer = ig("la-swansea")
    outbox()
    with app.test_request_context():
        _approve(version, reviewer)
        flush_pending()
    told = {m["To"] for m in outbox()}
    assert {s.email for s in signatories} <= told
    assert reviewer.email not in told


def test_every_signature_return_and_activation_tells_the_lead(app, version_in, ig, outbox):
    version, author = version_in("qa_approved")
    lead = ig(LEAD, qa=False)
    outbox()
    with app.test_request_context("/?lang=en"):
        for partner in version.partners:
            workflow.sign_protocol(version, expected_etag=version.etag, by=partner.signatory_user)
        flush_pending()
    subjects = [bilingual(m)[1].splitlines()[0] for m in outbox() if m["To"] == lead.email]
    ref = version.protocol.reference
    assert f"{ref} V1 signed by Cardiff Council" in subjects
    assert sum("signed by" in s for s in subjects) == len(version.partners) + 1
    assert f"{ref} V1 signed by every partner and now active" in subjects

    returned, _author = version_in("submitted")
    outbox()
    with app.test_request_context("/?lang=en"):
        workflow.return_with_comments(
            returned, expected_etag=returned.etag, comments="Thin", by=ig("la-swansea")
        )
        flush_pending()
    assert any(
        "returned with comments" in bilingual(m)[1] for m in outbox() if m["To"] == lead.email
    )


# ---------------------------------------------------------------- to-do home page


def test_qa_waiting_for_me_counts_my_groups_only(app, complete_isp, make_user):
    version, author = complete_isp()
    reviewer = make_user("la-swansea", Role.IG_LEAD)
    colleague = make_user(LEAD, Role.IG_LEAD)
    other = make_user("la-gwynedd", Role.IG_LEAD)
    join_qa_group(reviewer)
    join_qa_group(colleague)
    join_qa_group(other, "waspi-north")
    before = {u.id: qa_count(u) for u in (reviewer, colleague, other)}
    _submit(version, author)
    assert qa_count(reviewer) == before[reviewer.id] + 1
    assert qa_count(colleague) == before[colleague.id]
    assert qa_count(other) == before[other.id]
    with app.test_request_context():
        tasks = {t.key: t for t in tasks_for(reviewer)}
    assert tasks["agreements-qa"].href == "/qa-groups/queue"


def test_the_lead_sees_returns_signatures_awaited_and_new_activations(app, version_in, ig):
    from isp_manager.calendar import wales_today

    lead = ig(LEAD, qa=False)
    today = wales_today()
    before = lead_counts(lead, today)
    version_in("returned")
    version_in("awaiting_signatures")
    version_in("active")
    after = lead_counts(lead, today)
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]
    with app.test_request_context():
        keys = {t.key for t in tasks_for(lead, today)}
    assert {
        "agreements-returned",
        "agreements-lead-awaiting-signatures",
        "agreements-activated",
    } <= keys


# ---------------------------------------------------------------- only bodies are partners


def test_the_service_administration_is_never_a_partner(draft_isp, ig):
    service = service_organisation()
    author = ig(LEAD)
    with pytest.raises(InvalidInput) as at_start:
        services.create_protocol(
            kind="isp", title="T", lead_organisation=LEAD, partners=[service.code], by=author
        )
    assert "partners" in at_start.value.errors
    version, author = draft_isp()
    with pytest.raises(InvalidInput) as added:
        services.add_partner(
            version,
            service.code,
            by=author,
            expected_row_version=version.section("partners").row_version,
        )
    assert "runs this service" in added.value.errors["organisation"][0]
    assert version.partner_for(service.id) is None


def test_the_partner_page_does_not_offer_it_and_the_api_refuses_it(draft_isp, login, api_client):
    service = service_organisation()
    version, author = draft_isp()
    db.session.commit()
    page = login(author).get(f"/agreements/{version.protocol_id}/versions/1/sections/partners")
    assert page.status_code == 200
    assert "Cardiff Council" in page.text and service.name not in page.text
    response = api_client(author).post(
        f"/api/v1/protocols/{version.protocol_id}/versions/1/partners",
        json={"organisation": service.code},
        headers={"If-Match": "*"},
    )
    assert response.status_code == 422
    assert "organisation" in response.json["errors"]["json"]
