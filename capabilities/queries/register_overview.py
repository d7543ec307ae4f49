"""The register overview page: the capabilities matching the filters (level, area, actor,
assignment, text) chosen and paginated in SQL, and the filters' choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import unicode_lower
from capabilities.models import (
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    Responsibility,
    StatusAssessment,
)
from capabilities.queries.pagination import Page, PageRequest, paginate
from capabilities.queries.register import (
    RegisterRow,
    capability_scope,
    level_labels,
    link_active_at,
    newest_assessment_id,
    register_rows,
)

LEVEL_FILTERS = ("none", "1", "2", "3", "4", "5")


@dataclass(frozen=True)
class RegisterFilters:
    """The overview's filters; empty means 'any'. `level` is "1".."5", "none" or ""."""

    area: str = ""
    level: str = ""
    actor: int | None = None
    assignment: int | None = None  # one assignment (links from its page)
    assignment_q: str = ""  # assignments by diary number or words of the title
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.area or self.level or self.actor or self.assignment or self.assignment_q or self.q
        )


def _matching(filters: RegisterFilters, can_see_confidential: bool) -> sa.Select[int]:
    """Ids of the active capabilities matching every filter, in register order."""
    statement = (
        sa.select(Capability.id)
        .where(capability_scope(None, False))
        .order_by(Capability.sort_key, Capability.id)
    )
    if filters.area:
        statement = statement.join(Area, Area.id == Capability.area_id).where(
            Area.number == filters.area
        )
    if filters.level:
        current = newest_assessment_id()
        if filters.level == "none":
            statement = statement.where(current.is_(None))
        else:
            # A level under secrecy is unknown to a viewer without clearance: never a match.
            shown = sa.select(StatusAssessment.id).where(
                StatusAssessment.id == current, StatusAssessment.level == int(filters.level)
            )
            if not can_see_confidential:
                shown = shown.where(StatusAssessment.confidential.is_(False))
            statement = statement.where(shown.exists())
    linked_to: tuple[tuple[int | None, Any, Any], ...] = (
        (filters.actor, Responsibility, Responsibility.actor_id),
        (filters.assignment, CapabilityAssignment, CapabilityAssignment.assignment_id),
    )
    for wanted_id, link, linked_id in linked_to:  # an active link to the actor/assignment
        if wanted_id is not None:
            statement = statement.where(
                sa.select(link.id)
                .where(
                    link.capability_id == Capability.id,
                    linked_id == wanted_id,
                    link_active_at(link, None),
                )
                .exists()
            )
    wanted = filters.assignment_q.strip().lower()
    if wanted:
        squeezed = "".join(wanted.split())
        matching = sa.select(Assignment.id).where(
            sa.or_(
                unicode_lower(Assignment.title).contains(wanted, autoescape=True),
                Assignment.id.in_(
                    sa.select(DiaryNumber.assignment_id).where(
                        unicode_lower(sa.func.replace(DiaryNumber.number, " ", "")).contains(
                            squeezed, autoescape=True
                        )
                    )
                ),
            )
        )
        statement = statement.where(
            sa.select(CapabilityAssignment.id)
            .where(
                CapabilityAssignment.capability_id == Capability.id,
                CapabilityAssignment.assignment_id.in_(matching),
                link_active_at(CapabilityAssignment, None),
            )
            .exists()
        )
    needle = filters.q.strip()
    if needle:
        text = unicode_lower(Capability.number + " " + Capability.title)
        statement = statement.where(text.contains(needle.lower(), autoescape=True))
    return statement


def register_page(
    session: so.Session,
    filters: RegisterFilters,
    request: PageRequest,
    *,
    can_see_confidential: bool,
) -> Page[RegisterRow]:
    """One page of the filtered overview: two queries for the page of ids, seven for the rows.

    A page past the end shows the last one.
    """
    ids = paginate(session, _matching(filters, can_see_confidential), request, clamp=True)
    rows = register_rows(
        session, can_see_confidential=can_see_confidential, capability_ids=ids.items
    )
    return ids.with_items(rows)


def filter_levels(session: so.Session) -> list[tuple[int, str]]:
    """The level filter's choices: (level, label) in order."""
    return sorted(level_labels(session).items())


def filter_areas(session: so.Session) -> list[Area]:
    return list(session.scalars(sa.select(Area).order_by(Area.sort_key)))


def filter_actors(session: so.Session) -> list[tuple[int, str]]:
    """Actors not retired, by name: (id, name)."""
    return [
        (ident, name)
        for ident, name in session.execute(
            sa.select(Actor.id, Actor.name).where(Actor.retired_on.is_(None)).order_by(Actor.name)
        )
    ]


def filter_assignment(session: so.Session, assignment_id: int | None) -> str | None:
    """The chosen assignment's label ("dnr – title") for the filter, or None."""
    if assignment_id is None:
        return None
    found = session.execute(
        sa.select(Assignment.title, sa.func.min(DiaryNumber.number))
        .outerjoin(DiaryNumber, DiaryNumber.assignment_id == Assignment.id)
        .where(Assignment.id == assignment_id)
        .group_by(Assignment.id, Assignment.title)
    ).first()
    if found is None:
        return None
    title, dnr = found
    return f"{dnr} – {title}" if dnr else title
