"""Bar and line charts of the leadership pages, drawn on the server as SVG geometry: readable
without JavaScript, printable, no chart library. Each chart comes with a one-sentence summary
for screen readers; the pages put the same figures in a table next to it.

Templates only place what is computed here (``assessments/dashboard_chart_bars.html``,
``assessments/dashboard_chart_lines.html``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils.dateformat import format as date_format

#: Series colours and dash patterns: each series differs by dash and marker too, never by
#: colour alone. Colours keep 4.5:1 contrast on white.
SERIES_STYLES = ("s-a", "s-b", "s-c", "s-d")
MAX_MARKERS = 26


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    short_label: str
    y: float
    text_y: float
    x: float
    width: float
    text: str
    text_x: float
    hidden: bool
    negative: bool = False


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    plot_right: int
    zero_x: float
    bar_height: int
    bars: list[Bar]
    ticks: list[Tick]
    summary: str

    @property
    def axis_bottom(self) -> int:
        return self.height - 22

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def tick_y(self) -> int:
        return self.height - 6


BAR_ROW = 30
BAR_HEIGHT = 18


# Over 60 lines: one chart's geometry (rows, bars, labels, legend) read top to bottom;
# split, the pieces would pass the same dozen values around.
def bar_chart(
    *,
    rows: list[tuple[str, float | None]],
    domain: tuple[float, float] = (0.0, 100.0),
    unit: str = "%",
    hidden_text: str = "fewer than 5 people",
    width: int = 560,
    label_width: int = 190,
    decimals: int = 0,
    subject: str = "",
) -> BarChart:
    """Horizontal bars, one per ``(label, value)``; a ``None`` value draws no bar and says
    ``hidden_text`` (privacy). ``domain`` may reach below zero (level gains)."""
    low, high = domain
    right = width - 64
    span = (high - low) or 1.0

    def x_of(value: float) -> float:
        return round(label_width + (right - label_width) * (value - low) / span, 1)

    zero = x_of(max(low, min(0.0, high)))
    max_chars = max(8, (label_width - 12) // 7)
    bars = []
    for index, (label, value) in enumerate(rows):
        y = 6 + index * BAR_ROW
        short = label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"
        if value is None:
            bars.append(Bar(label, short, y, y + 13, zero, 0, hidden_text, zero + 4, True))
            continue
        end = x_of(max(low, min(value, high)))
        text = f"{value:+.{decimals}f}{unit}" if low < 0 else f"{value:.{decimals}f}{unit}"
        left, bar_width = (end, zero - end) if end < zero else (zero, end - zero)
        bars.append(
            Bar(
                label,
                short,
                y,
                y + 13,
                left,
                round(bar_width, 1),
                text,
                round(max(end, zero) + 4, 1),
                False,
                value < 0,
            )
        )
    height = 6 + len(rows) * BAR_ROW + 24
    ticks = []
    steps = 4
    for step in range(steps + 1):
        value = low + span * step / steps
        ticks.append(Tick(x_of(value), f"{value:g}{unit}"))
    shown = [(label, value) for label, value in rows if value is not None]
    summary = "; ".join(f"{label}: {value:.{decimals}f}{unit}" for label, value in shown)
    hidden = len(rows) - len(shown)
    if hidden:
        summary += f"{'; ' if summary else ''}{hidden} not shown ({hidden_text})"
    return BarChart(
        width=width,
        height=height,
        label_width=label_width,
        plot_right=right,
        zero_x=zero,
        bar_height=BAR_HEIGHT,
        bars=bars,
        ticks=ticks,
        summary=f"{subject}{': ' if subject else ''}{summary}." if rows else "No data.",
    )


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    title: str
    live: bool = False


@dataclass
class LineSeries:
    key: str
    name: str
    style: str
    segments: list[str]
    markers: list[Marker]


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    series: list[LineSeries] = field(default_factory=list)
    goal_y: float | None = None
    goal_label: str = ""
    due_x: float | None = None
    due_label: str = ""
    today_x: float | None = None
    summary: str = ""


@dataclass(frozen=True, slots=True)
class SeriesData:
    key: str
    name: str
    points: list[tuple[dt.date, float | None]]
    #: The date of a last point read live rather than from a snapshot (drawn hollow).
    live_on: dt.date | None = None


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


# Over 60 lines: one chart's geometry (axes, ticks, series, markers, summary) read top to
# bottom; split, the pieces would pass the same dozen values around.
def percent_line_chart(
    *,
    series: list[SeriesData],
    start: dt.date,
    end: dt.date,
    goal: int | None = None,
    due: dt.date | None = None,
    today: dt.date | None = None,
    width: int = 640,
    height: int = 220,
    subject: str = "",
) -> LineChart:
    """Percentages over time (0–100 %), one polyline per series; a ``None`` point breaks the
    line (a figure hidden for privacy). ``goal`` draws the target share, ``due`` its date."""
    left, right, top, bottom = 44, width - 14, 10, height - 26
    total_days = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        share = min(1.0, max(0.0, (day - start).days / total_days))
        return round(left + (right - left) * share, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * max(0.0, min(value, 100.0)) / 100, 1)

    chart = LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=[Tick(y_of(v), f"{v}%") for v in (0, 25, 50, 75, 100)],
        x_ticks=_date_ticks(start, end, x_of),
    )
    sentences = []
    for index, data in enumerate(series):
        segments: list[str] = []
        markers: list[Marker] = []
        current: list[str] = []
        # A year of nightly points makes a line, not 365 dots: mark about MAX_MARKERS of them
        # (and always the last two: the latest snapshot and today).
        step = max(1, math.ceil(len(data.points) / MAX_MARKERS))
        for position, (day, value) in enumerate(data.points):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = x_of(day), y_of(value)
            current.append(f"{x},{y}")
            live = data.live_on is not None and day == data.live_on
            if position % step == 0 or position >= len(data.points) - 2:
                label = "today (live)" if live else _day(day)
                markers.append(Marker(x, y, f"{data.name}: {value:.0f}% on {label}", live))
        if current:
            segments.append(" ".join(current))
        shown = [(day, value) for day, value in data.points if value is not None]
        if shown:
            first, last = shown[0], shown[-1]
            sentences.append(
                f"{data.name} {first[1]:.0f}% on {_day(first[0])}, {last[1]:.0f}% on "
                f"{_day(last[0])}"
                if len(shown) > 1
                else f"{data.name} {last[1]:.0f}% on {_day(last[0])}"
            )
        chart.series.append(
            LineSeries(
                data.key, data.name, SERIES_STYLES[index % len(SERIES_STYLES)], segments, markers
            )
        )
    if goal is not None:
        chart.goal_y = y_of(goal)
        chart.goal_label = f"goal {goal}%"
        sentences.append(f"goal {goal}%" + (f" by {_day(due)}" if due else ""))
    if due is not None and start <= due <= end:
        chart.due_x = x_of(due)
        chart.due_label = f"due {date_format(due, 'j M')}"
    if today is not None and start <= today <= end and today != end:
        chart.today_x = x_of(today)
    text = "; ".join(sentences) if sentences else "no figures yet"
    chart.summary = f"{subject}{': ' if subject else ''}{text}."
    return chart


def _date_ticks(start: dt.date, end: dt.date, x_of) -> list[Tick]:  # noqa: ANN001
    days = (end - start).days
    pattern = "j M" if days < 200 else "M Y"
    count = 4 if days >= 3 else max(days, 1)
    ticks = []
    for index in range(count + 1):
        day = start + dt.timedelta(days=math.floor(days * index / count))
        anchor = "start" if index == 0 else "end" if index == count else "middle"
        ticks.append(Tick(x_of(day), date_format(day, pattern), anchor))
    return ticks
