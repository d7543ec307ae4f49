"""Capability ↔ assignment links and capability ↔ actor responsibilities (end-dated)."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import Conflict
from capabilities.i18n import N_
from capabilities.models import (
    RESPONSIBILITY_ROLES,
    Actor,
    Assignment,
    Capability,
    CapabilityAssignment,
    Responsibility,
    User,
)
from capabilities.services.base import Errors, add_audited, change_audited, require_editor

_Link = TypeVar("_Link", CapabilityAssignment, Responsibility)


def link_assignment(
    session: so.Session,
    user: User,
    capability: Capability,
    assignment: Assignment,
    *,
    partial: bool = False,
    note: str | None = None,
) -> CapabilityAssignment:
    """Link an assignment that strengthens a capability; refuse a duplicate active link."""
    require_editor(user)
    errors = Errors()
    note_text = errors.text("note", note, label="Anteckning")
    errors.raise_if_any()
    existing = session.scalar(
        sa.select(CapabilityAssignment).where(
            CapabilityAssignment.capability_id == capability.id,
            CapabilityAssignment.assignment_id == assignment.id,
            CapabilityAssignment.removed_at.is_(None),
        )
    )
    if existing is not None:
        raise Conflict(
            N_("Uppdraget är redan kopplat till delförmåga %(number)s.", number=capability.number)
        )
    link = CapabilityAssignment(
        capability_id=capability.id,
        assignment_id=assignment.id,
        partial=bool(partial),
        note=note_text,
        added_by_id=user.id,
        added_at=utcnow(),
    )
    return add_audited(session, user, link, action="link", capability_id=capability.id)


def end_assignment_link(
    session: so.Session, user: User, link: CapabilityAssignment
) -> CapabilityAssignment:
    require_editor(user)
    return _end(session, user, link, "Kopplingen till uppdraget")


def add_responsibility(
    session: so.Session,
    user: User,
    capability: Capability,
    actor: Actor,
    *,
    role: str,
    note: str | None = None,
) -> Responsibility:
    """Record that an actor has (`ansvarar`) or could have (`kan_ansvara`) responsibility."""
    require_editor(user)
    errors = Errors()
    role_value = errors.choice("role", role, RESPONSIBILITY_ROLES, label="Roll")
    note_text = errors.text("note", note, label="Anteckning")
    if actor.retired_on is not None:
        errors.add(
            "actor_id", N_("%(name)s är avvecklad och kan inte få nytt ansvar.", name=actor.name)
        )
    errors.raise_if_any()
    existing = session.scalar(
        sa.select(Responsibility).where(
            Responsibility.capability_id == capability.id,
            Responsibility.actor_id == actor.id,
            Responsibility.role == role_value,
            Responsibility.removed_at.is_(None),
        )
    )
    if existing is not None:
        raise Conflict(
            N_(
                "%(name)s har redan den rollen för delförmåga %(number)s.",
                name=actor.name,
                number=capability.number,
            )
        )
    responsibility = Responsibility(
        capability_id=capability.id,
        actor_id=actor.id,
        role=role_value,
        note=note_text,
        added_by_id=user.id,
        added_at=utcnow(),
    )
    return add_audited(session, user, responsibility, capability_id=capability.id)


def end_responsibility(
    session: so.Session, user: User, responsibility: Responsibility
) -> Responsibility:
    require_editor(user)
    return _end(session, user, responsibility, "Ansvaret")


def _end(session: so.Session, user: User, link: _Link, what: str) -> _Link:
    if link.removed_at is not None:
        raise Conflict(N_("%(what)s är redan avslutat.", what=what))
    return change_audited(
        session,
        user,
        link,
        {"removed_at": utcnow(), "removed_by_id": user.id},
        what=None,
        action="end",
        audit_unchanged=True,
        capability_id=link.capability_id,
    )
