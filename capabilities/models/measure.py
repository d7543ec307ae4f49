"""Capability-raising measures (förmågehöjande åtgärder) and their links."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow
from capabilities.models.links import LinkLifecycle

if TYPE_CHECKING:
    from capabilities.models.actor import Actor
    from capabilities.models.register import Capability

MEASURE_STATES = ("förslag", "prioriterad", "beslutad", "pågående", "genomförd", "avförd")
ACTIVE_MEASURE_STATES = ("prioriterad", "beslutad", "pågående")
PRIORITIES = ("hög", "medel", "låg")


class Measure(Base):
    """A proposed or running action; NAS assesses cost-effectiveness, law and priority."""

    __tablename__ = "measures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="förslag")
    cost_effectiveness: so.Mapped[str | None] = so.mapped_column(sa.Text)
    legal_assessment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    priority: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    confidential: so.Mapped[bool] = so.mapped_column(default=False)
    secrecy_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    capability_links: so.Mapped[list[MeasureCapability]] = so.relationship(
        back_populates="measure", viewonly=True
    )
    actor_links: so.Mapped[list[MeasureActor]] = so.relationship(
        back_populates="measure", viewonly=True
    )

    __table_args__ = (
        sa.CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in MEASURE_STATES) + ")", name="state"
        ),
        sa.CheckConstraint("priority IN ('hög', 'medel', 'låg')", name="priority"),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_MEASURE_STATES


class MeasureCapability(LinkLifecycle, Base):
    __tablename__ = "measure_capabilities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    measure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("measures.id"), index=True)
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"), index=True)

    measure: so.Mapped[Measure] = so.relationship(back_populates="capability_links")
    capability: so.Mapped[Capability] = so.relationship()


class MeasureActor(LinkLifecycle, Base):
    __tablename__ = "measure_actors"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    measure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("measures.id"), index=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("actors.id"), index=True)

    measure: so.Mapped[Measure] = so.relationship(back_populates="actor_links")
    actor: so.Mapped[Actor] = so.relationship()
