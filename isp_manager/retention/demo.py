"""Demo data: every record gets its review date, and Cardiff Council has a few records past
theirs (the demo's records are all recent, so a few are dated as if their period had run), for
its IG lead's due list."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..calendar import wales_today
from ..extensions import db
from ..parties.models import Organisation
from . import services
from .registry import KINDS

DUE_PER_KIND = 4


def generate(ctx) -> None:
    services.refresh_all_missing()
    cardiff = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == "la-cardiff"))
    if cardiff is None:
        return
    today = wales_today()
    for kind in KINDS.values():
        table = kind.model.__table__
        ids = db.session.scalars(
            sa.select(table.c.id)
            .where(table.c[kind.owner_column] == cardiff, table.c.retention_review_on.is_not(None))
            .order_by(table.c.retention_review_on, table.c.id)
            .limit(DUE_PER_KIND)
        ).all()
        for n, record_id in enumerate(ids):
            db.session.execute(
                sa.update(table)
                .where(table.c.id == record_id)
                .values(retention_review_on=today - timedelta(days=30 * (n + 1)))
            )
        ctx.count(f"{kind.code} records past their review date (Cardiff)", len(ids))
