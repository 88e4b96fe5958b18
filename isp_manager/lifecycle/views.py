"""The step pages every kind of request shares: ask for clarification and answer it, ask for
more time and agree or refuse it, give more time, withdraw. A kind's blueprint gets them with

    register_step_pages(bp, S164, services=services, wording=StepWording(asked=...))

at the same URLs under its own prefix (/<id>/clarification, /<id>/clarification-answer,
/<id>/extension-request, /<id>/extension-request/decision, /<id>/extension, /<id>/withdraw).
Each page loads the request through the kind's services (404 when it may not be seen), asks
the lifecycle whether this user may take the step now (403 or 409), calls the kind's service
(which adds its notices) and shows the field messages of refused input (422), saving nothing.
What differs between kinds is data: `StepWording`.

The request pages offer the steps the user may take with the `step_button` macro of
templates/lifecycle/_steps.html, which asks `step_link(req, operation)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import DomainError, InvalidInput
from ..i18n import current_locale
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..parties.forms import apply_errors
from . import services as lifecycle
from .forms import (
    ClarificationForm,
    ExtensionDecisionForm,
    ExtensionForm,
    GrantExtensionForm,
    QuestionForm,
    WithdrawForm,
)
from .kinds import RequestKind, kind_of
from .services import Operation


class StepServices(Protocol):
    """The operations of a kind the step pages call (cooperation.services,
    board_requests.services): each checks every rule and sends the kind's notices."""

    def get_request_for(self, user, request_id: int): ...

    def ask_for_clarification(self, req, question: str, *, by): ...

    def give_clarification(self, req, answer: str, *, by): ...

    def ask_for_extension(self, req, new_due: date | None, reason: str | None, *, by): ...

    def agree_extension(self, req, *, by): ...

    def refuse_extension(self, req, reason: str | None, *, by): ...

    def grant_extension(self, req, new_due: date | None, reason: str | None, *, by): ...

    def withdraw_request(self, req, reason: str | None, *, by): ...

    def extension_limit_days(self) -> int: ...


@dataclass(frozen=True)
class StepWording:
    """What the step pages say differently for a kind: `asked(req)` is the text of what the
    request asks for (shown beside the question); `question_hint` says who answers it."""

    asked: Callable[[Any], str]
    question_hint: Any = _l("The clock stops until the requesting authority answers.")


class StepPage(NamedTuple):
    """One shared step page: the operation it takes, its view name on the kind's blueprint,
    its URL rule and the button that leads to it from the request's page."""

    operation: Operation
    endpoint: str
    rule: str
    label: Any
    classes: str = ""


SECONDARY = "govuk-button--secondary"
STEP_PAGES = (
    StepPage(
        Operation.ASK_CLARIFICATION,
        "ask_clarification",
        "/<int:request_id>/clarification",
        _l("Ask for clarification"),
        SECONDARY,
    ),
    StepPage(
        Operation.ANSWER_CLARIFICATION,
        "answer_clarification",
        "/<int:request_id>/clarification-answer",
        _l("Give the clarification"),
    ),
    StepPage(
        Operation.ASK_EXTENSION,
        "ask_extension",
        "/<int:request_id>/extension-request",
        _l("Ask for more time"),
        SECONDARY,
    ),
    StepPage(
        Operation.AGREE_EXTENSION,
        "decide_extension",
        "/<int:request_id>/extension-request/decision",
        _l("Agree or refuse the extension"),
    ),
    StepPage(
        Operation.GRANT_EXTENSION,
        "extension",
        "/<int:request_id>/extension",
        _l("Give more time"),
        SECONDARY,
    ),
    StepPage(
        Operation.WITHDRAW,
        "withdraw",
        "/<int:request_id>/withdraw",
        _l("Withdraw the request"),
        "govuk-button--warning",
    ),
)
PAGE_OF = {page.operation: page for page in STEP_PAGES}


class StepLink(NamedTuple):
    text: str
    href: str
    classes: str


def step_link(req, operation) -> StepLink | None:
    """The button to a shared step page for `operation`, or None when it has none (sending,
    answering: the kind's own pages)."""
    page = PAGE_OF.get(operation)
    if page is None:
        return None
    href = url_for(f"{kind_of(req).endpoint}.{page.endpoint}", request_id=req.id)
    return StepLink(str(page.label), href, page.classes)


def register_step_pages(
    bp: Blueprint, kind: RequestKind, *, services: StepServices, wording: StepWording
) -> None:
    """Add the shared step pages to the kind's blueprint."""
    steps = _StepPages(kind, services, wording)
    for page in STEP_PAGES:
        bp.add_url_rule(page.rule, page.endpoint, steps.view_for(page), methods=["GET", "POST"])
    bp.add_app_template_global(step_link, "step_link")


