"""The audit log in words: each event as sentences in the reader's language, with the labels
of actions, records and fields instead of their codes.

    describe_events(events) -> [EventText]   a page (or an export chunk) of events, with the
                                             names of the records they are about loaded in a
                                             fixed number of queries, whatever the page size

"Cardiff Council's request contact changed from a@example.org to b@example.org."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..accounts.models import ROLE_LABELS, Invitation, User
from ..extensions import db
from ..i18n import current_locale, uk_date, uk_datetime
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import catalogue as law
from ..parties.models import NATION_LABELS, ORG_KIND_LABELS, Organisation
from .models import AuditEvent
from .queries import content_withheld

RECORD_TYPE_LABELS = {
    "organisations": _l("Organisation"),
    "users": _l("Account"),
    "invitations": _l("Invitation"),
    "api_tokens": _l("API token"),
    "protocols": _l("Agreement"),
    "protocol_versions": _l("Agreement version"),
    "cooperation_requests": _l("Co-operation request"),
    "board_requests": _l("Safeguarding Board request"),
    "decisions": _l("Decision record"),
    "advice_requests": _l("Advice request"),
    "teams": _l("Team"),
    "qa_groups": _l("QA group"),
    "relevant_partner_agreements": _l("Relevant-partner agreement"),
    "retention_periods": _l("Retention period"),
}

ACTION_LABELS = {
    "organisation.created": _l("Organisation added to the register"),
    "organisation.updated": _l("Organisation's details changed"),
    "organisation.letterhead_uploaded": _l("Letterhead uploaded"),
    "organisation.letterhead_removed": _l("Letterhead removed"),
    "user.created": _l("Account created"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.job_title_changed": _l("Job title changed"),
    "user.answers_requests_changed": _l("Who answers requests changed"),
    "user.sessions_ended": _l("Signed out everywhere"),
    "user.signed_in": _l("Signed in"),
    "user.signed_out": _l("Signed out"),
    "invitation.created": _l("Person invited"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.cancelled": _l("Invitation cancelled"),
    "invitation.refused": _l("Invitation link refused"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "protocol.created": _l("Agreement started"),
    "protocol.imported": _l("Agreement imported from a Word document"),
    "protocol.version_started": _l("New version started"),
    "protocol.section_saved": _l("Section saved"),
    "protocol.partner_added": _l("Partner added"),
    "protocol.partner_changed": _l("Partner changed"),
    "protocol.partner_removed": _l("Partner removed"),
    "protocol.data_item_added": _l("Data item added"),
    "protocol.data_item_changed": _l("Data item changed"),
    "protocol.data_item_removed": _l("Data item removed"),
    "protocol.flow_added": _l("Information flow added"),
    "protocol.flow_changed": _l("Information flow changed"),
    "protocol.flow_removed": _l("Information flow removed"),
    "protocol.submitted": _l("Submitted for quality assurance"),
    "protocol.qa_approved": _l("Approved by quality assurance"),
    "protocol.returned": _l("Returned by quality assurance"),
    "protocol.signed": _l("Signed"),
    "protocol.superseded": _l("Superseded by a new version"),
    "protocol.withdrawn": _l("Withdrawn"),
    "qa_group.created": _l("QA group created"),
    "qa_group.renamed": _l("QA group renamed"),
    "qa_group.member_added": _l("QA group member added"),
    "qa_group.member_removed": _l("QA group member removed"),
    "team.created": _l("Team created"),
    "team.renamed": _l("Team renamed"),
    "team.member_added": _l("Team member added"),
    "team.member_removed": _l("Team member removed"),
    "relevant_partner_agreement.recorded": _l("Relevant-partner agreement recorded"),
    "relevant_partner_agreement.ended": _l("Relevant-partner agreement ended"),
    "retention.period_set": _l("Retention period set"),
    "retention.extended": _l("Retention extended"),
    "decision.draft_started": _l("Decision record started"),
    "decision.draft_saved": _l("Decision record draft saved"),
    "decision.draft_discarded": _l("Decision record draft discarded"),
    "decision.recorded": _l("Decision recorded"),
    "decision.amended": _l("Decision record amended"),
    "advice_request.asked": _l("Advice asked for"),
    "advice_request.answered": _l("Advice given"),
    "board_request.followed_up": _l("Safeguarding Board request followed up"),
}

# The request lifecycle's events are "<kind>.<operation>" (cooperation_request.respond).
REQUEST_ACTION_LABELS = {
    "created": _l("Request started"),
    "send": _l("Request sent"),
    "acknowledge": _l("Request acknowledged"),
    "ask_clarification": _l("Clarification asked for"),
    "answer_clarification": _l("Clarification given"),
    "ask_extension": _l("More time asked for"),
    "agree_extension": _l("More time agreed"),
    "refuse_extension": _l("More time refused"),
    "grant_extension": _l("More time given"),
    "respond": _l("Request answered"),
    "record_on_behalf": _l("Answer recorded on the body's behalf"),
    "close": _l("Request closed"),
    "withdraw": _l("Request withdrawn"),
}
REQUEST_RECORD_TYPES = ("cooperation_request", "board_request")

FIELD_LABELS = {
    # organisations
    "code": _l("code"),
    "name": _l("name"),
    "name_cy": _l("Welsh name"),
    "kind": _l("kind of organisation"),
    "nation": _l("nation"),
    "s28_category": _l("section 28 category"),
    "relevant_partner_category": _l("relevant-partner category"),
    "area_codes": _l("areas covered"),
    "covers_all_wales": _l("covers all of Wales"),
    "ico_registration": _l("ICO registration"),
    "dpo_name": _l("data protection officer"),
    "dpo_email": _l("data protection officer's e-mail address"),
    "ig_lead_name": _l("information governance lead"),
    "ig_lead_email": _l("request contact"),
    "waspi_signed_on": _l("date the WASPI Accord was signed"),
    "waspi_designated_person": _l("designated person for the WASPI Accord"),
    "waspi_declaration_signed_by": _l("signatory of the WASPI Declaration"),
    "waspi_declaration_signatory_role": _l("role of the signatory of the WASPI Declaration"),
    "notes": _l("notes"),
    "ons_code": _l("ONS code"),
    "is_active": _l("active"),
    "is_public_authority": _l("public authority"),
    # users and invitations
    "email": _l("e-mail address"),
    "organisation": _l("organisation"),
    "role": _l("role"),
    "must_change_password": _l("must change password"),
    "job_title": _l("job title"),
    "answers_requests": _l("answers requests"),
    "expires_at": _l("link expires"),
    "state": _l("state"),
    "user": _l("account"),
    "reason": _l("reason"),
    "label": _l("name"),
    "prefix": _l("starts with"),
    "revoked_at": _l("revoked"),
}

REFUSAL_LABELS = {
    "already_used": _l("the link had already been used"),
    "expired": _l("the link had expired"),
    "cancelled": _l("the invitation had been cancelled"),
    "account_exists": _l("an account with this e-mail address already exists"),
}

CODED_VALUES = {
    "role": ROLE_LABELS,
    "kind": ORG_KIND_LABELS,
    "nation": NATION_LABELS,
    "reason": REFUSAL_LABELS,
}
LAW_CATALOGUES = {"s28_category": "S28", "relevant_partner_category": "RELEVANT_PARTNER"}
# Fields holding lists of organisations' codes: shown by the organisations' names.
ORGANISATION_LISTS = ("area_codes", "recipients")
DATE_FIELDS = {"waspi_signed_on", "expires_at", "revoked_at"}


@dataclass
class EventText:
    event: AuditEvent
    title: str  # the action's label
    record: str  # what the event is about, in words
    who: str
    when: str
    sentences: list[str]


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    kind, _sep, operation = action.partition(".")
    if kind in REQUEST_RECORD_TYPES and operation in REQUEST_ACTION_LABELS:
        return str(REQUEST_ACTION_LABELS[operation])
    return _("Other change (%(action)s)", action=action)


def record_type_label(record_type: str) -> str:
    label = RECORD_TYPE_LABELS.get(record_type)
    return str(label) if label is not None else record_type.replace("_", " ")


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action with a label, by label: the filter's choices."""
    pairs = [(code, str(label)) for code, label in ACTION_LABELS.items()]
    for kind in REQUEST_RECORD_TYPES:
        pairs.extend(
            (f"{kind}.{op}", f"{record_type_label(kind + 's')}: {label}")
            for op, label in REQUEST_ACTION_LABELS.items()
        )
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def record_type_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, str(label)) for code, label in RECORD_TYPE_LABELS.items()),
        key=lambda pair: pair[1].casefold(),
    )


