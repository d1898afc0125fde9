"""The figures built from ``readiness_cube``, the snapshots, learning plans and concerns."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Sum
from django.utils import timezone

from assessments.models import ReadinessSnapshot
from assessments.presenters.dashboard_charts import (
    BarChart,
    SeriesData,
    bar_chart,
    percent_line_chart,
)
from assessments.selectors import (
    EMPTY_READINESS,
    Calibration,
    ReadinessCube,
    readiness_cube,
)
from assessments.selectors.dashboard.figures import (
    DELTA_DAYS,
    NO_ROLE,
    NO_TEAM,
    TOP_TEAMS,
    TREND_DAYS,
    CalibrationRow,
    Dashboard,
    GroupRow,
    HeatCell,
    Heatmap,
    HeatRow,
    Trend,
    TrendPoint,
    _group_row,
)
from assessments.selectors.dashboard.kept import KeptCube
from assessments.selectors.dashboard.scope import DashboardScope
from assessments.selectors.dashboard.tables import (
    activity_rows,
    concern_rows,
    effectiveness_chart,
    effectiveness_rows,
)
from readiness.models import Audience, Role, Skill
from readiness.privacy_floor import (
    DIRECT,
    ORGANIZATION,
    ROLLUP,
    TOTAL,
    aggregate_hidden,
    min_people,
    parts_hidden,
    team_tree_hidden,
)


def audience_of_roles() -> dict[int | None, int | None]:
    """Role id → its audience id (one query); people without a role map to None."""
    mapping: dict[int | None, int | None] = dict(Role.objects.values_list("pk", "audience_id"))
    mapping[None] = None
    return mapping


def audience_rows(
    cube: ReadinessCube, audiences: list[Audience], audience_of: dict
) -> list[GroupRow]:
    """Readiness per audience of the people's roles, then "no role" (when anyone has none)."""
    readiness = cube.readiness_by(lambda team, role: audience_of.get(role))
    within = cube.within_cadence_by(lambda team, role: audience_of.get(role))
    rows = [
        _group_row(a.pk, a.name, readiness.get(a.pk, EMPTY_READINESS), within.get(a.pk, 0))
        for a in audiences
        if not a.is_everyone
    ]
    if None in readiness:
        rows.append(_group_row(None, NO_ROLE, readiness[None], within.get(None, 0)))
    return rows


def department_rows(cube: ReadinessCube, scope: DashboardScope) -> list[GroupRow]:
    """Readiness per department (per managed team for managers), sub-teams included."""
    readiness = cube.readiness_by(lambda team, role: scope.root(team))
    within = cube.within_cadence_by(lambda team, role: scope.root(team))
    rows = [
        _group_row(r.pk, r.name, readiness.get(r.pk, EMPTY_READINESS), within.get(r.pk, 0))
        for r in scope.roots
    ]
    if scope.leadership and None in readiness:
        rows.append(_group_row(None, NO_TEAM, readiness[None], within.get(None, 0)))
    return rows


def total_row(cube: ReadinessCube, label: str = "Everyone in scope") -> GroupRow:
    return _group_row("all", label, cube.total, cube.total_within_cadence)


def heatmap_build(cube: ReadinessCube, audiences: list[Audience], audience_of: dict) -> Heatmap:
    """Share at target per audience × skill, over the skills required of someone in scope:
    a row per skill (names are long), a column per audience, then everyone in scope."""
    by_audience = cube.skills_by(lambda role: audience_of.get(role))
    by_audience.update(cube.skills_by(lambda role: "all"))
    skill_ids = {skill_id for key, skill_id in by_audience if key == "all"}
    skills = list(
        Skill.objects.filter(pk__in=skill_ids)
        .select_related("category")
        .order_by("category__order", "category__name", "order", "name")
    )
    present = {key for key, _ in by_audience}
    columns: list[tuple[int | str | None, str]] = [
        (a.pk, a.name) for a in audiences if not a.is_everyone and a.pk in present
    ]
    if None in present:
        columns.append((None, NO_ROLE))
    columns.append(("all", "Everyone in scope"))
    rows = []
    for skill in skills:
        # Per skill, the audience columns add up to the last one (everyone in scope).
        parts = {
            key: by_audience[(key, skill.pk)].people
            for key, _ in columns[:-1]
            if (key, skill.pk) in by_audience
        }
        hidden = parts_hidden(
            total=by_audience.get(("all", skill.pk), EMPTY_READINESS).people, parts=parts
        )
        cells: list[HeatCell | None] = []
        for key, _ in columns:
            figures = by_audience.get((key, skill.pk))
            cells.append(
                None
                if figures is None
                else HeatCell(skill.pk, figures, (TOTAL if key == "all" else key) in hidden)
            )
        rows.append(HeatRow(skill, cells))
    return Heatmap([label for _, label in columns], rows)


