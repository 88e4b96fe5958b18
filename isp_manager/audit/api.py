"""GET /api/v1/audit-events: the audit log, filterable by record (admins and auditors)."""

from __future__ import annotations

from flask_login import current_user

from ..api_blueprint import Blueprint
from ..extensions import db
from ..pagination import count_rows
from .queries import COUNT_CAP, AuditFilter, audit_events_query
from .schemas import AuditEventSchema, AuditQuerySchema

blp = Blueprint("audit_api", __name__, url_prefix="/audit-events", description="The audit log")


@blp.get("")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEventSchema(many=True))
@blp.paginate()
def list_events(args, pagination_parameters):
    """Audit events, newest first. Filter by record_type and record_id to see one record's history.

    The total in X-Pagination stops at 10,000: narrow the filters to count further."""
    stmt = audit_events_query(
        current_user,
        AuditFilter(
            record_type=args["record_type"],
            record_id=args["record_id"],
            action=args["action"],
            actor_email=args["actor"],
            since=args["since"],
            until=args["until"],
        ),
    )
    # Counting stops past COUNT_CAP events: X-Pagination's total is then COUNT_CAP.
    pagination_parameters.item_count, _capped = count_rows(stmt, cap=COUNT_CAP)
    return (
        db.session.scalars(
            stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
        )
        .unique()
        .all()
    )
