"""Read side of the JSON API: pages of declared shapes (api_shapes) in a fixed number of queries.

Lists are ordered by id (stable whatever is added later); the register keeps its own order.
Confidential content is replaced here, on the read side, so that no caller can let it out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import NotFound
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
)
from capabilities.queries import api_shapes as shapes
from capabilities.queries.api_shapes_rounds import RoundListItem
from capabilities.queries.assignments import swedish_key
from capabilities.queries.capability import assessment_history, history_entries
from capabilities.queries.lookup import capability_or_not_found
from capabilities.queries.measures import active_links
from capabilities.queries.pagination import Page, PageRequest, paginate, paginate_list
from capabilities.queries.register import level_labels, register_ids, register_rows
from capabilities.queries.rounds import list_rounds
from capabilities.redaction import CONFIDENTIAL_LABEL, MEASURE, is_hidden, redact


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _page_ids(session: so.Session, model: Any, request: PageRequest) -> Page[int]:
    """One page of ids in id order and the total: two queries."""
    return paginate(session, sa.select(model.id).order_by(model.id), request)


# --- capabilities ----------------------------------------------------------------------------


def capability_page(
    session: so.Session,
    request: PageRequest,
    *,
    as_of: date | None = None,
    can_see_confidential: bool,
) -> Page[shapes.Capability]:
    """The register (as of a date) in register order, like `formaga register --format json`.

    The page of ids is cut in SQL (two queries) and only its rows are loaded (seven more), so
    the cost follows the page size, not the register's.
    """
    ids = paginate(session, register_ids(as_of), request)
    rows = register_rows(
        session, as_of=as_of, can_see_confidential=can_see_confidential, capability_ids=ids.items
    )
    return ids.with_items([row.as_json() for row in rows])


def capability_item(
    session: so.Session, number: str, *, as_of: date | None = None, can_see_confidential: bool
) -> shapes.Capability:
    """One capability in the register's shape; retired ones too unless a date is asked for."""
    found = session.scalar(
        register_ids(as_of, include_retired=as_of is None).where(Capability.number == number)
    )
    rows = []
    if found is not None:
        rows = register_rows(
            session,
            as_of=as_of,
            can_see_confidential=can_see_confidential,
            include_retired=as_of is None,
            capability_ids=[found],
        )
    if rows:
        return rows[0].as_json()
    if as_of is not None:
        raise NotFound(f"Delförmåga {number} fanns inte i registret {as_of.isoformat()}.")
    raise NotFound(f"Delförmåga {number} finns inte i registret.")


def capability_history(
    session: so.Session, number: str, request: PageRequest, *, can_see_confidential: bool
) -> tuple[shapes.CapabilitySummary, Page[shapes.HistoryEntry]]:
    """All assessments of one capability, newest first, each with its trend: three queries."""
    capability = capability_or_not_found(
        session, number, f"Delförmåga {number} finns inte i registret."
    )
    entries = history_entries(
        assessment_history(session, capability), level_labels(session), can_see_confidential
    )
    items: list[shapes.HistoryEntry] = [
        {
            "level": entry.status.level,
            "label": entry.status.label,
            "summary": entry.status.summary,
            "justification": entry.status.justification,
            "target_level": entry.status.target_level,
            "organisations": entry.organisations,
            "assessed_on": entry.status.assessed_on.isoformat(),
            "assessed_by": entry.created_by,
            "approved_by": entry.approved_by,
            "approved_in_round": entry.approved_in,
            "trend": entry.trend,
            "confidential": entry.status.confidential,
            "secrecy_ref": entry.secrecy_ref,
            "withdrawn": None
            if entry.withdrawal is None
            else {
                "at": entry.withdrawal.at.isoformat(),
                "by": entry.withdrawal.by,
                "reason": entry.withdrawal.reason,
            },
        }
        for entry in entries
    ]
    summary: shapes.CapabilitySummary = {
        "number": capability.number,
        "title": capability.title,
        "retired_on": _iso(capability.retired_on),
    }
    return summary, paginate_list(items, request)


