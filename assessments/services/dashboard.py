"""The leadership dashboard's figures, kept in tables by the worker (``DashboardFigure``).

The readiness cube over 10,000 people takes seconds: too dear for a page visit. The worker
computes it in one ``INSERT … SELECT`` (the cube's statement, per-skill cells split by team so
that a manager's dashboard adds up its own teams) and swaps the set in one transaction:

- ``dashboard_figures_refresh_later`` after a write that can move a figure (ratings,
  submissions, people and teams, requirements, plan items): debounced, one refresh at most
  every ``DEBOUNCE_SECONDS``, which run after the writes of that window, so figures are at
  most a few minutes old;
- nightly (the beat entry of migration ``assessments/0015``), for what no hook saw (bulk
  imports, an SQL session) and because "assessed within cadence" moves with the date.

The dashboard reads the latest set (``selectors.dashboard.kept``) and says as of when.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import DashboardFigure, DashboardFigureSet, FigureKind
from assessments.selectors.cube import CUBE_FIGURES, cube_statement
from assessments.selectors.dashboard.kept import latest_figure_set
from assessments.services.debounce import refresh_later
from readiness.models import Person
from readiness.sql import Fragment, param

#: A refresh runs this long after the first write that asked for it: the writes of that
#: window share it. With the refresh's own time, figures are under 5 minutes old.
DEBOUNCE_SECONDS = 180
#: The marker "a refresh is queued" (see ``services.effectiveness``, the same protocol).
QUEUED_KEY = "readiness:dashboard-figures-refresh-queued"
QUEUED_SECONDS = 15 * 60

_COLUMNS = ("kind", "team_id", "role_id", "skill_id", *CUBE_FIGURES)
_SUMS = ", ".join(f"SUM({name})" for name in CUBE_FIGURES)


@transaction.atomic
def dashboard_figures_refresh() -> DashboardFigureSet:
    """Compute the readiness cube of every active person and keep it as a new figure set;
    older sets are deleted in the same transaction. Idempotent: on the same data the new set
    holds the same figures (only ``computed_at`` moves)."""
    cache.delete(QUEUED_KEY)  # a write from now on queues the next refresh
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    figure_set = DashboardFigureSet.objects.create(computed_at=now, as_of_date=today)
    cube = cube_statement(
        people=Person.objects.filter(is_active=True), today=today, pairs_by_team=True
    )
    table = DashboardFigure._meta.db_table
    insert = Fragment(
        f"INSERT INTO {table} "  # noqa: S608  # nosec B608 # model's table and field names
        f"(figure_set_id, {', '.join(_COLUMNS)}) "
        f"SELECT {{figure_set}}, kept.* FROM ({{cube}}) AS kept",
    ).fill(figure_set=param(figure_set.pk), cube=cube)
    # Per-skill cells over every team, for the organization's dashboard.
    pairs_all = Fragment(
        f"INSERT INTO {table} (figure_set_id, {', '.join(_COLUMNS)}) "  # noqa: S608  # nosec B608 # model's table and field names
        f"SELECT {{figure_set}}, {{kind}}, NULL, role_id, skill_id, {_SUMS} FROM {table} "
        "WHERE figure_set_id = {figure_set} AND kind = {pair} GROUP BY role_id, skill_id"
    ).fill(
        figure_set=param(figure_set.pk),
        kind=param(FigureKind.PAIR_ALL.value),
        pair=param(FigureKind.PAIR.value),
    )
    with connection.cursor() as cursor:
        cursor.execute(*insert.execute_args())
        cursor.execute(*pairs_all.execute_args())
    DashboardFigure.objects.exclude(figure_set=figure_set).delete()
    DashboardFigureSet.objects.exclude(pk=figure_set.pk).delete()
    figure_set.people = sum(
        DashboardFigure.objects.filter(figure_set=figure_set, kind="group").values_list(
            "people", flat=True
        )
    )
    figure_set.duration_ms = round((time.perf_counter() - started) * 1000)
    figure_set.save(update_fields=["people", "duration_ms"])
    return figure_set


def dashboard_figures_current() -> DashboardFigureSet:
    """The latest kept figure set; on a fresh install (none yet) computed now, once: an
    executive opening the dashboard wants figures, not a "come back later"."""
    latest = latest_figure_set()
    return latest if latest is not None else dashboard_figures_refresh()


def dashboard_figures_refresh_later() -> None:
    """Queue a refresh once the current transaction commits (its writes visible to the
    worker), unless one is queued already: the writes of ``DEBOUNCE_SECONDS`` share one."""
    refresh_later(
        marker=QUEUED_KEY,
        task="refresh_dashboard_figures",
        countdown=DEBOUNCE_SECONDS,
        hold_seconds=QUEUED_SECONDS,
    )
