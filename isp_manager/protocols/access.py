"""Who may do what to a protocol: the one table, used by the services, the pages and the API.

A user who may not see a protocol gets a 404 (its existence is not revealed); one who may see it
but may not take the action gets a 403; an action the version's state does not allow is a 409.

| action          | who                                                          | states                      |
|-----------------|--------------------------------------------------------------|-----------------------------|
| view            | anyone in a party organisation; members of a QA group a      | any                         |
|                 | version was submitted to; admins and auditors                |                             |
| edit            | authors: IG leads of the lead organisation, and of partners  | draft, returned             |
|                 | given edit rights                                            |                             |
| manage_partners | IG leads of the lead organisation                            | draft, returned             |
| submit          | authors                                                      | draft, returned             |
| qa_decide       | an IG lead who is a member of the QA group the version was   | submitted                   |
|                 | submitted to, not of the lead organisation nor of the        |                             |
|                 | submitter's, and who did not write or submit it              |                             |
| sign            | the signatory a partner names, from their own account, while | qa_approved, awaiting sigs  |
|                 | that partner has not signed                                  |                             |
| record_paper    | an IG lead of a partner whose signatory is a named officer   | qa_approved, awaiting sigs  |
|                 | (no account), while that partner has not signed              |                             |
| withdraw        | IG leads of the lead organisation                            | any but withdrawn/superseded|
| new_version     | IG leads of the lead organisation (no other open version)    | active                      |

Auditors and admins read everything and change nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role
from ..audit.models import AuditEvent
from ..errors import Conflict, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..qa_groups.models import QaGroupMember
from .models import EDITABLE_STATES, Protocol, ProtocolPartner, ProtocolVersion, VersionState


class Action(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"
    MANAGE_PARTNERS = "manage_partners"
    SUBMIT = "submit"
    QA_DECIDE = "qa_decide"
    SIGN = "sign"
    RECORD_PAPER_SIGNATURE = "record_paper_signature"
    WITHDRAW = "withdraw"
    NEW_VERSION = "new_version"


# ---------------------------------------------------------------- who


def _party_org_ids(protocol: Protocol) -> set[int]:
    ids = {protocol.lead_organisation_id}
    for version in protocol.versions:
        ids.update(p.organisation_id for p in version.partners)
    return ids


def is_party_member(user, version: ProtocolVersion) -> bool:
    return user.organisation_id in _party_org_ids(version.protocol)


def _qa_group_ids(protocol: Protocol) -> set[int]:
    return {v.qa_group_id for v in protocol.versions if v.qa_group_id is not None}


def _is_member_of(user, group_ids: set[int]) -> bool:
    if not group_ids:
        return False
    return (
        db.session.scalar(
            sa.select(QaGroupMember.user_id).where(
                QaGroupMember.user_id == user.id, QaGroupMember.qa_group_id.in_(group_ids)
            )
        )
        is not None
    )


def is_qa_group_member(user, version: ProtocolVersion) -> bool:
    """A member of a QA group one of the protocol's versions was submitted to (they read it)."""
    return _is_member_of(user, _qa_group_ids(version.protocol))


def is_independent_of(user, version: ProtocolVersion) -> bool:
    """Not of the lead organisation, nor of the organisation of whoever submitted it."""
    excluded = {version.protocol.lead_organisation_id}
    if version.submitted_by is not None:
        excluded.add(version.submitted_by.organisation_id)
    return user.organisation_id not in excluded


def reads_everything(user, version: ProtocolVersion) -> bool:
    return user.can_read_everything


def is_lead_ig_lead(user, version: ProtocolVersion) -> bool:
    return (
        user.role == Role.IG_LEAD and user.organisation_id == version.protocol.lead_organisation_id
    )


def is_author(user, version: ProtocolVersion) -> bool:
    if is_lead_ig_lead(user, version):
        return True
    partner = version.partner_for(user.organisation_id)
    return user.role == Role.IG_LEAD and partner is not None and partner.can_edit


