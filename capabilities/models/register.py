"""The register's structure: main groups → areas → capabilities (delförmågor)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from capabilities.models.actor import Responsibility
    from capabilities.models.assessments import StatusAssessment
    from capabilities.models.assignment import CapabilityAssignment


def capability_sort_key(number: str) -> str:
    """'3.2.10' → '0003.0002.0010', so that 3.2.10 sorts after 3.2.9 in plain SQL ORDER BY."""
    return ".".join(f"{int(part):04d}" for part in number.split("."))


class MainGroup(Base):
    """Huvudgrupp: a stage of supply (Tabell 1)."""

    __tablename__ = "main_groups"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.Text)
    stage: so.Mapped[str] = so.mapped_column(sa.Text)
    desired_capability: so.Mapped[str] = so.mapped_column(sa.Text)
    sort_key: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)

    areas: so.Mapped[list[Area]] = so.relationship(
        back_populates="main_group", order_by="Area.sort_key"
    )


class Area(Base):
    """Del/område, e.g. 1.1 Robust lagerhållning."""

    __tablename__ = "areas"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.Text)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    main_group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("main_groups.id"), index=True)
    sort_key: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)

    main_group: so.Mapped[MainGroup] = so.relationship(back_populates="areas")
    capabilities: so.Mapped[list[Capability]] = so.relationship(
        back_populates="area", order_by="Capability.sort_key"
    )


class Capability(Base):
    """Delförmåga: a row of the register. Retired, never deleted."""

    __tablename__ = "capabilities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.Text)
    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("areas.id"), index=True)
    sort_key: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    assignments_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    added_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    retired_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    area: so.Mapped[Area] = so.relationship(back_populates="capabilities")
    assessments: so.Mapped[list[StatusAssessment]] = so.relationship(
        back_populates="capability",
        order_by="(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc())",
        viewonly=True,
    )
    assignment_links: so.Mapped[list[CapabilityAssignment]] = so.relationship(
        back_populates="capability", viewonly=True
    )
    responsibilities: so.Mapped[list[Responsibility]] = so.relationship(
        back_populates="capability", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
