"""Small server-rendered SVG charts: geometry computed here, drawn by templates/stats/_chart.html.

Each chart scales to its container (a viewBox and width 100%), so it works at phone width, and needs no
JavaScript. Its numbers are also in the page's tables and CSV downloads.
"""
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 320, 120
TOP, BOTTOM, LEFT, RIGHT = 14, 18, 4, 4


@dataclass
class Point:
    day: date
    value: float | None
    live: bool = False


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    live: bool


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bars" or "line"
    unit: str  # "count" or "percent"
    points: list[Point]
    bars: list[Bar] = field(default_factory=list)
    line: str = ""
    dots: list[Bar] = field(default_factory=list)
    peak_label: str = ""
    first_label: str = ""
    last_label: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    summary: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(p.value for p in self.points)


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.0f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def build(key: str, title: str, points: list[Point], *, kind: str = "bars", unit: str = "count") -> Chart:
    chart = Chart(key=key, title=title, kind=kind, unit=unit, points=points)
    values = [p.value for p in points if p.value is not None]
    peak = max(values, default=0) or 1
    if unit == "percent":
        peak = max(peak, 1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(points), 1)
    gap = min(step * 0.2, 2)
    line_points = []
    for i, point in enumerate(points):
        label = f"{point.day.isoformat()}: {_format(point.value, unit)}"
        if point.value is None:
            continue
        height = round(point.value / peak * plot_height, 2)
        x = round(LEFT + i * step, 2)
        y = round(chart.baseline - height, 2)
        if kind == "bars":
            chart.bars.append(Bar(x=x, y=y, width=round(max(step - gap, 0.5), 2), height=height, label=label,
                                  live=point.live))
        else:
            cx = round(x + step / 2, 2)
            line_points.append(f"{cx},{y}")
            chart.dots.append(Bar(x=cx, y=y, width=0, height=0, label=label, live=point.live))
    chart.line = " ".join(line_points)
    chart.peak_label = _format(max(values, default=0), unit)
    if points:
        chart.first_label = points[0].day.strftime("%m-%d")
        chart.last_label = points[-1].day.strftime("%m-%d")
    return chart
