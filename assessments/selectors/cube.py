"""The organization at a glance: the rules' figures aggregated to small groups in one
statement (``readiness_cube``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.models import AssessmentCycle, CycleStatus
from assessments.selectors.aggregates import _PER_PERSON_SQL, Readiness
from assessments.selectors.reassessment import assessed_sql, cadence_lapsed_sql
from assessments.selectors.scope import cycle_scope
from assessments.selectors.states import _with_people
from readiness.models import Person
from readiness.selectors import people_sql
from readiness.sql import Fragment, fetch_prepared


def readiness_add(*figures: Readiness) -> Readiness:
    """The readiness of the union of disjoint groups: every count adds up."""
    return Readiness(
        people=sum(f.people for f in figures),
        people_ready=sum(f.people_ready for f in figures),
        required=sum(f.required for f in figures),
        at_target=sum(f.at_target for f in figures),
        not_assessed=sum(f.not_assessed for f in figures),
        total_gap=sum(f.total_gap for f in figures),
    )


@dataclass(frozen=True, slots=True)
class Calibration:
    """How often the latest self and manager ratings of a group differ by 2 levels or more."""

    people: int
    compared: int
    flagged: int

    @property
    def share(self) -> float | None:
        """Share of (person, skill) pairs rated by both whose ratings carry the flag."""
        return self.flagged / self.compared if self.compared else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    def __add__(self, other: Calibration) -> Calibration:
        return Calibration(
            self.people + other.people,
            self.compared + other.compared,
            self.flagged + other.flagged,
        )


EMPTY_CALIBRATION = Calibration(0, 0, 0)


def _added_up(pairs: Iterable[tuple[object, Readiness]]) -> dict:
    """``readiness_add`` per key, each count summed in place (a dashboard adds up thousands of
    cells several times: one ``Readiness`` per key, not one per cell)."""
    sums: dict[object, list[int]] = {}
    for group, f in pairs:
        acc = sums.get(group)
        if acc is None:
            sums[group] = [
                f.people,
                f.people_ready,
                f.required,
                f.at_target,
                f.not_assessed,
                f.total_gap,
            ]
        else:
            acc[0] += f.people
            acc[1] += f.people_ready
            acc[2] += f.required
            acc[3] += f.at_target
            acc[4] += f.not_assessed
            acc[5] += f.total_gap
    return {group: Readiness(*acc) for group, acc in sums.items()}


@dataclass(frozen=True)
class ReadinessCube:
    """The rules' figures for a set of people, aggregated in the database to small groups that
    callers add up to any view (by audience, department, skill…) without touching a person:

    - ``groups[(team_id, role_id)]``: readiness of the people of that team and role — in the
      leadership's kept cube (``team_people`` given), of the *department* and role: its teams
      added up in SQL (``selectors.dashboard.kept``), never one team's figure;
    - ``within_cadence[(team_id, role_id)]``: how many of them are assessed within cadence
      (keyed as ``groups``);
    - ``pairs[(role_id, skill_id)]``: per skill, the people it is required of (``required``)
      and those at target, with their gaps;
    - ``calibration[team_id]``: pairs rated by both self and manager, and those flagged.

    Only people with a required skill are counted in ``groups`` (as in ``group_readiness``).
    """

    groups: dict[tuple[int | None, int | None], Readiness]
    within_cadence: dict[tuple[int | None, int | None], int]
    pairs: dict[tuple[int | None, int], Readiness]
    calibration: dict[int | None, Calibration]
    #: How many people each team's ``groups`` cells are over, when the cells are added up
    #: beyond teams (the organization's kept cube: per department and role); None: per team.
    team_people: dict[int | None, int] | None = None

    def people_by_team(self) -> dict[int | None, int]:
        """How many people each team's cells are over (the privacy floor's tree)."""
        if self.team_people is not None:
            return self.team_people
        return {team: f.people for team, f in self.readiness_by(lambda team, role: team).items()}

    def readiness_by(self, key: Callable[[int | None, int | None], object]) -> dict:
        """Readiness per ``key(team_id, role_id)``."""
        return _added_up(
            (key(team_id, role_id), f) for (team_id, role_id), f in self.groups.items()
        )

    def within_cadence_by(self, key: Callable[[int | None, int | None], object]) -> dict:
        """People assessed within cadence per ``key(team_id, role_id)``."""
        result: dict = defaultdict(int)
        for (team_id, role_id), count in self.within_cadence.items():
            result[key(team_id, role_id)] += count
        return dict(result)

    def skills_by(self, key: Callable[[int | None], object]) -> dict:
        """Readiness per (``key(role_id)``, skill id)."""
        return _added_up(
            ((key(role_id), skill_id), f) for (role_id, skill_id), f in self.pairs.items()
        )

    @property
    def total(self) -> Readiness:
        return readiness_add(*self.groups.values())

    @property
    def total_within_cadence(self) -> int:
        return sum(self.within_cadence.values())


#: A template over the states and ``per_person``: ``lapsed`` is ``cadence_lapsed_sql`` (the
#: due rule by cadence), ``overdue`` the ids of people owing an open cycle past its due date.
#: Every row is (kind, team, role, skill, then the seven ``CUBE_FIGURES``); a calibration row
#: holds its people, pairs compared (as ``required``) and pairs flagged (as ``at_target``).
#: Per-skill rows are per role, or per team and role (``pair_team``) for the kept figures
#: (``services.dashboard``), which managers' dashboards add up over their teams.
_CUBE_SQL = Fragment("""
, required_self AS (
    SELECT person_id, skill_id, self_at FROM states WHERE target IS NOT NULL
),
{assessed},
cadence AS (
    SELECT person_id, SUM(CASE WHEN {lapsed} THEN 1 ELSE 0 END) AS lapsed
      FROM assessed
     GROUP BY person_id
){overdue_cte}
SELECT 'group', p.team_id, p.role_id, NULL, COUNT(*),
       SUM(CASE WHEN pp.at_target = pp.required THEN 1 ELSE 0 END),
       SUM(pp.required), SUM(pp.at_target), SUM(pp.not_assessed), SUM(pp.total_gap),
       SUM(CASE WHEN c.lapsed = 0 {not_overdue} THEN 1 ELSE 0 END)
  FROM per_person pp
  JOIN readiness_person p ON p.id = pp.person_id
  LEFT JOIN cadence c ON c.person_id = pp.person_id
 GROUP BY p.team_id, p.role_id
