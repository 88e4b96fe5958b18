"""The workflow as tables: each transition allowed or refused per state and per person."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, join_qa_group, section_rv, table_rv

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.protocols import services, workflow
from isp_manager.protocols.access import Action, can
from isp_manager.protocols.models import QaDecision, VersionState
from tests.conftest import bilingual

STATES = [
    "draft",
    "submitted",
    "returned",
    "qa_approved",
    "awaiting_signatures",
    "active",
    "superseded",
    "withdrawn",
]
OK, E403, E404, E409 = "ok", PermissionDenied, NotFound, Conflict


def _member(user):
    join_qa_group(user)
    return user


def _actor(name, author, make_user, version=None):
    return {
        "author": lambda: author,
        # the account Cardiff Council names as its signatory (not an IG lead)
        "signatory": lambda: version.partners[1].signatory_user,
        # IG lead of the lead org, not the author, and a member of the QA group
        "lead_colleague": lambda: _member(make_user(LEAD, Role.IG_LEAD)),
        "partner_ig": lambda: make_user("la-cardiff", Role.IG_LEAD),
        "partner_practitioner": lambda: make_user("la-cardiff", Role.PRACTITIONER),
        "outsider_ig": lambda: make_user("la-swansea", Role.IG_LEAD),
        # not a party: a member of the QA group the version goes to
        "qa_member": lambda: _member(make_user("la-swansea", Role.IG_LEAD)),
        "auditor": lambda: make_user("la-swansea", Role.AUDITOR),
        "admin": lambda: make_user("la-swansea", Role.ADMIN),
    }[name]()


def _do(action, version, user):
    if action == "edit":
        return services.save_section(
            version,
            "rights",
            {"complaints": "Changed"},
            by=user,
            expected_row_version=section_rv(version, "rights"),
        )
    if action == "submit":
        return workflow.submit_for_qa(
            version, expected_etag=version.etag, by=user, qa_group="waspi-south"
        )
    if action == "approve":
        return workflow.approve_qa(version, expected_etag=version.etag, by=user)
    if action == "return":
        return workflow.return_with_comments(
            version, expected_etag=version.etag, comments="Please revise", by=user
        )
    if action == "sign":
        return workflow.sign_protocol(version, expected_etag=version.etag, by=user)
    if action == "withdraw":
        return workflow.withdraw_protocol(
            version.protocol,
            expected_etag=services.latest_version(version.protocol).etag,
            reason="Ended",
            by=user,
        )
    raise AssertionError(action)


EDITABLE = {"draft", "returned"}
SIGNABLE = {"qa_approved", "awaiting_signatures"}


def _expected(state, actor, action):
    if actor == "outsider_ig":
        return E404
    if actor == "qa_member":
        if state in ("draft", "withdrawn"):
            return E404  # never submitted to the group: they cannot see it
        if action in ("approve", "return"):
            return OK if state == "submitted" else E409
        return E403
    if actor == "signatory":
        if action != "sign":
            return E403
        # Cardiff Council has already signed from awaiting_signatures on
        return OK if state == "qa_approved" else E409
    if actor in ("auditor", "admin", "partner_practitioner"):
        return E403
    if action in ("edit", "submit"):
        if actor == "partner_ig":
            return E403  # no edit rights
        return OK if state in EDITABLE else E409
    if action in ("approve", "return"):
        # only a QA group member from neither the lead nor the submitter's organisation
        return E403
    if action == "sign":
        return E403  # only the named signatory signs, from their own account
    if action == "withdraw":
        if actor == "partner_ig":
            return E403
        # withdrawing acts on the agreement: a superseded V1 still has an active V2 to end
        return E409 if state == "withdrawn" else OK
    raise AssertionError(action)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(
    "actor",
    [
        "author",
        "signatory",
        "lead_colleague",
        "partner_ig",
        "partner_practitioner",
        "outsider_ig",
        "qa_member",
        "auditor",
        "admin",
    ],
)
@pytest.mark.parametrize("action", ["edit", "submit", "approve", "return", "sign", "withdraw"])
def test_transition_table(version_in, make_user, state, actor, action):
    version, author = version_in(state)
    user = _actor(actor, author, make_user, version)
    expected = _expected(state, actor, action)
    before_state = version.state
    if expected == OK:
        _do(action, version, user)
        if state == "superseded":
            assert version.state == VersionState.SUPERSEDED  # a frozen version is never rewritten
    else:
        with pytest.raises(expected):
            _do(action, version, user)
        assert version.state == before_state


@pytest.mark.parametrize("state", STATES)
def test_can_matches_the_services_for_the_author(version_in, state):
    version, author = version_in(state)
    assert can(author, Action.EDIT, version) == (state in EDITABLE)
    assert can(author, Action.SUBMIT, version) == (state in EDITABLE)
    assert not can(author, Action.QA_DECIDE, version)
    assert can(author, Action.WITHDRAW, version) == (state not in ("superseded", "withdrawn"))
    assert can(author, Action.NEW_VERSION, version) == (state == "active")


def test_full_journey_states_timestamps_and_audit(version_in, ig):
    version, author = version_in("submitted")
    assert version.submitted_by_id == author.id and version.submitted_at
    reviewer = ig("la-vale-of-glamorgan")
    review = workflow.approve_qa(
        version,
        expected_etag=version.etag,
        by=reviewer,
        comments="Good",
    )
    assert review.decision == QaDecision.APPROVED
    assert (
        version.state == VersionState.QA_APPROVED
        and version.status_label == "Approved for signature"
    )
    assert version.approved_by_id == reviewer.id and version.qa_group == "WASPI South QA Group"
    signers = [p.signatory_user for p in version.partners]
    workflow.sign_protocol(version, expected_etag=version.etag, by=signers[0])
    assert version.state == VersionState.AWAITING_SIGNATURES
    for signer in signers[1:]:
        workflow.sign_protocol(version, expected_etag=version.etag, by=signer)
    assert version.state == VersionState.ACTIVE and version.activated_at
    assert (
        version.protocol.active_version is version
        or services.current_version(version.protocol) is version
    )
    sig = version.signatures[0]
    assert (sig.name, sig.role, sig.partner.organisation.code, sig.method, sig.user_id) == (
        signers[0].name,
        "Director",
        LEAD,
        "account",
        signers[0].id,
    )
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.record_type == "protocol_versions",
            AuditEvent.record_id == str(version.id),
            AuditEvent.action.notlike("protocol.%_saved"),
            AuditEvent.action.like("protocol.%"),
            AuditEvent.action.notin_(
                ["protocol.partner_changed", "protocol.data_item_added", "protocol.flow_added"]
            ),
        )
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["protocol.submitted", "protocol.qa_approved"] + ["protocol.signed"] * 4


def _officer_without_account(partner, name="Jane Jones", role="Chief Constable"):
    """Make the partner name an officer with no account (set directly: the version is locked)."""
    partner.signatory_user = None
    partner.signatory_user_id = None
    partner.signatory_name, partner.signatory_role = name, role
    db.session.flush()


def test_approval_asks_each_named_signatory_to_sign(version_in, ig, app, outbox):
    """Approval tells each partner's named signatory to sign from their account; for an officer
    without one, the partner's IG leads, to record the paper signature. Nobody else."""
    from isp_manager import mail

    version, _author = version_in("submitted")
    council, police = version.partners[1], version.partners[3]
    _officer_without_account(police)
    council_lead = ig("la-cardiff")
    police_lead = ig("police-south-wales")
    with app.test_request_context():
        workflow.approve_qa(version, expected_etag=version.etag, by=ig("la-vale-of-glamorgan"))
        mail.flush_pending()
    messages = {m["To"]: m for m in outbox()}
    assert council.signatory_user.email in messages
    assert council_lead.email not in messages  # Cardiff's signatory signs from their account
    welsh, english = bilingual(messages[council.signatory_user.email])
    assert english.startswith(f"Sign {version.protocol.reference} V1")
    assert welsh.startswith(f"Llofnodi {version.protocol.reference} V1")
    assert "/versions/1" in english and "/versions/1" in welsh
    assert "named as the signatory" in english
    welsh, english = bilingual(messages[police_lead.email])
    assert english.startswith(f"Paper signature wanted: {version.protocol.reference} V1")
    assert "Jane Jones" in english and "Jane Jones" in welsh
    assert "scan of the signed page" in english


