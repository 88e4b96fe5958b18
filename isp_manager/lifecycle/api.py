"""The API routes of the steps every kind of request shares: sending, acknowledging,
clarification asked and answered, an extension asked for, agreed, refused or granted,
withdrawal and closing; and what every kind's routes read alike (an organisation by its
code, a list page from its query, the request details and the items of an answer from a
body). A kind's API blueprint gets the step routes with

    register_step_routes(blp, services=services, response=RequestSchema, docs=STEP_DOCS)

at the same paths under its own prefix. `docs` gives each route's description in the kind's
words (its OpenAPI summary and description), by the route's name. Each route loads the
request through the kind's services (404 when it may not be seen), calls the kind's service
(403 for the wrong side, 409 when the state does not allow the step, 422 for bad input) and
returns the request.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import sqlalchemy as sa
from flask_login import current_user

from ..errors import InvalidInput
from ..extensions import db
from ..i18n import gettext as _
from ..parties.models import Organisation
from . import lists
from .kinds import RequestKind
from .models import DeadlineStatus
from .schemas import (
    AnswerSchema,
    ExtensionSchema,
    QuestionSchema,
    ReasonSchema,
    RefusalReasonSchema,
)
from .services import ItemInput


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
    StepRoute("send", "/<int:request_id>/send", None, "send_request"),
    StepRoute("acknowledge", "/<int:request_id>/acknowledge", None, "acknowledge_request"),
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
    StepRoute("close", "/<int:request_id>/close", None, "close_request"),
)


def acting_user():
    """The signed-in user (or token holder) making the API call."""
    return current_user._get_current_object()


def organisation_by_code(code: str | None, field: str) -> Organisation:
    """The organisation on the register with `code`; a 422 on `field` when there is none."""
    code = (code or "").strip()[:64]
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if org is None:
        raise InvalidInput(
            _("There is no organisation with the code “%(code)s” on the register.", code=code),
            field=field,
        )
    return org


def choice(enum_cls, value, field: str):
    """`value` as a member of `enum_cls`; a 422 on `field` listing the values allowed."""
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise InvalidInput(_("Use one of: %(allowed)s.", allowed=allowed), field=field) from None


def list_page(kind: RequestKind, args: dict, pagination, *, extra: tuple = ()) -> list:
    """One page of the kind's requests the caller may see, from a list's query arguments
    (lifecycle.schemas.ListQuerySchema): the box, the filters and the kind's own `extra`
    WHERE clauses."""
    box = choice(lists.Box, args["box"], "box")
    deadline = DeadlineStatus.OVERDUE if args.get("overdue") else args.get("deadline")
    counterparty = args.get("counterparty")
    filters = lists.ListFilters(
        state=args["state"],
        deadline=choice(DeadlineStatus, deadline, "deadline") if deadline else None,
        extra=extra,
        counterparty=organisation_by_code(counterparty, "counterparty") if counterparty else None,
        reference=args.get("reference") or "",
        case_reference=args.get("case_reference") or "",
        sent_from=args.get("sent_from"),
        sent_to=args.get("sent_to"),
        due_from=args.get("due_from"),
        due_to=args.get("due_to"),
    )
    return lists.api_page(kind, acting_user(), box, filters, pagination)


# The create body's name of a request details' field, where it is not the field's own.
DETAILS_NAMES = {"requested_due_date": "due_date"}


def details_from(details_class, data: dict, **given):
    """A kind's request details (its dataclass) from the API's create body: each field from
    the body's field of the same name (DETAILS_NAMES), but for those `given` (the bodies,
    found by their codes)."""
    names = {f.name for f in dataclasses.fields(details_class)} - given.keys()
    return details_class(**{name: data[DETAILS_NAMES.get(name, name)] for name in names}, **given)


def item_inputs(data: dict) -> list[ItemInput]:
    """What an answer's body says was provided (its `items`)."""
    return [
        ItemInput(i["description"], i["nature"], i["provided_on"], i["provided_how"])
        for i in data["items"]
    ]


def step(services, request_id: int, action):
    """Load the request through the kind's services (a 404 when the caller may not see it),
    take the step `action(req)` and answer with the request."""
    req = services.get_request_for(acting_user(), request_id)
    action(req)
    db.session.flush()
    return req


def _view(route: StepRoute, services, doc: str):
    def take(request_id, data=None):
        return step(
            services, request_id, lambda req: route.call(services, req, data or {}, acting_user())
        )

    if route.schema is None:

        def view(request_id):
            return take(request_id)

    else:

        def view(data, request_id):
            return take(request_id, data)

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


class RequestSchemas(NamedTuple):
    """A kind's API schemas: the list's query, a request in a list, one request in full, and
    the body that makes one."""

    query: type
    summary: type
    detail: type
    create: type


def register_request_routes(
    blp, kind: RequestKind, *, services, schemas: RequestSchemas, make, docs: dict, extra=None
) -> None:
    """Add the kind's list (GET ""), its new request (POST "": `make(data)` makes it from the
    create body) and one request (GET "/<id>") to its API blueprint, described by `docs`
    "list", "create" and "show". `extra(args)` gives the list's own WHERE clauses."""

    def list_requests(args, pagination_parameters):
        clauses = extra(args) if extra else ()
        return list_page(kind, args, pagination_parameters, extra=clauses)

    def create_request(data):
        return services.get_request_for(acting_user(), make(data).id)

    def show_request(request_id):
        return services.get_request_for(acting_user(), request_id)

    for view, name in ((list_requests, "list"), (create_request, "create"), (show_request, "show")):
        view.__doc__ = docs[name]
    listed = blp.response(200, schemas.summary(many=True))(
        blp.paginate(page_size=25, max_page_size=100)(list_requests)
    )
    blp.route("", methods=["GET"])(blp.arguments(schemas.query, location="query")(listed))
    made = blp.response(201, schemas.detail)(create_request)
    blp.route("", methods=["POST"])(blp.arguments(schemas.create)(made))
    blp.route("/<int:request_id>", methods=["GET"])(blp.response(200, schemas.detail)(show_request))
