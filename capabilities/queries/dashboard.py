"""The dashboard's read side: levels per quarter, milestones due, the latest changes.

Each function runs a fixed number of queries whatever the register size; the per-quarter history
is computed in Python from one pass over the assessments, with the same "as of a date" rule as
the register (assessed by then and recorded by then, capabilities active then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import UTCDateTime
from capabilities.models import (
    Assignment,
    AuditEvent,
    Capability,
    Measure,
    Milestone,
    StatusAssessment,
    User,
)
from capabilities.queries.capability import _audit_subjects
from capabilities.queries.register import counts_at, end_of_day
from capabilities.redaction import ASSESSMENT, MEASURE, is_hidden, redact

NOT_ASSESSED = "none"
SECRET = "secret"
MAX_QUARTERS = 40
DUE_WITHIN_DAYS = 90
LATEST_CHANGES = 10
MILESTONES_SHOWN = 25  # the dashboard's list; the assignments list has them all
# Account and token events are administration, not register changes; seed rows are the report.
PRIVATE_ENTITIES = ("users", "api_tokens", "login_attempts")
SEED_ACTIONS = ("seed",)


# --- levels per quarter ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterCounts:
    """How many active capabilities stood at each level when a quarter ended (or today)."""

    year: int
    quarter: int
    as_of: date
    counts: dict[str, int]  # keys: "none", "1".."5", "secret"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def bucket_keys(can_see_confidential: bool) -> list[str]:
    """The chart's stack order, bottom up: unassessed, 1–5, and secrecy for the uncleared."""
    keys = [NOT_ASSESSED, *(str(level) for level in range(1, 6))]
    return keys if can_see_confidential else [*keys, SECRET]


