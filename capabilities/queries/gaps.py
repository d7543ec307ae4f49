"""Coverage gaps: one pandas row per active capability, with flags analysts filter on.

The same analysis runs as of a past date from the history (statuses current then, links that
existed then). Levels under secrecy are unknown to viewers without clearance, so the flags that
depend on them are NA (unknown) rather than a guess that would leak or mislead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ACTIVE_MEASURE_STATES,
    MEASURE_STATES,
    Assignment,
    Measure,
    MeasureCapability,
    Milestone,
    StatusAssessment,
)
from capabilities.queries.capability import trend
from capabilities.queries.register import (
    end_of_day,
    link_active_at,
    register_rows,
    status_view,
)

DEFAULT_STALE_MONTHS = 12
LOW_LEVEL = 2


@dataclass(frozen=True)
class Flag:
    name: str
    label: str
    explanation: str


FLAGS = (
    Flag("not_assessed", "Ej bedömd", "Delförmågan har ingen statusbedömning."),
    Flag("stale", "Gammal bedömning", "Senaste bedömningen är äldre än det valda antalet månader."),
    Flag("below_target", "Under målnivå", "Aktuell nivå är lägre än målnivån."),
    Flag(
        "no_responsible_actor",
        "Ingen ansvarig aktör",
        "Ingen aktör har rollen ”ansvarar” för delförmågan.",
    ),
    Flag(
        "no_linked_assignment",
        "Inget kopplat uppdrag",
        "Inget regeringsuppdrag är kopplat och registret anger inte att uppdrag finns.",
    ),
    Flag(
        "no_active_measure",
        "Ingen aktiv åtgärd",
        "Ingen åtgärd är prioriterad, beslutad eller pågående.",
    ),
    Flag(
        "low_level_without_measure",
        "Låg nivå utan åtgärd",
        f"Nivå {LOW_LEVEL} eller lägre och ingen aktiv åtgärd.",
    ),
    Flag(
        "milestone_overdue",
        "Redovisning ej registrerad",
        "Ett kopplat uppdrag har ett redovisningsdatum som passerat utan registrerad redovisning.",
    ),
)
FLAG_NAMES = [f.name for f in FLAGS]


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    if year < date.min.year:  # months before year 1: nothing is older than that
        return date.min
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def gap_frame(
    session: so.Session,
    *,
    as_of: date | None = None,
    stale_months: int = DEFAULT_STALE_MONTHS,
    can_see_confidential: bool = False,
) -> pd.DataFrame:
    """One row per capability active on `as_of` (today by default), in register order."""
    day = as_of or date.today()
    moment = end_of_day(day)
    rows = register_rows(session, as_of=day, can_see_confidential=can_see_confidential)
    previous = _previous_levels(session, day, can_see_confidential)
    running = _running_assignments(session)
    overdue = _overdue_milestones(session, day)
    measures = _measure_states(session, moment)
    stale_before = _months_before(day, stale_months)
    records: list[dict[str, Any]] = []
    for row in rows:
        status = row.status
        level = status.level if status else None
        target = status.target_level if status else None
        hidden = bool(status and status.redacted)
        states = measures.get(row.capability_id, {})
        active = sum(states.get(s, 0) for s in ACTIVE_MEASURE_STATES)
        record: dict[str, Any] = {
            "number": row.number,
            "title": row.title.splitlines()[0],
            "area": row.area_number,
            "area_title": row.area_title,
            "main_group": row.main_group_number,
            "main_group_title": row.main_group_title,
            "level": level,
            "target_level": target,
            # how far below the target; a level above it is "över målnivå", never a negative gap
            "gap": max(target - level, 0) if level is not None and target is not None else None,
            "above_target": None if level is None or target is None else level > target,
            "assessed_on": status.assessed_on if status else None,
            "days_since_assessment": (day - status.assessed_on).days if status else None,
            "trend": None
            if hidden or not status
            else trend(status, previous.get(row.capability_id)),
            "confidential": hidden,
            "assignments": len(row.assignments),
            "assignments_running": sum(1 for a in row.assignments if a.assignment_id in running),
            "actors_ansvarar": sum(1 for _name, role in row.responsibilities if role == "ansvarar"),
            "actors_kan_ansvara": sum(
                1 for _name, role in row.responsibilities if role == "kan_ansvara"
            ),
            **{f"measures_{state}": states.get(state, 0) for state in MEASURE_STATES},
            "not_assessed": status is None,
            "stale": status is not None and status.assessed_on < stale_before,
            "below_target": None
            if hidden
            else (level is not None and target is not None and level < target),
            "no_responsible_actor": not any(r == "ansvarar" for _n, r in row.responsibilities),
            "no_linked_assignment": not row.assignments and not row.assignments_note,
            "no_active_measure": active == 0,
            "low_level_without_measure": None
            if hidden
            else (level is not None and level <= LOW_LEVEL and active == 0),
            "milestone_overdue": any(a.assignment_id in overdue for a in row.assignments),
        }
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=_columns())
    frame["level"] = frame["level"].astype("Int64")
    frame["target_level"] = frame["target_level"].astype("Int64")
    frame["gap"] = frame["gap"].astype("Int64")
    frame["above_target"] = frame["above_target"].astype("boolean")
    frame["days_since_assessment"] = frame["days_since_assessment"].astype("Int64")
    for name in FLAG_NAMES:
        frame[name] = frame[name].astype("boolean")
    return frame


def _columns() -> list[str]:
    return [
        "number",
        "title",
        "area",
        "area_title",
        "main_group",
        "main_group_title",
        "level",
        "target_level",
        "gap",
        "above_target",
        "assessed_on",
        "days_since_assessment",
        "trend",
        "confidential",
        "assignments",
        "assignments_running",
        "actors_ansvarar",
        "actors_kan_ansvara",
        *(f"measures_{s}" for s in MEASURE_STATES),
        *FLAG_NAMES,
    ]


def _previous_levels(session: so.Session, day: date, can_see: bool) -> dict[int, Any]:
    """Each capability's second-newest assessment as of the day, for the trend."""
    ranked = (
        sa.select(
            StatusAssessment,
            sa.func.row_number()
            .over(
                partition_by=StatusAssessment.capability_id,
                order_by=(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc()),
            )
            .label("rank"),
        )
        .where(
            StatusAssessment.assessed_on <= day,
            StatusAssessment.created_at < end_of_day(day),
            StatusAssessment.in_force(end_of_day(day)),
        )
        .subquery()
    )
    alias = so.aliased(StatusAssessment, ranked)
    labels: dict[int, str] = defaultdict(str)
    return {
        a.capability_id: status_view(a, labels, can_see)
        for a in session.scalars(sa.select(alias).where(ranked.c.rank == 2))
    }