def test_returning_tells_the_authors_in_welsh_and_english(version_in, ig, app, outbox):
    from isp_manager import mail

    version, _author = version_in("submitted")
    lead = ig(LEAD)
    with app.test_request_context("/?lang=en"):
        workflow.return_with_comments(
            version, expected_etag=version.etag, comments="Section 3 is thin", by=ig("la-cardiff")
        )
        mail.flush_pending()
    message = {m["To"]: m for m in outbox()}[lead.email]
    welsh, english = bilingual(message)
    assert f"{version.protocol.reference} V1 returned with comments" in english
    assert f"{version.protocol.reference} V1: wedi'i ddychwelyd gyda sylwadau" in welsh
    assert "Section 3 is thin" not in english + welsh


def test_return_needs_comments_and_makes_it_editable(version_in, ig):
    version, author = version_in("submitted")
    reviewer = ig("la-cardiff")
    with pytest.raises(InvalidInput) as error:
        workflow.return_with_comments(
            version, expected_etag=version.etag, comments="  ", by=reviewer
        )
    assert "comments" in error.value.errors
    workflow.return_with_comments(
        version,
        expected_etag=version.etag,
        comments="Section 3 is thin",
        by=reviewer,
        section_comments={"obligations": "Add training"},
    )
    assert version.state == VersionState.RETURNED
    assert version.qa_reviews[-1].section_comments == {"obligations": "Add training"}
    services.save_section(
        version,
        "obligations",
        {"training": "Annual"},
        by=author,
        expected_row_version=section_rv(version, "obligations"),
    )
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group="waspi-south")
    assert version.state == VersionState.SUBMITTED


