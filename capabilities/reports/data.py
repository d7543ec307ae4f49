"""Everything a report shows, as the register stood at the end of a day, in fixed queries.

As of a date: the status current then (among assessments recorded by then), the links that
existed then, capabilities not yet retired, measures and assignments created by then.
Measure state and milestone progress are today's: their history lives in the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored, utcnow
from capabilities.models import (
    Actor,
    Assignment,
    AssignmentRecipient,
    Capability,
    CapabilityAssignment,
    Measure,
    MeasureActor,
    MeasureCapability,
    Responsibility,
    StatusLevel,
)
from capabilities.queries.capability import trend
from capabilities.queries.gaps import gap_frame
from capabilities.queries.industry_contacts import ContactRow, industry_contact_rows
from capabilities.queries.procurement import ProposalDetail, proposal_details
from capabilities.queries.register import (
    RegisterRow,
    end_of_day,
    link_active_at,
    register_rows,
)
from capabilities.redaction import CONFIDENTIAL_LABEL, MEASURE, is_hidden, redact_record
from capabilities.reports.history import HistoryRow, HistoryRows, newest_two

NOT_ASSESSED = "Ej bedömd"
TREND_TEXT = {"better": "Förbättrad", "same": "Oförändrad", "worse": "Försämrad", None: ""}


@dataclass
class MeasureRow:
    id: int
    title: str
    state: str
    priority: str | None
    cost_effectiveness: str | None
    legal_assessment: str | None
    due_on: date | None
    capabilities: list[str]
    actors: list[str]
    confidential: bool


@dataclass
class AssignmentRow:
    id: int
    dnrs: list[str]
    title: str
    ministry: str | None
    status: str
    recipients: list[str]
    milestones: list[tuple[date, str, bool]]
    capabilities: list[str]


@dataclass
class ActorRow:
    name: str
    short_name: str | None
    kind: str
    is_public: bool
    is_beredskapsmyndighet: bool | None
    responsibilities: list[str]


@dataclass
class CapabilityReport:
    row: RegisterRow
    assessed_by: str | None = None
    trend: str | None = None
    measures: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    as_of: date
    generated_at: datetime
    exported_by: str
    include_confidential: bool
    levels: list[StatusLevel]
    capabilities: list[CapabilityReport]
    history: Iterable[HistoryRow]  # streamed from the database (HistoryRows)
    measures: list[MeasureRow]
    assignments: list[AssignmentRow]
    actors: list[ActorRow]
    gaps: pd.DataFrame
    # Procurement proposals and industry contacts as they stand now (like measure states).
    proposals: list[ProposalDetail] = field(default_factory=list)
    industry_contacts: list[ContactRow] = field(default_factory=list)

    @property
    def level_labels(self) -> dict[int, str]:
        return {lvl.level: lvl.label for lvl in self.levels}


def build_report(
    session: so.Session,
    *,
    as_of: date | None = None,
    include_confidential: bool = False,
    exported_by: str = "",
) -> ReportData:
    day = as_of or date.today()
    moment = end_of_day(day)
    rows = register_rows(session, as_of=day, can_see_confidential=include_confidential)
    levels = list(session.scalars(sa.select(StatusLevel).order_by(StatusLevel.level)))
    labels = {lvl.level: lvl.label for lvl in levels}
    history = HistoryRows(session, day, moment, labels, include_confidential)
    by_capability = newest_two(session, day, labels, include_confidential)
    measures = _measures(session, moment, include_confidential)
    measures_by_number: dict[str, list[str]] = defaultdict(list)
    for measure in measures:
        for number in measure.capabilities:
            measures_by_number[number].append(f"{measure.title} ({measure.state})")
    capabilities = []
    for row in rows:
        entries = by_capability.get(row.number, [])
        capabilities.append(
            CapabilityReport(
                row=row,
                assessed_by=entries[0].assessed_by if entries else None,
                trend=trend(entries[0].status, entries[1].status if len(entries) > 1 else None)
                if entries
                else None,
                measures=measures_by_number.get(row.number, []),
            )
        )
    return ReportData(
        as_of=day,
        generated_at=utcnow(),
        exported_by=exported_by,
        include_confidential=include_confidential,
        levels=levels,
        capabilities=capabilities,
        history=history,
        measures=measures,
        assignments=_assignments(session, moment),
        actors=_actors(session, day, moment),
        gaps=gap_frame(session, as_of=day, can_see_confidential=include_confidential),
        proposals=proposal_details(session, can_see_confidential=include_confidential),
        industry_contacts=industry_contact_rows(session, can_see_confidential=include_confidential),
    )


def _names_by_measure(
    session: so.Session, moment: datetime, foreign_key: Any, name: Any, order: Any
) -> dict[int, list[str]]:
    """What each measure was linked to at `moment` (capability numbers, actor names), in order.

    `foreign_key` is the link table's column naming the other side, `name` that side's column.
    """
    link, subject = foreign_key.class_, name.class_
    names: dict[int, list[str]] = defaultdict(list)
    for measure_id, text in session.execute(
        sa.select(link.measure_id, name)
        .join(subject, subject.id == foreign_key)
        .where(link_active_at(link, moment))
        .order_by(order)
    ):
        names[measure_id].append(text)
    return names


def _measures(
    session: so.Session, moment: datetime, include_confidential: bool
) -> list[MeasureRow]:
    capability_numbers, actor_names = (
        _names_by_measure(session, moment, *columns)
        for columns in (
            (MeasureCapability.capability_id, Capability.number, Capability.sort_key),
            (MeasureActor.actor_id, Actor.name, Actor.name),
        )
    )
    rows = []
    for m in session.scalars(
        sa.select(Measure).where(Measure.created_at < moment).order_by(Measure.id)
    ):
        shown = redact_record(
            MEASURE,
            m,
            ("title", "cost_effectiveness", "legal_assessment"),
            can_see_confidential=include_confidential,
        )
        rows.append(
            MeasureRow(
                id=m.id,
                title=CONFIDENTIAL_LABEL
                if is_hidden(m.confidential, include_confidential)
                else shown["title"],
                state=m.state,
                priority=m.priority,
                cost_effectiveness=shown["cost_effectiveness"],
                legal_assessment=shown["legal_assessment"],
                due_on=m.due_on,
                capabilities=capability_numbers.get(m.id, []),
                actors=actor_names.get(m.id, []),
                confidential=m.confidential,
            )
        )
    return rows


def _assignments(session: so.Session, moment: datetime) -> list[AssignmentRow]:
    linked: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(
        sa.select(CapabilityAssignment.assignment_id, Capability.number)
        .join(Capability, Capability.id == CapabilityAssignment.capability_id)
        .where(link_active_at(CapabilityAssignment, moment))
        .order_by(Capability.sort_key)
    ):
        linked[assignment_id].append(number)
    assignments = session.scalars(
        sa.select(Assignment)
        .where(Assignment.created_at < moment)
        .order_by(Assignment.title, Assignment.id)
        .options(
            so.selectinload(Assignment.diary_numbers),
            so.selectinload(Assignment.milestones),
            so.selectinload(Assignment.recipients).joinedload(AssignmentRecipient.actor),
        )
    )
    return [
        AssignmentRow(
            **stored(a, ("id", "dnrs", "title", "ministry", "status")),
            recipients=[
                r.actor.name
                for r in sorted(a.recipients, key=lambda r: (not r.is_lead, r.actor.name))
            ],
            milestones=[(m.due_on, m.kind, m.is_done) for m in a.milestones],
            capabilities=linked.get(a.id, []),
        )
        for a in assignments
    ]


def _actors(session: so.Session, day: date, moment: datetime) -> list[ActorRow]:
    responsibilities: dict[int, list[str]] = defaultdict(list)
    for actor_id, number, role in session.execute(
        sa.select(Responsibility.actor_id, Capability.number, Responsibility.role)
        .join(Capability, Capability.id == Responsibility.capability_id)
        .where(link_active_at(Responsibility, moment))
        .order_by(Capability.sort_key)
    ):
        responsibilities[actor_id].append(f"{number} ({role.replace('_', ' ')})")
    actors = session.scalars(
        sa.select(Actor)
        .where(sa.or_(Actor.retired_on.is_(None), Actor.retired_on > day))
        .order_by(Actor.name)
    )
    return [
        ActorRow(
            a.name,
            a.short_name,
            a.kind,
            a.is_public,
            a.is_beredskapsmyndighet,
            responsibilities.get(a.id, []),
        )
        for a in actors
    ]


REGISTER_HEADERS = (
    "Huvudgrupp",
    "Område",
    "Nummer",
    "Delförmåga",
    "Nivå",
    "Målnivå",
    "Statusbeskrivning",
    "Motivering",
    "Bedömd",
    "Bedömd av",
    "Trend",
    "Regeringsuppdrag",
    "Ansvariga aktörer",
    "Åtgärder",
)


def register_record(cap: CapabilityReport, labels: dict[int, str]) -> list[object]:
    """One register row as the report prints it (xlsx and CSV share this)."""
    row, status = cap.row, cap.row.status
    assignments = [
        f"{', '.join(a.dnrs) or 'dnr saknas'} {a.title}" + (" (delvis)" if a.partial else "")
        for a in row.assignments
    ]
    if row.assignments_note:
        assignments.insert(0, row.assignments_note)
    level_text: str = NOT_ASSESSED
    target = summary = justification = assessed_on = None
    if status is not None:
        level_text = status.label if status.redacted else f"{status.level} {status.label}"
        if status.target_level:
            target = f"{status.target_level} {labels[status.target_level]}"
        summary = CONFIDENTIAL_LABEL if status.redacted else status.summary
        justification, assessed_on = status.justification, status.assessed_on
    return [
        f"{row.main_group_number}. {row.main_group_title}",
        f"{row.area_number} {row.area_title}",
        row.number,
        row.title,
        level_text,
        target,
        summary,
        justification,
        assessed_on,
        cap.assessed_by,
        TREND_TEXT[cap.trend],
        "\n".join(assignments),
        "\n".join(f"{name} ({role.replace('_', ' ')})" for name, role in row.responsibilities),
        "\n".join(cap.measures),
    ]
