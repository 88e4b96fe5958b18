"""Section 164 requests: a local authority asks a body for co-operation or information in the
exercise of a social services function; the body complies, partly complies or declines
with a statutory ground and written reasons.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, synonym

from ..db import UTCDateTime, enum_type
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..law import S164_GROUNDS, S164_WHO, SOCIAL_SERVICES_FUNCTIONS
from ..lifecycle.models import (
    UNREAD_ANSWER_PREDICATE,
    RequestLifecycleMixin,
    child_models,
    lifecycle_constraints,
    lifecycle_indexes,
    request_children,
)
from ..retention.models import RetentionMixin

OTHER_FUNCTION = "ssf-other"
MIN_FUNCTION_DESCRIPTION = 5


class RequestType(enum.StrEnum):
    """s.164(1): a request for co-operation, or for the provision of information."""

    COOPERATION = "co-operation"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return str(REQUEST_TYPE_LABELS[self])


REQUEST_TYPE_LABELS = {
    RequestType.COOPERATION: _l("Co-operation"),
    RequestType.INFORMATION: _l("Information"),
}


def _codes(column: str, catalogue) -> sa.CheckConstraint:
    codes = ", ".join(f"'{c}'" for c in catalogue.codes)
    return sa.CheckConstraint(f"{column} IN ({codes})", name=f"{column}_code")


class CooperationRequest(RetentionMixin, RequestLifecycleMixin, db.Model):
    """A s.164 request. The s.164(2) basis is decided when the request is made and kept."""

    __tablename__ = "cooperation_requests"
    __table_args__ = (
        *lifecycle_constraints(S164_GROUNDS.codes),
        *lifecycle_indexes("cooperation_requests"),
        sa.Index(
            "ix_cooperation_requests_requesting_unread",
            "requesting_org_id",
            "state",
            "answer_read_at",  # SQLite counts from the index alone only if it holds these
            sqlite_where=sa.text(UNREAD_ANSWER_PREDICATE),
            postgresql_where=sa.text(UNREAD_ANSWER_PREDICATE),
        ),
        _codes("function_code", SOCIAL_SERVICES_FUNCTIONS),
        _codes("s164_basis", S164_WHO),
        sa.CheckConstraint("requesting_org_id <> requested_org_id", name="two_bodies"),
        sa.CheckConstraint(
            f"(function_code = '{OTHER_FUNCTION}' AND function_description IS NOT NULL "
            f"AND length(trim(function_description)) >= {MIN_FUNCTION_DESCRIPTION}) "
            f"OR (function_code <> '{OTHER_FUNCTION}' AND function_description IS NULL)",
            name="other_function_described",
        ),
    )

    REFERENCE_PREFIX = "S164"
    AUDIT_NAME = "cooperation_request"
    GROUNDS = S164_GROUNDS

    request_type: Mapped[RequestType] = mapped_column(
        enum_type(RequestType, "request_type"), nullable=False
    )
    function_code: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    # ssf-other: which social services function it is (required then, and only then).
    function_description: Mapped[str | None] = mapped_column(sa.String(500))
    # A limited relevant partner (rp-c, rp-g) asked under s.164(2)(a): which of the functions
    # it is a partner in discharging the request concerns.
    partner_function: Mapped[str | None] = mapped_column(sa.String(500))
    s164_basis: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    basis_reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[str] = mapped_column(sa.Text, nullable=False)
    purpose: Mapped[str] = mapped_column(sa.Text, nullable=False)
    secure_reply: Mapped[str | None] = mapped_column(sa.String(500))
    # A case number, never a name: hold the least personal data that serves.
    subject_reference: Mapped[str | None] = mapped_column(sa.String(40))
    # The council's own case reference is the subject reference it gives the body asked: the
    # lists find a request of either kind by `case_reference`.
    case_reference = synonym("subject_reference")
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    # When someone at the requesting body first read the answer (the to-do page counts the unread).
    answer_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Partly complied: what was not provided (the ground and reasons say why).
    not_provided: Mapped[str | None] = mapped_column(sa.Text)

    events, extensions, provided_items = request_children(
        "CooperationEvent", "CooperationExtension", "ProvidedItem"
    )

    @property
    def has_reasons_letter(self) -> bool:
        """A refusal, whole or in part, comes with a written-reasons letter."""
        return self.outcome is not None and self.outcome.needs_ground_and_reasons


# Its timeline, extensions and items provided: the lifecycle's tables, under s.164's names.
CooperationEvent, CooperationExtension, ProvidedItem = child_models(
    CooperationRequest,
    ("CooperationEvent", "cooperation_events"),
    ("CooperationExtension", "cooperation_extensions"),
    ("ProvidedItem", "cooperation_provided_items"),
)


# The s.164 kind registers itself with the lifecycle as soon as its table is defined.
from . import kind as _kind  # noqa: E402, F401
