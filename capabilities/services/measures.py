"""Capability-raising measures: create, update (versioned), and their links."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored, utcnow
from capabilities.i18n import N_, Message
from capabilities.models import (
    MEASURE_STATES,
    PRIORITIES,
    Actor,
    Capability,
    Measure,
    MeasureActor,
    MeasureCapability,
    User,
)
from capabilities.services.base import (
    MAX_SECRECY_REF,
    MAX_TITLE,
    Errors,
    audit,
    check_version,
    flush_versioned,
    require_clearance_for,
    require_editor,
    snapshot,
)

EDITABLE_FIELDS = (
    "title",
    "description",
    "state",
    "cost_effectiveness",
    "legal_assessment",
    "priority",
    "due_on",
    "confidential",
    "secrecy_ref",
)


@dataclass(frozen=True)
class MeasureInput:
    """A measure as a form, the CLI or a test gives it; the service strips, parses and checks.

    `capability_ids` and `actor_ids` None keep the measure's current links (an update that
    does not touch them); a new measure needs at least one capability.
    """

    title: str | None = None
    description: str | None = None
    state: str | None = None
    cost_effectiveness: str | None = None
    legal_assessment: str | None = None
    priority: str | None = None
    due_on: str | date | None = None
    confidential: bool = False
    secrecy_ref: str | None = None
    capability_ids: Sequence[int | str] | None = None
    actor_ids: Sequence[int | str] | None = None

    @classmethod
    def of(cls, measure: Measure) -> MeasureInput:
        """The measure as stored, links kept: change a few fields with dataclasses.replace."""
        return cls(**stored(measure, EDITABLE_FIELDS))


@dataclass(frozen=True)
class Wording:
    """What the user calls the thing being checked: a procurement proposal is a measure underneath,
    but its form says "Rubrik" and it concerns capabilities rather than raising them."""

    title_label: str
    no_capability: Message
    secret: Message


MEASURE_WORDING = Wording(
    "Titel",
    N_("Välj minst en delförmåga som åtgärden höjer."),
    N_(
        "Åtgärden är sekretessmarkerad. Bara användare med behörighet till "
        "sekretessmarkerade uppgifter kan ändra den."
    ),
)
PROPOSAL_WORDING = Wording(
    "Rubrik",
    N_("Välj minst en delförmåga som förslaget gäller."),
    N_(
        "Förslaget är sekretessmarkerat. Du behöver behörighet för sekretessmarkerade "
        "uppgifter för att ändra det."
    ),
)


def require_measure_clearance(
    user: User, measure: Measure, wording: Wording = MEASURE_WORDING
) -> None:
    """A confidential measure, or the procurement proposal it carries, is changed only by users
    who may read it."""
    require_clearance_for(user, measure.confidential, wording.secret)


def _validate(
    session: so.Session, data: MeasureInput, wording: Wording = MEASURE_WORDING
) -> dict[str, Any]:
    """The checked fields and link ids; links left None are not checked (kept as they are)."""
    errors = Errors()
    clean: dict[str, Any] = {
        "title": errors.text(
            "title",
            data.title,
            label=wording.title_label,
            required=True,
            max_length=MAX_TITLE,
        ),
        "description": errors.text("description", data.description, label="Beskrivning"),
        "state": errors.choice("state", data.state or "förslag", MEASURE_STATES, label="Status"),
        "cost_effectiveness": errors.text(
            "cost_effectiveness", data.cost_effectiveness, label="Kostnadseffektivitet"
        ),
        "legal_assessment": errors.text(
            "legal_assessment", data.legal_assessment, label="Rättslig bedömning"
        ),
        "priority": errors.choice(
            "priority", data.priority, PRIORITIES, label="Prioritet", required=False
        ),
        "due_on": errors.date_value("due_on", data.due_on, label="Klart senast"),
        "confidential": bool(data.confidential),
        "secrecy_ref": errors.text(
            "secrecy_ref",
            data.secrecy_ref,
            label="Sekretesshänvisning",
            max_length=MAX_SECRECY_REF,
        ),
    }
    if clean["confidential"] and not clean["secrecy_ref"]:
        errors.add(
            "secrecy_ref",
            N_("Ange sekretesshänvisning (t.ex. OSL 18:13) för sekretessmarkerad uppgift."),
        )
    capability_ids = _existing_ids(
        session, Capability, data.capability_ids, errors, "capability_ids", "delförmåga"
    )
    actor_ids = _existing_ids(session, Actor, data.actor_ids, errors, "actor_ids", "aktör")
    if (
        data.capability_ids is not None
        and not capability_ids
        and "capability_ids" not in errors.by_field
    ):
        errors.add("capability_ids", wording.no_capability)
    errors.raise_if_any()
    clean["capability_ids"] = capability_ids
    clean["actor_ids"] = actor_ids
    return clean


def _existing_ids(
    session: so.Session,
    model: Any,
    ids: Iterable[Any] | None,
    errors: Errors,
    field: str,
    what: str,
) -> list[int]:
    if ids is None:
        return []
    try:
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        errors.add(field, N_("Ogiltigt val av %(what)s.", what=what))
        return []
    found = (
        set(session.scalars(sa.select(model.id).where(model.id.in_(wanted)))) if wanted else set()
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        errors.add(
            field,
            N_("Okänd %(what)s (id %(items)s).", what=what, items=", ".join(map(str, missing))),
        )
    return wanted


def create_measure(session: so.Session, user: User, data: MeasureInput) -> Measure:
    """Create a measure linked to one or more capabilities (and optionally actors)."""
    require_editor(user)
    clean = _validate(session, replace(data, capability_ids=data.capability_ids or ()))
    measure = Measure(created_by_id=user.id, **{k: clean[k] for k in EDITABLE_FIELDS})
    session.add(measure)
    session.flush()
    _sync_links(session, user, measure, clean["capability_ids"], clean["actor_ids"])
    audit(
        session,
        user,
        measure,
        "create",
        after=_full_snapshot(session, measure),
        confidential=measure.confidential,
    )
    session.flush()
    return measure


def update_measure(
    session: so.Session, user: User, measure: Measure, data: MeasureInput, *, expected_version: int
) -> Measure:
    """Update fields and links; refuse when someone saved a newer version meanwhile."""
    require_editor(user)
    require_measure_clearance(user, measure)
    check_version(measure, expected_version, "Åtgärden")
    clean = _validate(session, data)
    if data.capability_ids is None:
        clean["capability_ids"] = _active_ids(measure.capability_links, "capability_id")
    if data.actor_ids is None:
        clean["actor_ids"] = _active_ids(measure.actor_links, "actor_id")
    before = _full_snapshot(session, measure)
    for key in EDITABLE_FIELDS:
        setattr(measure, key, clean[key])
    measure.updated_at = utcnow()
    # Write the row (and check its version) before the link queries: their autoflush would
    # otherwise meet a concurrent save as a bare StaleDataError instead of a Conflict.
    flush_versioned(session, "Åtgärden")
    _sync_links(session, user, measure, clean["capability_ids"], clean["actor_ids"])
    session.refresh(measure)
    after = _full_snapshot(session, measure)
    if before != after:
        audit(
            session,
            user,
            measure,
            "update",
            before=before,
            after=after,
            confidential=measure.confidential or bool(before.get("confidential")),
        )
        session.flush()
    return measure


def transition_measure(
    session: so.Session, user: User, measure: Measure, state: str, *, expected_version: int
) -> Measure:
    """Move a measure to another state (förslag → … → genomförd, or avförd)."""
    return update_measure(
        session,
        user,
        measure,
        replace(MeasureInput.of(measure), state=state),
        expected_version=expected_version,
    )


def _active_ids(links: Iterable[Any], attr: str) -> list[int]:
    return sorted(getattr(link, attr) for link in links if link.removed_at is None)


def _sync_links(
    session: so.Session,
    user: User,
    measure: Measure,
    capability_ids: list[int],
    actor_ids: list[int],
) -> None:
    """End links no longer wanted and add new ones; never delete (history as of a date)."""
    now = utcnow()
    pairs: tuple[tuple[type[MeasureCapability] | type[MeasureActor], str, set[int]], ...] = (
        (MeasureCapability, "capability_id", set(capability_ids)),
        (MeasureActor, "actor_id", set(actor_ids)),
    )
    for model, attr, wanted in pairs:
        active: list[Any] = session.scalars(
            sa.select(model).where(model.measure_id == measure.id, model.removed_at.is_(None))
        ).all()  # type: ignore[assignment]
        present = {getattr(link, attr) for link in active}
        for link in active:
            if getattr(link, attr) not in wanted:
                link.removed_at = now
                link.removed_by_id = user.id
        for ident in sorted(wanted - present):
            session.add(
                model(measure_id=measure.id, added_by_id=user.id, added_at=now, **{attr: ident})
            )
    session.flush()
    session.expire(measure, ["capability_links", "actor_links"])


def _full_snapshot(session: so.Session, measure: Measure) -> dict[str, Any]:
    data = snapshot(measure)
    data["capability_ids"] = sorted(
        session.scalars(
            sa.select(MeasureCapability.capability_id).where(
                MeasureCapability.measure_id == measure.id, MeasureCapability.removed_at.is_(None)
            )
        )
    )
    data["actor_ids"] = sorted(
        session.scalars(
            sa.select(MeasureActor.actor_id).where(
                MeasureActor.measure_id == measure.id, MeasureActor.removed_at.is_(None)
            )
        )
    )
    return data


def validate_measure(
    session: so.Session, data: MeasureInput, wording: Wording = MEASURE_WORDING
) -> None:
    """Check a measure's fields without writing (for forms that create a measure among others),
    in the words of the form that shows the messages."""
    _validate(session, data, wording)
