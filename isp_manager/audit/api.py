"""GET /api/v1/audit-events: the audit log, filterable by record (admins and auditors)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from ..extensions import db
from .queries import AuditFilter, audit_events_query
from .schemas import AuditEventSchema, AuditQuerySchema

blp = Blueprint("audit_api", __name__, url_prefix="/audit-events", description="The audit log")


@blp.get("")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEventSchema(many=True))
@blp.paginate()
def list_events(args, pagination_parameters):
    """Audit events, newest first. Filter by record_type and record_id to see one record's history."""
    stmt = audit_events_query(
        current_user,
        AuditFilter(
            record_type=args["record_type"], record_id=args["record_id"], action=args["action"],
            actor_email=args["actor"], since=args["since"], until=args["until"],
        ),
    )
    pagination_parameters.item_count = db.session.scalar(
        db.select(db.func.count()).select_from(stmt.order_by(None).subquery())
    )
    return db.session.scalars(
        stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    ).unique().all()
