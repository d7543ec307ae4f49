"""One capability's entry in a round beside the register: what the round form starts from and
what the reviewer compares with. Content passes through the one redaction rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import RoundEntry, StatusAssessment, User
from capabilities.queries.register import current_assessments
from capabilities.redaction import ASSESSMENT, redact

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
    return redact(
        ASSESSMENT,
        {name: getattr(source, name) for name in ENTRY_FIELDS},
        confidential=source.confidential,
        can_see_confidential=can_see_confidential,
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
