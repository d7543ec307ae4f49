"""The register's structure and scale: admins add, edit and retire capabilities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import Conflict
from capabilities.i18n import N_
from capabilities.models import Area, Capability, StatusLevel, User, capability_sort_key
from capabilities.numbers import canonical_capability_number
from capabilities.services.base import (
    Errors,
    audit,
    change_audited,
    check_version,
    require_admin,
    snapshot,
)


def create_capability(
    session: so.Session,
    user: User,
    *,
    area: Area,
    number: str,
    title: str,
    assignments_note: str | None = None,
    added_on: date | None = None,
) -> Capability:
    require_admin(user)
    errors = Errors()
    number = (number or "").strip()
    if canonical_capability_number(number) is None:
        # ASCII digits without leading zeros only: 1.1.٦ or 1.1.06 would read as 1.1.6
        errors.add(
            "number",
            N_(
                "Numret ska ha formen %(area)s.N, inte ”%(number)s”.",
                area=area.number,
                number=number,
            ),
        )
    elif not number.startswith(area.number + "."):
        errors.add("number", N_("Numret ska börja med områdets nummer %(area)s.", area=area.number))
    elif session.scalar(sa.select(Capability.id).where(Capability.number == number)):
        errors.add(
            "number",
            N_("Delförmåga %(number)s finns redan (numren återanvänds inte).", number=number),
        )
    title_text = errors.text("title", title, label="Delförmåga", required=True)
    note = errors.text("assignments_note", assignments_note, label="Anteckning om uppdrag")
    errors.raise_if_any()
    capability = Capability(
        number=number,
        title=title_text,
        area_id=area.id,
        sort_key=capability_sort_key(number),
        assignments_note=note,
        added_on=added_on or date.today(),
    )
    session.add(capability)
    session.flush()
    audit(
        session, user, capability, "create", after=snapshot(capability), capability_id=capability.id
    )
    session.flush()
    return capability


@dataclass(frozen=True)
class CapabilityInput:
    """A capability's editable text; its number and area never change."""

    title: str | None
    assignments_note: str | None = None

    @classmethod
    def of(cls, capability: Capability) -> CapabilityInput:
        """The capability as stored: change a field with dataclasses.replace."""
        return cls(capability.title, capability.assignments_note)


def update_capability(
    session: so.Session,
    user: User,
    capability: Capability,
    data: CapabilityInput,
    *,
    expected_version: int,
) -> Capability:
    """Edit a capability's text or assignments note (the number never changes)."""
    require_admin(user)
    check_version(capability, expected_version, "Delförmågan")
    errors = Errors()
    title = errors.text("title", data.title, label="Delförmåga", required=True)
    note = errors.text("assignments_note", data.assignments_note, label="Anteckning om uppdrag")
    errors.raise_if_any()
    return change_audited(
        session,
        user,
        capability,
        {"title": title or capability.title, "assignments_note": note},
        what="Delförmågan",
        capability_id=capability.id,
    )


def retire_capability(
    session: so.Session,
    user: User,
    capability: Capability,
    *,
    retired_on: date | str,
) -> Capability:
    """Retire from the register on a date; its history and links stay."""
    require_admin(user)
    if capability.retired_on is not None:
        raise Conflict(
            N_(
                "Delförmåga %(number)s är redan avvecklad (%(retired_on)s).",
                number=capability.number,
                retired_on=capability.retired_on,
            )
        )
    errors = Errors()
    when = errors.date_value("retired_on", retired_on, label="Avvecklingsdatum", required=True)
    errors.raise_if_any()
    return change_audited(
        session,
        user,
        capability,
        {"retired_on": when},
        what="Delförmågan",
        action="retire",
        audit_unchanged=True,
        capability_id=capability.id,
    )


def rename_level(
    session: so.Session,
    user: User,
    level: StatusLevel,
    *,
    label: str,
    expected_version: int,
    description: str | None = None,
) -> StatusLevel:
    """Admins may rename a level's label; its meaning (the number) is fixed."""
    require_admin(user)
    check_version(level, expected_version, "Nivån")
    errors = Errors()
    text = errors.text("label", label, label="Benämning", required=True, max_length=80)
    errors.raise_if_any()
    values: dict[str, str | None] = {"label": text or level.label}
    if description is not None:
        values["description"] = description.strip() or None
    return change_audited(session, user, level, values, what="Nivån", audit_unchanged=True)