class _Names:
    """The names of the records a batch of events is about: one query per kind of record."""

    def __init__(self, events: list[AuditEvent]):
        locale = current_locale()
        ids: dict[str, set[int]] = {"organisations": set(), "users": set(), "invitations": set()}
        codes: set[str] = set()
        for event in events:
            if event.record_type in ids and event.record_id.isdigit():
                ids[event.record_type].add(int(event.record_id))
            for side in (event.before or {}, event.after or {}):
                if isinstance(side.get("organisation"), str):
                    codes.add(side["organisation"])
                for key in ORGANISATION_LISTS:
                    if isinstance(side.get(key), list):
                        codes.update(c for c in side[key] if isinstance(c, str))
        self.organisations: dict[str, str] = {}
        self.org_codes: dict[str, str] = {}
        if ids["organisations"] or codes:
            rows = db.session.execute(
                sa.select(
                    Organisation.id, Organisation.code, Organisation.name, Organisation.name_cy
                ).where(
                    sa.or_(
                        Organisation.id.in_(ids["organisations"]),
                        Organisation.code.in_(codes),
                    )
                )
            )
            for row in rows:
                name = row.name_cy if locale == "cy" and row.name_cy else row.name
                self.organisations[str(row.id)] = name
                self.org_codes[row.code] = name
        self.users = (
            {
                str(row.id): row.name
                for row in db.session.execute(
                    sa.select(User.id, User.name).where(User.id.in_(ids["users"]))
                )
            }
            if ids["users"]
            else {}
        )
        self.invitations = (
            {
                str(row.id): row.name
                for row in db.session.execute(
                    sa.select(Invitation.id, Invitation.name).where(
                        Invitation.id.in_(ids["invitations"])
                    )
                )
            }
            if ids["invitations"]
            else {}
        )

    def record(self, event: AuditEvent) -> str:
        table = {
            "organisations": self.organisations,
            "users": self.users,
            "invitations": self.invitations,
        }.get(event.record_type, {})
        name = table.get(event.record_id)
        if name is None:
            return _(
                "%(type)s %(id)s", type=record_type_label(event.record_type), id=event.record_id
            )
        if event.record_type == "invitations":
            return _("the invitation of %(name)s", name=name)
        return name

    def value(self, key: str, value) -> str:
        if value is None or value == "" or value == []:
            return _("nothing")
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if key == "state" and isinstance(value, str):
            return _state_label(value)
        if key in CODED_VALUES and isinstance(value, str):
            label = CODED_VALUES[key]
            for code, text in label.items():
                if getattr(code, "value", code) == value:
                    return str(text)
        if key in LAW_CATALOGUES and isinstance(value, str):
            return law.label(getattr(law, LAW_CATALOGUES[key]), value, current_locale())
        if key in ("organisation", *ORGANISATION_LISTS) and isinstance(value, str):
            return self.org_codes.get(value, value)
        if key in DATE_FIELDS and isinstance(value, str):
            try:
                parsed = (
                    datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
                )
            except ValueError:
                return value
            return uk_date(parsed)
        if isinstance(value, list):
            return ", ".join(self.value(key, v) for v in value) or _("nothing")
        if isinstance(value, dict):
            return "; ".join(f"{self.field(k)}: {self.value(k, v)}" for k, v in value.items())
        # a provision of the law, wherever it is kept: its label and citation, not its code
        return law.describe(value, current_locale()) or str(value)

    @staticmethod
    def field(key: str) -> str:
        label = FIELD_LABELS.get(key)
        return str(label) if label is not None else key.replace("_", " ")


