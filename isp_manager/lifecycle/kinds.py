"""Kinds of request, as data handed to the one lifecycle.

A kind (s.164 co-operation or information, s.137 board request, whatever the law adds later)
says who may make one, who may be asked and on what basis, the answers and grounds it
allows, its response period, its letter, its parties and the wording of its reasons check.
Everything else (states, transitions, timeline, due dates, reminders, figures, the items
provided, the step pages) is the lifecycle's, the same for every kind.

A kind registers itself as it is made, in its own package once its model is defined:

    S164 = S164Kind(code="s164", model=CooperationRequest, ...)

and the lifecycle finds it again from a request with `kind_of(req)` (the model's KIND) or
from its code with `get_kind(code)`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

from flask import current_app

from ..i18n import lazy_gettext as _l
from .models import Outcome


class Relation(enum.StrEnum):
    """A user's relation to a request (through their organisation), as the access table uses it."""

    REQUESTER = "requester"  # the user's organisation made the request
    BODY_ASKED = "body_asked"  # the request was made to the user's organisation (once sent)
    PROVIDE_TO = "provide_to"  # the answer goes to the user's organisation (s.137, once sent)
    READS_EVERYTHING = "reads_everything"  # administrators and auditors

    @property
    def label(self) -> str:
        return str(RELATION_LABELS[self])


RELATION_LABELS = {
    Relation.REQUESTER: _l("Body that made the request"),
    Relation.BODY_ASKED: _l("Body asked"),
    Relation.PROVIDE_TO: _l("Body the information goes to"),
    Relation.READS_EVERYTHING: _l("Reads everything"),
}


@dataclass(frozen=True)
class Party:
    """One body a request names: its relation to the request and the column holding it.
    An optional party (s.137's provide_to) may be empty on a request."""

    relation: Relation
    column: str  # e.g. "requested_org_id"
    label: Any  # a lazy string: "Body asked"
    optional: bool = False
    sees_drafts: bool = False  # only the requester sees a draft
    attribute: str = ""  # the relationship to the body, when not the column without "_id"

    @property
    def relationship(self) -> str:
        return self.attribute or self.column.removesuffix("_id")


REQUESTER_PARTY = Party(
    Relation.REQUESTER, "requesting_org_id", _l("Body that made the request"), sees_drafts=True
)
BODY_ASKED_PARTY = Party(Relation.BODY_ASKED, "requested_org_id", _l("Body asked"))


class Eligibility(Protocol):
    """Whether a body may be asked: the basis code kept on the request (None when it may not
    be asked) and the sentence that explains it, in the reader's language."""

    code: str | None
    explanation: str


@dataclass(frozen=True)
class AnswerRules:
    """The answers a kind allows and what each needs.

    s.164: complied, partly complied or declined; a refusal, whole or in part, needs one of
    the two statutory grounds and written reasons. s.137: complied, partly complied or not
    complied; what was not provided needs the body's reasons, and there are no grounds.
    """

    outcomes: tuple[Outcome, ...]
    grounds: Any = None  # a law.Catalogue of grounds, or None when the kind has none
    ground_needed_for: frozenset[Outcome] = frozenset()
    reasons_needed_for: frozenset[Outcome] = frozenset()
    items_allowed_for: frozenset[Outcome] = frozenset({Outcome.COMPLIED, Outcome.PARTLY_COMPLIED})
    not_provided_for: frozenset[Outcome] = frozenset({Outcome.PARTLY_COMPLIED})
    # "Choose whether you complied, ...": the message when no outcome is chosen.
    choose_outcome: Any = _l("Choose whether you complied, partly complied or declined.")
    # What is said of a part not provided with an outcome not in not_provided_for, and of
    # items provided with an outcome not in items_allowed_for.
    not_provided_only: Any = _l("Say what was not provided only when you partly complied.")
    nothing_provided: Any = _l(
        "A declined request has nothing provided. If you provided part of it, choose partly complied."
    )

    def needs_ground(self, outcome: Outcome | None) -> bool:
        return outcome in self.ground_needed_for

    def needs_reasons(self, outcome: Outcome | None) -> bool:
        return outcome in self.reasons_needed_for

    @property
    def ground_codes(self) -> tuple[str, ...]:
        return tuple(self.grounds.codes) if self.grounds is not None else ()


@dataclass(frozen=True)
class ReasonsWording:
    """What the substance check says about written reasons (or any text that must say
    something specific), in the kind's words. Each is a lazy string; `token` takes
    %(text)s, `too_short` takes %(count)s."""

    empty: Any
    token: Any
    placeholder: Any
    restated: Any
    too_short: Any