def _user():
    return current_user._get_current_object()


# The pages that ask for a new due date: the form, the kind's service it calls, and what the
# user is told when it is done.
NEW_DUE_DATE_STEPS = {
    "ask_extension": (
        ExtensionForm,
        "ask_for_extension",
        _l("Your request for more time has been sent. The due date moves only if %(org)s agrees."),
    ),
    "extension": (
        GrantExtensionForm,
        "grant_extension",
        _l("The extension has been granted and %(body)s told."),
    ),
}


class _StepPages:
    """The handlers of one kind's step pages: thin, each calling one service."""

    def __init__(self, kind: RequestKind, services: StepServices, wording: StepWording):
        self.kind, self.services, self.wording = kind, services, wording

    def view_for(self, page: StepPage):
        handler = getattr(self, page.endpoint)

        def view(request_id: int):
            req = self.services.get_request_for(_user(), request_id)
            lifecycle.check_allowed(req, page.operation, _user())
            return handler(req)

        view.__name__ = page.endpoint
        view.__doc__ = handler.__doc__
        return view

    def _form_page(self, req, form, template: str, action, done: str, **context):
        """On valid input call the service and go back to the request; else show the field
        messages (422)."""
        if form.validate_on_submit():
            try:
                action(form)
            except DomainError as error:
                if error.status_code != 422:
                    raise
                apply_errors(form, error)
            else:
                flash(done, "success")
                return redirect(url_for(f"{self.kind.endpoint}.show", request_id=req.id), 303)
        return render_template(
            f"lifecycle/{template}.html", req=req, form=form, kind=self.kind, **context
        ), (422 if form.errors else 200)

    def _limit(self, req) -> date:
        return lifecycle.extension_limit(req, self.services.extension_limit_days())

    def ask_clarification(self, req):
        """The body asked asks what it needs made clear; the clock stops."""
        form = QuestionForm()
        form.question.description = str(self.wording.question_hint)
        return self._form_page(
            req,
            form,
            "ask_clarification",
            lambda f: self.services.ask_for_clarification(req, f.question.data, by=_user()),
            _("Your question has been sent. The clock has stopped until it is answered."),
            asked=self.wording.asked(req),
        )

    def answer_clarification(self, req):
        """The requester answers the question; the clock restarts."""
        return self._form_page(
            req,
            ClarificationForm(),
            "answer_clarification",
            lambda f: self.services.give_clarification(req, f.answer.data, by=_user()),
            _("Your answer has been sent. The clock has restarted."),
        )

    def ask_extension(self, req):
        """The body asked asks for more time; the requester decides."""
        return self._new_due_date_page(req, "ask_extension")

    def decide_extension(self, req):
        """The requester agrees the extension asked for, or refuses it saying why."""

        def decide(form):
            if form.decision.data == "agree":
                self.services.agree_extension(req, by=_user())
            elif form.decision.data == "refuse":
                self.services.refuse_extension(req, form.reason.data, by=_user())
            else:
                raise InvalidInput(
                    _("Choose whether you agree the new due date or refuse it."), field="decision"
                )

        form = ExtensionDecisionForm().setup()
        done = (
            _("You have refused the extension. The due date has not changed.")
            if form.decision.data == "refuse"
            else _("You have agreed the extension. The new due date is on the request.")
        )
        return self._form_page(
            req, form, "decide_extension", decide, done, ext=req.pending_extension
        )

    def extension(self, req):
        """The requester gives more time of its own accord."""
        return self._new_due_date_page(req, "extension")

    def _new_due_date_page(self, req, step: str):
        """A page that asks for a new due date and the reason: the form, the kind's service
        and what the user is told (naming the body that made the request or the body asked)
        are NEW_DUE_DATE_STEPS[step]."""
        form_class, service, done = NEW_DUE_DATE_STEPS[step]
        locale = current_locale()
        names = {
            "org": req.requesting_org.display_name(locale),
            "body": req.requested_org.display_name(locale),
        }
        return self._form_page(
            req,
            form_class(),
            step,
            lambda f: getattr(self.services, service)(
                req, f.new_due_date.data, f.reason.data, by=_user()
            ),
            str(done) % names,
            limit=self._limit(req),
        )

    def withdraw(self, req):
        """The requester withdraws the request, saying why."""
        return self._form_page(
            req,
            WithdrawForm(),
            "withdraw",
            lambda f: self.services.withdraw_request(req, f.reason.data, by=_user()),
            _("The request has been withdrawn."),
        )
