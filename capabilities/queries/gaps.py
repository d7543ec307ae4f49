"""Coverage gaps: one pandas row per active capability, with flags analysts filter on.

The same analysis runs as of a past date from the history (statuses current then, links that
existed then). Levels under secrecy are unknown to viewers without clearance, so the flags that
depend on them are NA (unknown) rather than a guess that would leak or mislead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ACTIVE_MEASURE_STATES,
    MEASURE_STATES,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    MainGroup,
    Measure,
    MeasureCapability,
    Milestone,
    Responsibility,
)
from capabilities.queries import api_shapes as shapes
from capabilities.queries.register import end_of_day, latest_assessments, link_active_at
from capabilities.redaction import is_hidden

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
    """One row per capability active on `as_of` (today by default), in register order.

    Six queries, each returning at most a few rows per capability: the capabilities, their two
    newest assessments (one window function), and link and measure counts aggregated in SQL.
    """
    day = as_of or date.today()
    moment = end_of_day(day)
    capabilities = session.execute(
        sa.select(
            Capability.id,
            Capability.number,
            Capability.title,
            Capability.assignments_note,
            Area.number,
            Area.title,
            MainGroup.number,
            MainGroup.title,
        )
        .join(Area, Area.id == Capability.area_id)
        .join(MainGroup, MainGroup.id == Area.main_group_id)
        .where(
            sa.or_(Capability.retired_on.is_(None), Capability.retired_on > day),
            sa.or_(Capability.added_on.is_(None), Capability.added_on <= day),
        )
        .order_by(Capability.sort_key)
    ).all()
    latest: dict[int, dict[int, Any]] = defaultdict(dict)
    ranked = latest_assessments(day, 2)
    for row in session.execute(
        sa.select(
            ranked.c.capability_id,
            ranked.c.rank,
            ranked.c.level,
            ranked.c.target_level,
            ranked.c.assessed_on,
            ranked.c.confidential,
        )
    ):
        latest[row.capability_id][row.rank] = row
    links = _assignment_counts(session, day, moment)
    actors = _responsibility_counts(session, moment)
    measures = _measure_states(session, moment)
    stale_before = _months_before(day, stale_months)
    records: list[dict[str, Any]] = []
    for (
        capability_id,
        number,
        title,
        note,
        area_number,
        area_title,
        group_number,
        group_title,
    ) in capabilities:
        status = latest[capability_id].get(1)
        before = latest[capability_id].get(2)
        hidden = bool(status and is_hidden(status.confidential, can_see_confidential))
        level = None if status is None or hidden else status.level
        target = None if status is None or hidden else status.target_level
        previous_hidden = bool(before and is_hidden(before.confidential, can_see_confidential))
        states = measures.get(capability_id, {})
        active = sum(states.get(s, 0) for s in ACTIVE_MEASURE_STATES)
        linked, running, overdue = links.get(capability_id, (0, 0, 0))
        roles = actors.get(capability_id, {})
        record: dict[str, Any] = {
            "number": number,
            "title": _first_line(title),
            "area": area_number,
            "area_title": area_title,
            "main_group": group_number,
            "main_group_title": group_title,
            "level": level,
            "target_level": target,
            # how far below the target; a level above it is "över målnivå", never a negative gap
            "gap": max(target - level, 0) if level is not None and target is not None else None,
            "above_target": None if level is None or target is None else level > target,
            "assessed_on": status.assessed_on if status else None,
            "days_since_assessment": (day - status.assessed_on).days if status else None,
            "trend": None
            if level is None or before is None or previous_hidden
            else _trend(level, before.level),
            "confidential": hidden,
            # confidential at all (the viewer may be cleared): marks a download as secret
            "under_secrecy": bool(status and status.confidential),
            "assignments": linked,
            "assignments_running": running,
            "actors_ansvarar": roles.get("ansvarar", 0),
            "actors_kan_ansvara": roles.get("kan_ansvara", 0),
            **{f"measures_{state}": states.get(state, 0) for state in MEASURE_STATES},
            "not_assessed": status is None,
            "stale": status is not None and status.assessed_on < stale_before,
            "below_target": None
            if hidden
            else (level is not None and target is not None and level < target),
            "no_responsible_actor": roles.get("ansvarar", 0) == 0,
            "no_linked_assignment": linked == 0 and not note,
            "no_active_measure": active == 0,
            "low_level_without_measure": None
            if hidden
            else (level is not None and level <= LOW_LEVEL and active == 0),
            "milestone_overdue": overdue > 0,
        }
        record["flag_count"] = sum(record[name] is True for name in FLAG_NAMES)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=_columns())
    frame["level"] = frame["level"].astype("Int64")
    frame["target_level"] = frame["target_level"].astype("Int64")
    frame["gap"] = frame["gap"].astype("Int64")
    frame["above_target"] = frame["above_target"].astype("boolean")
    frame["days_since_assessment"] = frame["days_since_assessment"].astype("Int64")
    frame["flag_count"] = frame["flag_count"].astype(int)
    for name in FLAG_NAMES:
        frame[name] = frame[name].astype("boolean")
    return frame


def _first_line(text: str) -> str:
    """A title's first line, with " …" when it goes on (2.2.2's ends "lagerstatus för")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[0] + (" …" if len(lines) > 1 else "")) if lines else ""


