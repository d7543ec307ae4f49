"""The e-SPAR score per area and main group: mean level / 5 × 100 %, with the number assessed.

WHO's e-SPAR scores a capacity as the mean of its indicator levels over the top level. Here an
area's (or main group's) score is the mean current level of its assessed capabilities divided by
the top of the scale (5), as a percentage. Capabilities without a level (not assessed, or
confidential and hidden from the viewer) do not count: `assessed` says how many did, `total`
how many there are. This is the ONE implementation of the score; every output imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy.orm as so

from capabilities.queries import api_shapes_rounds as shapes

TOP_LEVEL = 5


@dataclass(frozen=True)
class LevelInput:
    """One capability's level (None when not assessed or hidden) and where it sits."""

    area_number: str
    area_title: str
    main_group_number: str
    main_group_title: str
    level: int | None


@dataclass(frozen=True)
class Score:
    """The score of one area or main group."""

    kind: str  # "area" or "main_group"
    number: str
    title: str
    assessed: int
    total: int
    level_sum: int

    @property
    def mean_level(self) -> float | None:
        return self.level_sum / self.assessed if self.assessed else None

    @property
    def percent(self) -> float | None:
        """Mean level / 5 × 100, rounded half up to one decimal; None when nothing assessed."""
        if not self.assessed:
            return None
        exact = Decimal(self.level_sum * 100) / Decimal(self.assessed * TOP_LEVEL)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def as_json(self) -> shapes.RoundScore:
        mean = self.mean_level
        return {
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "assessed": self.assessed,
            "total": self.total,
            "mean_level": None if mean is None else round(mean, 2),
            "score_percent": self.percent,
        }


@dataclass(frozen=True)
class ScoreChange:
    """A score then and now, for comparisons."""

    kind: str
    number: str
    title: str
    before: Score | None
    after: Score | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if self.before.percent is None or self.after.percent is None:
            return None
        return round(self.after.percent - self.before.percent, 1)

    def as_json(self) -> shapes.ScoreChange:
        return {
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "before": self.before.as_json() if self.before else None,
            "after": self.after.as_json() if self.after else None,
            "change_percent_points": self.change,
        }


def _sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def scores(inputs: Iterable[LevelInput]) -> list[Score]:
    """Scores per main group and per area, in register order (group 1, 1.1, 1.2, group 2 …)."""
    sums: dict[tuple[str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for row in inputs:
        for key, title in (
            (("main_group", row.main_group_number), row.main_group_title),
            (("area", row.area_number), row.area_title),
        ):
            totals = sums.setdefault(key, [0, 0, 0])  # assessed, total, level sum
            titles[key] = title
            totals[1] += 1
            if row.level is not None:
                totals[0] += 1
                totals[2] += row.level
    ordered = sorted(sums, key=lambda key: (_sort_key(key[1]), key[0] == "area"))
    return [
        Score(kind, number, titles[(kind, number)], *sums[(kind, number)])
        for kind, number in ordered
    ]


def compare_scores(before: list[Score], after: list[Score]) -> list[ScoreChange]:
    """Pair the scores of two states by kind and number (a new area shows `before` None)."""
    old = {(s.kind, s.number): s for s in before}
    new = {(s.kind, s.number): s for s in after}
    keys = sorted(set(old) | set(new), key=lambda key: (_sort_key(key[1]), key[0] == "area"))
    return [
        ScoreChange(
            kind,
            number,
            (new.get((kind, number)) or old[(kind, number)]).title,
            old.get((kind, number)),
            new.get((kind, number)),
        )
        for kind, number in keys
    ]


def register_scores(
    session: so.Session, *, as_of: date | None = None, can_see_confidential: bool = False
) -> list[Score]:
    """Scores of the register as it stands (or stood on `as_of`), for this viewer's clearance.

    Confidential levels the viewer may not see are left out of the mean (counted in `total`,
    not in `assessed`), so that a score never reveals a hidden level.
    """
    from capabilities.queries.register import register_rows

    rows = register_rows(session, as_of=as_of, can_see_confidential=can_see_confidential)
    return scores(
        LevelInput(
            row.area_number,
            row.area_title,
            row.main_group_number,
            row.main_group_title,
            row.status.level if row.status else None,
        )
        for row in rows
    )
