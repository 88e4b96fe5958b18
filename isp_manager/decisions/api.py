"""API for decision records: create (recorded, unless a draft), list, read one, and amend. The
same services as the pages decide every rule; a decision the caller may not see is a 404."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import InvalidInput, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..pagination import count_rows
from . import access, services
from .models import ConsentOutcome, DecisionOutcome
from .schemas import (
    AmendmentCreateSchema,
    AmendmentSchema,
    DecisionCreateSchema,
    DecisionQuerySchema,
    DecisionSchema,
    DecisionSummarySchema,
)
from .views import COUNT_CAP

blp = Blueprint(
    "decisions_api",
    __name__,
    url_prefix="/decisions",
    description="Share and not-share decision records, and their amendments.",
)


def _user():
    return current_user._get_current_object()


def _enum(enum_cls, value, field):
    if value is None:
        return None
    try:
        return enum_cls(value)
    except ValueError:
        raise InvalidInput(_("Choose one of the answers offered."), field=field) from None


@blp.route("", strict_slashes=False)
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionSummarySchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        """The recorded decisions the caller may see (their own and their team's; an IG
        lead's whole organisation), newest first. Admins and auditors see counts only, on the
        pages. The total in X-Pagination stops at 1,000: narrow the filters to count further."""
        user = _user()
        if not access.can_see_register(user):
            raise PermissionDenied(_("Your role sees decision records only as counts."))
        filters = services.RegisterFilters(
            decision=_enum(DecisionOutcome, args["decision"], "decision"),
            consent_outcome=_enum(ConsentOutcome, args["consent_outcome"], "consent_outcome"),
            article6=args["article6"],
            decided_from=args["decided_from"],
            decided_to=args["decided_to"],
            team_id=args["team"],
        )
        stmt = services.register_query(user, filters)
        # Counting stops past COUNT_CAP decisions: X-Pagination's total is then COUNT_CAP.
        pagination_parameters.item_count, _capped = count_rows(stmt, cap=COUNT_CAP)
        page, size = pagination_parameters.page, pagination_parameters.page_size
        return db.session.scalars(stmt.limit(size).offset((page - 1) * size)).unique().all()

    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data):
        """Record a decision (`draft: true` keeps it as a draft to finish on the pages)."""
        draft = data.pop("draft")
        decision = services.create_decision(_given(data), by=_user(), draft=draft)
        return services.get_decision_for(_user(), decision.id)


@blp.route("/<int:decision_id>")
class OneDecision(MethodView):
    @blp.response(200, DecisionSchema)
    def get(self, decision_id):
        """One decision: current (amendments applied), original and the amendments."""
        return services.get_decision_for(_user(), decision_id)


@blp.route("/<int:decision_id>/amendments", strict_slashes=False)
class Amendments(MethodView):
    @blp.response(200, AmendmentSchema(many=True))
    def get(self, decision_id):
        """The amendments, oldest first."""
        return services.get_decision_for(_user(), decision_id).amendments

    @blp.arguments(AmendmentCreateSchema)
    @blp.response(201, AmendmentSchema)
    def post(self, data, decision_id):
        """Correct a recorded decision: `reason` and only the fields that change."""
        decision = services.get_decision_for(_user(), decision_id)
        reason = data.pop("reason")
        return services.amend_decision(decision, reason, _given(data), by=_user())


def _given(data: dict) -> dict:
    """Only the fields the caller sent (the schema fills the others in with None)."""
    sent = request.get_json(silent=True) or {}
    return {k: v for k, v in data.items() if k in sent}
