"""Read side of the admin pages: one query each, whatever the number of users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Actor, StatusLevel, User


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    organisation: str | None
    role: str
    can_see_confidential: bool
    is_active: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class OrganisationOption:
    id: int
    label: str


def user_rows(session: so.Session) -> list[UserRow]:
    """Every real user (not the seeding system user), by username, with the organisation name."""
    statement = (
        sa.select(
            User.id,
            User.username,
            User.display_name,
            Actor.name,
            Actor.short_name,
            User.role,
            User.can_see_confidential,
            User.is_active,
            User.last_login_at,
        )
        .outerjoin(Actor, User.organisation_id == Actor.id)
        .where(User.is_system.is_(False))
        .order_by(User.username)
    )
    return [
        UserRow(id_, username, name, _label(org, short), role, cleared, active, last_login)
        for id_, username, name, org, short, role, cleared, active, last_login in session.execute(
            statement
        )
    ]


def _label(name: str | None, short_name: str | None) -> str | None:
    if name is None:
        return None
    return f"{name} ({short_name})" if short_name else name


def organisation_options(session: so.Session, keep: int | None = None) -> list[OrganisationOption]:
    """Actors still active, plus the user's current organisation even if it has been retired."""
    condition: sa.ColumnElement[bool] = Actor.retired_on.is_(None)
    if keep is not None:
        condition = sa.or_(condition, Actor.id == keep)
    statement = sa.select(Actor.id, Actor.name, Actor.short_name).where(condition)
    return [
        OrganisationOption(id_, _label(name, short) or "")
        for id_, name, short in session.execute(statement.order_by(Actor.name))
    ]


def editable_user(session: so.Session, user_id: int) -> User | None:
    """A user an admin may edit: exists and is not the system user."""
    user = session.get(User, user_id)
    return None if user is None or user.is_system else user


def scale_levels(session: so.Session) -> list[StatusLevel]:
    return list(session.scalars(sa.select(StatusLevel).order_by(StatusLevel.level)))