def tree_hidden(scope: DashboardScope, direct_people: dict[int | None, int]) -> set:
    """The figures the privacy floor hides over the scope's team tree, given how many people
    each team's own figure is over (``None``: no team): the same decision as on the team list,
    so no figure hidden there can be recovered from one shown here."""
    return team_tree_hidden(
        teams=scope.teams,
        direct_people={k: v for k, v in direct_people.items() if k is not None},
        unteamed=direct_people.get(None, 0),
    )


def _department_key(root: object) -> tuple[str, int]:
    """The key of a department row (its root team's id; None: people without a team)."""
    return (ROLLUP, root) if isinstance(root, int) else (DIRECT, ORGANIZATION)


def groups_suppress(
    cube: ReadinessCube,
    scope: DashboardScope,
    total: GroupRow,
    audiences: list[GroupRow],
    departments: list[GroupRow],
) -> tuple[GroupRow, list[GroupRow], list[GroupRow]]:
    """The total, audience and department rows with what subtracting shown figures would
    reveal hidden too."""
    by_audience = parts_hidden(total=total.people, parts={row.key: row.people for row in audiences})
    audiences = [replace(row, hidden=True) if row.key in by_audience else row for row in audiences]
    teams = tree_hidden(scope, cube.people_by_team())
    departments = [
        replace(row, hidden=True) if _department_key(row.key) in teams else row
        for row in departments
    ]
    if TOTAL in by_audience or (ROLLUP, ORGANIZATION) in teams:
        total = replace(total, hidden=True)
    return total, audiences, departments


def snapshot_points(
    *,
    scope: DashboardScope,
    since: dt.date,
    until: dt.date,
    audience: Audience | None = None,
    skill: Skill | None = None,
) -> list[TrendPoint]:
    """Snapshot figures per date for the scope (one query): the organization's rows for
    leadership, the sum of the managed teams' rows for managers."""
    rows = ReadinessSnapshot.objects.filter(
        date__gte=since, date__lte=until, audience=audience, skill=skill
    )
    rows = rows.filter(team=None) if scope.leadership else rows.filter(team__in=scope.roots)
    totals = (
        rows.order_by("date")
        .values("date")
        .annotate(
            people=Sum("people_in_scope"),
            people_at_target=Sum("people_at_target"),
            pairs=Sum("pairs_in_scope"),
            pairs_at_target=Sum("pairs_at_target"),
            within=Sum("people_assessed_within_cadence"),
        )
    )
    return [
        TrendPoint(
            row["date"],
            row["people"],
            row["people_at_target"],
            row["pairs"],
            row["pairs_at_target"],
            row["within"],
        )
        for row in totals
    ]


def trend_build(*, scope: DashboardScope, cube: ReadinessCube, today: dt.date) -> Trend:
    points = snapshot_points(scope=scope, since=today - dt.timedelta(days=TREND_DAYS), until=today)
    points = [p for p in points if p.date < today]
    total = cube.total
    live = TrendPoint(
        today,
        total.people,
        total.people_ready,
        total.required,
        total.at_target,
        cube.total_within_cadence,
        live=True,
    )
    everything = [*points, live]
    start = min(everything[0].date, today - dt.timedelta(days=30))
    chart = percent_line_chart(
        series=[
            SeriesData(
                "readiness",
                "Skills at target",
                [(p.date, p.readiness_percent) for p in everything],
                live_on=today,
            ),
            SeriesData(
                "ready",
                "People fully ready",
                [(p.date, p.ready_percent) for p in everything],
                live_on=today,
            ),
            SeriesData(
                "compliance",
                "Assessed within cadence",
                [(p.date, p.compliance_percent) for p in everything],
                live_on=today,
            ),
        ],
        start=start,
        end=today,
        subject="Readiness over time",
    )
    sampled = len(points) > 31
    if sampled:
        # One row per month (its last snapshot) keeps the table readable; the export has all.
        last_of_month: dict[tuple[int, int], TrendPoint] = {}
        for point in points:
            last_of_month[(point.date.year, point.date.month)] = point
        table = [*last_of_month.values(), live]
    else:
        table = everything
    cutoff = today - dt.timedelta(days=DELTA_DAYS)
    earlier = [p for p in points if p.date <= cutoff]
    baseline = earlier[-1] if earlier else (points[0] if points else None)
    return Trend(everything, chart, table, sampled, baseline)


