"""The analysts' reference data in full: every assignment and every actor, for `formaga
assignments` and `formaga actors`. The objects have the JSON API's shapes (one definition)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Actor,
    Assignment,
    AssignmentRecipient,
    Capability,
    Responsibility,
)
from capabilities.queries import api_shapes as shapes
from capabilities.queries.api import _actor_json, assignments_json
from capabilities.queries.assignments import swedish_key


def all_assignments(session: so.Session) -> list[shapes.Assignment]:
    """Every assignment (API shape), ordered by first dnr then title: six queries."""
    return sorted(
        assignments_json(session),
        key=lambda a: (a["dnrs"][0] if a["dnrs"] else "~", swedish_key(a["title"]), a["id"]),
    )


def all_actors(session: so.Session) -> list[shapes.ActorWithAssignments]:
    """Every actor (API shape) with the assignments it received or partners in: three queries."""
    actors = session.scalars(sa.select(Actor)).all()
    responsibilities: dict[int, list[shapes.Responsibility]] = defaultdict(list)
    for actor_id, number, role, note in session.execute(
        sa.select(
            Responsibility.actor_id, Capability.number, Responsibility.role, Responsibility.note
        )
        .join(Capability, Capability.id == Responsibility.capability_id)
        .where(Responsibility.removed_at.is_(None))
        .order_by(Capability.sort_key, Responsibility.role, Responsibility.id)
    ):
        responsibilities[actor_id].append({"capability_number": number, "role": role, "note": note})
    assignments: dict[int, list[shapes.ActorAssignment]] = defaultdict(list)
    for recipient in session.scalars(
        sa.select(AssignmentRecipient).options(
            so.joinedload(AssignmentRecipient.assignment).selectinload(Assignment.diary_numbers)
        )
    ):
        assignment = recipient.assignment
        assignments[recipient.actor_id].append(
            {
                "id": assignment.id,
                "title": assignment.title,
                "dnrs": assignment.dnrs,
                "status": assignment.status,
                "is_lead": recipient.is_lead,
                "role": recipient.role,
            }
        )
    return [
        {
            **_actor_json(actor, responsibilities[actor.id]),
            "assignments": sorted(
                assignments[actor.id], key=lambda a: (a["dnrs"] or ["~"], a["id"])
            ),
        }
        for actor in sorted(actors, key=lambda a: swedish_key(a.name))
    ]
