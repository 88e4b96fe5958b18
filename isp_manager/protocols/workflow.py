"""Workflow transitions of a protocol version, each a named operation with its guard.

draft -> submitted (locked) -> returned (editable again) | qa_approved (frozen)
qa_approved -> awaiting_signatures (first signature) -> active (last signature; the previous
active version becomes superseded). Any version may be withdrawn by the lead organisation.
A new version is a draft copy of the active one; the frozen version is never touched.
Every transition takes the ETag of the version it was asked for on: without one, or with an
out-of-date one, it is refused (409) and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.routing import BuildError

from ..accounts.models import Role, User
from ..audit.services import record_event
from ..db import utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..mail import queue_bilingual_mail
from ..qa_groups.models import QaGroup, QaGroupMember
from ..qa_groups.services import find_group
from .access import Action, is_independent_of, paper_partner_for, require, unsigned_partner_for
from .models import (
    Protocol,
    ProtocolDataItem,
    ProtocolFlow,
    ProtocolLawfulBasis,
    ProtocolPartner,
    ProtocolQaReview,
    ProtocolSection,
    ProtocolSignature,
    ProtocolVersion,
    QaDecision,
    SignatureMethod,
    VersionState,
)
from .qa import QaCheck, failures, partners_without_accord, qa_checklist
from .services import check_version_etag, latest_version, open_version
from .templates_data import template_for


class QaChecksFailed(InvalidInput):
    """Submission or approval refused: the failing checks, each with the section to fix."""

    def __init__(self, checks: list[QaCheck]):
        self.checks = checks
        errors: dict[str, list[str]] = {}
        for check in checks:
            errors.setdefault(check.section or "_schema", []).append(check.message)
        super().__init__(
            _("This agreement cannot go forward until these are fixed:"), errors=errors
        )


def _state_change(version: ProtocolVersion, action: str, by, before_state, **after) -> None:
    record_event(
        action,
        version,
        by=by,
        before={"state": before_state},
        after={"state": version.state, **after},
    )


def _flush() -> None:
    from sqlalchemy.orm.exc import StaleDataError

    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _(
                "Someone else changed this agreement at the same time. Nothing has been changed: reload the page and try again."
            )
        ) from None


def submit_for_qa(
    version: ProtocolVersion, *, by, expected_etag: str | None, qa_group=None
) -> ProtocolVersion:
    """Lock the version for quality assurance by one QA group (a QaGroup, its id or code; a
    version returned with comments goes back to its group unless another is named); refused,
    with the failures, unless every check passes."""
    require(by, Action.SUBMIT, version)
    check_version_etag(version, expected_etag)
    group, group_error = _chosen_group(version, qa_group)
    problems = failures(qa_checklist(version, template_for(version.protocol)))
    if problems:
        error = QaChecksFailed(problems)
        if group_error:
            error.errors["qa_group"] = [group_error]
        raise error
    if group_error:
        raise InvalidInput(group_error, field="qa_group")
    before = version.state
    version.state = VersionState.SUBMITTED
    version.submitted_at = utcnow()
    version.submitted_by_id = by.id
    version.submitted_by = by
    version.qa_group_id = group.id
    version.assigned_qa_group = group
    _flush()
    _state_change(version, "protocol.submitted", by, before, qa_group=group.code)
    _ask_group_for_qa(version, group, by)
    return version


def _chosen_group(version: ProtocolVersion, value) -> tuple[QaGroup | None, str | None]:
    """The group named (or, when none is, the one it was last submitted to), or why not."""
    if value in (None, "") and version.assigned_qa_group is not None:
        value = version.assigned_qa_group
    group = find_group(value)
    if group is not None and group.is_active:
        return group, None
    if value in (None, ""):
        return None, _("Choose the QA group to review this agreement")
    return None, _("There is no QA group '%(value)s': choose one of the QA groups", value=value)


def return_with_comments(
    version: ProtocolVersion,
    *,
    comments: str,
    by,
    section_comments: dict | None = None,
    expected_etag: str | None,
) -> ProtocolQaReview:
    """The QA reviewer sends the version back to its authors, who can edit it again."""
    require(by, Action.QA_DECIDE, version)
    check_version_etag(version, expected_etag)
    comments = (comments or "").strip()
    if not comments:
        raise InvalidInput(
            _("Enter your comments: say what the authors need to change"), field="comments"
        )
    template = template_for(version.protocol)
    cleaned = {}
    for code, text in (section_comments or {}).items():
        if template.section(code) is None:
            raise InvalidInput(
                _("There is no section '%(code)s' to comment on", code=code),
                field="section_comments",
            )
        if (text or "").strip():
            cleaned[code] = text.strip()
    review = ProtocolQaReview(
        reviewer_id=by.id,
        decision=QaDecision.RETURNED,
        comments=comments,
        section_comments=cleaned,
        qa_group=version.assigned_qa_group.name,
    )
    version.qa_reviews.append(review)
    before = version.state
    version.state = VersionState.RETURNED
    _flush()
    _state_change(
        version, "protocol.returned", by, before, comments=comments, section_comments=cleaned
    )
    _tell_lead(version, _l("returned with comments"))
    return review


def approve_qa(
    version: ProtocolVersion,
    *,
    by,
    comments: str | None = None,
    expected_etag: str | None,
) -> ProtocolQaReview:
    """QA approval, by a member of its QA group, freezes the version; the partners'
    signatories are asked to sign."""
    require(by, Action.QA_DECIDE, version)
    check_version_etag(version, expected_etag)
    now = utcnow()
    problems = failures(qa_checklist(version, template_for(version.protocol), today=now.date()))
    if problems:
        raise QaChecksFailed(problems)
    qa_group = version.assigned_qa_group.name
    review = ProtocolQaReview(
        reviewer_id=by.id,
        decision=QaDecision.APPROVED,
        comments=(comments or "").strip() or None,
        qa_group=qa_group,
        decided_at=now,
    )
    version.qa_reviews.append(review)
    before = version.state
    version.state = VersionState.QA_APPROVED
    version.approved_at = now
    version.approved_by_id = by.id
    version.qa_group = qa_group
    _flush()
    # Approved knowing which partners had not signed the WASPI Accord (the checklist's flag).
    unsigned = [o.code for o in partners_without_accord(version)]
    _state_change(
        version,
        "protocol.qa_approved",
        by,
        before,
        qa_group=qa_group,
        partners_without_waspi_accord=unsigned,
    )
    _ask_partners_to_sign(version)
    return review


def sign_protocol(
    version: ProtocolVersion,
    *,
    by,
    expected_etag: str | None,
) -> ProtocolSignature:
    """The signatory a partner names signs for it from their own account: their name from
    the account, their role from the partner record (else their job title). Nobody else may;
    the last signature makes the version active."""
    partner = version.partner_for(by.organisation_id)
    if partner is not None and partner.signatory_user_id == by.id:
        _refuse_if_signed(version, partner)
    require(by, Action.SIGN, version)
    check_version_etag(version, expected_etag)
    partner = unsigned_partner_for(by, version)
    role = (partner.signatory_role or by.job_title or "").strip()
    if not role:
        raise InvalidInput(
            errors={
                "role": [
                    _(
                        "Your role as signatory is not recorded: ask an information governance lead of your organisation to give it on the partner's details, or add your job title to your account"
                    )
                ]
            }
        )
    signature = ProtocolSignature(
        partner=partner,
        method=SignatureMethod.ACCOUNT,
        user_id=by.id,
        name=by.name[:200],
        role=role[:200],
        signed_at=utcnow(),
    )
    return _add_signature(version, partner, signature, by)


def _refuse_if_signed(version: ProtocolVersion, partner: ProtocolPartner) -> None:
    if version.signature_for(partner) is not None:
        raise Conflict(
            _(
                "%(org)s has already signed this version.",
                org=partner.organisation.display_name(current_locale()),
            )
        )


SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def scan_content_type(content: bytes) -> str | None:
    """The type of a scanned page by its first bytes (never by its name or what the browser
    says): PDF, PNG or JPEG, else None."""
    return next((kind for magic, kind in SCAN_SIGNATURES if content.startswith(magic)), None)


def _scan_errors(content: bytes | None) -> tuple[str | None, list[str]]:
    limit = current_app.config["SIGNATURE_SCAN_MAX_BYTES"]
    if not content:
        return None, [_("Select the scan of the signed page")]
    if len(content) > limit:
        return None, [
            _(
                "The scan must be smaller than %(mb)s MB: scan the signed page at a lower resolution",
                mb=limit // (1024 * 1024),
            )
        ]
    kind = scan_content_type(content)
    if kind is None:
        return None, [_("The scan must be a PDF, PNG or JPEG file")]
    return kind, []


def record_paper_signature(
    version: ProtocolVersion,
    *,
    by,
    expected_etag: str | None,
    signed_on,
    scan: bytes | None,
    filename: str | None = None,
) -> ProtocolSignature:
    """A partner's IG lead records the signature its named officer (who has no account) gave
    on paper: the name and role from the partner record, the date on the paper, the scanned
    page, and the IG lead as the one who attests it."""
    partner = version.partner_for(by.organisation_id)
    if partner is not None and by.role == Role.IG_LEAD and not partner.signs_from_account:
        _refuse_if_signed(version, partner)
    require(by, Action.RECORD_PAPER_SIGNATURE, version)
    check_version_etag(version, expected_etag)
    partner = paper_partner_for(by, version)
    now = utcnow()
    errors: dict[str, list[str]] = {}
    if signed_on is None:
        errors["signed_on"] = [_("Enter the date the signatory signed the page")]
    elif signed_on > now.date():
        errors["signed_on"] = [_("The date signed must be today or in the past")]
    elif version.approved_at is not None and signed_on < version.approved_at.date():
        errors["signed_on"] = [
            _(
                "The date signed must be on or after the date the version was approved for signature, %(date)s",
                date=version.approved_at.strftime("%d/%m/%Y"),
            )
        ]
    kind, scan_problems = _scan_errors(scan)
    if scan_problems:
        errors["scan"] = scan_problems
    if not partner.signatory_role:
        errors["signed_on"] = errors.get("signed_on", []) + [
            _("Give the signatory's role on the partner's details before recording the signature")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    signature = ProtocolSignature(
        partner=partner,
        method=SignatureMethod.PAPER,
        name=partner.signatory_name[:200],
        role=partner.signatory_role[:200],
        signed_at=datetime.combine(signed_on, time(12, 0), tzinfo=UTC),
        attested_by_id=by.id,
        attested_at=now,
        scan=scan,
        scan_content_type=kind,
        scan_filename=_safe_filename(filename, kind),
        scan_size=len(scan),
    )
    return _add_signature(version, partner, signature, by)


def _safe_filename(filename: str | None, kind: str) -> str:
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[kind]
    stem = "".join(c for c in (filename or "").rsplit(".", 1)[0] if c.isalnum() or c in "-_ ")
    return f"{(stem.strip() or 'signed-page')[:150]}.{ext}"


def _add_signature(version, partner, signature: ProtocolSignature, by) -> ProtocolSignature:
    version.signatures.append(signature)
    before = version.state
    if len(version.signatures) >= len(version.partners):
        _activate(version, by)
    else:
        version.state = VersionState.AWAITING_SIGNATURES
        _flush()
    org = partner.organisation
    _tell_lead(version, lambda: _("signed by %(org)s", org=org.display_name(current_locale())))
    if version.state == VersionState.ACTIVE:
        _tell_lead(version, version.protocol.kind.words.every_signed_mail)
    record_event(
        "protocol.signed",
        version,
        by=by,
        before={"state": before},
        after={
            "state": version.state,
            "partner": partner.organisation.code,
            "method": signature.method,
            "name": signature.name,
            "role": signature.role,
            "signed_at": signature.signed_at,
            "attested_by": by.id if signature.method == SignatureMethod.PAPER else None,
            "scan": (
                {"content_type": signature.scan_content_type, "size": signature.scan_size}
                if signature.has_scan
                else None
            ),
        },
    )
    return signature


def _activate(version: ProtocolVersion, by) -> None:
    now = utcnow()
    for previous in version.protocol.versions:
        if previous is not version and previous.state == VersionState.ACTIVE:
            previous.state = VersionState.SUPERSEDED
            previous.superseded_at = now
            _flush()  # the old one stops being active before the new one starts (one active)
            record_event(
                "protocol.superseded",
                previous,
                by=by,
                before={"state": VersionState.ACTIVE},
                after={"state": VersionState.SUPERSEDED, "by_version": version.number},
            )
    version.state = VersionState.ACTIVE
    version.activated_at = now
    _flush()


def withdraw_protocol(
    protocol: Protocol, *, reason: str, by, expected_etag: str | None
) -> list[ProtocolVersion]:
    """The lead organisation withdraws the agreement: its active and open versions end.
    `expected_etag` is the latest version's, as the caller last saw it."""
    latest = latest_version(protocol)
    require(by, Action.WITHDRAW, latest)
    check_version_etag(latest, expected_etag)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Enter the reason for withdrawing the agreement"), field="reason")
    if len(reason) > 5000:
        raise InvalidInput(_("The reason must be 5000 characters or fewer"), field="reason")
    now = utcnow()
    ended = [v for v in protocol.versions if v.state == VersionState.ACTIVE or v.state.is_open]
    for version in ended:
        before = version.state
        version.state = VersionState.WITHDRAWN
        version.withdrawn_at = now
        version.withdrawn_by_id = by.id
        version.withdrawal_reason = reason
        _flush()
        _state_change(version, "protocol.withdrawn", by, before, reason=reason)
    return ended


