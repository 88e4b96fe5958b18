"""The steps after sending, as every kind's services offer them (cooperation.services and
board_requests.services import them under these names): each takes the lifecycle's
transition with the request's kind's settings (kind_of(req)) and tells the other side.

    acknowledge_request(req, by=user)
    ask_for_clarification(req, question, by=user)      give_clarification(req, answer, by=user)
    ask_for_extension(req, new_due, reason, by=user)  agree_extension(req, by=user)
    refuse_extension(req, reason, by=user)            grant_extension(req, new_due, reason, by=user)
    close_request(req, by=user)                       withdraw_request(req, reason, by=user)
"""

from __future__ import annotations

from datetime import date

from . import notices
from . import services as lifecycle
from .kinds import kind_of

__all__ = [
    "acknowledge_request",
    "agree_extension",
    "ask_for_clarification",
    "ask_for_extension",
    "close_request",
    "give_clarification",
    "grant_extension",
    "refuse_extension",
    "withdraw_request",
]


def _limit_days(req) -> int:
    """How far an extension of this request may go: working days from the request date."""
    return kind_of(req).settings.extension_limit_days


def acknowledge_request(req, *, by) -> None:
    lifecycle.acknowledge(req, by)


def ask_for_clarification(req, question: str, *, by, on: date | None = None) -> None:
    """The body asked needs something made clear; the clock stops until the requester answers."""
    lifecycle.ask_clarification(req, by, question, on=on)
    notices.clarification_asked(req)


def give_clarification(req, answer: str, *, by, on: date | None = None) -> None:
    """The requester answers the question; the due date moves on by the days the clock stopped."""
    lifecycle.answer_clarification(req, by, answer, on=on)
    notices.clarification_given(req)


def ask_for_extension(req, new_due: date | None, reason: str | None, *, by, on: date | None = None):
    """The body asked asks for more time; the body that made the request is told, and agrees
    or refuses it."""
    ext = lifecycle.ask_extension(req, by, new_due, reason, limit_days=_limit_days(req), on=on)
    notices.extension_asked(req, ext)
    return ext


def agree_extension(req, *, by, on: date | None = None):
    """The requesting body agrees the extension asked for; the body asked is told the new date."""
    ext = lifecycle.agree_extension(req, by, limit_days=_limit_days(req), on=on)
    notices.extension_agreed(req)
    return ext


def refuse_extension(req, reason: str | None, *, by):
    """The requesting body refuses the extension asked for, saying why; the body asked is told."""
    ext = lifecycle.refuse_extension(req, by, reason)
    notices.extension_refused(req)
    return ext


def grant_extension(req, new_due: date | None, reason: str | None, *, by, on: date | None = None):
    """The requesting body gives more time of its own accord; the body asked is told."""
    ext = lifecycle.grant_extension(req, by, new_due, reason, limit_days=_limit_days(req), on=on)
    notices.extension_granted(req)
    return ext


def close_request(req, *, by) -> None:
    lifecycle.close(req, by)


def withdraw_request(req, reason: str | None, *, by) -> None:
    """The requester no longer needs an answer. The other parties are told, once they had the
    request."""
    lifecycle.withdraw(req, by, reason)
