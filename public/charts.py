"""
Geometry for the small server-rendered SVG charts (no JavaScript, no external service).

Each function returns plain numbers the templates place in ``<rect>`` elements;
every chart on a page also has a data table as its text alternative.
"""

from __future__ import annotations

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
