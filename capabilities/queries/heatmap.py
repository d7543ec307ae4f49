"""The start page's heat map: every capability by its distance to target, grouped by main group
and area, in register order (rows of the gap frame, so the same redaction applies).

Colour is never the only carrier: each cell also shows its level and target as numbers, and
the legend counts each colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from capabilities.queries.dashboard import NOT_ASSESSED, SECRET, bucket_keys

DISTANCE_KEYS = ("3", "2", "1", "0", "no_target", NOT_ASSESSED, SECRET)


@dataclass(frozen=True)
class HeatCell:
    number: str
    title: str
    level: int | None
    redacted: bool  # confidential and the viewer lacks clearance: level unknown to them
    target_level: int | None = None

    @property
    def bucket(self) -> str:
        if self.redacted:
            return SECRET
        return NOT_ASSESSED if self.level is None else str(self.level)

    @property
    def gap(self) -> int | None:
        """Steps below the target (0 at or above it); None when either is unknown."""
        if self.redacted or self.level is None or self.target_level is None:
            return None
        return max(self.target_level - self.level, 0)

    @property
    def distance(self) -> str:
        """The heat map's colour key: "0".."3" (3 or more steps below), or why it is unknown."""
        if self.redacted:
            return SECRET
        if self.level is None:
            return NOT_ASSESSED
        gap = self.gap
        return "no_target" if gap is None else str(min(gap, 3))


@dataclass
class HeatArea:
    number: str
    title: str
    cells: list[HeatCell]


@dataclass
class HeatGroup:
    number: str
    title: str
    areas: list[HeatArea]


def heat_map(frame: pd.DataFrame) -> list[HeatGroup]:
    """The gap frame's rows grouped by main group and area, in register order."""
    groups: dict[str, HeatGroup] = {}
    areas: dict[str, HeatArea] = {}
    for row in frame.itertuples(index=False):
        group = groups.get(row.main_group)
        if group is None:
            group = groups[row.main_group] = HeatGroup(row.main_group, row.main_group_title, [])
        area = areas.get(row.area)
        if area is None:
            area = areas[row.area] = HeatArea(row.area, row.area_title, [])
            group.areas.append(area)
        level = None if pd.isna(row.level) else int(row.level)
        target = None if pd.isna(row.target_level) else int(row.target_level)
        area.cells.append(HeatCell(row.number, row.title, level, bool(row.confidential), target))
    return list(groups.values())


def distance_counts(groups: list[HeatGroup]) -> dict[str, int]:
    """Capabilities per distance key (as in DISTANCE_KEYS), for the legend's numbers."""
    counts = dict.fromkeys(DISTANCE_KEYS, 0)
    for group in groups:
        for area in group.areas:
            for cell in area.cells:
                counts[cell.distance] += 1
    return counts


def below_target(area: HeatArea) -> int:
    """How many of an area's capabilities stand below their target."""
    return sum(1 for cell in area.cells if cell.gap)


def level_counts(groups: list[HeatGroup], can_see_confidential: bool) -> dict[str, int]:
    """Capabilities per bucket (as in `bucket_keys`), for the counts beside the heat map."""
    counts = dict.fromkeys(bucket_keys(can_see_confidential), 0)
    for group in groups:
        for area in group.areas:
            for cell in area.cells:
                counts[cell.bucket] = counts.get(cell.bucket, 0) + 1
    return counts
