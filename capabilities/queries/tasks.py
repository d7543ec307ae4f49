"""What a user has to do ("Mina uppgifter") and the deadlines of their calendar feed.

A user's tasks come from their organisation: the capabilities it is responsible for
(`ansvarar`) whose assessment is stale or missing, and the milestones of the assignments it
receives or leads that are due soon or past without a recorded delivery; and from the open
reporting round, what the user must submit or review (one task per round and role, dated by
the round's deadline). Each loader runs a fixed number of queries whatever the register size.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Assignment,
    AssignmentRecipient,
    Capability,
    Milestone,
    ReportingRound,
    Responsibility,
    RoundApproval,
    RoundEntry,
    StatusAssessment,
    User,
)
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
from capabilities.queries.register import current_assessments, level_labels, status_view
from capabilities.queries.rounds import RoundTask, round_tasks_for, the_open_round

DUE_WITHIN_DAYS = 90  # milestones further away than this are not yet a task
DUE_SOON_DAYS = 14  # a task this close to its date is "due soon" (e-mail reminders)

# Why an item is on the list; the web layer labels them.
NOT_ASSESSED = "not_assessed"
STALE = "stale"
REASSESSMENT = "reassessment"  # calendar only: when the current assessment becomes stale
MILESTONE_DUE = "milestone_due"
MILESTONE_DONE = "milestone_done"  # calendar only: a delivered report stays in the calendar
ROUND_SUBMIT = "round_submit"  # fill in and submit capabilities in the open round
ROUND_REVIEW = "round_review"  # review others' submissions in the open round
ROUND_DEADLINE = "round_deadline"  # the whole register's calendar: the open round's last day
ROUND_RETURNED = "round_returned"  # an entry the user wrote or submitted was sent back
ROUND_APPROVED = "round_approved"  # e-mail only: an entry the user wrote was approved


@dataclass(frozen=True)
class Task:
    """One thing to do (or, in the calendar, one dated deadline).

    `key` is stable for the thing itself (its kind and row id, never its date), so a changed
    date updates the same calendar event and reminder thread.
    """

    key: str
    kind: str  # "capability", "milestone" or "round"
    reason: str
    due_on: date | None
    title: str
    capability_number: str | None = None
    assessed_on: date | None = None
    level_label: str | None = None  # through the redaction rule: the label or the secrecy text
    assignment_id: int | None = None
    milestone_kind: str | None = None
    dnrs: tuple[str, ...] = field(default_factory=tuple)
    round_id: int | None = None
    count: int = 1  # round tasks: how many capabilities wait
    comment: str | None = None  # a returned entry: the reviewer's comment (already redacted)
    as_partner: bool = False  # milestones: the organisation is named "i samarbete med"

    def state(self, today: date) -> str:
        """`overdue` after its date, `due_soon` within DUE_SOON_DAYS, else `open`."""
        if self.due_on is None:
            return "open"
        if self.due_on < today:
            return "overdue"
        if self.due_on <= today + timedelta(days=DUE_SOON_DAYS):
            return "due_soon"
        return "open"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _sorted(tasks: Iterable[Task]) -> list[Task]:
    """Dated tasks first, earliest first; then the undated ones in register order."""
    return sorted(
        tasks,
        key=lambda t: (t.due_on is None, t.due_on or date.min, t.capability_number or "", t.key),
    )


def tasks_for(
    session: so.Session,
    user: User,
    *,
    today: date,
    stale_months: int = DEFAULT_STALE_MONTHS,
    within_days: int = DUE_WITHIN_DAYS,
) -> list[Task]:
    """The user's open tasks today, dated ones first: four queries, whatever the register size.

    A user without an organisation has only round tasks.
    """
    rounds = _round_tasks(session, user)
    returned = [t for t in rounds if t.reason == ROUND_RETURNED]  # the next step: first
    rounds = [t for t in rounds if t.reason != ROUND_RETURNED]
    if user.organisation_id is None:
        return [*returned, *rounds]
    capabilities = [
        task if task.reason == NOT_ASSESSED else replace(task, reason=STALE)
        for task in _capability_tasks(session, user, user.organisation_id, stale_months)
        if task.due_on is None or task.due_on < today
    ]
    milestones = _milestone_tasks(
        session,
        user.organisation_id,
        until=today + timedelta(days=within_days),
        include_done=False,
    )
    return [*returned, *_sorted([*rounds, *capabilities, *milestones])]


def calendar_tasks(
    session: so.Session,
    user: User | None,
    *,
    stale_months: int = DEFAULT_STALE_MONTHS,
) -> list[Task]:
    """Every dated deadline of the user's organisation (all of the register's for None).

    All milestones of its assignments, past, future and delivered, and the date each of its
    capabilities' current assessment becomes stale. Undated tasks (not assessed) have no place
    in a calendar.
    """
    if user is None:
        rounds = _round_deadline(session)
    else:
        rounds = _round_tasks(session, user)
        if user.organisation_id is None:
            return rounds
    actor_id = None if user is None else user.organisation_id
    capabilities = [
        task
        for task in _capability_tasks(session, user, actor_id, stale_months)
        if task.due_on is not None
    ]
    milestones = _milestone_tasks(session, actor_id, until=None, include_done=True)
    return _sorted([*rounds, *capabilities, *milestones])


def _round_tasks(session: so.Session, user: User) -> list[Task]:
    """What the user must submit and review in the open round: each entry the user wrote or
    submitted that was returned (with the reviewer's comment), then one task per role."""
    by_role: dict[str, list[RoundTask]] = {}
    tasks = []
    for item in round_tasks_for(session, user):
        if item.role == "member" and item.is_returned and user.id in item.author_ids:
            tasks.append(
                _round_task(
                    # A new return (a new row version) is a new reminder.
                    f"round-returned-{item.entry_id}-{item.entry_version}",
                    ROUND_RETURNED,
                    (item.round_id, item.round_name, item.deadline),
                    capability_number=item.capability_number,
                    comment=item.return_comment,
                )
            )
            continue
        by_role.setdefault(item.role, []).append(item)
    for role, items in sorted(by_role.items()):
        first = items[0]
        tasks.append(
            _round_task(
                f"round-{first.round_id}-{role}",
                ROUND_REVIEW if role == "reviewer" else ROUND_SUBMIT,
                (first.round_id, first.round_name, first.deadline),
                capability_number=first.capability_number if len(items) == 1 else None,
                count=len(items),
            )
        )
    return tasks


def _round_task(
    key: str, reason: str, round_: tuple[int, str, date | None], **details: Any
) -> Task:
    """A task of a reporting round: (id, name, deadline) of the round; the round's name is the
    title and its deadline the due date."""
    round_id, name, deadline = round_
    return Task(
        key=key,
        kind="round",
        reason=reason,
        due_on=deadline,
        title=name,
        round_id=round_id,
        **details,
    )


def round_decisions_for(session: so.Session, user: User) -> list[Task]:
    """E-mail only: approvals in the open round of entries the user wrote, one notice each
    (told once, like a task). Returns are tasks of their own (ROUND_RETURNED). One query."""
    rows = session.execute(
        sa.select(RoundApproval.id, ReportingRound.id, ReportingRound.name, Capability.number)
        .join(RoundEntry, RoundEntry.id == RoundApproval.entry_id)
        .join(ReportingRound, ReportingRound.id == RoundEntry.round_id)
        .join(Capability, Capability.id == RoundEntry.capability_id)
        .where(
            ReportingRound.status == "öppen",
            RoundApproval.decision == "fastställd",
            RoundEntry.updated_by_id == user.id,
            RoundApproval.reviewer_id != user.id,
        )
        .order_by(Capability.sort_key, RoundApproval.id)
    )
    return [
        _round_task(
            f"round-approved-{approval_id}",
            ROUND_APPROVED,
            (round_id, round_name, None),
            capability_number=number,
        )
        for approval_id, round_id, round_name, number in rows
    ]


def _round_deadline(session: so.Session) -> list[Task]:
    current = the_open_round(session)
    if current is None:
        return []
    return [
        _round_task(
            f"round-{current.id}", ROUND_DEADLINE, (current.id, current.name, current.deadline)
        )
    ]


def _capability_tasks(
    session: so.Session, viewer: User | None, actor_id: int | None, stale_months: int
) -> list[Task]:
    """Active capabilities the actor is responsible for (all for None): two queries."""
    current = current_assessments()
    query = (
        sa.select(Capability, StatusAssessment)
        .outerjoin(current, current.c.capability_id == Capability.id)
        .outerjoin(StatusAssessment, StatusAssessment.id == current.c.id)
        .where(Capability.retired_on.is_(None))
        .order_by(Capability.sort_key)
    )
    if actor_id is not None:
        responsible = sa.select(Responsibility.capability_id).where(
            Responsibility.actor_id == actor_id,
            Responsibility.role == "ansvarar",
            Responsibility.removed_at.is_(None),
        )
        query = query.where(Capability.id.in_(responsible))
    rows = session.execute(query).all()
    labels = level_labels(session)
    can_see = bool(viewer is not None and viewer.can_see_confidential)
    tasks = []
    for capability, assessment in rows:
        title = capability.title.splitlines()[0]
        if assessment is None:
            tasks.append(
                Task(
                    key=f"capability-{capability.id}",
                    kind="capability",
                    reason=NOT_ASSESSED,
                    due_on=None,
                    title=title,
                    capability_number=capability.number,
                )
            )
            continue
        status = status_view(assessment, labels, can_see)  # the redaction rule
        tasks.append(
            Task(
                key=f"capability-{capability.id}",
                kind="capability",
                reason=REASSESSMENT,
                due_on=add_months(assessment.assessed_on, stale_months),
                title=title,
                capability_number=capability.number,
                assessed_on=assessment.assessed_on,
                level_label=status.label
                if status.level is None
                else f"{status.level} {status.label}",
            )
        )
    return tasks


def _milestone_tasks(
    session: so.Session, actor_id: int | None, *, until: date | None, include_done: bool
) -> list[Task]:
    """Milestones of assignments the actor receives, leads or partners in (all for None): two
    queries. A partner named "i samarbete med" does not report itself but works towards the same
    date, so it sees the deadline too, marked as a partner's."""
    query = (
        sa.select(Milestone)
        .join(Milestone.assignment)
        .order_by(Milestone.due_on, Milestone.id)
        .options(so.contains_eager(Milestone.assignment).selectinload(Assignment.diary_numbers))
    )
    partner_of: set[int] = set()
    if actor_id is not None:
        roles = dict(
            session.execute(
                sa.select(
                    AssignmentRecipient.assignment_id,
                    sa.and_(
                        AssignmentRecipient.role == "samarbetspart",
                        AssignmentRecipient.is_lead.is_(False),
                    ),
                ).where(AssignmentRecipient.actor_id == actor_id)
            ).all()
        )
        partner_of = {assignment_id for assignment_id, partner in roles.items() if partner}
        query = query.where(Milestone.assignment_id.in_(list(roles)))
    if until is not None:
        query = query.where(Milestone.due_on <= until)
    if not include_done:
        query = query.where(Milestone.pending())
    return [
        Task(
            key=f"milestone-{m.id}",
            kind="milestone",
            reason=MILESTONE_DONE if m.is_done else MILESTONE_DUE,
            due_on=m.due_on,
            title=m.assignment.title,
            assignment_id=m.assignment_id,
            milestone_kind=m.kind,
            dnrs=tuple(m.assignment.dnrs),
            as_partner=m.assignment_id in partner_of,
        )
        for m in session.scalars(query).unique()
    ]
