"""read_only_transaction(): slow reads in a transaction of their own, that never loses a write."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from isp_manager.db import read_only_transaction, session_has_written
from isp_manager.extensions import db
from isp_manager.parties.models import Organisation


def _any_org() -> Organisation:
    return db.session.scalar(sa.select(Organisation).limit(1))


def test_reads_in_the_block_and_ends_its_transaction(db_session):
    with read_only_transaction(db.session):
        assert _any_org() is not None
    assert not db.session().in_transaction()


@pytest.mark.parametrize(
    "write",
    [
        lambda: setattr(_any_org(), "name", "Renamed"),  # pending
        lambda: (setattr(_any_org(), "name", "Renamed"), db.session.flush()),  # flushed
        lambda: db.session.execute(sa.update(Organisation).values(name="Renamed")),  # bulk
    ],
    ids=["pending", "flushed", "bulk"],
)
def test_refuses_to_start_after_a_write_that_would_be_lost(db_session, write):
    write()
    assert session_has_written(db.session)
    with pytest.raises(RuntimeError, match="would be lost"), read_only_transaction(db.session):
        pass
    db.session.rollback()
    assert not session_has_written(db.session)


def test_a_write_inside_the_block_is_refused_and_rolled_back(db_session):
    name = _any_org().name
    with pytest.raises(RuntimeError, match="inside"), read_only_transaction(db.session):
        _any_org().name = "Renamed"
        db.session.flush()
    assert _any_org().name == name


def test_a_committed_write_before_the_block_is_fine(db_session):
    org = _any_org()
    org.name = org.name + " "
    db.session.commit()
    with read_only_transaction(db.session):
        assert _any_org() is not None