def quarter_end(day: date) -> date:
    """The last day of the quarter `day` falls in."""
    first_of_next = date(day.year + (day.month > 9), (((day.month - 1) // 3 + 1) * 3) % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def quarter_points(first: date, today: date, limit: int = MAX_QUARTERS) -> list[date]:
    """Quarter ends from `first`'s quarter to today's, the running quarter cut at today."""
    points: list[date] = []
    end = quarter_end(first)
    while end < today:
        points.append(end)
        end = quarter_end(end + timedelta(days=1))
    points.append(today)
    return points[-limit:]


def level_distribution(
    session: so.Session,
    *,
    today: date | None = None,
    can_see_confidential: bool = False,
    limit: int = MAX_QUARTERS,
) -> list[QuarterCounts]:
    """One entry per quarter from the first assessment to today; empty without assessments.

    Two queries, counted in SQL: for every quarter end and every capability active then, the
    assessment current then is one indexed lookup; only the counts per level come back.
    """
    today = today or date.today()
    first = session.scalar(
        sa.select(sa.func.min(StatusAssessment.assessed_on)).where(
            StatusAssessment.assessed_on <= today
        )
    )
    if first is None:
        return []
    points = quarter_points(first, today, limit)
    table = sa.union_all(
        *(
            sa.select(
                sa.literal(point, sa.Date()).label("day"),
                sa.literal(end_of_day(point), UTCDateTime()).label("moment"),
            )
            for point in points
        )
    ).subquery("points")
    current = (
        sa.select(StatusAssessment.id)
        .where(
            StatusAssessment.capability_id == Capability.id,
            counts_at(table.c.day, table.c.moment),
        )
        .order_by(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc())
        .limit(1)
        .correlate(Capability, table)
        .scalar_subquery()
    )
    active = (
        sa.select(table.c.day, current.label("assessment_id"))
        .select_from(table)
        .join(
            Capability,
            sa.and_(
                sa.or_(Capability.added_on.is_(None), Capability.added_on <= table.c.day),
                sa.or_(Capability.retired_on.is_(None), Capability.retired_on > table.c.day),
            ),
        )
        .subquery()
    )
    counted = (
        sa.select(
            active.c.day,
            StatusAssessment.level,
            StatusAssessment.confidential,
            sa.func.count().label("n"),
        )
        .select_from(active)
        .outerjoin(StatusAssessment, StatusAssessment.id == active.c.assessment_id)
        .group_by(active.c.day, StatusAssessment.level, StatusAssessment.confidential)
    )
    keys = bucket_keys(can_see_confidential)
    counts = {point: dict.fromkeys(keys, 0) for point in points}
    for day, level, confidential, n in session.execute(counted):
        if level is None:
            key = NOT_ASSESSED
        elif is_hidden(confidential, can_see_confidential):
            key = SECRET
        else:
            key = str(level)
        counts[day][key] += n
    return [
        QuarterCounts(point.year, (point.month - 1) // 3 + 1, point, counts[point])
        for point in points
    ]


RegisterVersion = tuple[int, str, str]


def register_version(session: so.Session) -> RegisterVersion:
    """A key that moves whenever anything in the register changes: one indexed lookup.

    Every write goes through a service that writes an audit event in the same transaction (the
    audit log is append-only), so results computed from committed data can be kept under this
    key until it moves. The key is the newest event's id and time (a restored backup or a
    rolled-back id used again is another time) and, on PostgreSQL, the writing transactions
    still in flight: there ids are handed out before commit, so a transaction with a lower id
    can commit after a higher one, and its change would otherwise go unnoticed under the same
    newest id. (SQLite has one writer at a time: ids commit in order.)
    """
    newest = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1).subquery()
    columns: list[Any] = [
        sa.select(newest.c.id).scalar_subquery(),
        sa.select(newest.c.at).scalar_subquery(),
    ]
    if session.get_bind().dialect.name == "postgresql":
        columns.append(
            sa.literal_column(
                "(SELECT string_agg(x::text, ',' ORDER BY x) "
                "FROM pg_snapshot_xip(pg_current_snapshot()) AS x)"
            )
        )
    row = session.execute(sa.select(*columns)).one()
    in_flight = (row[2] or "") if len(row) > 2 else ""
    at = row[1].isoformat() if row[1] is not None else ""
    return (row[0] or 0, at, in_flight)


# --- milestones ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueMilestone:
    milestone_id: int
    assignment_id: int
    title: str
    dnrs: list[str]
    due_on: date
    kind: str
    is_overdue: bool
    source: str | None = None  # the seed line that gives the deadline
    decided_on: date | None = None  # the assignment's decision: no delivery before it


def _due(today: date, within_days: int) -> sa.ColumnElement[bool]:
    return sa.and_(Milestone.pending(), Milestone.due_on <= today + timedelta(within_days))


def _milestones(
    session: so.Session, where: sa.ColumnElement[bool], *, today: date, limit: int | None = None
) -> list[DueMilestone]:
    """Milestones matching `where`, the earliest first, with their assignments: two queries."""
    milestones = session.scalars(
        sa.select(Milestone)
        .where(where)
        .order_by(Milestone.due_on, Milestone.id)
        .limit(limit)
        .options(so.joinedload(Milestone.assignment).selectinload(Assignment.diary_numbers))
    )
    return [
        DueMilestone(
            milestone_id=m.id,
            assignment_id=m.assignment_id,
            title=m.assignment.title,
            dnrs=m.assignment.dnrs,
            due_on=m.due_on,
            kind=m.kind,
            is_overdue=m.is_overdue(today),
            source=m.source,
            decided_on=m.assignment.decided_no_later_than(),
        )
        for m in milestones
    ]


def milestones_due(
    session: so.Session,
    *,
    today: date | None = None,
    within_days: int = DUE_WITHIN_DAYS,
    limit: int | None = None,
) -> list[DueMilestone]:
    """Open milestones past due with no delivery recorded ("Redovisning ej registrerad") or
    due within the coming days, the earliest first (at most `limit`): two queries."""
    today = today or date.today()
    return _milestones(session, _due(today, within_days), today=today, limit=limit)


def unconfirmed_milestones(session: so.Session, *, today: date) -> list[DueMilestone]:
    """Every seeded deadline already past that nobody confirmed delivered or missed ("Ej
    bekräftad"), the earliest first, for an admin to confirm: two queries."""
    return _milestones(session, Milestone.unconfirmed_before(today), today=today)


def unconfirmed_milestone_count(session: so.Session, *, today: date) -> int:
    """How many `unconfirmed_milestones` lists: one query."""
    counted = sa.select(sa.func.count(Milestone.id)).where(Milestone.unconfirmed_before(today))
    return session.scalar(counted) or 0


def milestones_due_count(
    session: so.Session, *, today: date | None = None, within_days: int = DUE_WITHIN_DAYS
) -> int:
    """How many open milestones `milestones_due` would list without a limit: one query."""
    today = today or date.today()
    counted = sa.select(sa.func.count(Milestone.id)).where(_due(today, within_days))
    return session.scalar(counted) or 0


# --- latest changes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One audit event as the dashboard lists it; `redacted` hides everything but the fact."""

    at: datetime
    who: str | None
    entity_type: str
    action: str
    capability_number: str | None
    redacted: bool
    subject: str | None = None
    level: int | None = None


def latest_changes(
    session: so.Session, *, can_see_confidential: bool, limit: int = LATEST_CHANGES
) -> list[Change]:
    """The newest register changes (not the seed, not accounts): three queries."""
    # The record's confidentiality NOW decides, not the flag the event got when it was
    # written: a measure made confidential later hides its earlier, public events too.
    measure_now = so.aliased(Measure)
    assessment_now = so.aliased(StatusAssessment)
    rows = session.execute(
        sa.select(
            AuditEvent,
            Capability.number,
            User.display_name,
            sa.func.coalesce(measure_now.confidential, assessment_now.confidential, False),
        )
        .outerjoin(Capability, Capability.id == AuditEvent.capability_id)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(
            measure_now,
            sa.and_(AuditEvent.entity_type == MEASURE, measure_now.id == AuditEvent.entity_id),
        )
        .outerjoin(
            assessment_now,
            sa.and_(
                AuditEvent.entity_type == ASSESSMENT, assessment_now.id == AuditEvent.entity_id
            ),
        )
        .where(
            AuditEvent.action.not_in(SEED_ACTIONS),
            AuditEvent.entity_type.not_in(PRIVATE_ENTITIES),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    events = [event for event, _number, _who, _now in rows]
    subjects = _audit_subjects(session, events)
    changes = []
    for event, number, who, confidential_now in rows:
        confidential = bool(event.confidential or confidential_now)
        redacted = is_hidden(confidential, can_see_confidential)
        state = redact(
            event.entity_type,
            event.after or event.before or {},
            confidential=confidential,
            can_see_confidential=can_see_confidential,
        )
        subject = None
        if not redacted:
            subject = subjects.get((event.entity_type, event.entity_id or 0)) or _subject(state)
        changes.append(
            Change(
                at=event.at,
                who=who,
                entity_type=event.entity_type,
                action=event.action,
                capability_number=number,
                redacted=redacted,
                subject=subject,
                level=None
                if redacted or event.entity_type != "status_assessments"
                else state.get("level"),
            )
        )
    return changes


def _subject(state: dict[str, Any]) -> str | None:
    """What a change was about, from its snapshot: a title, a name or a label."""
    for key in ("title", "name", "label"):
        value = state.get(key)
        if isinstance(value, str) and value:
            return value.splitlines()[0]
    return None
