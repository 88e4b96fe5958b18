"""The register's pages and API routes run the same number of SQL statements however many
organisations there are: compared with 20 and with 200 extra organisations, each covering
Cardiff (so they appear in the lists, the area filter and Cardiff's relevant partners)."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from isp_manager.accounts.models import Role
from isp_manager.extensions import db
from isp_manager.parties.models import Organisation, OrgKind
from tests.conftest import org

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

PAGES = [
    "/organisations",
    "/organisations?q=test&kind=probation_provider",
    "/organisations?area=la-cardiff&page=2",
    "/organisations?s28_category=s28-g&status=all",
    "/organisations/la-cardiff",
    "/organisations/probation-0",
    "/organisations/nhs-wast",
    "/organisations/hmpps-wales",
    "/organisations?nation=wales&kind=charity",
    "/organisations.csv?area=la-cardiff",
    "/organisations?waspi_accord=not_signed",
    "/organisations.csv?waspi_accord=signed",
]
API = [
    "/api/v1/organisations?page_size=100",
    "/api/v1/organisations?area=la-cardiff&q=test",
    "/api/v1/organisations/la-cardiff",
    "/api/v1/organisations?nation=wales&page_size=100",
    "/api/v1/organisations?waspi_accord=not_signed&page_size=100",
    "/api/v1/organisations/la-cardiff/relevant-partners",
    "/api/v1/organisations/nhs-wast/partner-of",
]


@contextlib.contextmanager
def counting():
    statements: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_execute)


def add_organisations(count: int, start: int) -> None:
    """Probation providers (rp-d) covering Cardiff and Newport, and charities covering Cardiff."""
    cardiff, newport = org("la-cardiff"), org("la-newport")
    for n in range(start, start + count):
        if n % 2 == 0:
            body = Organisation(code=f"probation-{n}", name=f"Test Probation {n}", kind=OrgKind.PROBATION_PROVIDER,
                                s28_category="s28-g", relevant_partner_category="rp-d",
                                search_text=f"test probation {n}")  # fmt: skip
            body.areas = [cardiff, newport]
        else:
            body = Organisation(code=f"charity-{n}", name=f"Test Charity {n}", kind=OrgKind.CHARITY,
                                search_text=f"test charity {n}")  # fmt: skip
            body.areas = [cardiff]
        db.session.add(body)
    db.session.flush()


def counts(client, paths) -> dict[str, int]:
    client.get(paths[0])  # warm up: the first request of a token records when it was last used
    found = {}
    for path in paths:
        with counting() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        found[path] = len(statements)
    return found


@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_pages_run_a_fixed_number_of_queries(client, login, make_user, db_session, who):
    visitor = client if who == "anonymous" else login(make_user("la-cardiff", Role.ADMIN))
    add_organisations(20, 0)
    db_session.commit()
    small = counts(visitor, PAGES)
    add_organisations(180, 20)
    db_session.commit()
    large = counts(visitor, PAGES)
    assert large == small
    # and the numbers are small: the list is the count, the rows and their areas, the councils
    assert max(small.values()) <= 10, small
    # Cardiff's page lists the 100 probation providers as relevant partners without a query each
    assert (
        client.get("/organisations/la-cardiff").get_data(as_text=True).count("Test Probation")
        >= 100
    )


def test_api_runs_a_fixed_number_of_queries(api_client, make_user, db_session):
    api = api_client(make_user("la-cardiff", Role.IG_LEAD))
    add_organisations(20, 0)
    db_session.commit()
    small = counts(api, API)
    add_organisations(180, 20)
    db_session.commit()
    assert counts(api, API) == small
    assert max(small.values()) <= 10, small
