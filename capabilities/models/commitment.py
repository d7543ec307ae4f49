"""Commitments other than government assignments (e.g. Nordiska rådets rek. 14/2023, seed 001).

Linked to capabilities like assignments are, with the reason for each link; clauses and the facts
the issuer records are kept as printed, each with its seed line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base
from capabilities.models.links import LinkLifecycle

if TYPE_CHECKING:
    from capabilities.models.register import Capability


class Commitment(Base):
    """An international or sector commitment (åtagande), with its status as its issuer states it."""

    __tablename__ = "commitments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(60))
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    issuer: so.Mapped[str] = so.mapped_column(sa.String(200))
    addressee: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    status: so.Mapped[str] = so.mapped_column(sa.String(200))
    status_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    source: so.Mapped[str] = so.mapped_column(sa.String(200))

    clauses: so.Mapped[list[CommitmentClause]] = so.relationship(
        order_by="CommitmentClause.number", viewonly=True
    )
    facts: so.Mapped[list[CommitmentFact]] = so.relationship(
        order_by="CommitmentFact.id", viewonly=True
    )
    capability_links: so.Mapped[list[CommitmentCapability]] = so.relationship(viewonly=True)


class CommitmentClause(Base):
    __tablename__ = "commitment_clauses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    commitment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commitments.id"), index=True)
    number: so.Mapped[int] = so.mapped_column()
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))


class CommitmentFact(Base):
    """A fact the commitment's answer records (a joint tender round, a report and its date …)."""

    __tablename__ = "commitment_facts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    commitment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commitments.id"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))


class CommitmentCapability(LinkLifecycle, Base):
    """Commitment ↔ capability, with why the commitment bears on it."""

    __tablename__ = "commitment_capabilities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    commitment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commitments.id"), index=True)
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)

    capability: so.Mapped[Capability] = so.relationship()