def calibration_rows(
    cube: ReadinessCube, scope: DashboardScope
) -> tuple[CalibrationRow, list[CalibrationRow], list[CalibrationRow]]:
    """Calibration overall, per department (root), and the teams where self and manager
    ratings disagree most (share of pairs rated by both that differ by 2+ levels)."""

    # The same tree as the readiness figures: teams, departments and everyone add up.
    hidden = tree_hidden(scope, {team: f.people for team, f in cube.calibration.items()})

    def row(label: str, figures: Calibration, key: tuple[str, int]) -> CalibrationRow:
        return CalibrationRow(label, figures, key in hidden or aggregate_hidden(figures.people))

    # Added up as plain counts (thousands of teams at 100,000 people: no object per sum).
    per_root: dict[int | None, list[int]] = {}
    for team_id, figures in cube.calibration.items():
        sums = per_root.setdefault(scope.root(team_id), [0, 0, 0])
        sums[0] += figures.people
        sums[1] += figures.compared
        sums[2] += figures.flagged
    total = Calibration(*(sum(sums[i] for sums in per_root.values()) for i in range(3)))
    departments = [
        row(r.name, Calibration(*per_root.get(r.pk, (0, 0, 0))), (ROLLUP, r.pk))
        for r in scope.roots
    ]
    if scope.leadership and None in per_root:
        departments.append(row(NO_TEAM, Calibration(*per_root[None]), (DIRECT, ORGANIZATION)))
    # The teams shown: the rows are built for the first ones only, in the same order.
    shown = []
    for team_id, figures in cube.calibration.items():
        key = _department_key(team_id) if team_id is None else (DIRECT, team_id)
        if figures.compared and key not in hidden and not aggregate_hidden(figures.people):
            label = NO_TEAM if team_id is None else scope.team_names.get(team_id, NO_TEAM)
            shown.append((-(figures.share or 0), label, figures))
    shown.sort(key=lambda item: item[:2])
    teams = [CalibrationRow(label, figures, False) for _, label, figures in shown[:TOP_TEAMS]]
    return row("Everyone in scope", total, (ROLLUP, ORGANIZATION)), departments, teams


def dashboard_build(
    *, scope: DashboardScope, today: dt.date | None = None, kept: KeptCube | None = None
) -> Dashboard:
    """Every figure of the dashboard for ``scope``: from the figures the worker keeps
    (``kept``: ``selectors.dashboard.kept``), or computed now from the data (the rules' cube:
    seconds at 10,000 people). Queries do not grow with the number of people or teams: teams
    (in the scope), the cube (kept: one; live: cadences, open cycles past due, the
    statement), roles, audiences, skills, snapshots, learning activity, effectiveness (kept)
    with its resources, concerns."""
    today = today or timezone.localdate()
    if kept is None:
        cube, as_of = readiness_cube(people=scope.people, today=today), timezone.localtime()
    else:
        cube, as_of = kept.cube, timezone.localtime(kept.computed_at)
    audience_of = audience_of_roles()
    audiences = list(Audience.objects.order_by("order", "name"))
    calibration_total, calibration_departments, calibration_teams = calibration_rows(cube, scope)
    total, audience_figures, department_figures = groups_suppress(
        cube,
        scope,
        total_row(cube),
        audience_rows(cube, audiences, audience_of),
        department_rows(cube, scope),
    )
    dashboard = Dashboard(
        scope=scope,
        today=today,
        as_of=as_of,
        kept=kept is not None,
        total=total,
        audiences=audience_figures,
        departments=department_figures,
        heatmap=heatmap_build(cube, audiences, audience_of),
        trend=trend_build(scope=scope, cube=cube, today=today),
        activity=activity_rows(scope=scope),
        effectiveness=effectiveness_rows(),
        calibration_total=calibration_total,
        calibration_departments=calibration_departments,
        calibration_teams=calibration_teams,
        concerns=concern_rows(scope=scope),
    )
    dashboard.charts = {
        "audiences": group_chart(dashboard.audiences, subject="Readiness by audience"),
        "departments": group_chart(
            dashboard.departments,
            subject="Readiness by department" if scope.leadership else "Readiness by team",
        ),
        "effectiveness": effectiveness_chart(dashboard.effectiveness),
    }
    return dashboard


def group_chart(rows: list[GroupRow], *, subject: str) -> BarChart:
    return bar_chart(
        rows=[(row.label, None if row.hidden else row.readiness_percent) for row in rows],
        hidden_text=f"fewer than {min_people()} people",
        subject=subject,
    )