def start_new_version(
    protocol: Protocol, *, by, expected_etag: str | None, change_summary: str | None = None
) -> ProtocolVersion:
    """A new draft copying the active version's content; the active version stays as it is.
    `expected_etag` is the active version's, as the caller last saw it."""
    active = next((v for v in protocol.versions if v.state == VersionState.ACTIVE), None)
    require(by, Action.NEW_VERSION, active or latest_version(protocol))
    check_version_etag(active or latest_version(protocol), expected_etag)
    if open_version(protocol) is not None:
        raise Conflict(
            _(
                "Version %(n)s is already being prepared: finish or withdraw it first.",
                n=open_version(protocol).number,
            )
        )
    new = copy_version(active, by=by)
    new.change_summary = (change_summary or "").strip() or None
    _flush()
    record_event(
        "protocol.version_started",
        new,
        by=by,
        after={
            "number": new.number,
            "based_on": active.number,
            "change_summary": new.change_summary,
        },
    )
    return new


def copy_version(source: ProtocolVersion, *, by) -> ProtocolVersion:
    """A draft with the same sections, partners, data items and flows; review date cleared."""
    protocol = source.protocol
    template = template_for(protocol)
    # Reading the source's collections must not flush the half-built copy.
    with db.session.no_autoflush:
        new = ProtocolVersion(
            protocol=protocol,
            number=max(v.number for v in protocol.versions) + 1,
            state=VersionState.DRAFT,
            based_on_id=source.id,
            created_by_id=by.id,
        )
        db.session.add(new)
        review_code = template.section_with("review_date").code
        for section in source.sections:
            new.sections.append(
                ProtocolSection(
                    code=section.code,
                    position=section.position,
                    content=dict(section.content or {}),
                    is_complete=section.is_complete and section.code != review_code,
                )
            )
        partner_map = {}
        for partner in source.partners:
            copy = ProtocolPartner(
                organisation_id=partner.organisation_id,
                organisation=partner.organisation,
                role=partner.role,
                position=partner.position,
                departments=partner.departments,
                contact_name=partner.contact_name,
                contact_email=partner.contact_email,
                signatory_user_id=partner.signatory_user_id,
                signatory_name=partner.signatory_name,
                signatory_role=partner.signatory_role,
                can_edit=partner.can_edit,
            )
            partner_map[partner.id] = copy
            new.partners.append(copy)
        for item in source.data_items:
            new.data_items.append(
                ProtocolDataItem(
                    position=item.position,
                    category=item.category,
                    description=item.description,
                    is_special_category=item.is_special_category,
                    source_partner=partner_map.get(item.source_partner_id),
                    recipients=[partner_map[p.id] for p in item.recipients],
                    policy_document_ref=item.policy_document_ref,
                    other_basis=item.other_basis,
                    para18_reason=item.para18_reason,
                    is_criminal_offence=item.is_criminal_offence,
                    criminal_offence_condition=item.criminal_offence_condition,
                    bases=[
                        ProtocolLawfulBasis(catalogue=b.catalogue, code=b.code) for b in item.bases
                    ],
                )
            )
        for flow in source.flows:
            new.flows.append(
                ProtocolFlow(
                    position=flow.position,
                    what=flow.what,
                    from_partner=partner_map.get(flow.from_partner_id),
                    to_partner=partner_map.get(flow.to_partner_id),
                    method=flow.method,
                    security=flow.security,
                    frequency=flow.frequency,
                    purpose=flow.purpose,
                )
            )
        return new


