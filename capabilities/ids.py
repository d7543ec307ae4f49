"""Row ids: what an INTEGER primary key can hold, checked before an id reaches a query.

SQLite raises OverflowError and PostgreSQL "integer out of range" for a larger number, so a
lookup by an id from a URL, an API path or a CLI argument checks the range first and answers
"not found" (issue 23, F10: /api/v1/rounds/1/compare/9223372036854775808 was a 500).
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER


def is_row_id(value: int) -> bool:
    """True when `value` can be the id of a row (positive and within INTEGER)."""
    return 0 < value <= MAX_ID
