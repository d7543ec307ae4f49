"""One measure's audit history as its page shows it: the fields each event changed, ids as
capability numbers and actor names, confidential content left out for a viewer without
clearance (a measure confidential now hides all its events, also those from before)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Actor, AuditEvent, Capability, Measure
from capabilities.redaction import MEASURE, redact

# The order in which the history shows a change's fields (bookkeeping columns left out).
HISTORY_FIELDS = (
    "title",
    "description",
    "state",
    "priority",
    "cost_effectiveness",
    "legal_assessment",
    "due_on",
    "capability_ids",
    "actor_ids",
    "confidential",
    "secrecy_ref",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any
    redacted: bool = False


@dataclass
class HistoryEntry:
    at: datetime
    user: str | None
    action: str
    confidential: bool
    changes: list[FieldChange]


def measure_history(
    session: so.Session, measure_id: int, *, confidential: bool, can_see_confidential: bool
) -> list[HistoryEntry]:
    """Newest first, in three queries (events with their users, numbers, names)."""
    events = list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == Measure.__tablename__)
            .where(AuditEvent.entity_id == measure_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .options(so.joinedload(AuditEvent.user))
        )
    )
    capability_ids: set[int] = set()
    actor_ids: set[int] = set()
    for event in events:
        for data in (event.before or {}, event.after or {}):
            capability_ids.update(data.get("capability_ids") or ())
            actor_ids.update(data.get("actor_ids") or ())
    numbers = _capability_numbers(session, capability_ids)
    names = _actor_names(session, actor_ids)
    # A measure that is confidential now may have been public once, with the same title:
    # hide the content of all its events then, not only of those flagged confidential.
    history = [
        HistoryEntry(
            at=event.at,
            user=event.user.display_name if event.user else None,
            action=event.action,
            confidential=event.confidential,
            changes=_changes(
                event,
                confidential=confidential or event.confidential,
                can_see_confidential=can_see_confidential,
                numbers=numbers,
                names=names,
            ),
        )
        for event in events
    ]
    return history


def _capability_numbers(session: so.Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    return dict(
        session.execute(
            sa.select(Capability.id, Capability.number).where(Capability.id.in_(wanted))
        ).all()
    )


def _actor_names(session: so.Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    return {
        ident: f"{name} ({short})" if short else name
        for ident, name, short in session.execute(
            sa.select(Actor.id, Actor.name, Actor.short_name).where(Actor.id.in_(wanted))
        )
    }


def _changes(
    event: AuditEvent,
    *,
    confidential: bool,
    can_see_confidential: bool,
    numbers: dict[int, str],
    names: dict[int, str],
) -> list[FieldChange]:
    """The fields an event changed, ids shown as numbers and names, hidden content left out."""
    before, after = event.before or {}, event.after or {}
    keyed = dict(confidential=confidential, can_see_confidential=can_see_confidential)
    shown_before = redact(MEASURE, before, **keyed)
    shown_after = redact(MEASURE, after, **keyed)
    changes = []
    for name in HISTORY_FIELDS:
        old, new = before.get(name), after.get(name)
        if old == new or (not before and new in (None, "", [], False)):
            continue
        if (old, new) != (shown_before.get(name), shown_after.get(name)):
            changes.append(FieldChange(name, None, None, redacted=True))
            continue
        if name == "capability_ids":
            old, new = _labels(old, numbers), _labels(new, numbers)
        elif name == "actor_ids":
            old, new = _labels(old, names), _labels(new, names)
        changes.append(FieldChange(name, old, new))
    return changes


def _labels(ids: list[int] | None, lookup: dict[int, str]) -> list[str] | None:
    if ids is None:
        return None
    return [lookup.get(i, f"id {i}") for i in ids]
