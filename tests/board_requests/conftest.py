"""Fixtures for s.137 board requests: a board officer, users at the body asked and the
provide_to body, and a request factory."""

from __future__ import annotations

from datetime import date

import pytest

from isp_manager.accounts.models import Role
from isp_manager.board_requests import services
from tests.conftest import org

BOARD = "board-cardiff-and-vale"
BODY = "lhb-cardiff-and-vale"
THIRD = "la-cardiff"
REQUEST_DAY = date(2026, 12, 22)
WHY = (
    "The health board's health visiting and emergency department services saw the child "
    "several times in the year before the incident under review."
)
SPECIFIED = (
    "Health visiting records and emergency department attendances for the child between "
    "1 January 2026 and 30 September 2026."
)
REASONS = (
    "The emergency department notes before March 2026 were destroyed under the retention "
    "schedule, so only the later attendances can be provided."
)


def details(body=BODY, **overrides) -> services.BoardRequestDetails:
    values = {
        "qualifying_body": org(body) if body else None,
        "why_qualifying": WHY,
        "information_specified": SPECIFIED,
        "relates_to": ["s137-b", "s137-c"],
        "purpose": "child_practice_review",
        "review_reference": "CPR-CV-2026-03",
    }
    values.update(overrides)
    return services.BoardRequestDetails(**values)


@pytest.fixture
def officer(make_user):
    return make_user(BOARD, Role.BOARD_OFFICER, name="Bethan Board")


@pytest.fixture
def body_user(make_user):
    return make_user(BODY, Role.IG_LEAD, name="Huw Health")


@pytest.fixture
def third_user(make_user):
    return make_user(THIRD, Role.IG_LEAD, name="Carys Council")


@pytest.fixture
def make_request(officer):
    def _make(send=True, on=REQUEST_DAY, **overrides):
        return services.create_request(details(**overrides), by=officer, send=send, on=on)

    return _make
