"""The register as it stands (or stood on a date), loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ACTIVE_MEASURE_STATES,
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    MainGroup,
    Measure,
    MeasureCapability,
    Responsibility,
    StatusAssessment,
    StatusLevel,
)
from capabilities.redaction import ASSESSMENT, CONFIDENTIAL_LABEL, is_hidden, redact

__all__ = ["CONFIDENTIAL_LABEL"]  # re-exported: callers print it in place of hidden content


@dataclass
class StatusView:
    level: int | None
    label: str
    summary: str | None
    assessed_on: date
    target_level: int | None
    justification: str | None
    confidential: bool
    redacted: bool
    assessment_id: int

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "label": self.label,
            "summary": self.summary,
            "assessed_on": self.assessed_on.isoformat(),
            "confidential": self.confidential,
        }


@dataclass
class LinkedAssignment:
    assignment_id: int
    title: str
    dnrs: list[str]
    partial: bool


@dataclass
class RegisterRow:
    capability_id: int
    number: str
    title: str
    area_number: str
    area_title: str
    main_group_number: str
    main_group_title: str
    retired_on: date | None
    assignments_note: str | None
    status: StatusView | None = None
    assignments: list[LinkedAssignment] = field(default_factory=list)
    responsibilities: list[tuple[str, str]] = field(default_factory=list)
    actor_ids: set[int] = field(default_factory=set)
    active_measures: int = 0

    def as_json(self) -> dict[str, Any]:
        """The documented, stable shape of `formaga register --format json`."""
        return {
            "number": self.number,
            "title": self.title,
            "area": {"number": self.area_number, "title": self.area_title},
            "main_group": {"number": self.main_group_number, "title": self.main_group_title},
            "retired_on": self.retired_on.isoformat() if self.retired_on else None,
            "assignments_note": self.assignments_note,
            "assignments": [
                {"title": a.title, "dnrs": a.dnrs, "partial": a.partial} for a in self.assignments
            ],
            "responsibilities": [{"actor": n, "role": r} for n, r in self.responsibilities],
            "current_status": self.status.as_json() if self.status else None,
        }


def end_of_day(day: date) -> datetime:
    """The moment a date ends (UTC): links and assessments made that day count."""
    if day >= date.max:  # 9999-12-31 has no next day: its end is the end of time
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def link_active_at(model: Any, moment: datetime | None) -> Any:
    """SQL condition: the end-dated link existed at `moment` (now when None)."""
    if moment is None:
        return model.removed_at.is_(None)
    return sa.and_(
        model.added_at < moment, sa.or_(model.removed_at.is_(None), model.removed_at >= moment)
    )


def current_assessments(as_of: date | None = None) -> sa.Subquery:
    """Each capability's current assessment id (newest assessed_on, then id), as of a date.

    A withdrawn assessment counts until the moment it was withdrawn.
    """
    ranked = sa.select(
        StatusAssessment.id,
        StatusAssessment.capability_id,
        sa.func.row_number()
        .over(
            partition_by=StatusAssessment.capability_id,
            order_by=(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc()),
        )
        .label("rank"),
    )
    if as_of is not None:
        moment = end_of_day(as_of)
        ranked = ranked.where(
            StatusAssessment.assessed_on <= as_of,
            StatusAssessment.created_at < moment,
            StatusAssessment.in_force(moment),
        )
    else:
        ranked = ranked.where(StatusAssessment.in_force())
    inner = ranked.subquery()
    return sa.select(inner.c.id, inner.c.capability_id).where(inner.c.rank == 1).subquery()


def status_view(
    assessment: StatusAssessment, labels: dict[int, str], can_see_confidential: bool
) -> StatusView:
    redacted = is_hidden(assessment.confidential, can_see_confidential)
    shown = redact(
        ASSESSMENT,
        {
            "level": assessment.level,
            "summary": assessment.summary,
            "target_level": assessment.target_level,
            "justification": assessment.justification,
        },
        confidential=assessment.confidential,
        can_see_confidential=can_see_confidential,
    )
    return StatusView(
        level=shown["level"],
        label=CONFIDENTIAL_LABEL if redacted else labels[assessment.level],
        summary=shown["summary"],
        assessed_on=assessment.assessed_on,
        target_level=shown["target_level"],
        justification=shown["justification"],
        confidential=assessment.confidential,
        redacted=redacted,
        assessment_id=assessment.id,
    )


def level_labels(session: so.Session) -> dict[int, str]:
    return dict(session.execute(sa.select(StatusLevel.level, StatusLevel.label)).all())


def register_rows(
    session: so.Session,
    *,
    as_of: date | None = None,
    can_see_confidential: bool = False,
    include_retired: bool = False,
) -> list[RegisterRow]:
    """All capabilities in register order with status, links and counts: six queries."""
    moment = end_of_day(as_of) if as_of else None
    query = (
        sa.select(Capability, Area, MainGroup)
        .join(Capability.area)
        .join(Area.main_group)
        .order_by(Capability.sort_key)
    )
    if as_of is not None:
        query = query.where(
            sa.or_(Capability.retired_on.is_(None), Capability.retired_on > as_of),
            sa.or_(Capability.added_on.is_(None), Capability.added_on <= as_of),
        )
    elif not include_retired:
        query = query.where(Capability.retired_on.is_(None))
    rows: dict[int, RegisterRow] = {}
    for capability, area, group in session.execute(query):
        rows[capability.id] = RegisterRow(
            capability_id=capability.id,
            number=capability.number,
            title=capability.title,
            area_number=area.number,
            area_title=area.title,
            main_group_number=group.number,
            main_group_title=group.title,
            retired_on=capability.retired_on,
            assignments_note=capability.assignments_note,
        )

    labels = level_labels(session)
    current = current_assessments(as_of)
    for assessment in session.scalars(
        sa.select(StatusAssessment).join(current, current.c.id == StatusAssessment.id)
    ):
        if assessment.capability_id in rows:
            rows[assessment.capability_id].status = status_view(
                assessment, labels, can_see_confidential
            )

    dnrs: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(
        sa.select(DiaryNumber.assignment_id, DiaryNumber.number).order_by(
            DiaryNumber.assignment_id, DiaryNumber.position
        )
    ):
        dnrs[assignment_id].append(number)
    for link, title in session.execute(
        sa.select(CapabilityAssignment, Assignment.title)
        .join(Assignment, Assignment.id == CapabilityAssignment.assignment_id)
        .where(link_active_at(CapabilityAssignment, moment))
        .order_by(CapabilityAssignment.position, CapabilityAssignment.id)
    ):
        if link.capability_id in rows:
            rows[link.capability_id].assignments.append(
                LinkedAssignment(link.assignment_id, title, dnrs[link.assignment_id], link.partial)
            )

    for capability_id, actor_id, name, role in session.execute(
        sa.select(Responsibility.capability_id, Actor.id, Actor.name, Responsibility.role)
        .join(Actor, Actor.id == Responsibility.actor_id)
        .where(link_active_at(Responsibility, moment))
        .order_by(Responsibility.role, Actor.name)
    ):
        if capability_id in rows:
            rows[capability_id].responsibilities.append((name, role))
            rows[capability_id].actor_ids.add(actor_id)

    for capability_id, count in session.execute(
        sa.select(MeasureCapability.capability_id, sa.func.count(sa.distinct(Measure.id)))
        .join(Measure, Measure.id == MeasureCapability.measure_id)
        .where(link_active_at(MeasureCapability, moment), Measure.state.in_(ACTIVE_MEASURE_STATES))
        .group_by(MeasureCapability.capability_id)
    ):
        if capability_id in rows:
            rows[capability_id].active_measures = count
    return list(rows.values())
