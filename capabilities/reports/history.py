"""A report's status history, streamed from the database instead of held in memory.

At 100× the history is 248,000 assessments; loaded as ORM objects into a list it was most of
the export's time and nearly all of its peak memory (469 MiB). `HistoryRows` runs its query
each time it is iterated and yields plain rows in batches, so the workbook writes each row as
it arrives and memory stays flat in the number of rows. What the register sheets need from the
history — each capability's newest two entries, for "Bedömd av" and the trend — is one query of
its own (`newest_two`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Capability, StatusAssessment, User
from capabilities.queries.register import StatusView, latest_assessments, status_view

BATCH = 2_000
_COLUMNS = (
    StatusAssessment.id,
    StatusAssessment.level,
    StatusAssessment.summary,
    StatusAssessment.target_level,
    StatusAssessment.justification,
    StatusAssessment.confidential,
    StatusAssessment.assessed_on,
    StatusAssessment.created_at,
    Capability.number,
    User.display_name,
)


@dataclass
class HistoryRow:
    number: str
    status: StatusView
    assessed_by: str
    created_at: datetime


def _entry(row: Any, labels: dict[int, str], include_confidential: bool) -> HistoryRow:
    """One history row, redacted by the one rule (`status_view`, through `redact`)."""
    return HistoryRow(
        row.number,
        status_view(cast(StatusAssessment, row), labels, include_confidential),
        row.display_name,
        row.created_at,
    )


@dataclass
class HistoryRows:
    """Every assessment recorded and not withdrawn by the end of `day`, per capability (in
    register order) newest first; read from the database on each iteration."""

    session: so.Session
    day: date
    moment: datetime
    labels: dict[int, str]
    include_confidential: bool

    def __iter__(self) -> Iterator[HistoryRow]:
        statement = (
            sa.select(*_COLUMNS)
            .join(Capability, Capability.id == StatusAssessment.capability_id)
            .join(User, User.id == StatusAssessment.created_by_id)
            .where(
                StatusAssessment.assessed_on <= self.day,
                StatusAssessment.created_at < self.moment,
                StatusAssessment.in_force(self.moment),  # withdrawn by then: not part of it
            )
            .order_by(
                Capability.sort_key,
                StatusAssessment.assessed_on.desc(),
                StatusAssessment.id.desc(),
            )
        )
        result = self.session.execute(statement.execution_options(yield_per=BATCH))
        for row in result:
            yield _entry(row, self.labels, self.include_confidential)

    def __repr__(self) -> str:
        """As the list of its rows would print (a closed round's document fingerprint)."""
        return "[" + ", ".join(repr(entry) for entry in self) + "]"


def newest_two(
    session: so.Session, day: date, labels: dict[int, str], include_confidential: bool
) -> dict[str, list[HistoryRow]]:
    """Each capability's newest two history entries as of `day` (newest first): one query,
    two indexed lookups per capability (the same "counts as of" rule as the history)."""
    ranked = latest_assessments(day, 2)
    found: dict[str, list[HistoryRow]] = defaultdict(list)
    for row in session.execute(
        sa.select(*_COLUMNS)
        .join(ranked, ranked.c.id == StatusAssessment.id)
        .join(Capability, Capability.id == StatusAssessment.capability_id)
        .join(User, User.id == StatusAssessment.created_by_id)
        .order_by(Capability.sort_key, ranked.c.rank)
    ):
        found[row.number].append(_entry(row, labels, include_confidential))
    return found
