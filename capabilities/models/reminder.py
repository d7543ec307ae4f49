"""The e-mail reminder log: which state of which deadline each user has been told about."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

# open: a task without a date or with its date more than 14 days away; due_soon: within 14
# days; overdue: its date has passed.
REMINDER_STATES = ("open", "due_soon", "overdue")


class ReminderNotice(Base):
    """One task in one state (and on one date) that a digest told a user about.

    A row is written only after the SMTP server accepted the digest, so a failed send leaves
    nothing behind and the task is sent on the next run; a row never repeats (unique key).
    """

    __tablename__ = "reminder_notices"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    task_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    state: so.Mapped[str] = so.mapped_column(sa.String(20))
    due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("state IN ('open', 'due_soon', 'overdue')", name="state"),
        sa.UniqueConstraint("user_id", "task_key", "state", "due_on", name="uq_reminder_notice"),
    )
