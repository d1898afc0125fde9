"""The readiness cube as the worker keeps it (``services.dashboard``): the latest figure set,
added up over the teams a dashboard covers, in one statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from assessments.models import DashboardFigure, DashboardFigureSet
from assessments.selectors.cube import CUBE_FIGURES, ReadinessCube, cube_from_rows
from assessments.selectors.dashboard.scope import DashboardScope
from readiness.sql import Fragment, param, values_list

_TABLE = DashboardFigure._meta.db_table
_SUMS = ", ".join(f"SUM(f.{name})" for name in CUBE_FIGURES)
_FIGURES = ", ".join(f"f.{name}" for name in CUBE_FIGURES)
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
#: The whole organization: every team's cells and the per-skill cells added up by the worker.
_ORGANIZATION_SQL = Fragment(
    f"""
SELECT CASE WHEN f.kind = 'pair_all' THEN 'pair' ELSE f.kind END, f.team_id, f.role_id,
       f.skill_id, {_FIGURES}
  FROM {_TABLE} f
 WHERE f.figure_set_id = {{figure_set}} AND f.kind <> 'pair'
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
    """The cube of ``scope`` from ``figure_set`` (one query): every cell for leadership (people
    without a team included; per-skill cells as the worker added them up), the cells of the
    scope's teams for a manager — what
    ``readiness_cube(people=scope.people)`` gives on the data the set was computed from."""
    if scope.leadership:
        statement = _ORGANIZATION_SQL.fill(figure_set=param(figure_set.pk))
    else:
        ids = [team.pk for team in scope.teams] or [0]
        statement = _TEAMS_SQL.fill(figure_set=param(figure_set.pk), teams=values_list(ids))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        rows = cursor.fetchall()
    return KeptCube(cube_from_rows(rows), figure_set.computed_at, figure_set.as_of_date)
