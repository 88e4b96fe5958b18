"""References are allocated without races: many requests at once, each its own transaction on
its own connection, never share a number (an app of its own, outside the rolled-back test
transaction, so that the transactions really overlap). A search by reference compares a whole
one, and matches the start of one or a part of it."""

from __future__ import annotations

import threading

import pytest

from isp_manager import create_app
from isp_manager.cooperation import services
from isp_manager.cooperation.models import CooperationRequest
from isp_manager.extensions import db
from isp_manager.lifecycle.services import allocate_reference, reference_filter

THREADS = 8
EACH = 5


def test_concurrent_allocation_gives_distinct_consecutive_numbers(tmp_path, monkeypatch):
    # A session of this app's own, instead of the test transaction's shared connection.
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'refs.sqlite'}", "SECRET_KEY": "x"},
        instance_path=tmp_path,
    )
    with app.app_context():
        db.create_all()
    got: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work():
        try:
            start.wait()
            for _ in range(EACH):
                with app.app_context():
                    reference = allocate_reference("S164", 2027)
                    db.session.commit()
                    db.session.remove()
                    got.append(reference)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()
    assert not errors, errors
    assert sorted(got) == [f"S164-2027-{n:06d}" for n in range(1, THREADS * EACH + 1)]


@pytest.mark.parametrize(
    ("typed", "sql"),
    [
        ("S164-2026-000123", "cooperation_requests.reference = 'S164-2026-000123'"),
        ("  s164-2026-000123 ", "cooperation_requests.reference = 'S164-2026-000123'"),
        ("S164-2026-1234567", "cooperation_requests.reference = 'S164-2026-1234567'"),
        ("S164-2026-00", "cooperation_requests.reference LIKE 'S164-2026-00' || '%' ESCAPE '/'"),
        ("s164-20", "cooperation_requests.reference LIKE 'S164-20' || '%' ESCAPE '/'"),
        ("S", "cooperation_requests.reference LIKE 'S' || '%' ESCAPE '/'"),
        ("000123", "cooperation_requests.reference LIKE '%' || '000123' || '%' ESCAPE '/'"),
        (
            "2026-000123",
            "cooperation_requests.reference LIKE '%' || '2026-000123' || '%' ESCAPE '/'",
        ),
        (
            "S164-2026-12_4",
            "cooperation_requests.reference LIKE '%' || 'S164-2026-12/_4' || '%' ESCAPE '/'",
        ),
    ],
)
def test_search_by_reference_compares_a_whole_reference_and_matches_the_start_of_one(typed, sql):
    clause = reference_filter(CooperationRequest, typed)
    assert str(clause.compile(compile_kwargs={"literal_binds": True})) == sql


@pytest.mark.parametrize("typed", ["", "   "])
def test_blank_reference_search_filters_nothing(typed):
    assert reference_filter(CooperationRequest, typed) is None


def test_reference_search_finds_the_same_requests_whole_partial_or_by_number(
    make_request, council_user
):
    made = [make_request() for _ in range(3)]
    target = made[1]

    def found(typed):
        stmt = services.list_query(
            council_user, services.Box.SENT, services.ListFilters(state="all", reference=typed)
        )
        return [r.reference for r in db.session.scalars(stmt).unique()]

    assert found(target.reference.lower()) == [target.reference]
    assert found(target.reference[-6:]) == [target.reference]  # the number alone
    every = sorted(r.reference for r in made)  # numbered one after another: the same start
    assert sorted(found(target.reference[:-1])) == every
    assert sorted(found(target.reference[:10].lower())) == every
    assert found(target.reference + "9") == []
