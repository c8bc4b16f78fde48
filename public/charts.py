"""
Geometry for the small server-rendered SVG charts (no JavaScript, no external service).

Each function returns plain numbers the templates place in ``<rect>`` elements;
every chart on a page also has a data table as its text alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: float
    x: float
    width: float


def stacked_bar(parts: list[tuple[str, str, float]], width: float = 300) -> list[Segment]:
    """Split ``width`` among ``(key, label, value)`` parts in proportion; zero parts get no width."""
    total = sum(value for _, _, value in parts)
    segments, x = [], 0.0
    for key, label, value in parts:
        w = (value / total * width) if total else 0.0
        segments.append(Segment(key, label, value, round(x, 2), round(w, 2)))
        x += w
    return segments


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        """The column's centre, where its value and year are written."""
        return round(self.x + self.width / 2, 2)


def column_chart(points: list[tuple[str, float]], width: float = 240, height: float = 80, gap: float = 4) -> list[Bar]:
    """Columns for ``(label, value)`` points, scaled to the largest value; baseline at ``height``."""
    if not points:
        return []
    top = max((value for _, value in points), default=0) or 1
    slot = width / len(points)
    bar_width = max(slot - gap, 1)
    bars = []
    for index, (label, value) in enumerate(points):
        h = max(value, 0) / top * height
        bars.append(
            Bar(label, value, round(index * slot + gap / 2, 2), round(height - h, 2), round(bar_width, 2), round(h, 2))
        )
    return bars


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class ColumnChart:
    """A column chart laid out in a ``width`` x ``height`` box: a value axis on the left, years below."""

    width: float
    height: float
    left: float  # where the plot starts (room for the axis values)
    top: float  # room above the tallest column for its value
    baseline: float  # the y of the zero line
    bars: list[Bar]
    ticks: list[Tick]

    @property
    def axis_x(self) -> float:
        return self.left - 4


def nice_step(top: float, steps: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that divides ``top`` into about ``steps`` intervals."""
    if top <= 0:
        return 1.0
    raw = top / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def column_chart_with_axis(
    points: list[tuple[str, float]], width: float = 320, height: float = 160, left: float = 44, top: float = 14,
    bottom: float = 18,
) -> ColumnChart:  # fmt: skip
    """Columns scaled to a rounded axis maximum, with the axis ticks, each column's value and year."""
    peak = max((value for _, value in points), default=0)
    step = nice_step(peak)
    axis_top = step * math.ceil(peak / step) if peak > 0 else step
    plot_height = height - top - bottom
    baseline = top + plot_height
    bars = column_chart(
        [(label, value) for label, value in points], width=width - left, height=plot_height * peak / axis_top or 1
    ) if peak > 0 else column_chart(points, width=width - left, height=plot_height)  # fmt: skip
    offset = baseline - (plot_height * peak / axis_top if peak > 0 else plot_height)
    bars = [Bar(b.label, b.value, round(b.x + left, 2), round(b.y + offset, 2), b.width, b.height) for b in bars]
    ticks = []
    value = 0.0
    while value <= axis_top + step / 2:
        ticks.append(Tick(value, round(baseline - plot_height * value / axis_top, 2)))
        value += step
    return ColumnChart(width, height, left, top, round(baseline, 2), bars, ticks)


@dataclass(frozen=True)
class TimePoint:
    x: float
    entry: object


@dataclass(frozen=True)
class TimeAxis:
    width: float
    start: int
    end: int
    years: list[tuple[int, float]]  # labelled years and their x
    points: list[TimePoint]


def time_axis(entries, width: float = 600, margin: float = 16, labels: int = 6) -> TimeAxis | None:
    """
    A horizontal time axis for dated entries (``.date``): each entry placed by its date between
    the first and the last year (plus one), with about ``labels`` labelled years. None without entries.
    """
    dated = [e for e in entries if getattr(e, "date", None)]
    if not dated:
        return None
    start = min(e.date.year for e in dated)
    end = max(e.date.year for e in dated) + 1
    span = max(end - start, 1)
    inner = width - 2 * margin

    def x_of(day):
        fraction = (day.year - start + (day.timetuple().tm_yday - 1) / 366) / span
        return round(margin + inner * fraction, 2)

    step = max(1, math.ceil(span / labels))
    years = [(year, round(margin + inner * (year - start) / span, 2)) for year in range(start, end + 1, step)]
    return TimeAxis(width, start, end, years, [TimePoint(x_of(e.date), e) for e in dated])
