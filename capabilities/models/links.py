"""End-dated links: never deleted, so the register can be shown as it stood on any date."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import UTCDateTime, utcnow


class LinkLifecycle:
    """Mixin for link rows: who added them when, and who ended them when."""

    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @so.declared_attr
    def added_by_id(cls) -> so.Mapped[int | None]:
        return so.mapped_column(sa.ForeignKey("users.id"))

    @so.declared_attr
    def removed_by_id(cls) -> so.Mapped[int | None]:
        return so.mapped_column(sa.ForeignKey("users.id"))

    @property
    def is_active(self) -> bool:
        return self.removed_at is None