# --- reporting rounds ------------------------------------------------------------------------


def round_items(session: so.Session) -> list[RoundListItem]:
    """Every round, newest first, as the API's round list and `formaga rounds list` give it."""
    return [
        {
            "id": r.id,
            "name": r.name,
            "status": r.status,
            "reference_date": r.reference_date.isoformat(),
            "deadline": r.deadline.isoformat(),
            "closed_at": r.closed_at.isoformat() if r.closed_at else None,
            "sha256": s.sha256 if s else None,
        }
        for r, s in list_rounds(session)
    ]


# --- assignments -----------------------------------------------------------------------------


def _assignment_json(assignment: Assignment, capability_numbers: list[str]) -> shapes.Assignment:
    recipients = sorted(
        assignment.recipients, key=lambda r: (not r.is_lead, swedish_key(r.actor.name))
    )
    return {
        "id": assignment.id,
        "title": assignment.title,
        "dnrs": assignment.dnrs,
        "diary_numbers": [
            {"number": d.number, "printed": d.printed, "partial": d.is_partial}
            for d in assignment.diary_numbers
        ],
        "ministry": assignment.ministry,
        "status": assignment.status,
        "status_source": assignment.status_source,
        "decided_on": _iso(assignment.decided_on),
        "decided_printed": assignment.decided_printed,
        "url": assignment.url,
        "description": assignment.description,
        "recipients": [
            {
                "actor_id": r.actor_id,
                "name": r.actor.name,
                "short_name": r.actor.short_name,
                "is_lead": r.is_lead,
                "role": r.role,
            }
            for r in recipients
        ],
        "milestones": [
            {
                "due_on": m.due_on.isoformat(),
                "kind": m.kind,
                "is_done": m.is_done,
                "done_on": _iso(m.done_on),
                "report_reference": m.report_reference,
                "source": m.source,
            }
            for m in assignment.milestones
        ],
        "reports": [
            {
                "reference": r.reference,
                "reported_on": _iso(r.reported_on),
                "reported_printed": r.reported_printed,
                "is_final": r.is_final,
                "source": r.source,
            }
            for r in assignment.reports
        ],
        "capability_numbers": capability_numbers,
    }


def assignment_page(session: so.Session, request: PageRequest) -> Page[shapes.Assignment]:
    """Assignments by id with dnrs, recipients, milestones, reports and capabilities: 7 queries."""
    id_page = _page_ids(session, Assignment, request)
    return id_page.with_items(assignments_json(session, id_page.items))


def assignments_json(session: so.Session, ids: list[int] | None = None) -> list[shapes.Assignment]:
    """Assignments (all, or those with `ids`) by id, in the API's shape with their dnrs,
    recipients, milestones, reports and actively linked capability numbers: six queries."""
    statement = sa.select(Assignment).order_by(Assignment.id)
    links = (
        sa.select(CapabilityAssignment.assignment_id, Capability.number)
        .join(Capability, Capability.id == CapabilityAssignment.capability_id)
        .where(CapabilityAssignment.removed_at.is_(None))
        .order_by(Capability.sort_key, CapabilityAssignment.id)
    )
    if ids is not None:
        statement = statement.where(Assignment.id.in_(ids))
        links = links.where(CapabilityAssignment.assignment_id.in_(ids))
    assignments = session.scalars(
        statement.options(
            so.selectinload(Assignment.diary_numbers),
            so.selectinload(Assignment.recipients).joinedload(AssignmentRecipient.actor),
            so.selectinload(Assignment.milestones),
            so.selectinload(Assignment.reports),
        )
    ).all()
    numbers: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(links):
        if number not in numbers[assignment_id]:
            numbers[assignment_id].append(number)
    return [_assignment_json(a, numbers[a.id]) for a in assignments]


# --- actors ----------------------------------------------------------------------------------