def test_someone_who_edited_the_version_cannot_review_it(version_in, ig):
    version, author = version_in("draft")
    council_lead = ig("la-cardiff")
    partner = version.partner_for(council_lead.organisation_id)
    services.update_partner(
        partner,
        services.PartnerDetails(can_edit=True),
        by=author,
        expected_row_version=table_rv(partner.version, "partners"),
    )
    services.save_section(
        version,
        "rights",
        {"complaints": "Via each partner"},
        by=council_lead,
        expected_row_version=section_rv(version, "rights"),
    )
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group="waspi-south")
    with pytest.raises(PermissionDenied, match="did not write or submit"):
        workflow.approve_qa(version, expected_etag=version.etag, by=council_lead)
    workflow.approve_qa(version, expected_etag=version.etag, by=ig("police-south-wales"))


def test_withdraw_needs_a_reason_and_ends_active_and_open_versions(version_in):
    version, author = version_in("active")
    new = workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)
    with pytest.raises(InvalidInput) as error:
        workflow.withdraw_protocol(
            version.protocol,
            expected_etag=services.latest_version(version.protocol).etag,
            reason=" ",
            by=author,
        )
    assert "reason" in error.value.errors
    ended = workflow.withdraw_protocol(
        version.protocol,
        expected_etag=services.latest_version(version.protocol).etag,
        reason="Service decommissioned",
        by=author,
    )
    assert set(ended) == {version, new}
    assert version.state == new.state == VersionState.WITHDRAWN
    assert version.withdrawal_reason == "Service decommissioned"
    assert version.protocol.is_withdrawn
    with pytest.raises(Conflict):
        workflow.start_new_version(version.protocol, expected_etag=version.etag, by=author)


def test_transition_with_a_stale_etag_is_a_conflict(version_in):
    version, author = version_in("draft")
    stale = version.etag
    services.save_section(
        version,
        "rights",
        {"complaints": "x"},
        by=author,
        expected_row_version=section_rv(version, "rights"),
    )
    with pytest.raises(Conflict, match="has changed since you last loaded it"):
        workflow.submit_for_qa(version, by=author, expected_etag=stale, qa_group="waspi-south")
    workflow.submit_for_qa(version, by=author, expected_etag=version.etag, qa_group="waspi-south")


# action: the state it acts on, who acts, and the version whose ETag it needs
TRANSITIONS = {
    "submit": ("draft", "author"),
    "approve": ("submitted", "reviewer"),
    "return": ("submitted", "reviewer"),
    "sign": ("qa_approved", "signatory"),
    "withdraw": ("active", "author"),
    "new_version": ("active", "author"),
}


def _transition(action, version, user, etag):
    protocol = version.protocol
    return {
        "submit": lambda: workflow.submit_for_qa(
            version, by=user, expected_etag=etag, qa_group="waspi-south"
        ),
        "approve": lambda: workflow.approve_qa(version, by=user, expected_etag=etag),
        "return": lambda: workflow.return_with_comments(
            version, comments="Revise", by=user, expected_etag=etag
        ),
        "sign": lambda: workflow.sign_protocol(version, by=user, expected_etag=etag),
        "withdraw": lambda: workflow.withdraw_protocol(
            protocol, reason="Ended", by=user, expected_etag=etag
        ),
        "new_version": lambda: workflow.start_new_version(protocol, by=user, expected_etag=etag),
    }[action]()


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize(
    ("etag", "words"),
    [
        (None, "could not tell which version of this agreement"),
        ("", "could not tell which version of this agreement"),
        ("  ,  ", "could not tell which version of this agreement"),
        ("v1", "could not tell which version of this agreement"),
        ('"1.1", W/', "could not tell which version of this agreement"),
        ('"999999.1"', "has changed since you last loaded it"),
    ],
)
def test_a_transition_needs_the_etag_of_the_version_it_acts_on(version_in, ig, action, etag, words):
    state, who = TRANSITIONS[action]
    version, author = version_in(state)
    user = {
        "reviewer": lambda: ig("la-cardiff"),
        "signatory": lambda: version.partners[0].signatory_user,
    }.get(who, lambda: author)()
    before = (version.state, version.row_version, len(version.protocol.versions))
    with pytest.raises(Conflict, match=words):
        _transition(action, version, user, etag)
    assert (version.state, version.row_version, len(version.protocol.versions)) == before
    assert _transition(action, version, user, f'W/"x", {version.etag}') is not None
