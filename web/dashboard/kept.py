"""The gap analysis of the whole register, kept until the register changes (web/cache.py).

The dashboard, /gaps (page and downloads) and /api/v1/gaps all start from the same frame: one
row per capability, so its cost grows with the register (about half a second at 6,200
capabilities) while it changes only when the register does. Each request then picks, ranks and
pages rows of the kept frame, which is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from capabilities.queries.gap_view import (
    DEFAULT_SORT,
    GapView,
    UnlinkedAssignment,
    choose_view,
    unlinked_assignments,
)
from capabilities.queries.gaps import gap_frame
from web.cache import kept
from web.db import db_session


def kept_gap_frame(*, as_of: date, stale_months: int, can_see_confidential: bool) -> pd.DataFrame:
    """`gap_frame` for one date, stale limit and secrecy view."""
    return kept(
        "gap_frame",
        (as_of, stale_months, can_see_confidential),
        lambda: gap_frame(
            db_session(),
            as_of=as_of,
            stale_months=stale_months,
            can_see_confidential=can_see_confidential,
        ),
    )


def kept_unlinked(*, as_of: date) -> list[UnlinkedAssignment]:
    """`unlinked_assignments` for one date (no secrecy applies to them)."""
    return kept("unlinked", as_of, lambda: unlinked_assignments(db_session(), as_of=as_of))


def kept_gap_view(
    *,
    as_of: date,
    stale_months: int,
    can_see_confidential: bool,
    flags: Sequence[str] = (),
    area: str = "",
    sort: str = DEFAULT_SORT,
) -> GapView:
    """`choose_view` from the kept frame and unlinked assignments."""
    return choose_view(
        kept_gap_frame(
            as_of=as_of, stale_months=stale_months, can_see_confidential=can_see_confidential
        ),
        kept_unlinked(as_of=as_of),
        flags=flags,
        area=area,
        sort=sort,
    )
