"""s.164: extensions asked for and agreed by two sides; the other function described; the
function of a limited relevant partner; who decided a refusal.

Revision ID: c8_cooperation_law
Revises: d8_parties_nation
"""

import sqlalchemy as sa
from alembic import op

import isp_manager.db

revision = "c8_cooperation_law"
down_revision = "d8_parties_nation"
branch_labels = None
depends_on = None

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
)
NEW_EVENTS = (*OLD_EVENTS, "extension_requested", "extension_refused", "extension_granted")
OTHER_DESCRIBED = (
    "(function_code = 'ssf-other' AND function_description IS NOT NULL "
    "AND length(trim(function_description)) >= 5) "
    "OR (function_code <> 'ssf-other' AND function_description IS NULL)"
)


def _event_type_check(values) -> str:
    return "event_type IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _set_event_types(values) -> None:
    with op.batch_alter_table("cooperation_events") as batch_op:
        batch_op.drop_constraint(op.f("ck_cooperation_events_event_type"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_cooperation_events_event_type"), _event_type_check(values)
        )


def upgrade():
    op.create_table(
        "cooperation_extensions",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "asked",
                "agreed",
                "refused",
                "granted",
                "lapsed",
                name="extension_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("old_due_date", sa.Date(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("asked_by_side", sa.String(length=16), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_side", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "new_due_date > old_due_date", name=op.f("ck_cooperation_extensions_later_date")
        ),
        sa.CheckConstraint(
            "length(trim(reason)) >= 10", name=op.f("ck_cooperation_extensions_has_reason")
        ),
        sa.CheckConstraint(
            "(state = 'granted' AND asked_by_side = 'requester') "
            "OR (state <> 'granted' AND asked_by_side = 'requested')",
            name=op.f("ck_cooperation_extensions_asked_by_the_right_side"),
        ),
        sa.CheckConstraint(
            "NOT (state IN ('agreed', 'refused')) OR (decided_at IS NOT NULL AND decided_by_side "
            "IN ('requester', 'requested') AND decided_by_side <> asked_by_side)",
            name=op.f("ck_cooperation_extensions_decided_by_the_other_side"),
        ),
        sa.CheckConstraint(
            "state <> 'refused' OR (refusal_reason IS NOT NULL "
            "AND length(trim(refusal_reason)) >= 10)",
            name=op.f("ck_cooperation_extensions_refusal_has_reason"),
        ),
        sa.CheckConstraint(
            "state <> 'asked' OR decided_at IS NULL",
            name=op.f("ck_cooperation_extensions_asked_is_undecided"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_cooperation_extensions_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_cooperation_extensions_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["cooperation_requests.id"],
            name=op.f("fk_cooperation_extensions_request_id_cooperation_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_extensions")),
    )
    with op.batch_alter_table("cooperation_extensions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_extensions_request_id"), ["request_id"], unique=False
        )

    _set_event_types(NEW_EVENTS)

    with op.batch_alter_table("cooperation_requests") as batch_op:
        batch_op.add_column(sa.Column("function_description", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("partner_function", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("answered_by_title", sa.String(length=200), nullable=True))
    # Requests made before a description was required keep a note saying so.
    op.execute(
        "UPDATE cooperation_requests SET function_description = "
        "'Not described (made before a description was required)' "
        "WHERE function_code = 'ssf-other'"
    )
    with op.batch_alter_table("cooperation_requests") as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_cooperation_requests_other_function_described"), OTHER_DESCRIBED
        )


def downgrade():
    with op.batch_alter_table("cooperation_requests") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_cooperation_requests_other_function_described"), type_="check"
        )
        batch_op.drop_column("answered_by_title")
        batch_op.drop_column("partner_function")
        batch_op.drop_column("function_description")
    op.execute(
        "DELETE FROM cooperation_events WHERE event_type IN "
        "('extension_requested', 'extension_refused', 'extension_granted')"
    )
    _set_event_types(OLD_EVENTS)
    with op.batch_alter_table("cooperation_extensions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_extensions_request_id"))
    op.drop_table("cooperation_extensions")
