"""A member's entry for one capability: drafted, saved with a version check, and submitted.
Drafts and submissions never touch the register."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored, utcnow
from capabilities.errors import Conflict, ValidationFailed
from capabilities.i18n import N_
from capabilities.models import (
    Capability,
    ReportingRound,
    RoundEntry,
    User,
)
from capabilities.services.assessments import _level, valid_levels
from capabilities.services.base import (
    MAX_SECRECY_REF,
    Errors,
    audit,
    flush_versioned,
    require_editor,
    snapshot,
)
from capabilities.services.rounds.common import (
    canonical_json,
    require_area,
    require_clearance,
    require_open,
    sha256_text,
)


@dataclass(frozen=True)
class EntryInput:
    """What a member writes for one capability in a round."""

    level: int | str | None
    summary: str | None
    target_level: int | str | None = None
    justification: str | None = None
    confidential: bool = False
    secrecy_ref: str | None = None


CONTENT_FIELDS = (
    "level",
    "target_level",
    "summary",
    "justification",
    "confidential",
    "secrecy_ref",
)


def entry_content(entry: RoundEntry) -> dict[str, Any]:
    return stored(entry, CONTENT_FIELDS)


def entry_content_hash(entry: RoundEntry, capability_number: str) -> str:
    """SHA-256 of exactly what a reviewer decides on."""
    return sha256_text(
        canonical_json(
            entry_content(entry)
            | {"capability": capability_number, "content_version": entry.content_version}
        )
    )


def _validated_content(session: so.Session, data: EntryInput) -> dict[str, Any]:
    errors = Errors()
    levels = valid_levels(session)
    level = _level(errors, "level", data.level, levels, label="Nivå", required=True)
    target = _level(errors, "target_level", data.target_level, levels, label="Målnivå")
    summary = errors.text("summary", data.summary, label="Statusbeskrivning", required=True)
    justification = errors.text("justification", data.justification, label="Motivering")
    secrecy = errors.text(
        "secrecy_ref", data.secrecy_ref, label="Sekretesshänvisning", max_length=MAX_SECRECY_REF
    )
    if data.confidential and not secrecy:
        errors.add(
            "secrecy_ref",
            N_("Ange sekretesshänvisning (t.ex. OSL 18:13) för sekretessmarkerad uppgift."),
        )
    errors.raise_if_any()
    return {
        "level": level,
        "target_level": target,
        "summary": summary,
        "justification": justification,
        "confidential": bool(data.confidential),
        "secrecy_ref": secrecy,
    }


def entry_for(
    session: so.Session, round_: ReportingRound, capability: Capability
) -> RoundEntry | None:
    return session.scalar(
        sa.select(RoundEntry).where(
            RoundEntry.round_id == round_.id, RoundEntry.capability_id == capability.id
        )
    )


def save_entry(
    session: so.Session,
    user: User,
    round_: ReportingRound,
    capability: Capability,
    data: EntryInput,
    *,
    submit: bool = False,
    expected_version: int | None = None,
) -> RoundEntry:
    """Save a capability's assessment in the round as a draft, or submit it.

    Changing an approved (or submitted) entry makes it a draft again, or a new submission:
    the changed content needs a new approval. Unchanged content is not a new version.
    """
    require_editor(user)
    require_open(round_)
    require_area(round_, capability, user)
    if capability.retired_on is not None:
        raise ValidationFailed(
            {
                "level": [
                    N_(
                        "Delförmåga %(number)s är avvecklad sedan %(day)s.",
                        number=capability.number,
                        day=capability.retired_on,
                    )
                ]
            }
        )
    content = _validated_content(session, data)
    entry = entry_for(session, round_, capability)
    if entry is not None:
        require_clearance(user, entry)
    now = utcnow()
    if entry is None:
        entry = RoundEntry(
            round_id=round_.id,
            capability_id=capability.id,
            state="utkast",
            content_version=1,
            updated_by_id=user.id,
            updated_at=now,
            **content,
        )
        session.add(entry)
        session.flush()
        before = None
        changed = True
    else:
        if expected_version is not None and entry.version != expected_version:
            raise Conflict(
                N_(
                    "Bedömningen av %(number)s i omgången har ändrats av någon annan sedan du "
                    "öppnade den (version %(mine)s, nu %(now)s). Jämför och spara igen.",
                    number=capability.number,
                    mine=expected_version,
                    now=entry.version,
                ),
                current=snapshot(entry),
            )
        before = snapshot(entry)
        changed = entry_content(entry) != content
        if not changed and not submit:
            return entry
        if not changed and entry.state in ("inskickad", "fastställd"):
            raise ValidationFailed(
                {
                    "level": [
                        N_(
                            "Bedömningen av %(number)s är redan %(state)s.",
                            number=capability.number,
                            state=entry.state,
                        )
                    ]
                }
            )
        if changed:
            for name, value in content.items():
                setattr(entry, name, value)
            entry.content_version += 1
            entry.updated_by_id = user.id
            entry.updated_at = now
        entry.state = "utkast"
        entry.approved_assessment_id = None
    if submit:
        entry.state = "inskickad"
        entry.submitted_by_id = user.id
        entry.submitted_at = now
    flush_versioned(session, "Bedömningen")
    action = "submit" if submit else "draft"
    if before is not None and before["state"] == "fastställd":
        action = "resubmit" if submit else "reopen"
    audit(
        session,
        user,
        entry,
        action,
        before=before,
        after=snapshot(entry),
        capability_id=capability.id,
        confidential=entry.confidential or bool(before and before["confidential"]),
    )
    session.flush()
    return entry


def submit_entry(
    session: so.Session, user: User, entry: RoundEntry, *, expected_version: int | None = None
) -> RoundEntry:
    """Submit a draft (or a returned entry) as it stands."""
    require_editor(user)
    require_open(entry.round)
    require_area(entry.round, entry.capability, user)
    require_clearance(user, entry)
    if expected_version is not None and entry.version != expected_version:
        raise Conflict(
            N_("Bedömningen har ändrats av någon annan sedan du öppnade den. Ladda om sidan."),
            current=snapshot(entry),
        )
    if entry.state not in ("utkast", "återremitterad"):
        raise ValidationFailed(
            {
                "state": [
                    N_(
                        "Bara utkast och återremitterade bedömningar kan skickas in "
                        "(nu %(state)s).",
                        state=entry.state,
                    )
                ]
            }
        )
    before = snapshot(entry)
    entry.state = "inskickad"
    entry.submitted_by_id = user.id
    entry.submitted_at = utcnow()
    flush_versioned(session, "Bedömningen")
    audit(
        session,
        user,
        entry,
        "submit",
        before=before,
        after=snapshot(entry),
        capability_id=entry.capability_id,
        confidential=entry.confidential,
    )
    session.flush()
    return entry
