"""Teams inside an organisation (a youth offending team, a safeguarding hub): the IG lead
makes them and says who is in each. A practitioner sees their team's decision records."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin
from ..extensions import db

team_members = sa.Table(
    "team_members",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_team_members_user_id", "user_id"),
)


class Team(TimestampMixin, db.Model):
    """A named team of one organisation; its members are users of that organisation."""

    __tablename__ = "teams"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_given"),
    )

    AUDIT_NAME = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    members = relationship("User", secondary=team_members, order_by="User.name")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"
