"""The editor pages run a fixed number of SQL queries, however many partners, data items and
Appendix B rows an agreement has (everything they show is eager-loaded)."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
from protocol_helpers import LEAD, table_rv

from isp_manager.extensions import db
from isp_manager.parties.models import Organisation
from isp_manager.protocols import services
from isp_manager.protocols.services import DataItemInput, FlowInput, PartnerDetails

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextlib.contextmanager
def count_queries():
    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _count)


def _agreement(author, n_partners: int, n_items: int):
    codes = list(
        db.session.scalars(
            sa.select(Organisation.code)
            .where(Organisation.code != LEAD)
            .order_by(Organisation.code)
            .limit(n_partners)
        )
    )
    protocol = services.create_protocol(
        kind="isp",
        title=f"{n_partners} partners",
        lead_organisation=LEAD,
        partners=codes,
        by=author,
    )
    version = protocol.versions[0]
    lead, *others = version.partners
    for partner in version.partners:
        services.update_partner(
            partner,
            PartnerDetails(
                contact_name="C",
                contact_email="c@example.org",
                signatory_name="S",
                signatory_role="R",
            ),
            by=author,
            expected_row_version=table_rv(partner.version, "partners"),
        )
    for n in range(n_items):
        source = version.partners[n % len(version.partners)]
        services.add_data_item(
            version,
            DataItemInput(
                category=f"Item {n}",
                is_special_category=bool(n % 2),
                source_partner_id=source.id,
                recipient_partner_ids=[p.id for p in version.partners if p is not source][:3],
                article6=["art6-1-e"],
                article9=["art9-2-g"] if n % 2 else [],
                schedule1=["sch1-p2-para18"] if n % 2 else [],
                para18_reason="para18-2-a" if n % 2 else None,
                policy_document_ref="APD",
            ),
            by=author,
            expected_row_version=table_rv(version, "data_items"),
        )
        services.add_flow(
            version,
            FlowInput(
                what=f"Flow {n}",
                from_partner_id=source.id,
                to_partner_id=lead.id if source is not lead else others[0].id,
                method="Secure e-mail",
                purpose="Safeguarding",
            ),
            by=author,
            expected_row_version=table_rv(version, "flows"),
        )
    db.session.commit()
    return version


PAGES = [
    "",
    "/sections/partners",
    "/sections/personal_information",
    "/sections/information_flows",
    "/sections/introduction",
    "/sections/signatures",
    "/data-items/new",
    "/flows/new",
]


@pytest.mark.parametrize("page", PAGES)
def test_editor_pages_run_a_fixed_number_of_queries(ig, login, page):
    author = ig(LEAD)
    small = _agreement(author, 2, 2)
    large = _agreement(author, 20, 60)
    client = login(author)
    counts = []
    for version in (small, large):
        db.session.expire_all()
        url = f"/agreements/{version.protocol_id}/versions/1{page}"
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, response.text[:500]
        counts.append(len(statements))
    assert counts[0] == counts[1], (
        f"{page}: {counts[0]} queries with 2 partners, {counts[1]} with 20"
    )
    assert counts[1] <= 25, counts


def test_version_api_runs_a_fixed_number_of_queries(ig, api_client):
    author = ig(LEAD)
    client = api_client(author)
    small = _agreement(author, 2, 2)
    large = _agreement(author, 20, 60)
    client.get(
        "/api/v1/protocols"
    )  # the token's last use is recorded once a minute, not per request
    counts = []
    for version in (small, large):
        db.session.expire_all()
        with count_queries() as statements:
            assert (
                client.get(f"/api/v1/protocols/{version.protocol_id}/versions/1").status_code == 200
            )
        counts.append(len(statements))
    assert counts[0] == counts[1]
