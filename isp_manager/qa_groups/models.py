"""The regional WASPI quality assurance groups and their members.

A protocol version is submitted to one QA group; only the group's members review it, and never
one who belongs to the lead organisation or to the organisation of whoever submitted it.
Members are people with accounts (an information governance lead of a body on the register).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db


def can_manage_qa_groups(user) -> bool:
    """Adding and renaming groups and changing their members: administrators only."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_admin


class QaGroup(TimestampMixin, db.Model):
    """A regional QA group (e.g. "WASPI South QA Group")."""

    __tablename__ = "qa_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True, nullable=False)
    name_cy: Mapped[str | None] = mapped_column(sa.String(200))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    members: Mapped[list[QaGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", lazy="select"
    )

    def display_name(self, locale: str = "en") -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name

    def has_member(self, user) -> bool:
        return any(m.user_id == user.id for m in self.members)

    def __repr__(self) -> str:
        return f"<QaGroup {self.code}>"


class QaGroupMember(db.Model):
    """One person in one QA group."""

    __tablename__ = "qa_group_members"

    qa_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("qa_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    group: Mapped[QaGroup] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id], lazy="joined", innerjoin=True)
