"""Reads of readiness plans: who may do what with a plan, its concerns register, and its figures.

Access:
- Leadership (the group) and admins see every plan; a plan's owner sees their plan.
- The owner and admins change a plan: its fields, goals, partners, gap register, and the
  triage of its concerns. The person a concern is assigned to may triage that concern too.
- Anyone else (managers, employees) is refused; employees see their own concerns on
  ``/concerns/mine/``. Who sees a concern's raiser is ``readiness.concerns``.

Figures: each goal's current value and trend, and the gap register. "Now" comes from
``readiness_cube`` over every active person (the rules, aggregated in the database); trends
from the nightly snapshots of the same rules. A goal on a skill measures the share of the
audience's people the skill is required of who are at target on it; a goal on "all their
required skills" the share of the audience's people who are fully ready — the very figures the
snapshot rows hold (``people_at_target / people_in_scope``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateformat import format as date_format

from assessments.models import ReadinessSnapshot
from assessments.presenters.dashboard_charts import LineChart, SeriesData, percent_line_chart
from assessments.selectors import EMPTY_READINESS, ReadinessCube, readiness_cube
from assessments.selectors.dashboard import audience_of_roles
from assessments.selectors.plan_gaps import GapRow, gap_register
from readiness.concerns import CONCERN_RAISER_RELATED
from readiness.models import (
    Concern,
    ConcernStatus,
    Person,
    PlanGoal,
    ReadinessPlan,
    Team,
)
from readiness.permissions import LEADERSHIP_GROUP, is_admin, is_leadership
from readiness.privacy_floor import aggregate_hidden, min_people

OPEN_STATUSES = (ConcernStatus.OPEN, ConcernStatus.IN_REVIEW)
STATUS_ORDER = (*OPEN_STATUSES, ConcernStatus.ADDRESSED, ConcernStatus.CLOSED)


def plans_visible_to(*, user: User) -> QuerySet[ReadinessPlan]:
    """Plans ``user`` may read: all for leadership and admins, else those they own."""
    plans = ReadinessPlan.objects.select_related("owner")
    if is_leadership(user):
        return plans
    return plans.filter(owner=user)


def plan_can_view(*, user: User, plan: ReadinessPlan) -> bool:
    return is_leadership(user) or plan.owner_id == user.pk


def plan_can_edit(*, user: User, plan: ReadinessPlan) -> bool:
    return is_admin(user) or plan.owner_id == user.pk


def plan_can_create(*, user: User) -> bool:
    return is_leadership(user)


def concern_can_triage(*, user: User, plan: ReadinessPlan, concern: Concern) -> bool:
    return plan_can_edit(user=user, plan=plan) or (
        concern.owner_id == user.pk and plan_can_view(user=user, plan=plan)
    )


def plan_owner_candidates() -> QuerySet[User]:
    """Who may own a plan: members of Leadership and admins, by name."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=LEADERSHIP_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def responsible_candidates() -> QuerySet[User]:
    """Who may own a concern or a gap remedy: leadership, admins and team managers."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name=LEADERSHIP_GROUP)
            | Q(is_superuser=True)
            | Q(managed_teams__isnull=False),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def plan_concerns(
    *,
    plan: ReadinessPlan,
    category: str = "",
    status: str = "",
    team: Team | None = None,
) -> QuerySet[Concern]:
    """The concerns register of ``plan``, filtered by category, status and team (a team
    includes its sub-teams); open ones first, then newest first."""
    concerns = Concern.objects.filter(plan=plan).select_related(*CONCERN_RAISER_RELATED, "owner")
    if category:
        concerns = concerns.filter(category=category)
    if status:
        concerns = concerns.filter(status=status)
    if team is not None:
        concerns = concerns.filter(team__path__startswith=team.path)
    rank = Case(
        *(When(status=value, then=Value(index)) for index, value in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
    )
    return concerns.order_by(rank, "-created_at", "-pk")


def plan_concern_counts(*, plan: ReadinessPlan) -> dict[str, dict[str, int]]:
    """Per category, how many concerns of ``plan`` are in each status (one query)."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Concern.objects.filter(plan=plan)
        .order_by()
        .values("category", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["category"], {})[row["status"]] = row["n"]
    return counts


# --- Figures ---------------------------------------------------------------------------------

#: How far before the plan's start the goal charts look (the baseline).
BASELINE_DAYS = 30


@dataclass(frozen=True)
class GoalProgress:
    goal: PlanGoal
    people: int
    at_target: int
    today: dt.date
    chart: LineChart
    points: list[tuple[dt.date, int | None]]
    baseline: int | None

    @property
    def statement(self) -> str:
        return goal_statement(self.goal)

    @property
    def table_points(self) -> list[tuple[dt.date, int | None, bool]]:
        """The chart's figures as rows (date, percent or None if hidden, live?): every point,
        or the last snapshot of each month when there are many, then today."""
        snapshots, live = self.points[:-1], self.points[-1]
        if len(snapshots) > 31:
            by_month = {(day.year, day.month): (day, value) for day, value in snapshots}
            snapshots = list(by_month.values())
        return [(day, value, False) for day, value in snapshots] + [(*live, True)]

    @property
    def chart_id(self) -> str:
        return f"goal-chart-{self.goal.pk}"

    @property
    def hidden(self) -> bool:
        return aggregate_hidden(self.people)

    @property
    def percent(self) -> int | None:
        if self.hidden or not self.people:
            return None
        return round(100 * self.at_target / self.people)

    @property
    def met(self) -> bool:
        return self.percent is not None and self.percent >= self.goal.target_share

    @property
    def expected(self) -> int | None:
        """Where the goal should stand today on a straight line from its baseline (the first
        snapshot from the plan's start) to the target at the due date; None without one."""
        start = self.goal.plan.start_date
        if self.baseline is None or self.today <= start or self.goal.due_date <= start:
            return None
        elapsed = min(1.0, (self.today - start).days / (self.goal.due_date - start).days)
        return round(self.baseline + (self.goal.target_share - self.baseline) * elapsed)

    @property
    def status(self) -> str:
        if self.percent is None:
            return "hidden" if self.people else "no data"
        if self.met:
            return "met"
        if self.today > self.goal.due_date:
            return "missed"
        expected = self.expected
        if expected is None:
            return "not met yet"
        return "behind" if self.percent < expected else "on track"

    @property
    def status_label(self) -> str:
        return {
            "hidden": f"Fewer than {min_people()} people",
            "no data": "Nobody in scope yet",
            "met": "Met",
            "missed": "Missed",
            "behind": "Behind",
            "on track": "On track",
            "not met yet": "Not met yet",
        }[self.status]


