"""Level-over-time charts, drawn on the server as SVG geometry: readable without JavaScript and
with no chart library to load. Templates only place the numbers computed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateformat import format as date_format

from assessments.models import RatingSource
from assessments.selectors.me import RatingPoint
from readiness.models import LEVEL_MAX, LEVEL_MIN, Level

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 134, 18, 10, 32
#: Room above the top level and below the bottom one, so markers are never clipped.
PAD_LEVELS = 0.35
#: The shortest span a chart covers, so that a single rating is not drawn on the y axis.
MIN_SPAN = dt.timedelta(days=30)

SERIES_NAMES = {RatingSource.SELF: "Self", RatingSource.MANAGER: "Manager"}
#: Self and manager often agree: nudge the two lines apart so that both stay visible.
SERIES_OFFSET = {RatingSource.SELF: -2.0, RatingSource.MANAGER: 2.0}


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    title: str


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    name: str
    points: str
    markers: list[Marker]


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass
class LevelChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    band_y: float | None
    band_height: float | None
    target_y: float | None
    series: list[Series] = field(default_factory=list)
    summary: str = ""

    @property
    def plot_width(self) -> int:
        return self.right - self.left


def chart_domain(
    points: Iterable[RatingPoint], *, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The time span shared by every chart of a page: the first rating until now."""
    now = now or timezone.now()
    earliest = min((p.at for p in points), default=now)
    return min(earliest, now - MIN_SPAN), now


def _y(level: float) -> float:
    span = LEVEL_MAX - LEVEL_MIN + 2 * PAD_LEVELS
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (LEVEL_MAX + PAD_LEVELS - level) / span, 1)


def _x(at: dt.datetime, start: dt.datetime, end: dt.datetime) -> float:
    total = (end - start).total_seconds() or 1.0
    share = min(1.0, max(0.0, (at - start).total_seconds() / total))
    return round(LEFT + (WIDTH - LEFT - RIGHT) * share, 1)


def _day(at: dt.datetime) -> str:
    return date_format(timezone.localtime(at), "j M Y")


def _x_ticks(start: dt.datetime, end: dt.datetime) -> list[Tick]:
    pattern = "j M" if (end - start) < dt.timedelta(days=200) else "M Y"
    ticks = []
    for index, anchor in enumerate(("start", "middle", "middle", "end")):
        at = start + (end - start) * index / 3
        ticks.append(Tick(_x(at, start, end), date_format(timezone.localtime(at), pattern), anchor))
    return ticks


def level_chart(
    *,
    points: list[RatingPoint],
    target: int | None,
    start: dt.datetime,
    end: dt.datetime,
) -> LevelChart:
    """One skill's chart: a step line per source (a level holds until the next rating), the
    target as a band from the target level up, and a one-sentence summary for screen readers."""
    series = []
    latest: dict[str, RatingPoint] = {}
    for source in (RatingSource.SELF, RatingSource.MANAGER):
        own = [p for p in points if p.source == source]
        if not own:
            continue
        coordinates: list[tuple[float, float]] = []
        markers = []
        for point in own:
            x, y = _x(point.at, start, end), _y(point.level) + SERIES_OFFSET[source]
            if coordinates:
                coordinates.append((x, coordinates[-1][1]))
            coordinates.append((x, y))
            markers.append(
                Marker(
                    x,
                    y,
                    f"{SERIES_NAMES[source]}: {point.level} "
                    f"({Level(point.level).label}) on {_day(point.at)}",
                )
            )
        coordinates.append((_x(end, start, end), coordinates[-1][1]))
        series.append(
            Series(
                key=str(source),
                name=SERIES_NAMES[source],
                points=" ".join(f"{x},{y}" for x, y in coordinates),
                markers=markers,
            )
        )
        latest[source] = own[-1]
    band_y = band_height = target_y = None
    if target is not None:
        target_y = _y(target)
        band_y = TOP
        band_height = round(target_y - TOP, 1)
    return LevelChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        y_ticks=[Tick(_y(level), f"{level.value} {level.label}") for level in Level],
        x_ticks=_x_ticks(start, end),
        band_y=band_y,
        band_height=band_height,
        target_y=target_y,
        series=series,
        summary=_summary(latest, target),
    )


def _summary(latest: dict[str, RatingPoint], target: int | None) -> str:
    parts = []
    for source, name in ((RatingSource.SELF, "self"), (RatingSource.MANAGER, "manager")):
        point = latest.get(source)
        if point is not None:
            parts.append(
                f"latest {name} rating {point.level} ({Level(point.level).label}) "
                f"on {_day(point.at)}"
            )
    if not parts:
        parts.append("not rated yet")
    if target is not None:
        parts.append(f"target {target} ({Level(target).label})")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."
