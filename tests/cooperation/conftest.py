"""Fixtures for s.164 requests: users on both sides, request factories, a query counter."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.cooperation import services
from isp_manager.extensions import db
from isp_manager.lifecycle.models import Outcome
from tests.cooperation.factories import REASONS, REQUEST_DAY, QueryCounter, details


@pytest.fixture
def council_user(make_user):
    return make_user("la-cardiff", Role.PRACTITIONER, name="Sian Council")


@pytest.fixture
def board_user(make_user):
    """A user of Cardiff and Vale University Health Board, the body asked."""
    return make_user("lhb-cardiff-and-vale", Role.IG_LEAD, name="Huw Health")


@pytest.fixture
def make_request(council_user):
    def _make(by=None, body_code="lhb-cardiff-and-vale", *, send=True, on=REQUEST_DAY, **overrides):
        return services.create_request(
            details(body_code, **overrides), by=by or council_user, send=send, on=on
        )

    return _make


@pytest.fixture
def declined(make_request, board_user):
    """A request the health board declined on ground (a) with written reasons."""
    req = make_request()
    services.respond_to_request(
        req,
        services.AnswerInput(
            outcome=Outcome.DECLINED, ground="s164-ground-a", written_reasons=REASONS
        ),
        by=board_user,
        on=date(2027, 1, 5),
    )
    return req


@pytest.fixture
def count_queries():
    """with count_queries() as counter: ... counter.count is the number of SQL statements."""

    @contextmanager
    def _count():
        counter = QueryCounter()
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return _count
