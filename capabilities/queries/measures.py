"""Measures (förmågehöjande åtgärder): the filtered list and one measure's page.

Both load in a fixed number of queries whatever the number of measures, and redact
confidential content here, on the read side, so that a template cannot print it by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import unicode_lower
from capabilities.errors import NotFound
from capabilities.models import (
    Actor,
    Capability,
    Measure,
    MeasureActor,
    MeasureCapability,
    User,
)
from capabilities.queries.measure_history import HistoryEntry, measure_history
from capabilities.queries.pagination import Page, PageRequest, paginate
from capabilities.redaction import MEASURE, is_hidden, redact_record

CLOSED_STATES = ("genomförd", "avförd")
NO_PRIORITY = "ingen"


def short_title(title: str, limit: int = 60) -> str:
    """A capability's first line, cut at a word boundary: 'Robust lagerhållning avseende…'."""
    first = title.strip().splitlines()[0].strip() if title.strip() else ""
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"


@dataclass(frozen=True)
class CapabilityRef:
    id: int
    number: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.number} {short_title(self.title)}"

    @property
    def full_label(self) -> str:
        """Number and the whole first line (… when more follows): tells 2.1.1–2.1.3 apart."""
        lines = [line.strip() for line in self.title.strip().splitlines() if line.strip()]
        first = lines[0] if lines else ""
        return f"{self.number} {first}{' …' if len(lines) > 1 else ''}"


@dataclass(frozen=True)
class ActorRef:
    id: int
    name: str
    short_name: str | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass
class MeasureView:
    """One measure as a given user may see it; redacted fields are None."""

    id: int
    state: str
    priority: str | None
    due_on: date | None
    overdue: bool
    confidential: bool
    redacted: bool
    version: int
    title: str | None
    description: str | None
    cost_effectiveness: str | None
    legal_assessment: str | None
    secrecy_ref: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    capabilities: list[CapabilityRef] = field(default_factory=list)
    actors: list[ActorRef] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureFilters:
    """Filters from the list page's URL; empty strings mean 'any'."""

    state: str = ""
    priority: str = ""  # one of PRIORITIES, NO_PRIORITY, or ""
    capability: str = ""  # a capability number, e.g. "1.1.1"
    actor: int | None = None
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.state or self.priority or self.capability or self.actor or self.q)


@dataclass
class MeasureDetail:
    measure: MeasureView
    history: list[HistoryEntry]


def is_overdue(due_on: date | None, state: str, today: date) -> bool:
    """Past its due date and neither carried out nor dropped."""
    return due_on is not None and due_on < today and state not in CLOSED_STATES


def _filtered(filters: MeasureFilters, can_see_confidential: bool) -> sa.Select[int]:
    """Ids of matching measures, newest first: the statement a page is cut from in SQL.

    Free text is matched with `unicode_lower` (Swedish letters included on SQLite too); it
    never matches the hidden content of a confidential measure for a non-cleared user, or the
    search itself would reveal that content.
    """
    statement = sa.select(Measure.id).order_by(Measure.created_at.desc(), Measure.id.desc())
    if filters.state:
        statement = statement.where(Measure.state == filters.state)
    if filters.priority == NO_PRIORITY:
        statement = statement.where(Measure.priority.is_(None))
    elif filters.priority:
        statement = statement.where(Measure.priority == filters.priority)
    if filters.capability:
        statement = statement.where(
            Measure.id.in_(
                sa.select(MeasureCapability.measure_id)
                .join(Capability, Capability.id == MeasureCapability.capability_id)
                .where(
                    Capability.number == filters.capability,
                    MeasureCapability.removed_at.is_(None),
                )
            )
        )
    if filters.actor is not None:
        statement = statement.where(
            Measure.id.in_(
                sa.select(MeasureActor.measure_id).where(
                    MeasureActor.actor_id == filters.actor, MeasureActor.removed_at.is_(None)
                )
            )
        )
    needle = filters.q.strip().lower()
    if needle:
        statement = statement.where(
            sa.or_(
                unicode_lower(Measure.title).contains(needle, autoescape=True),
                unicode_lower(Measure.description).contains(needle, autoescape=True),
            )
        )
        if not can_see_confidential:
            statement = statement.where(Measure.confidential.is_(False))
    return statement


def active_links(
    session: so.Session, ids: Sequence[int], foreign_key: Any, *columns: Any, order: Sequence[Any]
) -> Iterable[tuple[Any, ...]]:
    """(measure id, *columns) for each active link of the measures `ids` to the other side.

    `foreign_key` is the link table's column naming the other side (MeasureCapability.capability_id,
    MeasureActor.actor_id), `columns` that side's columns, `order` the order within a measure.
    """
    link, subject = foreign_key.class_, columns[0].class_
    return session.execute(
        sa.select(link.measure_id, *columns)
        .join(subject, subject.id == foreign_key)
        .where(link.measure_id.in_(ids), link.removed_at.is_(None))
        .order_by(*order)
    )