def _state_label(value: str) -> str:
    """A state's label, whichever record's it is (codes two kinds share, draft and withdrawn,
    mean the same in both)."""
    from ..accounts.models import InvitationState
    from ..lifecycle.models import RequestState
    from ..protocols.models import VersionState

    for states in (InvitationState, VersionState, RequestState):
        try:
            return str(states(value).label)
        except ValueError:
            continue
    return value


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _who(event: AuditEvent) -> str:
    if event.actor is None:
        return _("The service (system or command line)")
    org = (
        event.actor.organisation.display_name(current_locale()) if event.actor.organisation else ""
    )
    return _("%(name)s, %(org)s", name=event.actor.name, org=org) if org else event.actor.name


def _sentences(event: AuditEvent, record: str, names: _Names) -> list[str]:
    if content_withheld(event):
        keys = sorted(set(event.before or {}) | set(event.after or {}))
        if not keys:
            return []
        return [
            _(
                "Changed: %(fields)s. The values are the record's content, which the log does "
                "not show.",
                fields=", ".join(names.field(k) for k in keys),
            )
        ]
    before, after = event.before, event.after
    if before is None and after is None:
        return []
    sentences = []
    if before is None:
        for key, value in after.items():
            sentences.append(
                _(
                    "%(field)s: %(value)s.",
                    field=_upper_first(names.field(key)),
                    value=names.value(key, value),
                )
            )
        return sentences
    keys = list(dict.fromkeys([*before.keys(), *(after or {}).keys()]))
    for key in keys:
        old, new = before.get(key), (after or {}).get(key)
        if old in (None, "", []):
            sentence = _(
                "%(record)s's %(field)s set to %(new)s.",
                record=record,
                field=names.field(key),
                new=names.value(key, new),
            )
        elif new in (None, "", []):
            sentence = _(
                "%(record)s's %(field)s removed (it was %(old)s).",
                record=record,
                field=names.field(key),
                old=names.value(key, old),
            )
        else:
            sentence = _(
                "%(record)s's %(field)s changed from %(old)s to %(new)s.",
                record=record,
                field=names.field(key),
                old=names.value(key, old),
                new=names.value(key, new),
            )
        sentences.append(sentence)
    return sentences


def describe_events(events: list[AuditEvent]) -> list[EventText]:
    names = _Names(events)
    described = []
    for event in events:
        record = names.record(event)
        described.append(
            EventText(
                event=event,
                title=action_label(event.action),
                record=record,
                who=_who(event),
                when=uk_datetime(event.occurred_at),
                sentences=_sentences(event, record, names),
            )
        )
    return described
