"""Government assignments (regeringsuppdrag): the filtered list and one assignment's page.

Both load in a fixed number of queries whatever the number of assignments. Free-text search
runs in Python with `casefold()`, because SQLite's `lower()` leaves å, ä and ö alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.errors import NotFound
from capabilities.models import (
    ASSIGNMENT_STATUSES,
    Actor,
    Assignment,
    AssignmentRecipient,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    Milestone,
)
from capabilities.queries.pagination import Page, PageRequest, paginate_list

DUE_WINDOW_DAYS = 90
DUE_CHOICES = ("overdue", str(DUE_WINDOW_DAYS))


@dataclass(frozen=True)
class RecipientView:
    actor_id: int
    name: str
    short_name: str | None
    is_lead: bool
    retired: bool
    role: str = "mottagare"  # or "samarbetspart"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass(frozen=True)
class MilestoneView:
    id: int
    due_on: date
    kind: str
    is_done: bool
    report_reference: str | None
    overdue: bool  # past due and no delivery recorded: "Redovisning ej registrerad"
    done_on: date | None = None
    unconfirmed: bool = False  # a seeded deadline already past: "Ej bekräftad"
    source: str | None = None  # the seed line that gives the deadline


@dataclass
class AssignmentRow:
    """One line of the list: enough to decide whether to open the assignment."""

    id: int
    title: str
    dnrs: list[str]
    status: str
    recipients: list[RecipientView]
    next_milestone: MilestoneView | None
    capability_count: int


@dataclass(frozen=True)
class AssignmentFilters:
    """Filters from the list page's URL; empty strings mean 'any'."""

    due: str = ""  # "overdue", "90" or ""
    status: str = ""
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.due or self.status or self.q)


@dataclass(frozen=True)
class LinkedCapability:
    link_id: int
    number: str
    title: str
    partial: bool
    note: str | None
    retired: bool


@dataclass
class AssignmentDetail:
    """The ORM row (its collections already loaded) plus views the template needs."""

    assignment: Assignment
    recipients: list[RecipientView]
    milestones: list[MilestoneView]
    capabilities: list[LinkedCapability] = field(default_factory=list)

    @property
    def lead_id(self) -> int | None:
        return next((r.actor_id for r in self.recipients if r.is_lead), None)


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def swedish_key(text: str) -> str:
    """Case-insensitive sort key with å, ä, ö after z, as a Swedish reader expects."""
    return text.casefold().translate(_SWEDISH_ORDER)


def compact(text: str) -> str:
    """Case- and space-insensitive form for matching: 'KN 2023/03646' ~ 'kn2023/03646'."""
    return "".join(text.split()).casefold()


# What a milestone's view shows as stored (the rest is worked out for a day).
MILESTONE_FIELDS = ("id", "due_on", "kind", "is_done", "report_reference", "done_on", "source")


def _milestone_view(milestone: Milestone, today: date) -> MilestoneView:
    return MilestoneView(
        **stored(milestone, MILESTONE_FIELDS),
        overdue=milestone.is_overdue(today),
        unconfirmed=milestone.is_unconfirmed(today),
    )


def _recipients(assignment: Assignment) -> list[RecipientView]:
    """Lead first, then by name."""
    views = [
        RecipientView(
            actor_id=r.actor_id,
            name=r.actor.name,
            short_name=r.actor.short_name,
            is_lead=r.is_lead,
            retired=r.actor.retired_on is not None,
            role=r.role,
        )
        for r in assignment.recipients
    ]
    return sorted(views, key=lambda r: (not r.is_lead, r.role, swedish_key(r.name)))


def _loaded(session: so.Session, ids: Iterable[int]) -> dict[int, Assignment]:
    """Assignments with dnrs, recipients (and their actors) and milestones: four queries."""
    statement = (
        sa.select(Assignment)
        .where(Assignment.id.in_(list(ids)))
        .options(
            so.selectinload(Assignment.diary_numbers),
            so.selectinload(Assignment.recipients).joinedload(AssignmentRecipient.actor),
            so.selectinload(Assignment.milestones),
        )
    )
    return {a.id: a for a in session.scalars(statement)}


def _next_due() -> sa.ScalarSelect[date]:
    """Correlated subquery: the earliest milestone not yet done."""
    return (
        sa.select(sa.func.min(Milestone.due_on))
        .where(Milestone.assignment_id == Assignment.id, Milestone.pending())
        .scalar_subquery()
    )


def _due_condition(due: str, today: date) -> sa.ColumnElement[bool] | None:
    pending = sa.select(Milestone.id).where(
        Milestone.assignment_id == Assignment.id, Milestone.pending()
    )
    if due == "overdue":
        return pending.where(Milestone.due_on < today).exists()
    if due == str(DUE_WINDOW_DAYS):
        window = today + timedelta(days=DUE_WINDOW_DAYS)
        return pending.where(Milestone.due_on >= today, Milestone.due_on <= window).exists()
    return None


