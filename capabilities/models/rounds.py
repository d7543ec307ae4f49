"""Reporting rounds (uppföljningsomgångar): entries per capability, approvals, the snapshot.

A round's content lives beside the register, never in it: drafts and submissions are round
entries; an approval records the exact version approved and, through the status service, a
normal StatusAssessment, so the register's own history is untouched. Closing stores a canonical
JSON snapshot with its SHA-256; the snapshot is never updated.

Reviewers (granskare) are appointed per round by the admin who opens it (any active medlem or
admin), not by a global role: who reviews changes from one reporting cycle to the next.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from capabilities.models.actor import Actor
    from capabilities.models.register import Area, Capability
    from capabilities.models.user import User

ROUND_STATUSES = ("öppen", "stängd")
# "ej påbörjad" is the absence of an entry; an entry is created by the first draft.
NOT_STARTED = "ej påbörjad"
ENTRY_STATES = ("utkast", "inskickad", "återremitterad", "fastställd")
ALL_ENTRY_STATES = (NOT_STARTED, *ENTRY_STATES)
DECISIONS = ("fastställd", "återremitterad")


class ReportingRound(Base):
    """Uppföljningsomgång, e.g. "Lägesbild 2026". At most one is open."""

    __tablename__ = "reporting_rounds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    reference_date: so.Mapped[date] = so.mapped_column(sa.Date)
    deadline: so.Mapped[date] = so.mapped_column(sa.Date)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="öppen")
    opened_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    opened_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    version: so.Mapped[int] = so.mapped_column(default=1)

    opened_by: so.Mapped[User] = so.relationship(foreign_keys=[opened_by_id])
    closed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[closed_by_id])
    reviewers: so.Mapped[list[RoundReviewer]] = so.relationship(
        back_populates="round", order_by="RoundReviewer.id"
    )
    area_organisations: so.Mapped[list[RoundAreaOrganisation]] = so.relationship(
        back_populates="round", order_by="RoundAreaOrganisation.id"
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('öppen', 'stängd')", name="status"),
        # One open round at a time, enforced by the database too.
        sa.Index(
            "ix_reporting_rounds_one_open",
            "status",
            unique=True,
            sqlite_where=sa.text("status = 'öppen'"),
            postgresql_where=sa.text("status = 'öppen'"),
        ),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_open(self) -> bool:
        return self.status == "öppen"


class RoundReviewer(Base):
    """A granskare appointed for one round."""

    __tablename__ = "round_reviewers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)

    round: so.Mapped[ReportingRound] = so.relationship(back_populates="reviewers")
    user: so.Mapped[User] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("round_id", "user_id"),)


class RoundAreaOrganisation(Base):
    """Optional: which organisation answers for which area in a round."""

    __tablename__ = "round_area_organisations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"), index=True)
    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("areas.id"))
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("actors.id"))

    round: so.Mapped[ReportingRound] = so.relationship(back_populates="area_organisations")
    area: so.Mapped[Area] = so.relationship()
    actor: so.Mapped[Actor] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("round_id", "area_id", "actor_id"),)


class RoundEntry(Base):
    """One capability's draft/submitted/approved assessment in a round, with its workflow state.

    `content_version` grows with every saved change of the content; an approval names the
    content version it applied to. `version` is the row's optimistic-concurrency counter.
    """

    __tablename__ = "round_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"))
    capability_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("capabilities.id"), index=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="utkast")
    level: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("status_levels.level"))
    target_level: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("status_levels.level"))
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    justification: so.Mapped[str | None] = so.mapped_column(sa.Text)
    confidential: so.Mapped[bool] = so.mapped_column(default=False)
    secrecy_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    content_version: so.Mapped[int] = so.mapped_column(default=1)
    updated_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    submitted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    return_comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    approved_assessment_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("status_assessments.id")
    )
    version: so.Mapped[int] = so.mapped_column(default=1)

    round: so.Mapped[ReportingRound] = so.relationship()
    capability: so.Mapped[Capability] = so.relationship()
    updated_by: so.Mapped[User] = so.relationship(foreign_keys=[updated_by_id])
    submitted_by: so.Mapped[User | None] = so.relationship(foreign_keys=[submitted_by_id])
    approvals: so.Mapped[list[RoundApproval]] = so.relationship(
        back_populates="entry", order_by="RoundApproval.id", viewonly=True
    )

    __table_args__ = (
        sa.UniqueConstraint("round_id", "capability_id"),
        sa.CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in ENTRY_STATES) + ")", name="state"
        ),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RoundApproval(Base):
    """A reviewer's decision on one content version of an entry. Append-only."""

    __tablename__ = "round_approvals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("round_entries.id"), index=True)
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    decision: so.Mapped[str] = so.mapped_column(sa.String(20))
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    content_version: so.Mapped[int] = so.mapped_column()
    # SHA-256 of the entry's canonical content at the decision: the exact state it applied to.
    content_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))

    entry: so.Mapped[RoundEntry] = so.relationship(back_populates="approvals")
    reviewer: so.Mapped[User] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("decision IN ('fastställd', 'återremitterad')", name="decision"),
    )


class RoundSnapshot(Base):
    """The frozen content of a closed round: canonical JSON and its SHA-256. Never updated."""

    __tablename__ = "round_snapshots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"), unique=True)
    content: so.Mapped[str] = so.mapped_column(sa.Text)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    round: so.Mapped[ReportingRound] = so.relationship()


class RoundDocument(Base):
    """A closed round's report (PDF or xlsx) rendered once and kept: the next download is
    served from here. `fingerprint` is the SHA-256 of everything the document is made from, as
    the viewer may see it (capabilities/reports/round_documents.py): a change of content or of
    a secrecy marking is another fingerprint, so a stored document is never out of date."""

    __tablename__ = "round_documents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_rounds.id"))
    snapshot_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    format: so.Mapped[str] = so.mapped_column(sa.String(8))
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("round_id", "format", "fingerprint"),
        sa.CheckConstraint("format IN ('pdf', 'xlsx')", name="format"),
    )