# ---------------------------------------------------------------- notices


def _ig_leads_of(organisation_ids) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id.in_(list(organisation_ids)),
                User.role == Role.IG_LEAD,
                User.is_active_user.is_(True),
            )
            .order_by(User.id)
        )
    )


def _version_url(version: ProtocolVersion) -> str:
    base = current_app.config["SERVICE_URL"].rstrip("/")
    try:
        path = url_for("protocols.version", protocol_id=version.protocol_id, number=version.number)
    except (RuntimeError, BuildError):  # outside a request (flask notify)
        path = f"/agreements/{version.protocol_id}/versions/{version.number}"
    return base + path


def _ask_partners_to_sign(version: ProtocolVersion) -> None:
    """Each partner's named signatory with an account is asked to sign from it; for a named
    officer without an account, the partner's IG leads are asked to record the signature they
    give on paper."""
    for partner in version.partners:
        if partner.signs_from_account:
            if partner.signatory_user.is_active_user:
                _ask_to_sign(partner.signatory_user, version)
        else:
            for lead in _ig_leads_of({partner.organisation_id}):
                _ask_to_record_paper(lead, partner, version)


def _ask_to_sign(user: User, version: ProtocolVersion) -> None:
    protocol = version.protocol
    queue_bilingual_mail(
        user.email,
        lambda: _("Sign %(ref)s %(version)s", ref=protocol.reference, version=version.label),
        lambda: _(
            "%(ref)s %(version)s has passed quality assurance. You are named as the signatory "
            "of your organisation: please read it and sign it from your account:\n\n%(url)s\n",
            ref=protocol.reference,
            version=version.label,
            url=_version_url(version),
        ),
    )