def _views(
    session: so.Session, ids: Sequence[int], *, can_see_confidential: bool, today: date
) -> list[MeasureView]:
    """Measures with their active links, in the order of `ids`: three queries."""
    if not ids:
        return []
    found: dict[int, MeasureView] = {}
    for measure, creator in session.execute(
        sa.select(Measure, User.display_name)
        .outerjoin(User, User.id == Measure.created_by_id)
        .where(Measure.id.in_(ids))
    ):
        redacted = is_hidden(measure.confidential, can_see_confidential)
        shown = redact_record(
            MEASURE,
            measure,
            ("title", "description", "cost_effectiveness", "legal_assessment", "secrecy_ref"),
            can_see_confidential=can_see_confidential,
        )
        found[measure.id] = MeasureView(
            id=measure.id,
            state=measure.state,
            priority=measure.priority,
            due_on=measure.due_on,
            overdue=is_overdue(measure.due_on, measure.state, today),
            confidential=measure.confidential,
            redacted=redacted,
            version=measure.version,
            title=shown["title"],
            description=shown["description"],
            cost_effectiveness=shown["cost_effectiveness"],
            legal_assessment=shown["legal_assessment"],
            secrecy_ref=shown["secrecy_ref"],
            created_by=creator,
            created_at=measure.created_at,
            updated_at=measure.updated_at,
        )
    capability = (Capability.id, Capability.number, Capability.title)
    for measure_id, *ref in active_links(
        session, ids, MeasureCapability.capability_id, *capability, order=[Capability.sort_key]
    ):
        found[measure_id].capabilities.append(CapabilityRef(*ref))
    actor = (Actor.id, Actor.name, Actor.short_name)
    for measure_id, *ref in active_links(
        session, ids, MeasureActor.actor_id, *actor, order=[Actor.name]
    ):
        found[measure_id].actors.append(ActorRef(*ref))
    return [found[i] for i in ids if i in found]


def measure_page(
    session: so.Session,
    filters: MeasureFilters,
    *,
    can_see_confidential: bool,
    today: date,
    request: PageRequest,
) -> Page[MeasureView]:
    """One page of the filtered list: five queries (two cut the page of ids in SQL, three load
    its rows). A page past the end shows the last."""
    id_page = paginate(session, _filtered(filters, can_see_confidential), request, clamp=True)
    rows = _views(session, id_page.items, can_see_confidential=can_see_confidential, today=today)
    return id_page.with_items(rows)


def measure_view(
    session: so.Session, measure_id: int, *, can_see_confidential: bool, today: date
) -> MeasureView:
    """One measure with its links, or NotFound."""
    views = _views(session, [measure_id], can_see_confidential=can_see_confidential, today=today)
    if not views:
        raise NotFound(f"Åtgärden med id {measure_id} finns inte.")
    return views[0]


def measure_detail(
    session: so.Session, measure_id: int, *, can_see_confidential: bool, today: date
) -> MeasureDetail:
    """The measure page: the measure, its links and its audit history, in six queries."""
    view = measure_view(session, measure_id, can_see_confidential=can_see_confidential, today=today)
    history = measure_history(
        session,
        measure_id,
        confidential=view.confidential,
        can_see_confidential=can_see_confidential,
    )
    return MeasureDetail(measure=view, history=history)


def capability_options(session: so.Session, keep: Iterable[int] = ()) -> list[CapabilityRef]:
    """Capabilities in register order: those not retired, plus any in `keep` (already linked)."""
    statement = sa.select(Capability.id, Capability.number, Capability.title).order_by(
        Capability.sort_key
    )
    kept = sorted(keep)
    condition: sa.ColumnElement[bool] = Capability.retired_on.is_(None)
    if kept:
        condition = sa.or_(condition, Capability.id.in_(kept))
    return [CapabilityRef(*row) for row in session.execute(statement.where(condition))]


def actor_options(session: so.Session, keep: Iterable[int] = ()) -> list[ActorRef]:
    """Actors by name: those not retired, plus any in `keep` (already linked)."""
    statement = sa.select(Actor.id, Actor.name, Actor.short_name).order_by(Actor.name)
    kept = sorted(keep)
    condition: sa.ColumnElement[bool] = Actor.retired_on.is_(None)
    if kept:
        condition = sa.or_(condition, Actor.id.in_(kept))
    return [ActorRef(*row) for row in session.execute(statement.where(condition))]
