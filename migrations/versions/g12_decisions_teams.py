"""Teams of an organisation and their members, advice requests, and the team of a decision

Revision ID: g12_decisions_teams
Revises: f10_decisions
Create Date: 2026-12-02 12:32:42

New tables, and one nullable column (with its index) on decisions; the register's index on
decisions becomes ix_decisions_register, with the id it orders by and the columns it
filters and counts by. No data changes.
"""

from alembic import op
import sqlalchemy as sa

import isp_manager.db


# revision identifiers, used by Alembic.
revision = "g12_decisions_teams"
down_revision = "f10_decisions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_teams_name_given")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_teams_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_teams_organisation_id_name")),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_teams_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_members_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_team_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index("ix_team_members_user_id", ["user_id"], unique=False)

    op.create_table(
        "advice_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "answered",
                name="advice_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_name", sa.String(length=200), nullable=True),
        sa.Column("answered_at", isp_manager.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", isp_manager.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state <> 'answered' OR (answer IS NOT NULL AND length(trim(answer)) > 0 AND answered_by_id IS NOT NULL AND answered_at IS NOT NULL)",
            name=op.f("ck_advice_requests_answered_complete"),
        ),
        sa.CheckConstraint(
            "length(trim(question)) > 0", name=op.f("ck_advice_requests_question_given")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_advice_requests_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_advice_requests_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_advice_requests_decision_id_decisions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_advice_requests_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advice_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_advice_requests_reference")),
    )
    with op.batch_alter_table("advice_requests", schema=None) as batch_op:
        batch_op.create_index("ix_advice_requests_asked_by_id", ["asked_by_id"], unique=False)
        batch_op.create_index("ix_advice_requests_decision_id", ["decision_id"], unique=False)
        batch_op.create_index(
            "ix_advice_requests_organisation_id_state", ["organisation_id", "state"], unique=False
        )

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_decisions_team_id_state_decided_on_id",
            ["team_id", "state", "decided_on", "id"],
            unique=False,
        )
        # The register reads newest first, then by id: the order is a range of the index.
        batch_op.drop_index("ix_decisions_organisation_id_state_decided_on")
        batch_op.create_index(
            "ix_decisions_register",
            [
                "organisation_id",
                "state",
                "decided_on",
                "id",
                "current_decision",
                "current_consent_outcome",
                "current_article6",
            ],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_team_id_teams"),
            "teams",
            ["team_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decisions_team_id_teams"), type_="foreignkey")
        batch_op.drop_index("ix_decisions_team_id_state_decided_on_id")
        batch_op.drop_index("ix_decisions_register")
        batch_op.create_index(
            "ix_decisions_organisation_id_state_decided_on",
            ["organisation_id", "state", "decided_on"],
            unique=False,
        )
        batch_op.drop_column("team_id")

    with op.batch_alter_table("advice_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_advice_requests_organisation_id_state")
        batch_op.drop_index("ix_advice_requests_decision_id")
        batch_op.drop_index("ix_advice_requests_asked_by_id")

    op.drop_table("advice_requests")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index("ix_team_members_user_id")

    op.drop_table("team_members")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_organisation_id"))

    op.drop_table("teams")
