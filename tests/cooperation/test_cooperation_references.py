"""References are allocated without races: many requests at once, each its own transaction on
its own connection, never share a number (an app of its own, outside the rolled-back test
transaction, so that the transactions really overlap)."""

from __future__ import annotations

import threading

from isp_manager import create_app
from isp_manager.extensions import db
from isp_manager.lifecycle.services import allocate_reference

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
