"""Procurement proposals (seed 000), their process steps, and industry contacts (seed 004).

A proposal is a kind of capability-raising measure: the Measure row holds its title, description,
linked capabilities and confidentiality; the proposal row holds the guidance's ten answers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from capabilities.models.measure import Measure
    from capabilities.models.user import User

PROPOSAL_CATEGORIES = ("a", "b")
YES_NO = ("ja", "nej")
CONTRACT_ANSWERS = ("ja", "nej", "vet_ej")

# Seed 000's path: NPO/NAG förslag → inköpsfunktionens bedömning → MTP-rådet/NSG →
# hälsoekonomisk utvärdering/rekommendation → upphandling → avtal; "avslutat" ends it without one.
PROPOSAL_STAGES = (
    "forslag",
    "inkopsfunktion",
    "mtp_nsg",
    "halsoekonomi",
    "upphandling",
    "avtal",
    "avslutat",
)
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    "forslag": ("inkopsfunktion", "avslutat"),
    "inkopsfunktion": ("mtp_nsg", "upphandling", "avslutat"),
    "mtp_nsg": ("halsoekonomi", "upphandling", "avslutat"),
    "halsoekonomi": ("upphandling", "avslutat"),
    "upphandling": ("avtal", "avslutat"),
    "avtal": (),
    "avslutat": (),
}
# Who decides a step (seed 000 steps 3–5 and "Vilka aktörer kan vara aktuella …").
DECIDING_BODIES = (
    "NPO/NAG",
    "MTP-rådets inköpsfunktion",
    "MTP-rådet",
    "NSG Läkemedel och Medicinteknik",
    "Upphandlande organisation",
)
NSG = "NSG Läkemedel och Medicinteknik"
# Who runs the procurement; Adda and Inera only after a decision in NSG (000:90-96).
PROCURING_BODIES = ("region", "adda", "inera")
CONTACT_FORMS = ("mote", "digitalt_mote", "skriftlig")
# Seed 004 (lines 64-65): the four principles of the cooperation rules v3.0.
PRINCIPLES = ("fortroende", "transparens", "mattfullhet", "dokumentation")  # see guidance.py


class ProcurementProposal(Base):
    """Förslag till nationell upphandling: the a/b category and the answers to the ten questions."""

    __tablename__ = "procurement_proposals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    measure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("measures.id"), unique=True)
    proposing_group: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    product: so.Mapped[str | None] = so.mapped_column(sa.Text)  # question 1
    category: so.Mapped[str | None] = so.mapped_column(sa.String(1))  # question 2
    consensus: so.Mapped[str | None] = so.mapped_column(sa.String(3))  # question 3
    consensus_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    interested_regions: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)  # q 4
    existing_contract: so.Mapped[str | None] = so.mapped_column(sa.String(6))  # question 5
    contract_ends_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    contract_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    expected_need_per_year: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)  # q 6
    expected_need: so.Mapped[str | None] = so.mapped_column(sa.Text)
    preparedness_relevance: so.Mapped[str | None] = so.mapped_column(sa.Text)  # question 7
    health_economic_relevance: so.Mapped[str | None] = so.mapped_column(sa.String(3))  # q 8
    health_economic_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    external_health_data: so.Mapped[str | None] = so.mapped_column(sa.String(3))  # q 9
    external_health_data_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    consulted_procurement: so.Mapped[str | None] = so.mapped_column(sa.String(3))  # q 10
    consulted_regions: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    stage: so.Mapped[str] = so.mapped_column(sa.String(20), default="forslag")
    procuring_body: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    procuring_region: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    measure: so.Mapped[Measure] = so.relationship()
    steps: so.Mapped[list[ProposalStep]] = so.relationship(
        back_populates="proposal", order_by="ProposalStep.id", viewonly=True
    )

    __table_args__ = (
        sa.CheckConstraint(
            "stage IN (" + ", ".join(f"'{s}'" for s in PROPOSAL_STAGES) + ")", name="stage"
        ),
        sa.CheckConstraint("category IN ('a', 'b')", name="category"),
        sa.CheckConstraint("procuring_body IN ('region', 'adda', 'inera')", name="procuring_body"),
    )
    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class ProposalStep(Base):
    """One decision on the proposal's path: the stage it entered, when, what and who decided."""

    __tablename__ = "proposal_steps"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    proposal_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("procurement_proposals.id"), index=True
    )
    from_stage: so.Mapped[str] = so.mapped_column(sa.String(20))
    to_stage: so.Mapped[str] = so.mapped_column(sa.String(20))
    decided_on: so.Mapped[date] = so.mapped_column(sa.Date)
    decided_by: so.Mapped[str] = so.mapped_column(sa.String(60))
    decision: so.Mapped[str] = so.mapped_column(sa.Text)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    proposal: so.Mapped[ProcurementProposal] = so.relationship(back_populates="steps")
    recorded_by: so.Mapped[User] = so.relationship()


class IndustryContact(Base):
    """A documented contact with industry about a measure or proposal (seed 004)."""

    __tablename__ = "industry_contacts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    measure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("measures.id"), index=True)
    contacted_on: so.Mapped[date] = so.mapped_column(sa.Date)
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200))
    participants: so.Mapped[str] = so.mapped_column(sa.Text)
    form: so.Mapped[str] = so.mapped_column(sa.String(20))
    purpose: so.Mapped[str] = so.mapped_column(sa.Text)
    benefits: so.Mapped[str | None] = so.mapped_column(sa.Text)
    documented_in: so.Mapped[str] = so.mapped_column(sa.String(300))
    principles: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    created_by: so.Mapped[User] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("form IN ('mote', 'digitalt_mote', 'skriftlig')", name="form"),
    )
