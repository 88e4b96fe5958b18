"""One request lifecycle for every kind: an answer recorded on the body's behalf (who at the
body answered, how it was received, who recorded it), its timeline entry, and the s.137
outcome "not complied with" in the shared outcome vocabulary.

Revision ID: g11_lifecycle
Revises: g12_retention
"""

import sqlalchemy as sa
from alembic import op

revision = "g11_lifecycle"
down_revision = "g12_retention"
branch_labels = None
depends_on = None

OLD_OUTCOMES = ("complied", "partly_complied", "declined")
NEW_OUTCOMES = (*OLD_OUTCOMES, "not_complied")
OLD_EVENTS = (
    "drafted",
    "sent",
    "acknowledged",
    "clarification_requested",
    "clarification_answered",
    "extension_agreed",
    "answered",
    "closed",
    "withdrawn",
    "extension_requested",
    "extension_refused",
    "extension_granted",
)
NEW_EVENTS = (*OLD_EVENTS, "answer_recorded")
RECEIVED_VIA = ("email", "secure_email", "post", "by_hand", "phone")
ON_BEHALF = (
    "answer_received_via IS NULL OR (answer_recorded_by_id IS NOT NULL "
    "AND answered_by_name IS NOT NULL AND answered_on IS NOT NULL)"
)


def _in(column, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _set_check(table: str, name: str, sql: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.create_check_constraint(op.f(name), sql)


def upgrade():
    with op.batch_alter_table("cooperation_requests") as batch_op:
        batch_op.add_column(sa.Column("answered_by_name", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "answer_received_via",
                sa.Enum(
                    *RECEIVED_VIA,
                    name="answer_received_via",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("answer_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_cooperation_requests_answer_recorded_by_id_users"),
            "users",
            ["answer_recorded_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_cooperation_requests_on_behalf_answer_recorded"), ON_BEHALF
        )
    _set_check(
        "cooperation_requests", "ck_cooperation_requests_outcome", _in("outcome", NEW_OUTCOMES)
    )
    _set_check(
        "cooperation_events", "ck_cooperation_events_event_type", _in("event_type", NEW_EVENTS)
    )


def downgrade():
    _set_check(
        "cooperation_events", "ck_cooperation_events_event_type", _in("event_type", OLD_EVENTS)
    )
    _set_check(
        "cooperation_requests", "ck_cooperation_requests_outcome", _in("outcome", OLD_OUTCOMES)
    )
    with op.batch_alter_table("cooperation_requests") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_cooperation_requests_on_behalf_answer_recorded"), type_="check"
        )
        batch_op.drop_constraint(op.f("ck_cooperation_requests_answer_received_via"), type_="check")
        batch_op.drop_constraint(
            op.f("fk_cooperation_requests_answer_recorded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("answer_recorded_by_id")
        batch_op.drop_column("answer_received_via")
        batch_op.drop_column("answered_by_name")
