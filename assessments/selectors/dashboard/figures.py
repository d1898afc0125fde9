"""The dashboard's figures: what each table, chart and headline holds, and the privacy
threshold that hides the small ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assessments.presenters.dashboard_charts import BarChart, LineChart
from assessments.selectors import Calibration, Readiness
from assessments.selectors.dashboard.scope import DashboardScope
from catalog.models import TrainingResource
from readiness.models import ConcernStatus, Skill
from readiness.privacy_floor import aggregate_hidden, min_people

TREND_DAYS = 365
#: The KPI cards compare "now" with the snapshot about this many days ago.
DELTA_DAYS = 30
TOP_TEAMS = 10
OPEN_CONCERN_STATUSES = (ConcernStatus.OPEN, ConcernStatus.IN_REVIEW)
NO_TEAM, NO_ROLE = "No team", "No role"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class GroupRow:
    """Readiness and assessment compliance of one group of people."""

    key: object
    label: str
    readiness: Readiness
    within_cadence: int
    hidden: bool

    @property
    def people(self) -> int:
        return self.readiness.people

    @property
    def small(self) -> bool:
        """Below the floor on its own (else hidden so that it reveals no smaller group)."""
        return aggregate_hidden(self.people)

    @property
    def readiness_percent(self) -> int | None:
        return self.readiness.percent

    @property
    def ready_percent(self) -> int | None:
        return _percent(self.readiness.people_ready, self.readiness.people)

    @property
    def compliance_percent(self) -> int | None:
        return _percent(self.within_cadence, self.readiness.people)


def _group_row(key: object, label: str, readiness: Readiness, within: int) -> GroupRow:
    return GroupRow(key, label, readiness, within, aggregate_hidden(readiness.people))


@dataclass(frozen=True)
class HeatCell:
    skill_id: int
    readiness: Readiness
    hidden: bool

    @property
    def small(self) -> bool:
        return aggregate_hidden(self.readiness.people)

    @property
    def percent(self) -> int | None:
        return None if self.hidden else self.readiness.percent

    @property
    def band(self) -> str:
        """A colour band; always shown with the number itself."""
        if self.percent is None:
            return "hm-na"
        return f"heat-{min(self.percent // 20, 4)}"


@dataclass(frozen=True)
class HeatRow:
    """One skill: a cell per audience column (None where the skill is required of nobody in
    that audience), the last one for everyone in scope."""

    skill: Skill
    cells: list[HeatCell | None]


@dataclass(frozen=True)
class Heatmap:
    columns: list[str]
    rows: list[HeatRow]


@dataclass(frozen=True)
class TrendPoint:
    """One date of the trend: a nightly snapshot, or today's live figures."""

    date: dt.date
    people: int
    people_at_target: int
    pairs: int
    pairs_at_target: int
    within_cadence: int
    live: bool = False

    @property
    def hidden(self) -> bool:
        return aggregate_hidden(self.people)

    @property
    def readiness_percent(self) -> int | None:
        return None if self.hidden else _percent(self.pairs_at_target, self.pairs)

    @property
    def ready_percent(self) -> int | None:
        return None if self.hidden else _percent(self.people_at_target, self.people)

    @property
    def compliance_percent(self) -> int | None:
        return None if self.hidden else _percent(self.within_cadence, self.people)


@dataclass(frozen=True)
class Trend:
    points: list[TrendPoint]
    chart: LineChart
    table: list[TrendPoint]
    sampled: bool
    baseline: TrendPoint | None

    @property
    def snapshots(self) -> list[TrendPoint]:
        return [p for p in self.points if not p.live]

    @property
    def first_snapshot(self) -> TrendPoint | None:
        return next((p for p in self.points if not p.live), None)

    @property
    def last_snapshot(self) -> TrendPoint | None:
        return next((p for p in reversed(self.points) if not p.live), None)


@dataclass(frozen=True)
class ActivityRow:
    status: str
    label: str
    items: int
    people: int
    hours: float
    hidden: bool


@dataclass(frozen=True)
class EffectivenessRow:
    resource: TrainingResource
    mean_gain: float
    people: int
    hidden: bool
    verified: int = 0  # of ``people``, how many completed it verifiably (an upstream record)

    @property
    def gain_text(self) -> str:
        return f"{self.mean_gain:+.2f}"


@dataclass(frozen=True)
class CalibrationRow:
    label: str
    calibration: Calibration
    hidden: bool

    @property
    def small(self) -> bool:
        return aggregate_hidden(self.calibration.people)


@dataclass(frozen=True)
class ConcernRow:
    category: str
    label: str
    open: int
    in_review: int
    raisers: int
    hidden: bool

    @property
    def total(self) -> int:
        return self.open + self.in_review


@dataclass
class Dashboard:
    scope: DashboardScope
    today: dt.date
    as_of: dt.datetime
    total: GroupRow
    audiences: list[GroupRow]
    departments: list[GroupRow]
    heatmap: Heatmap
    trend: Trend
    activity: list[ActivityRow]
    effectiveness: list[EffectivenessRow]
    calibration_total: CalibrationRow
    calibration_departments: list[CalibrationRow]
    calibration_teams: list[CalibrationRow]
    concerns: list[ConcernRow]
    charts: dict[str, BarChart | LineChart | None] = field(default_factory=dict)
    #: Figures read from those the worker keeps (``as_of`` is when it computed them).
    kept: bool = False

    @property
    def min_people(self) -> int:
        return min_people()

    @property
    def open_concerns(self) -> int:
        """Open concerns in the categories shown (hidden categories are not added in)."""
        return sum(row.total for row in self.concerns if not row.hidden)

    @property
    def hidden_concern_categories(self) -> int:
        return sum(1 for row in self.concerns if row.hidden)

    @property
    def deltas(self) -> dict[str, Delta | None]:
        """Change of each headline figure since the trend's baseline snapshot."""
        base, now = self.trend.baseline, self.total
        names = ("readiness", "ready", "compliance")
        if base is None or now.hidden:
            return dict.fromkeys(names)
        result: dict[str, Delta | None] = {}
        for name, then, current in zip(
            names,
            (base.readiness_percent, base.ready_percent, base.compliance_percent),
            (now.readiness_percent, now.ready_percent, now.compliance_percent),
            strict=True,
        ):
            if then is None or current is None:
                result[name] = None
            else:
                result[name] = Delta(current - then, base.date)
        return result


@dataclass(frozen=True)
class Delta:
    points: int
    since: dt.date

    @property
    def direction(self) -> str:
        return "up" if self.points > 0 else "down" if self.points < 0 else "flat"
