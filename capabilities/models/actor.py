"""Actors (organisations) and their responsibility for capabilities."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base
from capabilities.models.links import LinkLifecycle

if TYPE_CHECKING:
    from capabilities.models.register import Capability

ACTOR_KINDS = (
    "myndighet",
    "region",
    "kommun",
    "branschorganisation",
    "företag",
    "samverkansforum",
    "internationell",
    "kunskapsstyrning",  # NPO/NAG (seed 000)
)
RESPONSIBILITY_ROLES = ("ansvarar", "kan_ansvara")


class Actor(Base):
    """A public or private organisation that has, or could have, responsibility."""

    __tablename__ = "actors"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    short_name: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    is_public: so.Mapped[bool] = so.mapped_column(default=True)
    is_beredskapsmyndighet: so.Mapped[bool | None] = so.mapped_column()
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Where the seeds name the actor (e.g. "002:2306", "000:90-92"); None for actors users add.
    source: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    retired_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    version: so.Mapped[int] = so.mapped_column(default=1)

    responsibilities: so.Mapped[list[Responsibility]] = so.relationship(
        back_populates="actor", viewonly=True
    )

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in ACTOR_KINDS) + ")", name="kind"
        ),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class Responsibility(LinkLifecycle, Base):
    """Capability ↔ actor: `ansvarar` (has responsibility) or `kan_ansvara` (could have)."""

    __tablename__ = "responsibilities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"), index=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("actors.id"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    capability: so.Mapped[Capability] = so.relationship(back_populates="responsibilities")
    actor: so.Mapped[Actor] = so.relationship(back_populates="responsibilities")

    __table_args__ = (sa.CheckConstraint("role IN ('ansvarar', 'kan_ansvara')", name="role"),)
