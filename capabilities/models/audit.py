"""The audit log: every change, who made it, before and after. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from capabilities.models.user import User


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    entity_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[int | None] = so.mapped_column()
    capability_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("capabilities.id"), index=True
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    # True when before/after hold confidential content: shown only to cleared users.
    confidential: so.Mapped[bool] = so.mapped_column(default=False)
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)

    user: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)
