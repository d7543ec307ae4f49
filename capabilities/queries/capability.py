"""One capability's page: text, status history with trend, links, measures, audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import NotFound
from capabilities.models import (
    Actor,
    Area,
    Assignment,
    AuditEvent,
    Capability,
    CapabilityAssignment,
    Measure,
    MeasureCapability,
    Responsibility,
    StatusAssessment,
)
from capabilities.queries.api_shapes import Trend
from capabilities.queries.register import StatusView, level_labels, status_view
from capabilities.redaction import ASSESSMENT, redact_record

AUDIT_LIMIT = 100


@dataclass
class Withdrawal:
    """Who withdrew an assessment, when and why (the reason is redacted like its content)."""

    at: datetime
    by: str
    reason: str | None


@dataclass
class HistoryEntry:
    status: StatusView
    trend: Trend | None  # None for the first, withdrawn or when hidden
    created_by: str
    organisations: str | None
    secrecy_ref: str | None
    assessment_id: int = 0
    created_by_id: int = 0
    withdrawal: Withdrawal | None = None
    approved_by: str | None = None  # approved in a reporting round: the reviewer …
    approved_in: str | None = None  # … and the round's name; created_by wrote it


@dataclass
class CapabilityDetail:
    capability: Capability
    labels: dict[int, str]
    history: list[HistoryEntry]
    links: list[CapabilityAssignment]
    responsibilities: list[Responsibility]
    measures: list[Measure]
    audit: list[AuditEvent]
    audit_subjects: dict[tuple[str, int], str]

    @property
    def current(self) -> HistoryEntry | None:
        """The newest assessment not withdrawn."""
        return next((e for e in self.history if e.withdrawal is None), None)


def trend(newer: StatusView, older: StatusView | None) -> Trend | None:
    """Computed from history, never typed in; hidden when either level is redacted."""
    if older is None or newer.level is None or older.level is None:
        return None
    if newer.level > older.level:
        return "better"
    return "same" if newer.level == older.level else "worse"


def history_entries(
    assessments: list[StatusAssessment], labels: dict[int, str], can_see_confidential: bool
) -> list[HistoryEntry]:
    """Newest first, each with its trend against the one before it that still counts.

    Withdrawn assessments stay in the list, marked, and take no part in trends. Load
    `created_by`, `withdrawn_by`, `approved_by` and `round` with the assessments.
    """
    views = [status_view(a, labels, can_see_confidential) for a in assessments]
    older: list[StatusView | None] = [None] * len(views)  # the next older one that counts
    last: StatusView | None = None
    for i in range(len(views) - 1, -1, -1):
        older[i] = last
        if assessments[i].withdrawn_at is None:
            last = views[i]
    entries = []
    for view, assessment, previous in zip(views, assessments, older, strict=True):
        shown = redact_record(
            ASSESSMENT,
            assessment,
            ("organisations", "secrecy_ref", "withdrawn_reason"),
            can_see_confidential=can_see_confidential,
        )
        withdrawal = None
        change = None
        if assessment.withdrawn_at is not None:
            by = assessment.withdrawn_by.display_name if assessment.withdrawn_by else ""
            withdrawal = Withdrawal(assessment.withdrawn_at, by, shown["withdrawn_reason"])
        else:
            change = trend(view, previous)
        entries.append(
            HistoryEntry(
                status=view,
                trend=change,
                created_by=assessment.created_by.display_name,
                organisations=shown["organisations"],
                secrecy_ref=shown["secrecy_ref"],
                assessment_id=assessment.id,
                created_by_id=assessment.created_by_id,
                withdrawal=withdrawal,
                approved_by=assessment.approved_by.display_name if assessment.approved_by else None,
                approved_in=assessment.round.name if assessment.round else None,
            )
        )
    return entries


def assessment_history(session: so.Session, capability: Capability) -> list[StatusAssessment]:
    """Every assessment of a capability, withdrawn ones too, newest first, with the people and
    the round that `history_entries` names: one query."""
    return list(
        session.scalars(
            sa.select(StatusAssessment)
            .where(StatusAssessment.capability_id == capability.id)
            .order_by(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc())
            .options(
                so.joinedload(StatusAssessment.created_by),
                so.joinedload(StatusAssessment.withdrawn_by),
                so.joinedload(StatusAssessment.approved_by),
                so.joinedload(StatusAssessment.round),
            )
        )
    )


def capability_detail(
    session: so.Session, number: str, *, can_see_confidential: bool
) -> CapabilityDetail:
    """Everything the capability page shows, in a fixed number of queries."""
    capability = session.scalar(
        sa.select(Capability)
        .where(Capability.number == number)
        .options(so.joinedload(Capability.area).joinedload(Area.main_group))
    )
    if capability is None:
        raise NotFound(f"Delförmåga {number} finns inte i registret.")
    assessments = assessment_history(session, capability)
    links = list(
        session.scalars(
            sa.select(CapabilityAssignment)
            .where(
                CapabilityAssignment.capability_id == capability.id,
                CapabilityAssignment.removed_at.is_(None),
            )
            .order_by(CapabilityAssignment.position, CapabilityAssignment.id)
            .options(
                so.joinedload(CapabilityAssignment.assignment).selectinload(
                    Assignment.diary_numbers
                ),
                so.joinedload(CapabilityAssignment.assignment).selectinload(Assignment.milestones),
            )
        )
    )
    responsibilities = list(
        session.scalars(
            sa.select(Responsibility)
            .where(
                Responsibility.capability_id == capability.id, Responsibility.removed_at.is_(None)
            )
            .order_by(Responsibility.role, Responsibility.id)
            .options(so.joinedload(Responsibility.actor))
        )
    )
    measures = list(
        session.scalars(
            sa.select(Measure)
            .join(MeasureCapability, MeasureCapability.measure_id == Measure.id)
            .where(
                MeasureCapability.capability_id == capability.id,
                MeasureCapability.removed_at.is_(None),
            )
            .order_by(Measure.created_at.desc(), Measure.id.desc())
        )
    )
    audit = list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.capability_id == capability.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_LIMIT)
            .options(so.joinedload(AuditEvent.user))
        )
    )
    labels = level_labels(session)
    return CapabilityDetail(
        capability=capability,
        labels=labels,
        history=history_entries(assessments, labels, can_see_confidential),
        links=links,
        responsibilities=responsibilities,
        measures=measures,
        audit=audit,
        audit_subjects=_audit_subjects(session, audit),
    )


def _audit_subjects(session: so.Session, events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each link event was about (assignment title, actor name): always two queries."""
    subjects: dict[tuple[str, int], str] = {}
    named: tuple[tuple[Any, Any, Any, Any], ...] = (
        # the link, what it links to, the column that names that, the link's foreign key
        (CapabilityAssignment, Assignment, Assignment.title, CapabilityAssignment.assignment_id),
        (Responsibility, Actor, Actor.name, Responsibility.actor_id),
    )
    for link, subject, name, subject_id in named:
        table = link.__tablename__
        ids = {e.entity_id for e in events if e.entity_type == table}
        for link_id, text in session.execute(
            sa.select(link.id, name).join(subject, subject.id == subject_id).where(link.id.in_(ids))
        ):
            subjects[(table, link_id)] = text
    return subjects


BOOKKEEPING = {"id", "version", "updated_at", "created_at", "sort_key", "position", "added_at"}


def changed_fields(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field a person would care about that differs."""
    before, after = event.before or {}, event.after or {}
    keys = [
        k
        for k in dict.fromkeys([*before, *after])
        if k not in BOOKKEEPING and not k.endswith("_id")
    ]
    return [
        (k, before.get(k), after.get(k))
        for k in keys
        if before.get(k) != after.get(k) and not (not before and after.get(k) in (None, "", False))
    ]
