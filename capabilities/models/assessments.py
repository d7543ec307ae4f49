"""The status scale and the append-only status assessments (statusbeskrivningar)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from capabilities.models.register import Capability
    from capabilities.models.rounds import ReportingRound
    from capabilities.models.user import User


class StatusLevel(Base):
    """One step of the five-level scale (WHO JEE/SPAR). The meaning is fixed, labels are data."""

    __tablename__ = "status_levels"

    level: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    label: so.Mapped[str] = so.mapped_column(sa.String(80))
    label_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    description_en: so.Mapped[str | None] = so.mapped_column(sa.Text)
    colour: so.Mapped[str] = so.mapped_column(sa.String(7))
    version: so.Mapped[int] = so.mapped_column(default=1)

    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class StatusAssessment(Base):
    """A dated assessment of one capability. Never updated: a new one supersedes it."""

    __tablename__ = "status_assessments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"))
    level: so.Mapped[int] = so.mapped_column(sa.ForeignKey("status_levels.level"))
    target_level: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("status_levels.level"))
    summary: so.Mapped[str] = so.mapped_column(sa.Text)
    justification: so.Mapped[str | None] = so.mapped_column(sa.Text)
    organisations: so.Mapped[str | None] = so.mapped_column(sa.Text)
    assessed_on: so.Mapped[date] = so.mapped_column(sa.Date)
    confidential: so.Mapped[bool] = so.mapped_column(default=False)
    secrecy_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    withdrawn_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    withdrawn_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Approved in a reporting round: created_by is the member who wrote it, these say who
    # approved it and in which round (the round keeps the decision itself, round_approvals).
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"))

    capability: so.Mapped[Capability] = so.relationship(back_populates="assessments")
    created_by: so.Mapped[User] = so.relationship(foreign_keys=[created_by_id])
    withdrawn_by: so.Mapped[User | None] = so.relationship(foreign_keys=[withdrawn_by_id])
    approved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[approved_by_id])
    round: so.Mapped[ReportingRound | None] = so.relationship()

    __table_args__ = (
        sa.Index("ix_status_assessments_current", "capability_id", "assessed_on", "id"),
    )

    @classmethod
    def in_force(cls, moment: datetime | None = None) -> sa.ColumnElement[bool]:
        """SQL condition: not withdrawn at `moment` (now when None)."""
        if moment is None:
            return cls.withdrawn_at.is_(None)
        return sa.or_(cls.withdrawn_at.is_(None), cls.withdrawn_at >= moment)