def _trend(level: int, previous: int) -> str:
    """The same rule as `capabilities.queries.capability.trend`, on two visible levels."""
    if level > previous:
        return "better"
    return "same" if level == previous else "worse"


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
        "under_secrecy",
        "assignments",
        "assignments_running",
        "actors_ansvarar",
        "actors_kan_ansvara",
        *(f"measures_{s}" for s in MEASURE_STATES),
        *FLAG_NAMES,
        "flag_count",
    ]


def _assignment_counts(
    session: so.Session, day: date, moment: Any
) -> dict[int, tuple[int, int, int]]:
    """Per capability: linked assignments, those running, those with an overdue milestone.

    Running and done-ness are today's (an assignment's status history lives in the audit log).
    """
    overdue = (
        sa.select(Milestone.id)
        .where(
            Milestone.assignment_id == CapabilityAssignment.assignment_id,
            Milestone.pending(),
            Milestone.due_on < day,
        )
        .exists()
    )
    statement = (
        sa.select(
            CapabilityAssignment.capability_id,
            sa.func.count(CapabilityAssignment.id),
            sa.func.count(sa.case((Assignment.status == "pågående", 1))),
            sa.func.count(sa.case((overdue, 1))),
        )
        .join(Assignment, Assignment.id == CapabilityAssignment.assignment_id)
        .where(link_active_at(CapabilityAssignment, moment))
        .group_by(CapabilityAssignment.capability_id)
    )
    return {
        cid: (linked, running, late) for cid, linked, running, late in session.execute(statement)
    }


def _responsibility_counts(session: so.Session, moment: Any) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for capability_id, role, count in session.execute(
        sa.select(
            Responsibility.capability_id, Responsibility.role, sa.func.count(Responsibility.id)
        )
        .where(link_active_at(Responsibility, moment))
        .group_by(Responsibility.capability_id, Responsibility.role)
    ):
        counts[capability_id][role] = count
    return counts


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


def gap_items(frame: pd.DataFrame) -> list[shapes.Gap]:
    """The rows as the API and `formaga gaps --format json` give them: the frame's columns are
    the declared shape's keys (tests/web/test_api_shapes.py holds them to it)."""
    return cast("list[shapes.Gap]", records(frame))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates ISO, NA as null."""
    out = frame.astype(object).where(frame.notna(), None)
    rows: list[dict[str, Any]] = out.to_dict(orient="records")
    for row in rows:
        if isinstance(row.get("assessed_on"), date):
            row["assessed_on"] = row["assessed_on"].isoformat()
    return rows