def _ask_to_record_paper(user: User, partner: ProtocolPartner, version: ProtocolVersion) -> None:
    protocol = version.protocol
    queue_bilingual_mail(
        user.email,
        lambda: _(
            "Paper signature wanted: %(ref)s %(version)s",
            ref=protocol.reference,
            version=version.label,
        ),
        lambda: _(
            "%(ref)s %(version)s has passed quality assurance. Your organisation's signatory, "
            "%(name)s, has no account: once they have signed it on paper, record the signature "
            "with a scan of the signed page:\n\n%(url)s\n",
            ref=protocol.reference,
            version=version.label,
            name=partner.signatory_name or "",
            url=_version_url(version),
        ),
    )


def qa_reviewers_of(version: ProtocolVersion, group: QaGroup) -> list[User]:
    """The group's active members who may review this version (independent of its authors)."""
    members = db.session.scalars(
        sa.select(User)
        .join(QaGroupMember, QaGroupMember.user_id == User.id)
        .where(
            QaGroupMember.qa_group_id == group.id,
            User.is_active_user.is_(True),
            User.role == Role.IG_LEAD,
        )
        .order_by(User.id)
    )
    return [u for u in members if is_independent_of(u, version)]


def _ask_group_for_qa(version: ProtocolVersion, group: QaGroup, by) -> None:
    """Tell the QA group's members who may review it that a version waits for them."""
    protocol = version.protocol
    for user in qa_reviewers_of(version, group):
        if user.id == by.id:
            continue
        queue_bilingual_mail(
            user.email,
            lambda: _(
                "Quality assurance wanted: %(ref)s %(version)s",
                ref=protocol.reference,
                version=version.label,
            ),
            lambda: _(
                "%(ref)s %(version)s has been submitted to %(group)s for quality assurance. As a "
                "member of the group you can approve it or return it with comments:\n\n%(url)s\n",
                ref=protocol.reference,
                version=version.label,
                group=group.display_name(current_locale()),
                url=_version_url(version),
            ),
        )


def _tell_lead(version: ProtocolVersion, what) -> None:
    """Tell the lead organisation's IG leads what happened to the version; `what` is a lazy
    string or a function giving one, so that each language of the notice has its own."""
    protocol = version.protocol

    def said() -> str:
        return str(what() if callable(what) else what)

    for user in _ig_leads_of({protocol.lead_organisation_id}):
        queue_bilingual_mail(
            user.email,
            lambda: _(
                "%(ref)s %(version)s %(what)s",
                ref=protocol.reference,
                version=version.label,
                what=said(),
            ),
            lambda: _(
                "%(ref)s %(version)s was %(what)s.\n\n%(url)s\n",
                ref=protocol.reference,
                version=version.label,
                what=said(),
                url=_version_url(version),
            ),
        )
