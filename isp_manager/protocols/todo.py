"""Agreement tasks for the to-do home page: versions waiting for my QA or my organisation's
signature (IG leads, one query) and reviews due or overdue (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..accounts.models import Role
from ..extensions import db
from ..todo import Task, task_source
from .models import ProtocolPartner, ProtocolSignature, ProtocolVersion, VersionState
from .reviews import ReviewStatus, review_counts

V = ProtocolVersion


def qa_and_signature_counts(user) -> tuple[int, int]:
    """Versions where the user's organisation is a partner: submitted for QA (the user did not
    submit them), and QA-approved or awaiting signatures without its signature."""
    signed = (
        sa.select(ProtocolSignature.id)
        .where(ProtocolSignature.partner_id == ProtocolPartner.id)
        .exists()
    )
    qa = sa.and_(
        V.state == VersionState.SUBMITTED,
        sa.or_(V.submitted_by_id.is_(None), V.submitted_by_id != user.id),
    )
    sign = sa.and_(
        V.state.in_((VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES)), ~signed
    )

    def total(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(total(qa), total(sign))
        .select_from(ProtocolPartner)
        .join(V, V.id == ProtocolPartner.version_id)
        .where(
            ProtocolPartner.organisation_id == user.organisation_id,
            V.state.in_(
                (VersionState.SUBMITTED, VersionState.QA_APPROVED, VersionState.AWAITING_SIGNATURES)
            ),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


@task_source(order=30)
def agreement_tasks(user, today: date) -> Iterator[Task]:
    group = _("Agreements")
    if user.role == Role.IG_LEAD:
        qa, sign = qa_and_signature_counts(user)
        yield Task(
            "agreements-qa",
            group,
            ngettext(
                "%(num)d agreement is waiting for quality assurance",
                "%(num)d agreements are waiting for quality assurance",
                qa,
            ),
            qa,
            url_for("protocols.index", state=VersionState.SUBMITTED.value),
        )
        yield Task(
            "agreements-signature",
            group,
            ngettext(
                "%(num)d agreement is waiting for your organisation's signature",
                "%(num)d agreements are waiting for your organisation's signature",
                sign,
            ),
            sign,
            url_for("protocols.index", state=VersionState.AWAITING_SIGNATURES.value),
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