def actor_page(session: so.Session, request: PageRequest) -> Page[shapes.Actor]:
    """Actors by id, retired ones too, with their current responsibilities: four queries."""
    id_page = _page_ids(session, Actor, request)
    ids = id_page.items
    actors = session.scalars(sa.select(Actor).where(Actor.id.in_(ids)).order_by(Actor.id)).all()
    responsibilities: dict[int, list[shapes.Responsibility]] = defaultdict(list)
    for actor_id, number, role, note in session.execute(
        sa.select(
            Responsibility.actor_id, Capability.number, Responsibility.role, Responsibility.note
        )
        .join(Capability, Capability.id == Responsibility.capability_id)
        .where(Responsibility.actor_id.in_(ids), Responsibility.removed_at.is_(None))
        .order_by(Capability.sort_key, Responsibility.role, Responsibility.id)
    ):
        responsibilities[actor_id].append({"capability_number": number, "role": role, "note": note})
    items = [_actor_json(actor, responsibilities[actor.id]) for actor in actors]
    return id_page.with_items(items)


# --- measures --------------------------------------------------------------------------------


def _measure_json(
    measure: Measure, can_see_confidential: bool, numbers: list[str], actors: list[shapes.ActorRef]
) -> shapes.Measure:
    """A measure as the user may see it: without clearance its content is replaced."""
    redacted = is_hidden(measure.confidential, can_see_confidential)
    item: shapes.Measure = {
        "id": measure.id,
        "title": measure.title,
        "description": measure.description,
        "state": measure.state,
        "priority": measure.priority,
        "cost_effectiveness": measure.cost_effectiveness,
        "legal_assessment": measure.legal_assessment,
        "due_on": _iso(measure.due_on),
        "confidential": measure.confidential,
        "redacted": redacted,
        "secrecy_ref": measure.secrecy_ref,
        "created_at": measure.created_at.isoformat(),
        "updated_at": measure.updated_at.isoformat(),
        "capability_numbers": numbers,
        "actors": actors,
    }
    shown = cast(
        shapes.Measure,
        redact(
            MEASURE,
            dict(item),
            confidential=measure.confidential,
            can_see_confidential=can_see_confidential,
        ),
    )
    if redacted:
        shown["title"] = CONFIDENTIAL_LABEL
    return shown


def measure_page(
    session: so.Session, request: PageRequest, *, can_see_confidential: bool
) -> Page[shapes.Measure]:
    """Measures by id with their linked capabilities and actors: five queries."""
    id_page = _page_ids(session, Measure, request)
    ids = id_page.items
    measures = session.scalars(
        sa.select(Measure).where(Measure.id.in_(ids)).order_by(Measure.id)
    ).all()
    numbers: dict[int, list[str]] = defaultdict(list)
    for measure_id, number in active_links(
        session,
        ids,
        MeasureCapability.capability_id,
        Capability.number,
        order=[Capability.sort_key, MeasureCapability.id],
    ):
        if number not in numbers[measure_id]:
            numbers[measure_id].append(number)
    actors: dict[int, list[shapes.ActorRef]] = defaultdict(list)
    actor = (Actor.id, Actor.name, Actor.short_name)
    order = [Actor.name, MeasureActor.id]
    for measure_id, actor_id, name, short_name in active_links(
        session, ids, MeasureActor.actor_id, *actor, order=order
    ):
        if all(a["id"] != actor_id for a in actors[measure_id]):
            actors[measure_id].append({"id": actor_id, "name": name, "short_name": short_name})
    items = [
        _measure_json(measure, can_see_confidential, numbers[measure.id], actors[measure.id])
        for measure in measures
    ]
    return id_page.with_items(items)


def _actor_json(actor: Actor, responsibilities: list[shapes.Responsibility]) -> shapes.Actor:
    """One actor in the API's shape (the CLI's `formaga actors` adds its assignments)."""
    return {
        "id": actor.id,
        "name": actor.name,
        "short_name": actor.short_name,
        "kind": actor.kind,
        "is_public": actor.is_public,
        "is_beredskapsmyndighet": actor.is_beredskapsmyndighet,
        "description": actor.description,
        "source": actor.source,
        "retired_on": _iso(actor.retired_on),
        "responsibilities": responsibilities,
    }