UNION ALL
SELECT 'pair', {pair_team}, p.role_id, st.skill_id, COUNT(*), SUM(st.at_target), COUNT(*),
       SUM(st.at_target), SUM(st.not_assessed), SUM(st.gap), 0
  FROM states st
  JOIN readiness_person p ON p.id = st.person_id
 WHERE st.target IS NOT NULL
 GROUP BY {pair_group}p.role_id, st.skill_id
UNION ALL
SELECT 'calibration', p.team_id, NULL, NULL, COUNT(DISTINCT st.person_id), 0, COUNT(*),
       SUM(st.calibration_flag), 0, 0, 0
  FROM states st
  JOIN readiness_person p ON p.id = st.person_id
 WHERE st.self_level IS NOT NULL AND st.manager_level IS NOT NULL
 GROUP BY p.team_id
""")  # nosec B608 # module-constant SQL fragments; values as parameters


def _cadence_cutoffs(today: dt.date) -> Fragment:
    """The due rule by cadence on ``today`` as a condition over ``assessed``, for every cadence
    in use (the default and the skills' own): ``cadence_lapsed_sql``."""
    from readiness.models import Skill

    own = (
        Skill.objects.exclude(reassessment_interval_days=None)
        .order_by()
        .values_list("reassessment_interval_days", flat=True)
        .distinct()
    )
    intervals = {settings.REASSESSMENT_INTERVAL_DAYS} | {days for days in own if days is not None}
    return cadence_lapsed_sql(intervals=intervals, today=today)


def _overdue_cycle_people(*, today: dt.date) -> QuerySet[Person] | None:
    """People in scope of an open cycle past its due date who have not submitted for it."""
    cycles = AssessmentCycle.objects.filter(
        status=CycleStatus.OPEN, opens_on__lte=today, due_on__lte=today
    ).prefetch_related("audiences", "teams")
    condition = Q()
    for cycle in cycles:
        pending = cycle_scope(cycle=cycle).exclude(submissions__cycle=cycle)
        condition |= Q(pk__in=pending.values("pk"))
    return Person.objects.filter(condition) if condition else None


#: The figures of a cube row, in order (the columns of ``DashboardFigure`` too).
CUBE_FIGURES = (
    "people",
    "people_ready",
    "required",
    "at_target",
    "not_assessed",
    "total_gap",
    "within_cadence",
)


def cube_statement(
    *, people: QuerySet[Person], today: dt.date, pairs_by_team: bool = False
) -> Fragment:
    """The statement of ``readiness_cube`` (its rows: see ``_CUBE_SQL``); ``pairs_by_team``
    splits the per-skill rows by team as well. Queries to build it: skills' cadences, open
    cycles past due (with their audiences and teams)."""
    lapsed = _cadence_cutoffs(today)
    overdue = _overdue_cycle_people(today=today)
    overdue_cte, not_overdue = Fragment(""), ""
    if overdue is not None:
        overdue_cte = Fragment(", overdue(id) AS ({ids})").fill(ids=people_sql(overdue))
        not_overdue = "AND pp.person_id NOT IN (SELECT id FROM overdue)"
    return _with_people(
        people,
        _PER_PERSON_SQL
        + _CUBE_SQL.fill(
            assessed=assessed_sql(required="required_self"),
            lapsed=lapsed,
            overdue_cte=overdue_cte,
            not_overdue=not_overdue,
            pair_team="p.team_id" if pairs_by_team else "CAST(NULL AS INTEGER)",
            pair_group="p.team_id, " if pairs_by_team else "",
        ),
    )


def cube_from_rows(rows: Iterable[Sequence]) -> ReadinessCube:
    """A ``ReadinessCube`` from rows shaped as ``_CUBE_SQL``'s (per-skill rows already added up
    over teams): the live statement's, or the kept figures' (``selectors.dashboard.kept``,
    whose ``team`` rows hold each team's people when its cells are added up beyond teams)."""
    groups, within, pairs, calibration, teams = {}, {}, {}, {}, {}
    for kind, team_id, role_id, skill_id, *values in rows:
        values = [int(v or 0) for v in values]
        if kind == "group":
            groups[(team_id, role_id)] = Readiness(*values[:6])
            within[(team_id, role_id)] = values[6]
        elif kind == "pair":
            pairs[(role_id, skill_id)] = Readiness(*values[:6])
        elif kind == "team":
            teams[team_id] = values[0]
        else:
            calibration[team_id] = Calibration(values[0], values[2], values[3])
    return ReadinessCube(groups, within, pairs, calibration, teams or None)


def readiness_cube(*, people: QuerySet[Person], today: dt.date | None = None) -> ReadinessCube:
    """Everything an organization view needs about ``people``, in one statement over the
    states of ``STATES_SQL`` (computed once): readiness per team and role, assessment
    compliance per team and role, per-skill readiness per role, calibration per team.

    Assessed within cadence is ``Reassessment.within_cadence`` evaluated in the database, so
    that 10,000 people are never walked in Python. Queries: skills' cadences, open cycles past
    due (with their audiences and teams), then the statement itself."""
    today = today or timezone.localdate()
    return cube_from_rows(fetch_prepared(cube_statement(people=people, today=today)))
