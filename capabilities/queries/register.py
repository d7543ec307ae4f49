"""The register as it stands (or stood on a date), loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import UTCDateTime
from capabilities.i18n import label_language
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
from capabilities.queries import api_shapes as shapes
from capabilities.redaction import ASSESSMENT, CONFIDENTIAL_LABEL, is_hidden, redact_record

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

    def as_json(self) -> shapes.CurrentStatus:
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

    def as_json(self) -> shapes.Capability:
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


def counts_as_of(as_of: date | None) -> sa.ColumnElement[bool]:
    """SQL condition: an assessment counts on `as_of` (assessed and recorded by then, and not
    withdrawn by then); today's register when None.

    With `counts_at` the one place that decides which assessments can be current; every
    "latest assessment" query of the register, the gap analysis and the dashboard uses them.
    """
    if as_of is None:
        return StatusAssessment.in_force(None)
    return counts_at(sa.literal(as_of, sa.Date()), sa.literal(end_of_day(as_of), UTCDateTime()))


def counts_at(day: Any, moment: Any) -> sa.ColumnElement[bool]:
    """SQL condition: an assessment counts on the date `day` whose end is `moment` (both SQL
    expressions, e.g. the columns of a table of dates): assessed and recorded by then, and not
    withdrawn by then."""
    return sa.and_(
        StatusAssessment.assessed_on <= day,
        StatusAssessment.created_at < moment,
        StatusAssessment.in_force(moment),
    )


def newest_assessment_id(as_of: date | None = None, rank: int = 1) -> Any:
    """Correlated scalar subquery: the id of the enclosing query's Capability's current
    assessment as of a date (rank 2: the one before it), or NULL. One indexed lookup."""
    return (
        sa.select(StatusAssessment.id)
        .where(StatusAssessment.capability_id == Capability.id, counts_as_of(as_of))
        .order_by(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc())
        .limit(1)
        .offset(rank - 1)
        .correlate(Capability)
        .scalar_subquery()
    )


def latest_assessments(
    as_of: date | None = None, depth: int = 1, *, capability_ids: Sequence[int] | None = None
) -> sa.Subquery:
    """Each capability's `depth` newest assessments (assessed_on, then id) as of a date.

    Columns: id, capability_id, level, target_level, assessed_on, confidential and rank
    (1 = current, 2 = the one before it, ...). For each rank, one indexed lookup per capability
    (ix_status_assessments_current read backwards), so the cost follows the number of
    capabilities, not the length of their history; a window function over the whole history
    sorted all of it (7 s for 248,000 assessments on SQLite). `capability_ids` limits it to
    those capabilities (a page of the overview).
    """
    scope: sa.ColumnElement[bool] = sa.true()
    if capability_ids is not None:
        scope = Capability.id.in_(capability_ids)
    ranks = []
    for rank in range(1, depth + 1):
        newest = newest_assessment_id(as_of, rank)
        ranks.append(
            sa.select(
                StatusAssessment.id,
                StatusAssessment.capability_id,
                StatusAssessment.level,
                StatusAssessment.target_level,
                StatusAssessment.assessed_on,
                StatusAssessment.confidential,
                sa.literal(rank, sa.Integer()).label("rank"),
            )
            .select_from(Capability)
            .join(StatusAssessment, StatusAssessment.id == newest)
            .where(scope)
        )
    return (ranks[0] if depth == 1 else sa.union_all(*ranks)).subquery()


def current_assessments(as_of: date | None = None) -> sa.Subquery:
    """Each capability's current assessment id (newest assessed_on, then id), as of a date."""
    return latest_assessments(as_of, 1)


