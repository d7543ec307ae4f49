"""Actors (aktörer): the list with responsibility counts and one actor's page.

Both load in a fixed number of queries. Confidential measures are redacted here, on the read
side, so that a template cannot print a title the user may not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ACTOR_KINDS,
    Actor,
    Assignment,
    AssignmentRecipient,
    Capability,
    Measure,
    MeasureActor,
    Responsibility,
)
from capabilities.queries.assignments import swedish_key
from capabilities.queries.lookup import one_or_not_found
from capabilities.redaction import MEASURE, redact


@dataclass(frozen=True)
class ActorFilters:
    kind: str = ""
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.kind or self.q)


@dataclass(frozen=True)
class ActorRow:
    id: int
    name: str
    short_name: str | None
    kind: str
    is_public: bool
    is_beredskapsmyndighet: bool | None
    retired_on: date | None
    responsibility_count: int


@dataclass
class ActorList:
    active: list[ActorRow]
    retired: list[ActorRow]


@dataclass(frozen=True)
class ResponsibilityView:
    id: int
    capability_number: str
    capability_title: str
    capability_retired: bool
    role: str
    note: str | None


@dataclass(frozen=True)
class RecipientOf:
    """An assignment the actor received."""

    assignment_id: int
    title: str
    dnrs: list[str]
    status: str
    is_lead: bool


@dataclass(frozen=True)
class LinkedMeasure:
    """A measure the actor is responsible for; `title` is None when redacted."""

    id: int
    title: str | None
    state: str
    due_on: date | None
    confidential: bool

    @property
    def redacted(self) -> bool:
        return self.title is None


@dataclass
class ActorDetail:
    actor: Actor
    responsibilities: list[ResponsibilityView] = field(default_factory=list)
    assignments: list[RecipientOf] = field(default_factory=list)
    measures: list[LinkedMeasure] = field(default_factory=list)


def actor_list(session: so.Session, filters: ActorFilters) -> ActorList:
    """Every actor matching the filters, active and retired apart: two queries."""
    statement = sa.select(Actor)
    if filters.kind in ACTOR_KINDS:
        statement = statement.where(Actor.kind == filters.kind)
    needle = filters.q.strip().casefold()
    actors = sorted(
        (
            a
            for a in session.scalars(statement)
            if not needle or needle in f"{a.name} {a.short_name or ''}".casefold()
        ),
        key=lambda a: swedish_key(a.name),
    )
    counts = dict(
        session.execute(
            sa.select(Responsibility.actor_id, sa.func.count(Responsibility.id))
            .where(Responsibility.removed_at.is_(None))
            .group_by(Responsibility.actor_id)
        ).all()
    )
    result = ActorList(active=[], retired=[])
    for actor in actors:
        row = ActorRow(
            id=actor.id,
            name=actor.name,
            short_name=actor.short_name,
            kind=actor.kind,
            is_public=actor.is_public,
            is_beredskapsmyndighet=actor.is_beredskapsmyndighet,
            retired_on=actor.retired_on,
            responsibility_count=counts.get(actor.id, 0),
        )
        (result.retired if actor.retired_on else result.active).append(row)
    return result


def actor_detail(session: so.Session, actor_id: int, *, can_see_confidential: bool) -> ActorDetail:
    """One actor with responsibilities, assignments and measures, or NotFound: five queries."""
    actor = one_or_not_found(session, Actor, actor_id, f"Aktören med id {actor_id} finns inte.")
    detail = ActorDetail(actor=actor)

    for responsibility, capability in session.execute(
        sa.select(Responsibility, Capability)
        .join(Capability, Capability.id == Responsibility.capability_id)
        .where(Responsibility.actor_id == actor_id, Responsibility.removed_at.is_(None))
        .order_by(Capability.sort_key, Responsibility.role, Responsibility.id)
    ).all():
        detail.responsibilities.append(
            ResponsibilityView(
                id=responsibility.id,
                capability_number=capability.number,
                capability_title=capability.title,
                capability_retired=capability.retired_on is not None,
                role=responsibility.role,
                note=responsibility.note,
            )
        )

    received = session.execute(
        sa.select(Assignment, AssignmentRecipient.is_lead)
        .join(AssignmentRecipient, AssignmentRecipient.assignment_id == Assignment.id)
        .where(AssignmentRecipient.actor_id == actor_id)
        .order_by(Assignment.title, Assignment.id)
        .options(so.selectinload(Assignment.diary_numbers))
    ).all()
    detail.assignments = [
        RecipientOf(
            assignment_id=assignment.id,
            title=assignment.title,
            dnrs=[dn.number for dn in assignment.diary_numbers],
            status=assignment.status,
            is_lead=is_lead,
        )
        for assignment, is_lead in received
    ]

    for measure in session.scalars(
        sa.select(Measure)
        .join(MeasureActor, MeasureActor.measure_id == Measure.id)
        .where(MeasureActor.actor_id == actor_id, MeasureActor.removed_at.is_(None))
        .order_by(Measure.id)
    ):
        if detail.measures and detail.measures[-1].id == measure.id:
            continue  # the same measure linked twice
        shown = redact(
            MEASURE,
            {"title": measure.title},
            confidential=measure.confidential,
            can_see_confidential=can_see_confidential,
        )
        detail.measures.append(
            LinkedMeasure(
                id=measure.id,
                title=shown["title"],
                state=measure.state,
                due_on=measure.due_on,
                confidential=measure.confidential,
            )
        )
    return detail


def find_organisation(session: so.Session, text: str) -> Actor | None:
    """The actor a person names as their organisation: by short name ("LV") or full name
    ("Läkemedelsverket"), ignoring case and surrounding spaces; None when nothing matches."""
    wanted = text.strip().casefold()
    if not wanted:
        return None
    for actor in session.scalars(sa.select(Actor).order_by(Actor.id)):
        if wanted in {actor.name.casefold(), (actor.short_name or "").casefold()}:
            return actor
    return None