def _matching_ids(session: so.Session, filters: AssignmentFilters, today: date) -> list[int]:
    """Ids in list order (next deadline first, those without one last): one or two queries."""
    next_due = _next_due()
    statement = sa.select(Assignment.id, Assignment.title).order_by(
        sa.case((next_due.is_(None), 1), else_=0), next_due, Assignment.title, Assignment.id
    )
    if filters.status in ASSIGNMENT_STATUSES:
        statement = statement.where(Assignment.status == filters.status)
    condition = _due_condition(filters.due, today)
    if condition is not None:
        statement = statement.where(condition)
    rows = session.execute(statement).all()
    needle = filters.q.strip().casefold()
    if not needle:
        return [row.id for row in rows]
    squeezed = compact(needle)
    dnr_hits: set[int] = set()
    for assignment_id, number, printed in session.execute(
        sa.select(DiaryNumber.assignment_id, DiaryNumber.number, DiaryNumber.printed)
    ):
        if squeezed in compact(number) or (printed and squeezed in compact(printed)):
            dnr_hits.add(assignment_id)
    return [row.id for row in rows if needle in row.title.casefold() or row.id in dnr_hits]


def _capability_counts(session: so.Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        session.execute(
            sa.select(
                CapabilityAssignment.assignment_id,
                sa.func.count(sa.distinct(CapabilityAssignment.capability_id)),
            )
            .where(
                CapabilityAssignment.assignment_id.in_(ids),
                CapabilityAssignment.removed_at.is_(None),
            )
            .group_by(CapabilityAssignment.assignment_id)
        ).all()
    )


def assignment_page(
    session: so.Session,
    filters: AssignmentFilters,
    *,
    today: date,
    request: PageRequest,
) -> Page[AssignmentRow]:
    """One page of the filtered list: at most seven queries, whatever the data size."""
    ids = _matching_ids(session, filters, today)
    id_page = paginate_list(ids, request, clamp=True)
    page_ids = id_page.items
    loaded = _loaded(session, page_ids) if page_ids else {}
    counts = _capability_counts(session, page_ids)
    rows = []
    for assignment_id in page_ids:
        assignment = loaded[assignment_id]
        upcoming = assignment.next_milestone
        rows.append(
            AssignmentRow(
                **stored(assignment, ("id", "title", "dnrs", "status")),
                recipients=_recipients(assignment),
                next_milestone=_milestone_view(upcoming, today) if upcoming else None,
                capability_count=counts.get(assignment.id, 0),
            )
        )
    return id_page.with_items(rows)


def assignment_detail(session: so.Session, assignment_id: int, *, today: date) -> AssignmentDetail:
    """One assignment with everything its page shows, or NotFound: six queries."""
    statement = (
        sa.select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            so.selectinload(Assignment.diary_numbers),
            so.selectinload(Assignment.recipients).joinedload(AssignmentRecipient.actor),
            so.selectinload(Assignment.milestones),
            so.selectinload(Assignment.reports),
        )
    )
    assignment = session.scalars(statement).one_or_none()
    if assignment is None:
        raise NotFound(f"Regeringsuppdraget med id {assignment_id} finns inte.")
    links = session.execute(
        sa.select(CapabilityAssignment, Capability)
        .join(Capability, Capability.id == CapabilityAssignment.capability_id)
        .where(
            CapabilityAssignment.assignment_id == assignment_id,
            CapabilityAssignment.removed_at.is_(None),
        )
        .order_by(Capability.sort_key, CapabilityAssignment.id)
    ).all()
    return AssignmentDetail(
        assignment=assignment,
        recipients=_recipients(assignment),
        milestones=[_milestone_view(m, today) for m in assignment.milestones],
        capabilities=[
            LinkedCapability(
                link_id=link.id,
                number=capability.number,
                title=capability.title,
                partial=link.partial,
                note=link.note,
                retired=capability.retired_on is not None,
            )
            for link, capability in links
        ],
    )


def actor_choices(session: so.Session, keep: Iterable[int] = ()) -> list[tuple[int, str]]:
    """Actors a recipient can be chosen from: those not retired, plus any already chosen."""
    kept = list(keep)
    condition: sa.ColumnElement[bool] = Actor.retired_on.is_(None)
    if kept:
        condition = sa.or_(condition, Actor.id.in_(kept))
    rows = session.execute(sa.select(Actor.id, Actor.name, Actor.short_name).where(condition))
    return sorted(
        ((i, f"{name} ({short})" if short else name) for i, name, short in rows),
        key=lambda choice: swedish_key(choice[1]),
    )