def version_contributor_ids(version: ProtocolVersion) -> set[int]:
    """Everyone who created, changed or submitted this version (from the audit log)."""
    ids = {version.created_by_id, version.submitted_by_id}
    ids.update(
        db.session.scalars(
            sa.select(AuditEvent.actor_id)
            .distinct()
            .where(
                AuditEvent.record_type == ProtocolVersion.__tablename__,
                AuditEvent.record_id == str(version.id),
                AuditEvent.action.in_(CONTENT_ACTIONS),
            )
        )
    )
    ids.discard(None)
    return ids


def is_qa_reviewer(user, version: ProtocolVersion) -> bool:
    return (
        user.role == Role.IG_LEAD
        and version.qa_group_id is not None
        and is_independent_of(user, version)
        and _is_member_of(user, {version.qa_group_id})
        and user.id not in version_contributor_ids(version)
    )


def unsigned_partner_for(user, version: ProtocolVersion) -> ProtocolPartner | None:
    """The partner that names this user as its signatory, if it has not signed yet."""
    partner = version.partner_for(user.organisation_id)
    if (
        partner is None
        or partner.signatory_user_id != user.id
        or not user.is_active_user
        or version.signature_for(partner)
    ):
        return None
    return partner


def is_partner_signatory(user, version: ProtocolVersion) -> bool:
    return unsigned_partner_for(user, version) is not None


def paper_partner_for(user, version: ProtocolVersion) -> ProtocolPartner | None:
    """The user's organisation's partner, when they are one of its IG leads, its signatory is
    a named officer without an account, and it has not signed yet."""
    partner = version.partner_for(user.organisation_id)
    if (
        user.role != Role.IG_LEAD
        or partner is None
        or partner.signs_from_account
        or not partner.signatory_name
        or version.signature_for(partner)
    ):
        return None
    return partner


def records_paper_signature(user, version: ProtocolVersion) -> bool:
    return paper_partner_for(user, version) is not None


def names_signatory(user, partner: ProtocolPartner) -> bool:
    """Who may name a partner's signatory: its own IG leads, and the agreement's authors
    (the lead organisation's IG leads, and partners given edit rights) while drafting."""
    version = partner.version
    if user.is_auditor or user.role != Role.IG_LEAD:
        return False
    return user.organisation_id == partner.organisation_id or is_author(user, version)


# Audit actions that change a version's content (their actors are its authors).
CONTENT_ACTIONS = (
    "protocol.created",
    "protocol.version_started",
    "protocol.section_saved",
    "protocol.partner_added",
    "protocol.partner_changed",
    "protocol.partner_removed",
    "protocol.data_item_added",
    "protocol.data_item_changed",
    "protocol.data_item_removed",
    "protocol.flow_added",
    "protocol.flow_changed",
    "protocol.flow_removed",
)


# ---------------------------------------------------------------- the table

ANY_STATE = frozenset(VersionState)


@dataclass(frozen=True)
class Rule:
    who: tuple[Callable, ...]
    states: frozenset[VersionState]
    refused: str  # why a state refuses it (409); lazy, translated when shown


# Built once: the messages are lazy, so each is translated only when a refusal is shown.
RULES: dict[Action, Rule] = {
    Action.VIEW: Rule((is_party_member, reads_everything, is_qa_group_member), ANY_STATE, ""),
    Action.EDIT: Rule(
        (is_author,),
        EDITABLE_STATES,
        _l(
            "This version cannot be changed now: it is %(state)s. Start a new version to make changes."
        ),
    ),
    Action.MANAGE_PARTNERS: Rule(
        (is_lead_ig_lead,),
        EDITABLE_STATES,
        _l(
            "Parties cannot be added or removed now: this version is %(state)s. Start a new version, which every party signs again."
        ),
    ),
    Action.SUBMIT: Rule(
        (is_author,), EDITABLE_STATES, _l("This version cannot be submitted: it is %(state)s.")
    ),
    Action.QA_DECIDE: Rule(
        (is_qa_reviewer,),
        frozenset({VersionState.SUBMITTED}),
        _l("Only a version submitted for QA can be approved or returned; this one is %(state)s."),
    ),
    Action.SIGN: Rule(
        (is_partner_signatory,),
        frozenset({VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES}),
        _l("Only a QA-approved version can be signed; this one is %(state)s."),
    ),
    Action.RECORD_PAPER_SIGNATURE: Rule(
        (records_paper_signature,),
        frozenset({VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES}),
        _l("Only a QA-approved version can be signed; this one is %(state)s."),
    ),
    Action.WITHDRAW: Rule(
        (is_lead_ig_lead,),
        ANY_STATE - {VersionState.WITHDRAWN, VersionState.SUPERSEDED},
        _l("This version is %(state)s and cannot be withdrawn."),
    ),
    Action.NEW_VERSION: Rule(
        (is_lead_ig_lead,),
        frozenset({VersionState.ACTIVE}),
        _l("A new version can only be started from the active version; the latest is %(state)s."),
    ),
}


