"""Geometry of the server-rendered stacked bar chart: no JavaScript, prints as it shows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from capabilities.queries.dashboard import QuarterCounts

PLOT_HEIGHT = 260
TOP = 12
LEFT = 44
BOTTOM = 40
PLOT_WIDTH = 820  # bars share this width, each slot between MIN_SLOT and MAX_SLOT wide
MIN_SLOT = 40
MAX_SLOT = 110
MIN_LABEL_HEIGHT = 16  # a segment shows its count inside when at least this tall


@dataclass(frozen=True)
class Segment:
    key: str
    count: int
    y: float
    height: float

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2 + 5

    @property
    def labelled(self) -> bool:
        return self.height >= MIN_LABEL_HEIGHT


@dataclass(frozen=True)
class Bar:
    quarter: QuarterCounts
    x: float
    width: float
    segments: list[Segment]

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    left: int = LEFT
    axis_y: int = TOP + PLOT_HEIGHT


def _step(maximum: int) -> int:
    """The smallest round step (1, 2, 5 × 10ⁿ) giving at most seven ticks above zero."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if maximum <= 7 * factor * power:
                return factor * power
        power *= 10


def layout(quarters: list[QuarterCounts], keys: list[str]) -> Chart:
    """Bars bottom-up in `keys` order, scaled to the largest total."""
    maximum = max((q.total for q in quarters), default=0) or 1
    step = _step(maximum)
    top_value = math.ceil(maximum / step) * step
    scale = PLOT_HEIGHT / top_value
    slot = min(MAX_SLOT, max(MIN_SLOT, PLOT_WIDTH / max(len(quarters), 1)))
    bar_width = round(slot * 0.7, 2)
    bars = []
    for i, quarter in enumerate(quarters):
        x = round(LEFT + i * slot + (slot - bar_width) / 2, 2)
        base = float(TOP + PLOT_HEIGHT)
        segments = []
        for key in keys:
            count = quarter.counts.get(key, 0)
            if not count:
                continue
            height = count * scale
            base -= height
            segments.append(Segment(key, count, round(base, 2), round(height, 2)))
        bars.append(Bar(quarter, x, bar_width, segments))
    ticks = [
        Tick(value, round(TOP + PLOT_HEIGHT - value * scale, 2))
        for value in range(0, top_value + 1, step)
    ]
    width = math.ceil(LEFT + len(quarters) * slot)
    return Chart(width=width, height=TOP + PLOT_HEIGHT + BOTTOM, bars=bars, ticks=ticks)
