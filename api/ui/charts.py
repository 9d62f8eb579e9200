"""Server-side charts: the geometry of inline SVG bar and line charts, no script needed.

A chart is data plus coordinates; the template draws it (charts.html) and puts the same
figures in a table beside it, so a screen reader and a printout get the numbers too.
Withheld counts (below the small-count threshold) are drawn as no bar and said in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
LABEL_HEIGHT = 22
BAR_HEIGHT = 20
ROW_GAP = 12
VALUE_SPACE = 80


@dataclass
class Bar:
    label: str
    count: int | None
    suppressed: bool
    y: float = 0
    width: float = 0


@dataclass
class BarChart:
    bars: list[Bar]
    height: float
    max_value: int
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    label_height: int = LABEL_HEIGHT
    bar_area: int = WIDTH - VALUE_SPACE


def bar_chart(rows: list[tuple[str, int | None, bool]]) -> BarChart:
    """Horizontal bars, label above each bar (German labels are long)."""
    bars = [Bar(label=label, count=count, suppressed=suppressed) for label, count, suppressed in rows]
    shown = [b.count for b in bars if b.count is not None]
    max_value = max(shown, default=0)
    area = WIDTH - VALUE_SPACE
    y = 0.0
    for bar in bars:
        bar.y = y
        bar.width = 0 if not bar.count or not max_value else max(2.0, area * bar.count / max_value)
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(bars=bars, height=max(y, LABEL_HEIGHT + BAR_HEIGHT), max_value=max_value)


@dataclass
class Point:
    label: str
    value: float | None
    suppressed: bool
    x: float = 0
    y: float | None = None


@dataclass
class LineChart:
    points: list[Point]
    segments: list[str] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = 280
    left: int = 48
    top: int = 14
    plot_height: int = 220
    plot_width: int = WIDTH - 48 - 36


def line_chart(rows: list[tuple[str, float | None, bool]]) -> LineChart:
    """A line over time; withheld values break the line instead of being guessed."""
    chart = LineChart(points=[Point(label=label, value=value, suppressed=s) for label, value, s in rows])
    values = [p.value for p in chart.points if p.value is not None]
    top_value = _nice_ceiling(max(values, default=0))
    step = chart.plot_width / max(len(chart.points) - 1, 1)
    for index, point in enumerate(chart.points):
        point.x = chart.left + (step * index if len(chart.points) > 1 else chart.plot_width / 2)
        if point.value is not None and top_value:
            point.y = chart.top + chart.plot_height * (1 - point.value / top_value)
    run: list[str] = []
    for point in chart.points + [Point(label="", value=None, suppressed=False)]:
        if point.y is None:
            if len(run) > 1:
                chart.segments.append(" ".join(run))
            run = []
        else:
            run.append(f"{point.x:.1f},{point.y:.1f}")
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = top_value * fraction
        text = f"{value:g}".replace(".", ",")
        chart.ticks.append((chart.top + chart.plot_height * (1 - fraction), text))
    return chart


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 0
    for candidate in (1, 2, 4, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1)
        if candidate * magnitude >= value:
            return candidate * magnitude
    return value