def _is_who(user, action: Action, version: ProtocolVersion) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_auditor and action != Action.VIEW:
        return False
    return any(check(user, version) for check in RULES[action].who)


def can(user, action: Action, version: ProtocolVersion) -> bool:
    """True if the user may take the action on this version now (for showing buttons)."""
    rule = RULES[action]
    return (
        _is_who(user, Action.VIEW, version)
        and _is_who(user, action, version)
        and version.state in rule.states
    )


def require(user, action: Action, version: ProtocolVersion) -> None:
    """Raise NotFound (cannot see), PermissionDenied (cannot act) or Conflict (wrong state)."""
    if not _is_who(user, Action.VIEW, version):
        raise NotFound(_("Agreement not found."))
    if action == Action.VIEW:
        return
    if not _is_who(user, action, version):
        raise PermissionDenied(_refusal(action, user, version))
    rule = RULES[action]
    if version.state not in rule.states:
        raise Conflict(str(rule.refused) % {"state": version.state.label.lower()})


def _refusal(action: Action, user, version: ProtocolVersion) -> str:
    if user.is_auditor:
        return _("Auditors can read agreements but cannot change them.")
    messages = {
        Action.EDIT: _(
            "Only information governance leads of the lead organisation, or of parties given edit rights, can change this agreement."
        ),
        Action.MANAGE_PARTNERS: _(
            "Only information governance leads of the lead organisation can add or remove parties."
        ),
        Action.SUBMIT: _("Only an author of this agreement can submit it for quality assurance."),
        Action.QA_DECIDE: _(
            "Only a member of the QA group this version was submitted to can review it: one from neither the lead organisation nor the submitter's organisation, who did not write or submit this version."
        ),
        Action.SIGN: _(
            "Only the signatory a party has named can sign for it, from their own account, and only once."
        ),
        Action.RECORD_PAPER_SIGNATURE: _(
            "Only an information governance lead of a party whose signatory has no account can record that signatory's signature given on paper, and only once."
        ),
        Action.WITHDRAW: _(
            "Only information governance leads of the lead organisation can withdraw this agreement."
        ),
        Action.NEW_VERSION: _(
            "Only information governance leads of the lead organisation can start a new version."
        ),
    }
    return messages.get(action, _("You cannot do this."))


def can_view_protocol(user, protocol: Protocol) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        user.can_read_everything
        or user.organisation_id in _party_org_ids(protocol)
        or _is_member_of(user, _qa_group_ids(protocol))
    )


def visible_protocols_filter(user):
    """A WHERE clause for the protocols a user may see (for lists)."""
    if user.can_read_everything:
        return sa.true()
    party = (
        sa.select(ProtocolVersion.protocol_id)
        .join(ProtocolPartner, ProtocolPartner.version_id == ProtocolVersion.id)
        .where(ProtocolPartner.organisation_id == user.organisation_id)
    )
    reviewed = (
        sa.select(ProtocolVersion.protocol_id)
        .join(QaGroupMember, QaGroupMember.qa_group_id == ProtocolVersion.qa_group_id)
        .where(QaGroupMember.user_id == user.id)
    )
    return sa.or_(
        Protocol.lead_organisation_id == user.organisation_id,
        Protocol.id.in_(party),
        Protocol.id.in_(reviewed),
    )


def can_start_protocol(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.IG_LEAD