@dataclass(frozen=True)
class KindSettings:
    """The kind's configurable periods, read from the app config under its prefix:
    {prefix}_RESPONSE_DAYS (an int, or a dict by variant such as the s.164 request type),
    {prefix}_DUE_SOON_DAYS and {prefix}_EXTENSION_LIMIT_WORKING_DAYS."""

    prefix: str  # "S164"

    def _get(self, name: str):
        return current_app.config[f"{self.prefix}_{name}"]

    def response_days(self, variant: str | None = None) -> int:
        value = self._get("RESPONSE_DAYS")
        if isinstance(value, dict):
            return int(value[variant])
        return int(value)

    @property
    def due_soon_days(self) -> int:
        return int(self._get("DUE_SOON_DAYS"))

    @property
    def extension_limit_days(self) -> int:
        return int(self._get("EXTENSION_LIMIT_WORKING_DAYS"))


@dataclass(frozen=True)
class Letter:
    """A kind's Word letter, from its letters module (`module`, imported when first used:
    it needs the kind's models and services): `build(req, language)` gives the .docx bytes
    (request_letter), `filename(req)` its name (request_letter_filename), `available(req)`
    whether this request has one now."""

    module: str  # "isp_manager.cooperation.letters"
    available: Callable[[Any], bool] = lambda req: True
    label: Any = _l("Letter")

    def build(self, req, language: str | None = None) -> bytes:
        from ..i18n import letter_language

        return import_module(self.module).request_letter(req, letter_language(language))

    def filename(self, req) -> str:
        return import_module(self.module).request_letter_filename(req)


@dataclass(frozen=True)
class RequestKind:
    """One kind of request, as data. A kind's package subclasses it for the three rules that
    are code (who may make one, why an organisation may not, who may be asked) and makes
    one instance, which registers itself."""

    code: str  # "s164", "s137": also the audit and URL vocabulary
    label: Any  # lazy: "s.164 request"
    citation: Any  # lazy: "section 164 of the Social Services and Well-being (Wales) Act 2014"
    model: type  # the request table (mixes in RequestLifecycleMixin)
    answers: AnswerRules
    reasons_wording: ReasonsWording
    parties: tuple[Party, ...] = (REQUESTER_PARTY, BODY_ASKED_PARTY)
    letter: Letter | None = None
    # Fields whose text must say something specific (the substance check), by field name:
    # {"why_qualifying": ReasonsWording(...)} for s.137.
    substance_fields: dict[str, ReasonsWording] = field(default_factory=dict)
    # What someone is told of a request they may not see, or that does not exist.
    not_found: Any = _l("There is no request with that number that you can see.")
    # What the body asked is told when a request is sent to it: (subject, message), lazy
    # strings taking the names lifecycle.notices.request_sent gives.
    sent_notice: tuple[Any, Any] = ()

    def __post_init__(self) -> None:
        register(self)

    def may_make(self, user) -> bool:
        """Whether the user's organisation and role may make one (auditors never do)."""
        raise NotImplementedError

    def requester_refusal(self, org) -> str | None:
        """Why an organisation may not make one (a message naming the field), or None."""
        raise NotImplementedError

    def who_may_be_asked(self, requesting, body) -> Eligibility:
        """Whether and on what basis the requesting organisation may ask `body`."""
        raise NotImplementedError

    @property
    def endpoint(self) -> str:
        """The blueprint of its pages, its package's: url_for(f"{endpoint}.show", ...)."""
        return self.model.__module__.split(".")[-2]

    @property
    def settings(self) -> KindSettings:
        """Its periods, from the app config under its code in capitals (S164_...)."""
        return KindSettings(self.code.upper())

    @property
    def reference_prefix(self) -> str:
        return self.model.REFERENCE_PREFIX

    @property
    def relations(self) -> tuple[Relation, ...]:
        return tuple(p.relation for p in self.parties)

    def party(self, relation: Relation) -> Party | None:
        return next((p for p in self.parties if p.relation is relation), None)

    def response_days(self, variant: str | None = None) -> int:
        return self.settings.response_days(variant)

    def __hash__(self) -> int:
        return hash(self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, RequestKind) and other.code == self.code


_KINDS: dict[str, RequestKind] = {}


def register(kind: RequestKind) -> RequestKind:
    """Add a kind to the registry (once per code) and tie its model to it."""
    existing = _KINDS.get(kind.code)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"request kind {kind.code!r} is already registered")
    _KINDS[kind.code] = kind
    kind.model.KIND = kind.code
    return kind


def get_kind(code: str) -> RequestKind:
    return _KINDS[code]


def all_kinds() -> tuple[RequestKind, ...]:
    return tuple(_KINDS.values())


def kind_of(req_or_model) -> RequestKind:
    """The kind of a request (or of a request model)."""
    return _KINDS[req_or_model.KIND]
