"""organisations: nation; kinds for NHS foundation trusts, special health authorities and fire
and rescue authorities; relevant-partner category rp-ga

Revision ID: d8_parties_nation
Revises: e8_lawful_bases
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d8_parties_nation"
down_revision = "e8_lawful_bases"
branch_labels = None
depends_on = None

# The values as they were at this revision (a migration does not follow the models).
OLD_KINDS = (
    "local_authority", "local_health_board", "nhs_trust", "chief_officer_of_police",
    "local_policing_body", "national_crime_agency", "transport_police_authority",
    "secretary_of_state_offender_management", "probation_provider", "youth_offending_team",
    "prison", "secure_college", "youth_support_service", "welsh_ministers", "safeguarding_board",
    "school", "charity", "other",
)  # fmt: skip
NEW_KINDS = (
    "local_authority", "local_health_board", "nhs_trust", "nhs_foundation_trust",
    "special_health_authority", "chief_officer_of_police", "local_policing_body",
    "national_crime_agency", "transport_police_authority",
    "secretary_of_state_offender_management", "probation_provider", "youth_offending_team",
    "prison", "secure_college", "youth_support_service", "welsh_ministers", "safeguarding_board",
    "fire_and_rescue_authority", "school", "charity", "other",
)  # fmt: skip
NATIONS = ("wales", "england", "scotland", "northern_ireland", "uk")
OLD_PARTNER_CODES = ("rp-a", "rp-b", "rp-c", "rp-d", "rp-e", "rp-f", "rp-g", "rp-h")
NEW_PARTNER_CODES = ("rp-a", "rp-b", "rp-c", "rp-d", "rp-e", "rp-f", "rp-g", "rp-ga", "rp-h")
# The reference bodies that work across the nations (welsh-public-bodies.csv says "uk").
UK_BODIES = ("nca", "btpa", "hmpps-wales")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _swap_checks(kinds, partner_codes) -> None:
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_org_kind"), type_="check")
        batch_op.drop_constraint(
            op.f("ck_organisations_relevant_partner_category_code"), type_="check"
        )
        batch_op.create_check_constraint("org_kind", f"kind IN ({_in(kinds)})")
        batch_op.create_check_constraint(
            "relevant_partner_category_code",
            "relevant_partner_category IS NULL OR "
            f"relevant_partner_category IN ({_in(partner_codes)})",
        )


def upgrade():
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(sa.Column("nation", sa.String(length=40), nullable=True))
    op.execute(
        f"UPDATE organisations SET nation = CASE WHEN code IN ({_in(UK_BODIES)}) "
        "THEN 'uk' ELSE 'wales' END"
    )
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.alter_column("nation", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_check_constraint("nation", f"nation IN ({_in(NATIONS)})")
    _swap_checks(NEW_KINDS, NEW_PARTNER_CODES)


def downgrade():
    removed = _in(set(NEW_KINDS) - set(OLD_KINDS))
    op.execute(f"UPDATE organisations SET kind = 'other' WHERE kind IN ({removed})")
    op.execute(
        "UPDATE organisations SET relevant_partner_category = NULL "
        "WHERE relevant_partner_category = 'rp-ga'"
    )
    _swap_checks(OLD_KINDS, OLD_PARTNER_CODES)
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_nation"), type_="check")
        batch_op.drop_column("nation")
