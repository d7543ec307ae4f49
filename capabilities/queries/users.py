"""Read side of the admin pages (users, organisations, the scale): one query each, whatever
the number of users."""

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
    organisation_short_name: str | None = None


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
        UserRow(id_, username, name, _label(org, short), role, cleared, active, last_login, short)
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


def scale_levels(session: so.Session) -> list[StatusLevel]:
    """The five levels of the status scale, in order."""
    return list(session.scalars(sa.select(StatusLevel).order_by(StatusLevel.level)))


def user_by_username(session: so.Session, username: str) -> User | None:
    """The user with this username (any case, surrounding spaces ignored), system user too."""
    return session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def organisation_short_names(session: so.Session) -> list[str]:
    """Every actor's short name, sorted: what the console offers when a name matches nothing."""
    return [
        short
        for short in session.scalars(
            sa.select(Actor.short_name)
            .where(Actor.short_name.is_not(None))
            .order_by(Actor.short_name)
        )
        if short
    ]


def console_user_rows(
    session: so.Session,
) -> list[tuple[str, str, str, str | None, bool, bool, datetime | None]]:
    """`formaga users list`: username, name, role, organisation short name, clearance, active,
    last login; the system user left out, by username."""
    return [
        (
            row.username,
            row.display_name,
            row.role,
            row.organisation_short_name,
            row.can_see_confidential,
            row.is_active,
            row.last_login_at,
        )
        for row in user_rows(session)
    ]


def has_users(session: so.Session) -> bool:
    """Whether anyone but the system user exists (`formaga init` makes the first admin)."""
    return bool(session.scalar(sa.select(sa.func.count(User.id)).where(User.is_system.is_(False))))
