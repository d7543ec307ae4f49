"""The one reading of a capability number: ASCII digits, no leading zeros, three parts.

`1.3.٦` (an Arabic-Indic six), `1.3.６` (a full-width six) and `1.3.06` look like, or sort
like, 1.3.6 (`int()` and regex `\\d` accept every Unicode digit), but are other strings: a
second capability that reads as an existing one. Every number that creates or names a
capability goes through `canonical_capability_number` (issue 23).
"""

from __future__ import annotations

import re

_PART = r"[1-9][0-9]{0,2}"
_CAPABILITY = re.compile(rf"{_PART}\.{_PART}\.{_PART}", re.ASCII)


def canonical_capability_number(text: str) -> str | None:
    """`text` if it is a canonical capability number such as "3.2.10", else None."""
    return text if _CAPABILITY.fullmatch(text) else None
