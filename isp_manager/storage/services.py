"""Keeping, reading and removing stored files. The callers check who may; these only store."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from ..db import utcnow
from ..extensions import db
from .models import StoredFile


def owner_key(record) -> tuple[str, str]:
    return record.__tablename__, str(record.id)


def stored_file(record, kind: str) -> StoredFile | None:
    """The owner's current file of `kind` (its bytes loaded only when read)."""
    owner_type, owner_id = owner_key(record)
    return db.session.scalar(
        sa.select(StoredFile).where(
            StoredFile.owner_type == owner_type,
            StoredFile.owner_id == owner_id,
            StoredFile.kind == kind,
        )
    )


def store_file(
    record, kind: str, *, filename: str, content_type: str, data: bytes, by
) -> StoredFile:
    """Make `data` the owner's file of `kind`, replacing the one before (in this transaction)."""
    found = stored_file(record, kind)
    if found is None:
        owner_type, owner_id = owner_key(record)
        found = StoredFile(owner_type=owner_type, owner_id=owner_id, kind=kind)
        db.session.add(found)
    found.filename = filename[:200]
    found.content_type = content_type[:200]
    found.content = data
    found.size = len(data)
    found.sha256 = hashlib.sha256(data).hexdigest()
    found.uploaded_by = by
    found.uploaded_at = utcnow()
    db.session.flush()
    return found


def remove_file(record, kind: str) -> StoredFile | None:
    """Delete the owner's file of `kind`; the removed row (detached), or None if there was none."""
    found = stored_file(record, kind)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    return found
