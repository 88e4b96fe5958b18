"""The API routes of the steps every kind of request shares: clarification asked and answered,
an extension asked for, agreed, refused or granted, withdrawal. A kind's API blueprint gets
them with

    register_step_routes(blp, services=services, response=RequestSchema, docs=STEP_DOCS)

at the same paths under its own prefix. `docs` gives each route's description in the kind's
words (its OpenAPI summary and description), by the route's name. Each route loads the
request through the kind's services (404 when it may not be seen), calls the kind's service
(403 for the wrong side, 409 when the state does not allow the step, 422 for bad input) and
returns the request.
"""

from __future__ import annotations

from typing import NamedTuple

from flask_login import current_user

from ..extensions import db
from .schemas import (
    AnswerSchema,
    ExtensionSchema,
    QuestionSchema,
    ReasonSchema,
    RefusalReasonSchema,
)


class StepRoute(NamedTuple):
    """One shared step route: its name, its path, the body it reads (None: no body), the
    kind's service it calls and the body's fields it passes, in order, before `by`."""

    endpoint: str
    rule: str
    schema: type | None
    service: str
    fields: tuple[str, ...] = ()

    def call(self, services, req, data: dict, by):
        return getattr(services, self.service)(req, *(data[f] for f in self.fields), by=by)


NEW_DUE_DATE = ("new_due_date", "reason")
STEP_ROUTES = (
    StepRoute(
        "ask_clarification",
        "/<int:request_id>/clarification",
        QuestionSchema,
        "ask_for_clarification",
        ("question",),
    ),
    StepRoute(
        "answer_clarification",
        "/<int:request_id>/clarification-answer",
        AnswerSchema,
        "give_clarification",
        ("answer",),
    ),
    StepRoute(
        "ask_extension",
        "/<int:request_id>/extension-request",
        ExtensionSchema,
        "ask_for_extension",
        NEW_DUE_DATE,
    ),
    StepRoute(
        "agree_extension",
        "/<int:request_id>/extension-request/agreement",
        None,
        "agree_extension",
    ),
    StepRoute(
        "refuse_extension",
        "/<int:request_id>/extension-request/refusal",
        RefusalReasonSchema,
        "refuse_extension",
        ("reason",),
    ),
    StepRoute(
        "extension", "/<int:request_id>/extension", ExtensionSchema, "grant_extension", NEW_DUE_DATE
    ),
    StepRoute(
        "withdraw", "/<int:request_id>/withdraw", ReasonSchema, "withdraw_request", ("reason",)
    ),
)


def _user():
    return current_user._get_current_object()


def _view(route: StepRoute, services, doc: str):
    def step(request_id, data=None):
        user = _user()
        req = services.get_request_for(user, request_id)
        route.call(services, req, data or {}, user)
        db.session.flush()
        return req

    if route.schema is None:

        def view(request_id):
            return step(request_id)

    else:

        def view(data, request_id):
            return step(request_id, data)

    view.__name__ = route.endpoint
    view.__doc__ = doc
    return view


def register_step_routes(blp, *, services, response, docs: dict[str, str]) -> None:
    """Add the shared step routes to the kind's API blueprint (flask-smorest), each answering
    with the request in the `response` schema."""
    for route in STEP_ROUTES:
        view = blp.response(200, response)(_view(route, services, docs[route.endpoint]))
        if route.schema is not None:
            view = blp.arguments(route.schema)(view)
        blp.route(route.rule, methods=["POST"])(view)
