"""Government assignments (regeringsuppdrag), their diary numbers, reports and milestones."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow
from capabilities.dnr import ministry_for
from capabilities.models.links import LinkLifecycle

if TYPE_CHECKING:
    from capabilities.models.actor import Actor
    from capabilities.models.register import Capability

ASSIGNMENT_STATUSES = ("pågående", "redovisat", "avslutat")
MILESTONE_KINDS = ("delredovisning", "slutredovisning")


SWEDISH_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


class Assignment(Base):
    """A regeringsuppdrag. A dnr is not unique: a tilläggsuppdrag shares its parent's."""

    __tablename__ = "assignments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seed_key: so.Mapped[str | None] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.Text)
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    decided_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # The decision as the seed prints it when it gives no day ("juli 2022"); decided_on then
    # stays empty rather than holding an invented day.
    decided_printed: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pågående")
    # Where the status is stated, e.g. "seed 002:1894" (seeded) or a user's note.
    status_source: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    diary_numbers: so.Mapped[list[DiaryNumber]] = so.relationship(
        back_populates="assignment", order_by="DiaryNumber.position", cascade="all, delete-orphan"
    )
    recipients: so.Mapped[list[AssignmentRecipient]] = so.relationship(
        back_populates="assignment",
        # lead first, then recipients before partners
        order_by="(AssignmentRecipient.is_lead.desc(), AssignmentRecipient.role, "
        "AssignmentRecipient.actor_id)",
        cascade="all, delete-orphan",
    )
    reports: so.Mapped[list[AssignmentReport]] = so.relationship(
        back_populates="assignment",
        order_by="AssignmentReport.position",
        cascade="all, delete-orphan",
    )
    milestones: so.Mapped[list[Milestone]] = so.relationship(
        back_populates="assignment",
        order_by="(Milestone.due_on, Milestone.id)",
        cascade="all, delete-orphan",
    )
    capability_links: so.Mapped[list[CapabilityAssignment]] = so.relationship(
        back_populates="assignment", viewonly=True
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('pågående', 'redovisat', 'avslutat')", name="status"),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def dnrs(self) -> list[str]:
        return [dn.number for dn in self.diary_numbers]

    @property
    def ministry(self) -> str | None:
        """Issuing ministry, derived from the first dnr's prefix."""
        return ministry_for(self.diary_numbers[0].number) if self.diary_numbers else None

    def decided_no_later_than(self) -> date | None:
        """The earliest day the decision can have been: decided_on, or the first of the month a
        printed "juli 2022" names. Nothing about the assignment (a delivery) can come before."""
        if self.decided_on is not None:
            return self.decided_on
        month, _, year = (self.decided_printed or "").strip().lower().partition(" ")
        if month in SWEDISH_MONTHS and year.isdigit():
            return date(int(year), SWEDISH_MONTHS.index(month) + 1, 1)
        return None

    @property
    def lead(self) -> Actor | None:
        return next((r.actor for r in self.recipients if r.is_lead), None)

    @property
    def next_milestone(self) -> Milestone | None:
        """The earliest milestone not yet done (overdue ones included; not an unconfirmed
        seeded deadline, which the register cannot vouch for)."""
        pending = [m for m in self.milestones if not m.is_done and m.confirmed]
        return min(pending, key=lambda m: m.due_on) if pending else None


class DiaryNumber(Base):
    """A diarienummer of an assignment, normalised (S2022/04550) and as printed."""

    __tablename__ = "diary_numbers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    printed: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    is_partial: so.Mapped[bool] = so.mapped_column(default=False)
    position: so.Mapped[int] = so.mapped_column(default=0)

    assignment: so.Mapped[Assignment] = so.relationship(back_populates="diary_numbers")


RECIPIENT_ROLES = ("mottagare", "samarbetspart")


class AssignmentRecipient(Base):
    """An actor the assignment was given to (one may be the lead), or a named partner.

    `mottagare`: the assignment is given to the actor; `samarbetspart`: the text names the actor
    as one to work with ("i samarbete med"), not as a recipient.
    """

    __tablename__ = "assignment_recipients"

    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("actors.id"), primary_key=True)
    is_lead: so.Mapped[bool] = so.mapped_column(default=False)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="mottagare")

    assignment: so.Mapped[Assignment] = so.relationship(back_populates="recipients")
    actor: so.Mapped[Actor] = so.relationship()

    __table_args__ = (sa.CheckConstraint("role IN ('mottagare', 'samarbetspart')", name="role"),)


class AssignmentReport(Base):
    """A report delivered for an assignment ("Redovisat"), e.g. "Artikelnummer 2023-5-8526"."""

    __tablename__ = "assignment_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    reference: so.Mapped[str] = so.mapped_column(sa.Text)
    reported_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # The date as printed when the source gives less than a day, e.g. "februari 2023".
    reported_printed: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    is_final: so.Mapped[bool] = so.mapped_column(default=False)
    source: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    assignment: so.Mapped[Assignment] = so.relationship(back_populates="reports")


class Milestone(Base):
    """A delredovisning or slutredovisning deadline."""

    __tablename__ = "milestones"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    due_on: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    is_done: so.Mapped[bool] = so.mapped_column(default=False)
    done_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    report_reference: so.Mapped[str | None] = so.mapped_column(sa.Text)
    source: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    assignment: so.Mapped[Assignment] = so.relationship(back_populates="milestones")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('delredovisning', 'slutredovisning')", name="kind"),
    )

    # False for a seeded deadline that had passed when it was seeded: whether it was met is not
    # known until an admin records the delivery or confirms it was missed ("Ej bekräftad").
    confirmed: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    def is_overdue(self, today: date) -> bool:
        """Past due with no delivery recorded ("Redovisning ej registrerad"); an unconfirmed
        seeded deadline is not overdue, since the register cannot vouch for it."""
        return self.confirmed and not self.is_done and self.due_on < today

    @classmethod
    def pending(cls) -> sa.ColumnElement[bool]:
        """SQL: still to be reported and tracked by the register (neither delivered nor an
        unconfirmed seeded deadline): what lists, counts, gaps and tasks consider."""
        return sa.and_(cls.is_done.is_(False), cls.confirmed.is_(True))

    @classmethod
    def unconfirmed_before(cls, today: date) -> sa.ColumnElement[bool]:
        """SQL for `is_unconfirmed(today)`."""
        return sa.and_(cls.confirmed.is_(False), cls.is_done.is_(False), cls.due_on < today)

    def is_unconfirmed(self, today: date) -> bool:
        """A seeded deadline already past, not yet confirmed delivered or missed."""
        return not self.confirmed and not self.is_done and self.due_on < today


class CapabilityAssignment(LinkLifecycle, Base):
    """Capability ↔ assignment; `partial` is Bilaga 3's "(delvis)"."""

    __tablename__ = "capability_assignments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"), index=True)
    assignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assignments.id"), index=True)
    partial: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # The row's citation exactly as Bilaga 3 prints it; the assignment keeps one canonical title.
    cited_as: so.Mapped[str | None] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column(default=0)

    capability: so.Mapped[Capability] = so.relationship(back_populates="assignment_links")
    assignment: so.Mapped[Assignment] = so.relationship(back_populates="capability_links")
