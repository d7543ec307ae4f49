"""Reporting rounds: open, draft, submit, return, approve, close.

Every function takes the acting user, checks permission, validates with Swedish messages,
writes an AuditEvent (with the capability, so the step shows on the capability page) and
flushes; the caller commits once.

An approval records a normal StatusAssessment through the assessment service, so the register
moves on; the round keeps its own record (entry, approvals, and at closing the snapshot).

One module per part: common (who may write and review, canonical JSON), lifecycle (open,
close), entries (draft, save, submit), review (return, approve). The package exports the
feature's write API, so `from capabilities.services import rounds` reads as one place.
"""

from __future__ import annotations

from capabilities.services.rounds.common import (
    assigned_organisations,
    canonical_json,
    is_reviewer,
    may_write,
    require_area,
    require_clearance,
    require_open,
    sha256_text,
)
from capabilities.services.rounds.entries import (
    CONTENT_FIELDS,
    EntryInput,
    entry_content,
    entry_content_hash,
    entry_for,
    save_entry,
    submit_entry,
)
from capabilities.services.rounds.lifecycle import (
    close_round,
    open_round,
)
from capabilities.services.rounds.review import (
    approve_entry,
    return_entry,
)

__all__ = [
    "CONTENT_FIELDS",
    "EntryInput",
    "approve_entry",
    "assigned_organisations",
    "canonical_json",
    "close_round",
    "entry_content",
    "entry_content_hash",
    "entry_for",
    "is_reviewer",
    "may_write",
    "open_round",
    "require_area",
    "require_clearance",
    "require_open",
    "return_entry",
    "save_entry",
    "sha256_text",
    "submit_entry",
]
