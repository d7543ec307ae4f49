"""One capability's entry in a round: what the round form starts from, what the reviewer
compares with the register (content through the one redaction rule), and the capability's
entries across rounds with their decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ReportingRound,
    RoundApproval,
    RoundEntry,
    StatusAssessment,
    User,
)
from capabilities.queries.register import current_assessments
from capabilities.redaction import ASSESSMENT, redact, redact_record


@dataclass
class EntryHistory:
    round: ReportingRound
    entry: RoundEntry | None
    approvals: list[RoundApproval]


def capability_round_history(session: so.Session, capability_id: int) -> list[EntryHistory]:
    """Every round's entry for a capability with its decisions, newest round first: 3 queries."""
    rounds = list(
        session.scalars(
            sa.select(ReportingRound).order_by(
                ReportingRound.opened_at.desc(), ReportingRound.id.desc()
            )
        )
    )
    entries = {
        e.round_id: e
        for e in session.scalars(
            sa.select(RoundEntry)
            .where(RoundEntry.capability_id == capability_id)
            .options(
                so.joinedload(RoundEntry.updated_by),
                so.joinedload(RoundEntry.submitted_by),
                so.selectinload(RoundEntry.approvals).joinedload(RoundApproval.reviewer),
            )
        )
    }
    return [
        EntryHistory(r, entries.get(r.id), entries[r.id].approvals if r.id in entries else [])
        for r in rounds
        if r.id in entries or r.is_open
    ]


def current_target_level(
    session: so.Session, capability_id: int, *, can_see_confidential: bool
) -> int | None:
    """The target level of the capability's current register assessment, if visible."""
    current = current_assessments()
    assessment = session.scalar(
        sa.select(StatusAssessment)
        .join(current, current.c.id == StatusAssessment.id)
        .where(StatusAssessment.capability_id == capability_id)
    )
    if assessment is None:
        return None
    shown = redact(
        ASSESSMENT,
        {"target_level": assessment.target_level},
        confidential=assessment.confidential,
        can_see_confidential=can_see_confidential,
    )
    value = shown["target_level"]
    return int(value) if value is not None else None


# What a member writes in a round, in the order the form and the comparison show it.
ENTRY_FIELDS = ("level", "target_level", "summary", "justification", "confidential", "secrecy_ref")


@dataclass(frozen=True)
class VisibleAssessment:
    """An assessment (register or round entry) as the viewer may see it."""

    content: dict[str, Any]  # ENTRY_FIELDS; the confidential ones None when hidden
    hidden: bool
    assessed_on: date | None = None
    author: str | None = None

    def differs(self, other: VisibleAssessment | None, name: str) -> bool:
        """A field that is not the same on both sides (never judged on hidden content)."""
        if self.hidden or (other is not None and other.hidden):
            return False
        theirs = other.content.get(name) if other is not None else None
        return bool(_normal(self.content.get(name)) != _normal(theirs))


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value or None


def _visible(source: RoundEntry | StatusAssessment, can_see_confidential: bool) -> dict[str, Any]:
    return redact_record(
        ASSESSMENT, source, ENTRY_FIELDS, can_see_confidential=can_see_confidential
    )


def visible_entry(entry: RoundEntry, *, can_see_confidential: bool) -> VisibleAssessment:
    return VisibleAssessment(
        content=_visible(entry, can_see_confidential),
        hidden=bool(entry.confidential) and not can_see_confidential,
        author=entry.updated_by.display_name if entry.updated_by else None,
    )


def register_assessment(
    session: so.Session, capability_id: int, *, can_see_confidential: bool
) -> VisibleAssessment | None:
    """The capability's current register assessment as the viewer may see it: one query."""
    current = current_assessments()
    row = session.execute(
        sa.select(StatusAssessment, User.display_name)
        .join(current, current.c.id == StatusAssessment.id)
        .join(User, User.id == StatusAssessment.created_by_id)
        .where(StatusAssessment.capability_id == capability_id)
    ).first()
    if row is None:
        return None
    assessment, author = row
    return VisibleAssessment(
        content=_visible(assessment, can_see_confidential),
        hidden=bool(assessment.confidential) and not can_see_confidential,
        assessed_on=assessment.assessed_on,
        author=author,
    )
