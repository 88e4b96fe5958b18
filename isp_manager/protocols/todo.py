"""Agreement tasks for the to-do home page: versions waiting for my review as a QA group
member, for my signature as a partner's named signatory (or, for IG leads, for the paper
signature of their organisation's named officer to be recorded), and (for the lead organisation's IG leads) versions
returned, awaiting signatures or newly active (IG leads, three queries); reviews due or
overdue (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for

from ..accounts.models import Role, User
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..qa_groups.models import QaGroupMember
from ..todo import Task, task_source
from .models import Protocol, ProtocolPartner, ProtocolSignature, ProtocolVersion, VersionState
from .reviews import ReviewStatus, review_counts

V = ProtocolVersion


RECENTLY_ACTIVE_DAYS = 14


def qa_queue_filter(user):
    """Submitted versions this person may review as a QA group member: of one of their
    groups, not led by their organisation, not submitted by it (the service still checks
    who wrote it when they decide)."""
    submitter = sa.orm.aliased(User)
    my_groups = sa.select(QaGroupMember.qa_group_id).where(QaGroupMember.user_id == user.id)
    return sa.and_(
        V.state == VersionState.SUBMITTED,
        V.qa_group_id.in_(my_groups),
        Protocol.lead_organisation_id != user.organisation_id,
        ~sa.exists().where(
            submitter.id == V.submitted_by_id, submitter.organisation_id == user.organisation_id
        ),
    )


def qa_count(user) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(V.id))
            .join(Protocol, Protocol.id == V.protocol_id)
            .where(qa_queue_filter(user))
        )
        or 0
    )


def signature_counts(user) -> tuple[int, int]:
    """Approved versions waiting for the user's signature (they are a partner's named
    signatory) and, for IG leads, waiting for them to record the paper signature of their
    organisation's named officer without an account. One query."""
    # Correlated on (version_id, partner_id): the signatures' unique index, one probe a row.
    signed = (
        sa.select(ProtocolSignature.id)
        .where(
            ProtocolSignature.version_id == ProtocolPartner.version_id,
            ProtocolSignature.partner_id == ProtocolPartner.id,
        )
        .exists()
    )

    def total(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    paper = sa.and_(
        ProtocolPartner.signatory_user_id.is_(None),
        ProtocolPartner.signatory_name.is_not(None),
        sa.true() if user.role == Role.IG_LEAD else sa.false(),
    )
    row = db.session.execute(
        sa.select(total(ProtocolPartner.signatory_user_id == user.id), total(paper))
        .select_from(ProtocolPartner)
        .join(V, V.id == ProtocolPartner.version_id)
        .where(
            ProtocolPartner.organisation_id == user.organisation_id,
            V.state.in_((VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES)),
            ~signed,
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def signature_count(user) -> int:
    return signature_counts(user)[0]


def qa_and_signature_counts(user) -> tuple[int, int]:
    return qa_count(user), signature_count(user)


def lead_counts(user, today: date) -> tuple[int, int, int]:
    """Versions of agreements the user's organisation leads: returned with comments, awaiting
    the other partners' signatures, and made active in the last RECENTLY_ACTIVE_DAYS days."""
    since = datetime.combine(today - timedelta(days=RECENTLY_ACTIVE_DAYS), time.min, tzinfo=UTC)

    def total(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            total(V.state == VersionState.RETURNED),
            total(V.state == VersionState.AWAITING_SIGNATURES),
            total(sa.and_(V.state == VersionState.ACTIVE, V.activated_at >= since)),
        )
        .select_from(V)
        .join(Protocol, Protocol.id == V.protocol_id)
        .where(Protocol.lead_organisation_id == user.organisation_id)
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


@task_source(order=30)
def agreement_tasks(user, today: date) -> Iterator[Task]:
    group = _("Agreements")
    sign, paper = signature_counts(user) if user.role != Role.AUDITOR else (0, 0)
    yield Task(
        "agreements-signature",
        group,
        ngettext(
            "%(num)d agreement is waiting for your signature",
            "%(num)d agreements are waiting for your signature",
            sign,
        ),
        sign,
        url_for("protocols.index", state=VersionState.AWAITING_SIGNATURES.value),
    )
    if user.role == Role.IG_LEAD:
        qa = qa_count(user)
        yield Task(
            "agreements-paper-signature",
            group,
            ngettext(
                "%(num)d agreement is waiting for you to record your signatory's paper signature",
                "%(num)d agreements are waiting for you to record your signatory's paper signature",
                paper,
            ),
            paper,
            url_for("protocols.index", state=VersionState.AWAITING_SIGNATURES.value),
        )
        yield Task(
            "agreements-qa",
            group,
            ngettext(
                "%(num)d agreement is waiting for quality assurance",
                "%(num)d agreements are waiting for quality assurance",
                qa,
            ),
            qa,
            url_for("qa_groups.queue"),
        )
        returned, awaiting, activated = lead_counts(user, today)
        yield Task(
            "agreements-returned",
            group,
            ngettext(
                "%(num)d agreement your organisation leads was returned with comments",
                "%(num)d agreements your organisation leads were returned with comments",
                returned,
            ),
            returned,
            url_for("protocols.index", state=VersionState.RETURNED.value),
        )
        yield Task(
            "agreements-lead-awaiting-signatures",
            group,
            ngettext(
                "%(num)d agreement your organisation leads is awaiting the other parties' signatures",
                "%(num)d agreements your organisation leads are awaiting the other parties' signatures",
                awaiting,
            ),
            awaiting,
            url_for("protocols.index", state=VersionState.AWAITING_SIGNATURES.value),
        )
        yield Task(
            "agreements-activated",
            group,
            ngettext(
                "%(num)d agreement your organisation leads became active in the last 14 days",
                "%(num)d agreements your organisation leads became active in the last 14 days",
                activated,
            ),
            activated,
            url_for("protocols.index", state=VersionState.ACTIVE.value),
        )
    reviews = review_counts(user, today)
    yield Task(
        "agreements-review-overdue",
        group,
        ngettext(
            "%(num)d agreement is overdue for review",
            "%(num)d agreements are overdue for review",
            reviews[ReviewStatus.OVERDUE],
        ),
        reviews[ReviewStatus.OVERDUE],
        url_for("agreements_register.reviews_due", status=ReviewStatus.OVERDUE.value),
        urgent=True,
    )
    yield Task(
        "agreements-review-due",
        group,
        ngettext(
            "%(num)d agreement is due for review",
            "%(num)d agreements are due for review",
            reviews[ReviewStatus.DUE_SOON],
        ),
        reviews[ReviewStatus.DUE_SOON],
        url_for("agreements_register.reviews_due", status=ReviewStatus.DUE_SOON.value),
    )