def status_view(
    assessment: StatusAssessment, labels: dict[int, str], can_see_confidential: bool
) -> StatusView:
    redacted = is_hidden(assessment.confidential, can_see_confidential)
    shown = redact_record(
        ASSESSMENT,
        assessment,
        ("level", "summary", "target_level", "justification"),
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


@dataclass(frozen=True)
class LevelOption:
    """One step of the scale as a form offers it: value, "3 – label" and description."""

    value: str
    label: str
    description: str | None


def level_options(session: so.Session) -> list[LevelOption]:
    """The scale in the interface language (label_language): the one source of the level
    radios on every form (register and round), never StatusLevel.label read directly."""
    english = label_language.get() == "en"
    return [
        LevelOption(
            str(lvl.level),
            f"{lvl.level} – {lvl.label_en if english else lvl.label}",
            (lvl.description_en or lvl.description) if english else lvl.description,
        )
        for lvl in session.scalars(sa.select(StatusLevel).order_by(StatusLevel.level))
    ]


def level_labels(session: so.Session) -> dict[int, str]:
    """Level → label: Swedish, or the JEE English label when the interface is in English."""
    column = StatusLevel.label_en if label_language.get() == "en" else StatusLevel.label
    return dict(session.execute(sa.select(StatusLevel.level, column)).all())


def capability_scope(as_of: date | None, include_retired: bool) -> sa.ColumnElement[bool]:
    """SQL condition: the capability belongs in the register (as it stood on `as_of`)."""
    if as_of is not None:
        return sa.and_(
            sa.or_(Capability.retired_on.is_(None), Capability.retired_on > as_of),
            sa.or_(Capability.added_on.is_(None), Capability.added_on <= as_of),
        )
    if not include_retired:
        return Capability.retired_on.is_(None)
    return sa.true()


def register_ids(as_of: date | None = None, *, include_retired: bool = False) -> sa.Select[int]:
    """Ids of the capabilities in the register (as it stood on `as_of`), in register order: the
    statement a page of the register is cut from."""
    return (
        sa.select(Capability.id)
        .where(capability_scope(as_of, include_retired))
        .order_by(Capability.sort_key, Capability.id)
    )


def register_rows(
    session: so.Session,
    *,
    as_of: date | None = None,
    can_see_confidential: bool = False,
    include_retired: bool = False,
    capability_ids: Sequence[int] | None = None,
) -> list[RegisterRow]:
    """Capabilities in register order with status, links and counts: seven queries.

    `capability_ids` restricts every query to those capabilities (one page of the overview);
    without it the whole register is loaded.
    """
    moment = end_of_day(as_of) if as_of else None
    wanted = sorted(set(capability_ids)) if capability_ids is not None else None

    def only(column: Any) -> sa.ColumnElement[bool]:
        return column.in_(wanted) if wanted is not None else sa.true()

    query = (
        sa.select(Capability, Area, MainGroup)
        .join(Capability.area)
        .join(Area.main_group)
        .where(capability_scope(as_of, include_retired), only(Capability.id))
        .order_by(Capability.sort_key)
    )
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
    current = latest_assessments(as_of, 1, capability_ids=wanted)
    for assessment in session.scalars(
        sa.select(StatusAssessment).join(current, current.c.id == StatusAssessment.id)
    ):
        if assessment.capability_id in rows:
            rows[assessment.capability_id].status = status_view(
                assessment, labels, can_see_confidential
            )

    # A page's links look their assignment up by primary key (a correlated title), and its
    # diary numbers by the assignment ids just loaded: PostgreSQL answered joins and `IN
    # (subquery)` here by reading every assignment and diary number (20,000 at 100×).
    title = (
        sa.select(Assignment.title)
        .where(Assignment.id == CapabilityAssignment.assignment_id)
        .correlate(CapabilityAssignment)
        .scalar_subquery()
    )
    links = session.execute(
        sa.select(CapabilityAssignment, title)
        .where(
            link_active_at(CapabilityAssignment, moment), only(CapabilityAssignment.capability_id)
        )
        .order_by(CapabilityAssignment.position, CapabilityAssignment.id)
    ).all()
    linked: Any = sa.select(CapabilityAssignment.assignment_id).where(
        link_active_at(CapabilityAssignment, moment)
    )
    if wanted is not None:
        linked = sorted({link.assignment_id for link, _title in links})
    dnrs: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(
        sa.select(DiaryNumber.assignment_id, DiaryNumber.number)
        .where(DiaryNumber.assignment_id.in_(linked))
        .order_by(DiaryNumber.assignment_id, DiaryNumber.position)
    ):
        dnrs[assignment_id].append(number)
    for link, title in links:
        if link.capability_id in rows:
            rows[link.capability_id].assignments.append(
                LinkedAssignment(link.assignment_id, title, dnrs[link.assignment_id], link.partial)
            )

    for capability_id, actor_id, name, role in session.execute(
        sa.select(Responsibility.capability_id, Actor.id, Actor.name, Responsibility.role)
        .join(Actor, Actor.id == Responsibility.actor_id)
        .where(link_active_at(Responsibility, moment), only(Responsibility.capability_id))
        .order_by(Responsibility.role, Actor.name)
    ):
        if capability_id in rows:
            rows[capability_id].responsibilities.append((name, role))
            rows[capability_id].actor_ids.add(actor_id)

    # Counted per capability (index lookups), not grouped over a join with every measure,
    # which PostgreSQL answered by reading the whole measures table for one page.
    active_measures = (
        sa.select(sa.func.count(sa.distinct(Measure.id)))
        .select_from(MeasureCapability)
        .join(Measure, Measure.id == MeasureCapability.measure_id)
        .where(
            MeasureCapability.capability_id == Capability.id,
            link_active_at(MeasureCapability, moment),
            Measure.state.in_(ACTIVE_MEASURE_STATES),
        )
        .correlate(Capability)
        .scalar_subquery()
    )
    for capability_id, count in session.execute(
        sa.select(Capability.id, active_measures).where(only(Capability.id))
    ):
        if capability_id in rows:
            rows[capability_id].active_measures = count
    return list(rows.values())