def goal_statement(goal: PlanGoal) -> str:
    """ "70% of Tech specialists at target on Prompt engineering by 1 Jun 2026"."""
    what = goal.skill.name if goal.skill is not None else "all their required skills"
    return (
        f"{goal.target_share}% of {goal.audience.name} at target on {what} "
        f"by {date_format(goal.due_date, 'j M Y')}"
    )


def _goal_key(goal: PlanGoal, audience_everyone: bool) -> tuple[int | None, int | None]:
    """The snapshot scope of a goal: (audience id, skill id), None meaning "all"."""
    return (None if audience_everyone else goal.audience_id, goal.skill_id)


def goals_progress(
    *,
    plan: ReadinessPlan,
    goals: list[PlanGoal],
    cube: ReadinessCube,
    today: dt.date,
    audience_of: dict[int | None, int | None],
) -> list[GoalProgress]:
    """Current value and trend of each goal (one snapshot query for all of them)."""
    by_audience = cube.readiness_by(lambda team, role: audience_of.get(role))
    skills_by_audience = cube.skills_by(lambda role: audience_of.get(role))
    skills_all = cube.skills_by(lambda role: "all")
    start = plan.start_date - dt.timedelta(days=BASELINE_DAYS)
    series = _goals_snapshots(goals, since=start, before=today)
    result = []
    for goal in goals:
        everyone = goal.audience.is_everyone
        if goal.skill_id is None:
            figures = cube.total if everyone else by_audience.get(goal.audience_id, EMPTY_READINESS)
            people, at_target = figures.people, figures.people_ready
        else:
            figures = (
                skills_all.get(("all", goal.skill_id))
                if everyone
                else skills_by_audience.get((goal.audience_id, goal.skill_id))
            )
            figures = figures or EMPTY_READINESS
            people, at_target = figures.required, figures.at_target
        points = [
            (
                row.date,
                None
                if aggregate_hidden(row.people_in_scope)
                else round(100 * row.people_at_target / row.people_in_scope),
            )
            for row in series[_goal_key(goal, everyone)]
            if row.people_in_scope
        ]
        live = None if aggregate_hidden(people) or not people else round(100 * at_target / people)
        baseline = next((v for d, v in points if d >= plan.start_date and v is not None), None)
        end = max(goal.due_date, today)
        chart = percent_line_chart(
            series=[SeriesData("goal", "At target", [*points, (today, live)], live_on=today)],
            start=min(start, today - dt.timedelta(days=30)),
            end=end,
            goal=goal.target_share,
            due=goal.due_date,
            today=today,
            width=420,
            height=150,
            subject=goal_statement(goal),
        )
        result.append(
            GoalProgress(goal, people, at_target, today, chart, [*points, (today, live)], baseline)
        )
    return result


def _goals_snapshots(
    goals: list[PlanGoal], *, since: dt.date, before: dt.date
) -> dict[tuple, list[ReadinessSnapshot]]:
    """The organization-wide snapshots of each goal's (audience, skill), oldest first (one
    query for all of them)."""
    keys = {_goal_key(goal, goal.audience.is_everyone) for goal in goals}
    condition = Q(pk__in=[])
    for audience_id, skill_id in keys:
        condition |= Q(audience_id=audience_id, skill_id=skill_id)
    series: dict[tuple, list[ReadinessSnapshot]] = {key: [] for key in keys}
    if keys:
        for row in ReadinessSnapshot.objects.filter(
            condition, team=None, date__gte=since, date__lt=before
        ).order_by("date"):
            series[(row.audience_id, row.skill_id)].append(row)
    return series


@dataclass(frozen=True)
class PlanFigures:
    today: dt.date
    as_of: dt.datetime
    goals: list[GoalProgress]
    gaps: list[GapRow]
    cube: ReadinessCube
    audience_of: dict[int | None, int | None]


def plan_figures(
    *, plan: ReadinessPlan, goals: list[PlanGoal], today: dt.date | None = None
) -> PlanFigures:
    """Goals and gap register of ``plan`` over every active person."""
    today = today or timezone.localdate()
    cube = readiness_cube(people=Person.objects.filter(is_active=True), today=today)
    audience_of = audience_of_roles()
    return PlanFigures(
        today=today,
        as_of=timezone.localtime(),
        goals=goals_progress(
            plan=plan, goals=goals, cube=cube, today=today, audience_of=audience_of
        ),
        gaps=gap_register(plan=plan, cube=cube),
        cube=cube,
        audience_of=audience_of,
    )
