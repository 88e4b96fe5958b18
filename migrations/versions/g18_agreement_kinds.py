"""protocols: Joint Controller Agreements (jca) and controller-processor agreements (dpa), with
the partner roles joint_controller, controller and processor

Revision ID: g18_agreement_kinds
Revises: g17_accord
Create Date: 2026-12-03 07:50:00

"""

from alembic import op

revision = "g18_agreement_kinds"
down_revision = "g17_accord"
branch_labels = None
depends_on = None

# The values as they were at this revision (a migration does not follow the models).
OLD_KINDS = ("isp", "dda")
NEW_KINDS = ("isp", "dda", "jca", "dpa")
OLD_ROLES = ("lead", "partner", "discloser", "recipient")
NEW_ROLES = (*OLD_ROLES, "joint_controller", "controller", "processor")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _swap_checks(kinds, roles) -> None:
    with op.batch_alter_table("protocols") as batch_op:
        batch_op.drop_constraint(op.f("ck_protocols_protocol_kind"), type_="check")
        batch_op.create_check_constraint("protocol_kind", f"kind IN ({_in(kinds)})")
    with op.batch_alter_table("protocol_partners") as batch_op:
        batch_op.drop_constraint(op.f("ck_protocol_partners_protocol_partner_role"), type_="check")
        batch_op.create_check_constraint("protocol_partner_role", f"role IN ({_in(roles)})")


def upgrade():
    _swap_checks(NEW_KINDS, NEW_ROLES)


def downgrade():
    # Agreements of the new kinds cannot be kept under the old constraints.
    op.execute("DELETE FROM protocols WHERE kind IN ('jca', 'dpa')")
    _swap_checks(OLD_KINDS, OLD_ROLES)
