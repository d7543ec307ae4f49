"""Actors: organisations with (possible) responsibility. Admins manage them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.i18n import N_
from capabilities.models import ACTOR_KINDS, Actor, User
from capabilities.services.base import (
    MAX_SHORT,
    Errors,
    add_audited,
    change_audited,
    check_version,
    require_admin,
)

FIELDS = ("name", "short_name", "kind", "is_public", "is_beredskapsmyndighet", "description")


@dataclass(frozen=True)
class ActorInput:
    """An actor as the form or a test gives it; the service strips and checks it."""

    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    is_public: bool = True
    is_beredskapsmyndighet: bool | None = None
    description: str | None = None

    @classmethod
    def of(cls, actor: Actor) -> ActorInput:
        """The actor as stored: change a few fields with dataclasses.replace."""
        return cls(**stored(actor, FIELDS))


def _validate(session: so.Session, data: ActorInput, actor_id: int | None) -> dict[str, Any]:
    errors = Errors()
    clean: dict[str, Any] = {
        "name": errors.text("name", data.name, label="Namn", required=True, max_length=MAX_SHORT),
        "short_name": errors.text("short_name", data.short_name, label="Kortnamn", max_length=40),
        "kind": errors.choice("kind", data.kind, ACTOR_KINDS, label="Typ"),
        "is_public": bool(data.is_public),
        "is_beredskapsmyndighet": data.is_beredskapsmyndighet,
        "description": errors.text("description", data.description, label="Beskrivning"),
    }
    if clean["name"]:
        clash = session.scalar(
            sa.select(Actor.id).where(sa.func.lower(Actor.name) == clean["name"].lower())
        )
        if clash is not None and clash != actor_id:
            errors.add(
                "name", N_("Det finns redan en aktör som heter ”%(name)s”.", name=clean["name"])
            )
    errors.raise_if_any()
    return clean


def create_actor(session: so.Session, user: User, data: ActorInput) -> Actor:
    require_admin(user)
    clean = _validate(session, data, None)
    return add_audited(session, user, Actor(**clean))


def update_actor(
    session: so.Session, user: User, actor: Actor, data: ActorInput, *, expected_version: int
) -> Actor:
    require_admin(user)
    check_version(actor, expected_version, "Aktören")
    clean = _validate(session, data, actor.id)
    return change_audited(session, user, actor, clean, what="Aktören")


def retire_actor(session: so.Session, user: User, actor: Actor, *, retired_on: date) -> Actor:
    """Actors are retired, never deleted: their history stays readable."""
    require_admin(user)
    return change_audited(
        session,
        user,
        actor,
        {"retired_on": retired_on},
        what="Aktören",
        action="retire",
        audit_unchanged=True,
    )
