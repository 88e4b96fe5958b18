"""The stored-files table: one row per owner and kind, the bytes and their checksum."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class StoredFile(db.Model):
    """A file the service keeps: the bytes are loaded only when asked for."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.UniqueConstraint("owner_type", "owner_id", "kind"),
        sa.CheckConstraint("size = length(content)", name="stored_file_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    owner_id: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    uploaded_by = relationship("User", lazy="joined")
