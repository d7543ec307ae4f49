"""The options of the pickers on the edit pages (areas, actors, reviewers): one query each."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Actor, Area, User


def areas(session: so.Session) -> list[Area]:
    """Every area, in the structure's order."""
    return list(session.scalars(sa.select(Area).order_by(Area.sort_key)))


def active_actors(session: so.Session) -> list[tuple[int, str]]:
    """(id, name) of every actor not retired, by name."""
    rows = session.execute(
        sa.select(Actor.id, Actor.name).where(Actor.retired_on.is_(None)).order_by(Actor.name)
    )
    return [(id_, name) for id_, name in rows]


def reviewer_candidates(session: so.Session) -> list[User]:
    """Who an admin may appoint to review a round: active members and admins, by name."""
    return list(
        session.scalars(
            sa.select(User)
            .where(
                User.is_active.is_(True),
                User.is_system.is_(False),
                User.role.in_(("medlem", "admin")),
            )
            .order_by(User.display_name)
        )
    )
