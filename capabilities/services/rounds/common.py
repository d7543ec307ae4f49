"""What every step of a round shares: who may write and review an entry, the open-round check,
and the canonical JSON (and its SHA-256) that entry hashes and the closing snapshot are made of."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from capabilities.errors import PermissionDenied
from capabilities.i18n import N_
from capabilities.models import (
    Capability,
    ReportingRound,
    RoundEntry,
    User,
)
from capabilities.services.base import require_clearance_for


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the same bytes for the same data."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_open(round_: ReportingRound) -> None:
    if not round_.is_open:
        raise PermissionDenied(
            N_(
                "Uppföljningsomgången ”%(name)s” är stängd och kan inte längre ändras.",
                name=round_.name,
            )
        )


SECRET_ENTRY = N_(
    "Bedömningen är sekretessmarkerad. Bara användare med behörighet till "
    "sekretessmarkerade uppgifter kan ändra eller granska den."
)


def require_clearance(user: User, entry: RoundEntry) -> None:
    """A confidential entry is edited and reviewed only by users who may read it."""
    require_clearance_for(user, entry.confidential, SECRET_ENTRY)


def assigned_organisations(round_: ReportingRound, capability: Capability) -> list[str]:
    """Names of the organisations the round assigns the capability's area to (may be none)."""
    return sorted(
        link.actor.name for link in round_.area_organisations if link.area_id == capability.area_id
    )


def may_write(round_: ReportingRound, capability: Capability, user: User) -> bool:
    """Who writes a capability's entry: an admin, or an editor of an organisation the round
    assigns its area to; any editor when the round assigns the area to nobody."""
    if not user.can_edit:
        return False
    if user.is_admin:
        return True
    assigned = {
        link.actor_id for link in round_.area_organisations if link.area_id == capability.area_id
    }
    return not assigned or user.organisation_id in assigned


def require_area(round_: ReportingRound, capability: Capability, user: User) -> None:
    if not may_write(round_, capability, user):
        raise PermissionDenied(
            N_(
                "Området för %(number)s är tilldelat %(organisations)s i omgången. Bara dess "
                "medlemmar och administratörer kan ändra eller skicka in bedömningen.",
                number=capability.number,
                organisations=", ".join(assigned_organisations(round_, capability)),
            )
        )


def is_reviewer(round_: ReportingRound, user: User) -> bool:
    return any(r.user_id == user.id for r in round_.reviewers)
