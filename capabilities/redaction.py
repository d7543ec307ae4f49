"""The one redaction rule for confidential content (sekretess, OSL).

Every output (HTML, JSON, CSV, xlsx, CLI, import preview, history) gets the content of an
assessment or a measure through `redact`, keyed on the viewer's clearance
(`User.can_see_confidential`). A viewer without clearance learns that a confidential record
exists and when it was made, never its content: the fields listed in CONFIDENTIAL_FIELDS come
back as None, and callers print CONFIDENTIAL_LABEL in their place.

History (audit events) uses the same function with the event's entity type. A record that is
confidential NOW hides the content of all its events, including those from when it was public:
pass `confidential=record_now or event.confidential`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Protocol

from capabilities.db import stored

CONFIDENTIAL_LABEL: Final = "Sekretessmarkerad uppgift"

ASSESSMENT: Final = "status_assessments"
MEASURE: Final = "measures"

# Content only viewers with clearance may read, per kind of record (its table name, which is
# also its audit events' entity_type).
CONFIDENTIAL_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    ASSESSMENT: frozenset(
        {
            "level",
            "target_level",
            "summary",
            "justification",
            "organisations",
            "secrecy_ref",
            "withdrawn_reason",
        }
    ),
    MEASURE: frozenset(
        {"title", "description", "cost_effectiveness", "legal_assessment", "secrecy_ref"}
    ),
}


def is_hidden(confidential: bool | None, can_see_confidential: bool) -> bool:
    """True when a record's content must not be shown to this viewer."""
    return bool(confidential) and not can_see_confidential


def redact(
    kind: str,
    values: Mapping[str, Any],
    *,
    confidential: bool | None,
    can_see_confidential: bool,
) -> dict[str, Any]:
    """`values` as the viewer may see them: confidential fields of `kind` set to None.

    Any field not named in CONFIDENTIAL_FIELDS[kind] passes unchanged. A kind without
    confidential fields is returned as is; an event of an unknown kind that is itself marked
    confidential is hidden completely (nothing but the fact that it happened).
    """
    if not is_hidden(confidential, can_see_confidential):
        return dict(values)
    fields = CONFIDENTIAL_FIELDS.get(kind)
    if fields is None:
        return dict.fromkeys(values)
    return {name: None if name in fields else value for name, value in values.items()}


class Marked(Protocol):
    """A record that carries its own confidentiality mark."""

    @property
    def confidential(self) -> bool | None: ...


def redact_record(
    kind: str, record: Marked, names: Iterable[str], *, can_see_confidential: bool
) -> dict[str, Any]:
    """`redact` of the named attributes of a record, under the record's own mark."""
    return redact(
        kind,
        stored(record, names),
        confidential=record.confidential,
        can_see_confidential=can_see_confidential,
    )