def _running_assignments(session: so.Session) -> set[int]:
    """Status is today's: an assignment's status history lives in the audit log."""
    return set(session.scalars(sa.select(Assignment.id).where(Assignment.status == "pågående")))


def _overdue_milestones(session: so.Session, day: date) -> set[int]:
    """Assignments with a milestone due before `day` and not done (done-ness is today's)."""
    return set(
        session.scalars(
            sa.select(Milestone.assignment_id)
            .where(Milestone.is_done.is_(False), Milestone.due_on < day)
            .distinct()
        )
    )


def _measure_states(session: so.Session, moment: Any) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for capability_id, state, count in session.execute(
        sa.select(MeasureCapability.capability_id, Measure.state, sa.func.count(Measure.id))
        .join(Measure, Measure.id == MeasureCapability.measure_id)
        .where(link_active_at(MeasureCapability, moment), Measure.created_at < moment)
        .group_by(MeasureCapability.capability_id, Measure.state)
    ):
        counts[capability_id][state] = count
    return counts


def aggregate(frame: pd.DataFrame, by: str = "area") -> pd.DataFrame:
    """Counts per flag and mean level per area ("area") or main group ("main_group")."""
    key = {"area": ["area", "area_title"], "main_group": ["main_group", "main_group_title"]}[by]
    grouped = frame.groupby(key, sort=False)
    result = grouped[FLAG_NAMES].sum().astype(int)
    result.insert(0, "capabilities", grouped.size())
    result["mean_level"] = grouped["level"].mean().astype(float).round(2)
    return result.reset_index()


def flag_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {name: int(frame[name].sum()) for name in FLAG_NAMES}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates ISO, NA as null."""
    out = frame.astype(object).where(frame.notna(), None)
    rows: list[dict[str, Any]] = out.to_dict(orient="records")
    for row in rows:
        if isinstance(row.get("assessed_on"), date):
            row["assessed_on"] = row["assessed_on"].isoformat()
    return rows
