"""The readiness cube as the worker keeps it (``services.dashboard``): the latest figure set,
added up over the teams a dashboard covers, in one statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from assessments.models import DashboardFigure, DashboardFigureSet
from assessments.selectors.cube import CUBE_FIGURES, ReadinessCube, cube_from_rows
from assessments.selectors.dashboard.scope import DashboardScope
from readiness.models import Team
from readiness.sql import Fragment, param, values_list

_TABLE = DashboardFigure._meta.db_table
_SUMS = ", ".join(f"SUM(f.{name})" for name in CUBE_FIGURES)
_FIGURES = ", ".join(f"f.{name}" for name in CUBE_FIGURES)
_TEAMS = Team._meta.db_table
#: A manager's teams: their cells, per-skill ones added up over the teams (as the live cube
#: of their people has them).
_TEAMS_SQL = Fragment(
    f"""
SELECT f.kind, CASE WHEN f.kind = 'pair' THEN NULL ELSE f.team_id END, f.role_id, f.skill_id,
       {_SUMS}
  FROM {_TABLE} f
 WHERE f.figure_set_id = {{figure_set}} AND f.kind <> 'pair_all' AND f.team_id IN ({{teams}})
 GROUP BY f.kind, CASE WHEN f.kind = 'pair' THEN NULL ELSE f.team_id END, f.role_id, f.skill_id
"""  # noqa: S608  # nosec B608 # model's table and field names; values as parameters
)
#: A team's department's id, as text, from its path ("/1/10/90/": "1"). Spelled per database:
#: a join on the departments' path prefixes ran 2,790 x 8,240 comparisons (0.9 s at 100,000
#: people on PostgreSQL), and SQLite has no ``split_part``.
_DEPARTMENT_SQL = {
    "postgresql": "split_part(t.path, '/', 2)",
    "sqlite": "substr(t.path, 2, instr(substr(t.path, 2), '/') - 1)",
}
#: The whole organization, added up to what its dashboard shows: readiness per department
#: (the team's top ancestor, by its current path, ``_DEPARTMENT_SQL``; NULL: no team, or a
#: team deleted since) and role; each team's people (``team`` rows: the privacy floor's tree);
#: every team's calibration; the per-skill cells added up by the worker. Hundreds of rows where
#: every team and role made 8,240 at 100,000 people.
_ORGANIZATION_SQL = Fragment(
    f"""
SELECT 'group', CAST(NULLIF({{department}}, '') AS INTEGER), f.role_id,
       CAST(NULL AS INTEGER), {_SUMS}
  FROM {_TABLE} f
  LEFT JOIN {_TEAMS} t ON t.id = f.team_id
 WHERE f.figure_set_id = {{figure_set}} AND f.kind = 'group'
 GROUP BY 2, f.role_id
UNION ALL
SELECT 'team', f.team_id, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), SUM(f.people), 0, 0, 0, 0, 0, 0
  FROM {_TABLE} f
 WHERE f.figure_set_id = {{figure_set}} AND f.kind = 'group'
 GROUP BY f.team_id
UNION ALL
SELECT CASE WHEN f.kind = 'pair_all' THEN 'pair' ELSE f.kind END, f.team_id, f.role_id,
       f.skill_id, {_FIGURES}
  FROM {_TABLE} f
 WHERE f.figure_set_id = {{figure_set}} AND f.kind IN ('pair_all', 'calibration')
"""  # noqa: S608  # nosec B608 # model's table and field names; values as parameters
)


@dataclass(frozen=True)
class KeptCube:
    """The kept cube of a scope and when the worker computed it."""

    cube: ReadinessCube
    computed_at: dt.datetime
    as_of_date: dt.date


def latest_figure_set() -> DashboardFigureSet | None:
    return DashboardFigureSet.objects.order_by("-computed_at", "-pk").first()


def kept_cube(*, scope: DashboardScope, figure_set: DashboardFigureSet) -> KeptCube:
    """The cube of ``scope`` from ``figure_set`` (one query): for leadership, the cells added
    up per department and role, with each team's people and calibration (people without a
    team included; per-skill cells as the worker added them up); the cells of the scope's
    teams for a manager — the figures ``readiness_cube(people=scope.people)`` gives on the
    data the set was computed from, added up as the dashboard adds them."""
    if scope.leadership:
        statement = _ORGANIZATION_SQL.fill(
            figure_set=param(figure_set.pk), department=_DEPARTMENT_SQL[connection.vendor]
        )
    else:
        ids = [team.pk for team in scope.teams] or [0]
        statement = _TEAMS_SQL.fill(figure_set=param(figure_set.pk), teams=values_list(ids))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        rows = cursor.fetchall()
    return KeptCube(cube_from_rows(rows), figure_set.computed_at, figure_set.as_of_date)
