"""The rules of DESIGN.md, each written once, as set-based SQL over any set of people.

- ``STATES_SQL`` holds effective level, gap, not-assessed, awaiting review and the calibration
  flag for every (person, skill) pair of a set of people, in one statement.
- ``skill_states`` reads those rows; ``people_readiness`` and ``group_readiness`` aggregate them
  in the database; ``people_reassessment`` applies the due rule.

Every page, export, API endpoint and task calls these functions: there is no second copy.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.models import AssessmentCycle, CycleStatus
from readiness.models import Person, Team
from readiness.selectors import TARGETS_SQL, people_sql

#: One row per (person, skill) that is required of the person or that they were rated on.
#: Effective level: the most recent rating, a manager rating winning a tie. Gap: max(0, T - L),
#: a required skill that is not assessed counting as a gap of T.
STATES_SQL = f"""
WITH people(id) AS ({{people}}),
targets AS ({TARGETS_SQL}),
ranked AS (
    SELECT r.person_id, r.skill_id, r.source, r.level, r.created_at, r.interest,
           ROW_NUMBER() OVER (
               PARTITION BY r.person_id, r.skill_id, r.source
               ORDER BY r.created_at DESC, r.id DESC
           ) AS rn
      FROM people
      JOIN assessments_skillrating r ON r.person_id = people.id
      JOIN readiness_skill s ON s.id = r.skill_id
     WHERE s.is_active
),
latest AS (
    SELECT person_id, skill_id,
           MAX(CASE WHEN source = 'self' THEN level END) AS self_level,
           MAX(CASE WHEN source = 'self' THEN created_at END) AS self_at,
           MAX(CASE WHEN source = 'self' THEN interest END) AS interest,
           MAX(CASE WHEN source = 'manager' THEN level END) AS manager_level,
           MAX(CASE WHEN source = 'manager' THEN created_at END) AS manager_at
      FROM ranked
     WHERE rn = 1
     GROUP BY person_id, skill_id
),
pairs AS (
    -- Required or rated: one FULL JOIN (SQLite >= 3.39) instead of a UNION of the keys joined
    -- back to both sides, which hashed and sorted every pair twice.
    SELECT COALESCE(t.person_id, l.person_id) AS person_id,
           COALESCE(t.skill_id, l.skill_id) AS skill_id, t.target_level AS target,
           l.self_level, l.self_at, l.manager_level, l.manager_at, l.interest
      FROM targets t
      FULL JOIN latest l ON l.person_id = t.person_id AND l.skill_id = t.skill_id
),
effective AS (
    SELECT k.*,
           CASE WHEN k.manager_at IS NOT NULL
                     AND (k.self_at IS NULL OR k.manager_at >= k.self_at)
                THEN k.manager_level ELSE k.self_level END AS level,
           CASE WHEN k.self_at IS NOT NULL
                     AND (k.manager_at IS NULL OR k.self_at > k.manager_at)
                THEN 1 ELSE 0 END AS awaiting_review,
           CASE WHEN k.self_level IS NOT NULL AND k.manager_level IS NOT NULL
                     AND ABS(k.self_level - k.manager_level) >= 2
                THEN 1 ELSE 0 END AS calibration_flag
      FROM pairs k
),
states AS (
    SELECT e.*,
           CASE WHEN e.target IS NULL THEN 0
                WHEN e.level IS NULL THEN e.target
                WHEN e.target > e.level THEN e.target - e.level
                ELSE 0 END AS gap,
           CASE WHEN e.target IS NOT NULL AND e.level IS NULL THEN 1 ELSE 0 END AS not_assessed,
           CASE WHEN e.target IS NOT NULL AND e.level >= e.target THEN 1 ELSE 0 END AS at_target
      FROM effective e
)
"""

#: The timestamps travel as text (PostgreSQL writes them as ISO 8601 in the connection's time
#: zone, UTC): ``datetime.fromisoformat`` reads one in ~0.2 µs, where Django's time-zone-aware
#: psycopg loader takes ~8 µs — most of the Python time of 400,000 states.
_STATE_COLUMNS = (
    "person_id, skill_id, target, level, self_level, CAST(self_at AS TEXT), manager_level, "
    "CAST(manager_at AS TEXT), interest, gap, not_assessed, at_target, awaiting_review, "
    "calibration_flag"
)


def _run(sql: str, params: Iterable) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _with_people(people: QuerySet[Person], tail: str) -> tuple[str, tuple]:
    inner, params = people_sql(people)
    # The people CTE is referenced several times but declared once: one parameter set.
    return STATES_SQL.replace("{people}", inner) + tail, params


def _as_datetime(value: object) -> dt.datetime | None:
    """SQLite hands timestamps back as text from raw SQL; PostgreSQL as aware datetimes."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


class SkillState(NamedTuple):
    """Where one person stands on one skill. Immutable and hashable; a named tuple because an
    organization-wide report builds hundreds of thousands of them, and a tuple is built ~5x
    faster than a frozen dataclass (which sets each field through ``object.__setattr__``)."""

    person_id: int
    skill_id: int
    target: int | None
    level: int | None
    self_level: int | None
    self_at: dt.datetime | None
    manager_level: int | None
    manager_at: dt.datetime | None
    interest: int | None
    gap: int
    not_assessed: bool
    at_target: bool
    awaiting_review: bool
    calibration_flag: bool

    @property
    def required(self) -> bool:
        return self.target is not None

    @property
    def assessed(self) -> bool:
        return self.level is not None


def _states(
    people: QuerySet[Person], *, required_only: bool, server_side: bool, chunk_size: int = 5000
) -> Iterator[SkillState]:
    where = " WHERE target IS NOT NULL" if required_only else ""
    sql, params = _with_people(
        people, f"SELECT {_STATE_COLUMNS} FROM states{where} ORDER BY person_id, skill_id"
    )
    # Timestamps arrive as ISO text (see ``_STATE_COLUMNS``): aware from PostgreSQL, naive UTC
    # from SQLite. Parsed inline: a function call per value costs more than the parse.
    new, parse, utc = SkillState, dt.datetime.fromisoformat, dt.UTC
    # ``chunked_cursor``: a server-side cursor on PostgreSQL (unless DISABLE_SERVER_SIDE_CURSORS),
    # so that not even the driver holds every row; a plain cursor on SQLite.
    with (connection.chunked_cursor() if server_side else connection.cursor()) as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(chunk_size):
            for (person_id, skill_id, target, level, self_level, self_at, manager_level,
                 manager_at, interest, gap, not_assessed, at_target, awaiting_review,
                 calibration_flag) in rows:
                if self_at is not None:
                    self_at = parse(self_at)
                    if self_at.tzinfo is None:
                        self_at = self_at.replace(tzinfo=utc)
                if manager_at is not None:
                    manager_at = parse(manager_at)
                    if manager_at.tzinfo is None:
                        manager_at = manager_at.replace(tzinfo=utc)
                yield new(
                    person_id, skill_id, target, level, self_level, self_at, manager_level,
                    manager_at, interest, gap, bool(not_assessed), bool(at_target),
                    bool(awaiting_review), bool(calibration_flag),
                )


def skill_states(*, people: QuerySet[Person], required_only: bool = False) -> list[SkillState]:
    """Every required (and, unless ``required_only``, every rated) (person, skill) of
    ``people``, ordered by person then skill, in one query. Over a whole organization prefer
    ``skill_states_iter``: 10,000 people's 400,000 states take ~300 MB as a list."""
    return list(_states(people, required_only=required_only, server_side=False))


def skill_states_iter(
    *, people: QuerySet[Person], required_only: bool = False, chunk_size: int = 5000
) -> Iterator[SkillState]:
    """``skill_states`` streamed: the same states in the same order, from one query, fetched
    and built ``chunk_size`` at a time, so that an organization-wide report never holds all of
    them (nor all their rows, even in the driver) at once."""
    return _states(
        people, required_only=required_only, server_side=True, chunk_size=chunk_size
    )


def person_skill_states(*, person: Person) -> dict[int, SkillState]:
    """One person's states keyed by skill id."""
    return {
        state.skill_id: state
        for state in skill_states(people=Person.objects.filter(pk=person.pk))
    }


@dataclass(frozen=True, slots=True)
class Readiness:
    """Readiness of a person or a group: share of required pairs at target, people fully ready."""

    people: int
    people_ready: int
    required: int
    at_target: int
    not_assessed: int
    total_gap: int

    @property
    def share(self) -> float | None:
        """Share of (person, required skill) pairs at target, 0..1; None when nothing is required."""
        return self.at_target / self.required if self.required else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    @property
    def people_ready_share(self) -> float | None:
        return self.people_ready / self.people if self.people else None

    @property
    def mean_gap(self) -> float | None:
        return self.total_gap / self.required if self.required else None


EMPTY_READINESS = Readiness(0, 0, 0, 0, 0, 0)

_PER_PERSON_SQL = """
, per_person AS (
    SELECT person_id, COUNT(*) AS required, SUM(at_target) AS at_target,
           SUM(not_assessed) AS not_assessed, SUM(gap) AS total_gap
      FROM states
     WHERE target IS NOT NULL
     GROUP BY person_id
)
"""


def people_readiness(*, people: QuerySet[Person]) -> dict[int, Readiness]:
    """Readiness of each person in ``people`` (one query). People with no requirement get
    a Readiness with ``required == 0``."""
    sql, params = _with_people(
        people,
        _PER_PERSON_SQL
        + "SELECT person_id, required, at_target, not_assessed, total_gap FROM per_person",
    )
    result = {
        person_id: Readiness(
            people=1,
            people_ready=int(at_target == required),
            required=required,
            at_target=int(at_target),
            not_assessed=int(not_assessed),
            total_gap=int(total_gap),
        )
        for person_id, required, at_target, not_assessed, total_gap in _run(sql, params)
    }
    return result


def person_readiness(*, person: Person) -> Readiness:
    return people_readiness(people=Person.objects.filter(pk=person.pk)).get(
        person.pk, EMPTY_READINESS
    )


_GROUP_KEYS = {
    "team": "p.team_id",
    "audience": "ro.audience_id",
    "role": "p.role_id",
    "all": "0",
}


def group_readiness(*, people: QuerySet[Person], by: str = "all") -> dict[int | None, Readiness]:
    """Readiness of ``people`` grouped by their team, their role's audience, their role, or all
    together (``by="all"``, key 0), aggregated in the database in one query.

    People with no required skill are not counted. Callers hide groups under
    ``settings.MIN_AGGREGATE_PEOPLE`` people on leadership views.
    """
    key = _GROUP_KEYS[by]
    grouping = "HAVING COUNT(*) > 0" if by == "all" else f"GROUP BY {key}"
    sql, params = _with_people(
        people,
        _PER_PERSON_SQL
        + f"""
        SELECT {key} AS group_key, COUNT(*) AS people,
               SUM(CASE WHEN pp.at_target = pp.required THEN 1 ELSE 0 END) AS people_ready,
               SUM(pp.required), SUM(pp.at_target), SUM(pp.not_assessed), SUM(pp.total_gap)
          FROM per_person pp
          JOIN readiness_person p ON p.id = pp.person_id
          LEFT JOIN readiness_role ro ON ro.id = p.role_id
         {grouping}
        """,
    )
    return {
        group_key: Readiness(*(int(v) for v in values))
        for group_key, *values in _run(sql, params)
    }


def skill_readiness(*, people: QuerySet[Person]) -> dict[int, Readiness]:
    """Per skill: how many of ``people`` it is required of, how many are at target, the gap."""
    sql, params = _with_people(
        people,
        """
        SELECT skill_id, COUNT(*), SUM(at_target), COUNT(*), SUM(at_target),
               SUM(not_assessed), SUM(gap)
          FROM states
         WHERE target IS NOT NULL
         GROUP BY skill_id
        """,
    )
    return {skill_id: Readiness(*(int(v) for v in values)) for skill_id, *values in _run(sql, params)}



# --- Due for reassessment --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reassessment:
    """When a person should next self-assess, and why."""

    person_id: int
    due_on: dt.date | None
    is_due: bool
    last_assessed_at: dt.datetime | None
    cycle_id: int | None = None

    @property
    def reason(self) -> str:
        if self.cycle_id is not None:
            return "cycle"
        if self.last_assessed_at is None:
            return "never assessed" if self.due_on else "nothing required"
        return "cadence"

    def within_cadence(self, today: dt.date) -> bool:
        """Assessed within cadence (assessment compliance, and the snapshots' count): every
        required skill assessed, none of them past its cadence, and no open cycle in scope
        past its due date without a submission."""
        return self.last_assessed_at is not None and (self.due_on is None or self.due_on > today)


#: When each required skill of a person was last assessed: their last self rating of it or
#: their last submission, whichever is later, and the cadence that applies to it.
_ASSESSED_SQL = """
, last_submission AS (
    SELECT sub.person_id, MAX(sub.submitted_at) AS submitted_at
      FROM people JOIN assessments_assessmentsubmission sub ON sub.person_id = people.id
     GROUP BY sub.person_id
),
assessed AS (
    SELECT st.person_id, st.skill_id,
           CASE WHEN ls.submitted_at IS NULL THEN st.self_at
                WHEN st.self_at IS NULL OR ls.submitted_at > st.self_at THEN ls.submitted_at
                ELSE st.self_at END AS assessed_at,
           COALESCE(sk.reassessment_interval_days, %s) AS interval_days
      FROM states st
      JOIN readiness_skill sk ON sk.id = st.skill_id
      LEFT JOIN last_submission ls ON ls.person_id = st.person_id
     WHERE st.target IS NOT NULL
)
"""

#: The due rule's input, per person and cadence: the earliest "last assessed" of their required
#: skills under that cadence, and how many of them were never assessed. Same columns as
#: ``_ASSESSED_SQL`` aggregated, but it reads only what the rule needs — targets, the last
#: self rating of each (person, skill), the last submission — not the full states (a window
#: over every rating, manager ratings, gaps): the latest self rating of a required skill is
#: ``STATES_SQL``'s ``self_at`` of that pair (property-tested against it). On 10,000 people it
#: costs what the benchmark's hand-written due-date statement costs; the states, ~6 times that.
_DUE_SQL = f"""
WITH people(id) AS ({{people}}),
targets AS ({TARGETS_SQL}),
last_self AS (
    SELECT r.person_id, r.skill_id, MAX(r.created_at) AS self_at
      FROM people JOIN assessments_skillrating r ON r.person_id = people.id
     WHERE r.source = 'self'
     GROUP BY r.person_id, r.skill_id
),
last_submission AS (
    SELECT sub.person_id, MAX(sub.submitted_at) AS submitted_at
      FROM people JOIN assessments_assessmentsubmission sub ON sub.person_id = people.id
     GROUP BY sub.person_id
),
assessed AS (
    SELECT t.person_id,
           CASE WHEN ls.submitted_at IS NULL THEN st.self_at
                WHEN st.self_at IS NULL OR ls.submitted_at > st.self_at THEN ls.submitted_at
                ELSE st.self_at END AS assessed_at,
           COALESCE(sk.reassessment_interval_days, %s) AS interval_days
      FROM targets t
      JOIN readiness_skill sk ON sk.id = t.skill_id
      LEFT JOIN last_self st ON st.person_id = t.person_id AND st.skill_id = t.skill_id
      LEFT JOIN last_submission ls ON ls.person_id = t.person_id
)
SELECT person_id, interval_days, CAST(MIN(assessed_at) AS TEXT),
       SUM(CASE WHEN assessed_at IS NULL THEN 1 ELSE 0 END)
  FROM assessed
 GROUP BY person_id, interval_days
"""


def _due_timestamp(value: str | dt.datetime) -> dt.datetime:
    """A timestamp of ``_DUE_SQL`` as an aware datetime. It travels as ISO text (PostgreSQL:
    with its offset; SQLite: naive UTC): ``fromisoformat`` reads 20,000 of them in ~5 ms, the
    driver's time-zone-aware loader in ~50 ms."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:  # not ISO (an unusual DateStyle): the general parser
        return _as_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def open_cycles_by_person(
    *, people: QuerySet[Person], today: dt.date
) -> dict[int, AssessmentCycle]:
    """For each person, the open cycle in scope with the earliest due date that they have not
    submitted yet. One query per open cycle (cycles are few; people are many)."""
    cycles = list(
        AssessmentCycle.objects.filter(status=CycleStatus.OPEN, opens_on__lte=today)
        .prefetch_related("audiences", "teams")
        .order_by("due_on", "pk")
    )
    pending: dict[int, AssessmentCycle] = {}
    for cycle in cycles:
        in_scope = cycle_scope(cycle=cycle, people=people)
        for person_id in in_scope.exclude(submissions__cycle=cycle).values_list("id", flat=True):
            pending.setdefault(person_id, cycle)
    return pending


def cycle_scope(*, cycle: AssessmentCycle, people: QuerySet[Person] | None = None) -> QuerySet:
    """Active people a cycle covers: its audiences (Everyone covers all) and its teams (with
    their sub-teams unless the cycle says otherwise)."""
    people = Person.objects.all() if people is None else people
    audiences = list(cycle.audiences.all())
    teams = list(cycle.teams.all())
    if not audiences and not teams:
        return people.filter(is_active=True)
    condition = Q()
    if any(a.is_everyone for a in audiences):
        condition |= Q(pk__isnull=False)
    elif audiences:
        condition |= Q(role__audience__in=audiences)
    for team in teams:
        condition |= (
            Q(team__path__startswith=team.path) if cycle.include_subteams else Q(team=team)
        )
    return people.filter(condition, is_active=True)


def people_reassessment(
    *, people: QuerySet[Person], today: dt.date | None = None
) -> dict[int, Reassessment]:
    """Due for reassessment: the last self-assessment of a required skill is older than the
    cadence (``REASSESSMENT_INTERVAL_DAYS``; a skill's own interval overrides it), or an open
    cycle in scope has no submission from the person. A required skill never self-assessed
    makes the person due at once. People with no requirement and no open cycle are never due.

    Queries: one statement over all of ``people`` (however many), then the open cycles (see
    ``open_cycles_by_person``).
    """
    today = today or timezone.localdate()
    inner, params = people_sql(people)
    sql = _DUE_SQL.replace("{people}", inner)
    params = (*params, settings.REASSESSMENT_INTERVAL_DAYS)
    earliest: dict[int, dt.date] = {}
    last_assessed: dict[int, dt.datetime | None] = {}
    never: set[int] = set()
    zone = timezone.get_current_timezone()
    cadences: dict[int, dt.timedelta] = {}
    for person_id, interval_days, assessed_at, unassessed in _run(sql, params):
        if unassessed:
            never.add(person_id)
        if assessed_at is not None:
            assessed_at = _due_timestamp(assessed_at)
            cadence = cadences.get(interval_days)
            if cadence is None:
                cadence = cadences[interval_days] = dt.timedelta(days=int(interval_days))
            due = assessed_at.astimezone(zone).date() + cadence  # local day + cadence
            earliest[person_id] = min(due, earliest.get(person_id, due))
            previous = last_assessed.get(person_id)
            last_assessed[person_id] = max(assessed_at, previous) if previous else assessed_at
    cycles = open_cycles_by_person(people=people, today=today)
    result: dict[int, Reassessment] = {}
    for person_id in set(earliest) | never | set(cycles):
        due_on = today if person_id in never else earliest.get(person_id)
        cycle = cycles.get(person_id)
        if cycle is not None:
            due_on = min(due_on, cycle.due_on) if due_on else cycle.due_on
        result[person_id] = Reassessment(
            person_id=person_id,
            due_on=due_on,
            is_due=cycle is not None or (due_on is not None and due_on <= today),
            last_assessed_at=last_assessed.get(person_id),
            cycle_id=cycle.pk if cycle else None,
        )
    return result


def person_reassessment(*, person: Person, today: dt.date | None = None) -> Reassessment:
    return people_reassessment(people=Person.objects.filter(pk=person.pk), today=today).get(
        person.pk, Reassessment(person.pk, None, False, None)
    )


def team_rollup(
    *, teams: Iterable[Team], per_team: dict[int | None, Readiness]
) -> dict[int, Readiness]:
    """Roll readiness up the team tree: a team's figure covers its whole sub-tree."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    teams = list(teams)
    for team in teams:
        ancestors = [int(part) for part in team.path.strip("/").split("/") if part]
        figures = per_team.get(team.pk)
        if figures is None:
            continue
        for ancestor in ancestors:
            bucket = totals[ancestor]
            for index, value in enumerate(
                (
                    figures.people,
                    figures.people_ready,
                    figures.required,
                    figures.at_target,
                    figures.not_assessed,
                    figures.total_gap,
                )
            ):
                bucket[index] += value
    return {team.pk: Readiness(*totals[team.pk]) for team in teams}


# --- The organization at a glance -----------------------------------------------------------


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
            self.people + other.people, self.compared + other.compared,
            self.flagged + other.flagged,
        )


EMPTY_CALIBRATION = Calibration(0, 0, 0)


@dataclass(frozen=True)
class ReadinessCube:
    """The rules' figures for a set of people, aggregated in the database to small groups that
    callers add up to any view (by audience, department, skill…) without touching a person:

    - ``groups[(team_id, role_id)]``: readiness of the people of that team and role;
    - ``within_cadence[(team_id, role_id)]``: how many of them are assessed within cadence;
    - ``pairs[(role_id, skill_id)]``: per skill, the people it is required of (``required``)
      and those at target, with their gaps;
    - ``calibration[team_id]``: pairs rated by both self and manager, and those flagged.

    Only people with a required skill are counted in ``groups`` (as in ``group_readiness``).
    """

    groups: dict[tuple[int | None, int | None], Readiness]
    within_cadence: dict[tuple[int | None, int | None], int]
    pairs: dict[tuple[int | None, int], Readiness]
    calibration: dict[int | None, Calibration]

    def readiness_by(self, key: Callable[[int | None, int | None], object]) -> dict:
        """Readiness per ``key(team_id, role_id)``."""
        result: dict = defaultdict(lambda: EMPTY_READINESS)
        for (team_id, role_id), figures in self.groups.items():
            group = key(team_id, role_id)
            result[group] = readiness_add(result[group], figures)
        return dict(result)

    def within_cadence_by(self, key: Callable[[int | None, int | None], object]) -> dict:
        """People assessed within cadence per ``key(team_id, role_id)``."""
        result: dict = defaultdict(int)
        for (team_id, role_id), count in self.within_cadence.items():
            result[key(team_id, role_id)] += count
        return dict(result)

    def skills_by(self, key: Callable[[int | None], object]) -> dict:
        """Readiness per (``key(role_id)``, skill id)."""
        result: dict = defaultdict(lambda: EMPTY_READINESS)
        for (role_id, skill_id), figures in self.pairs.items():
            cell = (key(role_id), skill_id)
            result[cell] = readiness_add(result[cell], figures)
        return dict(result)

    @property
    def total(self) -> Readiness:
        return readiness_add(*self.groups.values())

    @property
    def total_within_cadence(self) -> int:
        return sum(self.within_cadence.values())


_CUBE_SQL = """
, cadence AS (
    SELECT person_id,
           SUM(CASE WHEN assessed_at IS NULL OR assessed_at < {cutoff} THEN 1 ELSE 0 END)
               AS lapsed
      FROM assessed
     GROUP BY person_id
){overdue_cte}
SELECT 'group', p.team_id, p.role_id, COUNT(*),
       SUM(CASE WHEN pp.at_target = pp.required THEN 1 ELSE 0 END),
       SUM(pp.required), SUM(pp.at_target), SUM(pp.not_assessed), SUM(pp.total_gap),
       SUM(CASE WHEN c.lapsed = 0 {not_overdue} THEN 1 ELSE 0 END)
  FROM per_person pp
  JOIN readiness_person p ON p.id = pp.person_id
  LEFT JOIN cadence c ON c.person_id = pp.person_id
 GROUP BY p.team_id, p.role_id
UNION ALL
SELECT 'pair', p.role_id, st.skill_id, COUNT(*), SUM(st.at_target), COUNT(*),
       SUM(st.at_target), SUM(st.not_assessed), SUM(st.gap), 0
  FROM states st
  JOIN readiness_person p ON p.id = st.person_id
 WHERE st.target IS NOT NULL
 GROUP BY p.role_id, st.skill_id
UNION ALL
SELECT 'calibration', p.team_id, NULL, COUNT(DISTINCT st.person_id), COUNT(*),
       SUM(st.calibration_flag), 0, 0, 0, 0
  FROM states st
  JOIN readiness_person p ON p.id = st.person_id
 WHERE st.self_level IS NOT NULL AND st.manager_level IS NOT NULL
 GROUP BY p.team_id
"""


def _cadence_cutoffs(today: dt.date) -> tuple[str, list]:
    """A SQL expression giving, for each cadence in use, the earliest assessment time that is
    still within it on ``today`` (``localdate(at) + interval > today``, the due rule), with
    its parameters. Local midnights are computed here, so time zones and DST stay exact."""
    from readiness.models import Skill

    intervals = {settings.REASSESSMENT_INTERVAL_DAYS} | set(
        Skill.objects.exclude(reassessment_interval_days=None)
        .order_by()
        .values_list("reassessment_interval_days", flat=True)
        .distinct()
    )
    whens, params = [], []
    for days in sorted(intervals):
        first_day = today - dt.timedelta(days=days - 1)
        cutoff = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
        whens.append("WHEN %s THEN %s")
        params += [days, connection.ops.adapt_datetimefield_value(cutoff)]
    return f"(CASE interval_days {' '.join(whens)} END)", params


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


def readiness_cube(*, people: QuerySet[Person], today: dt.date | None = None) -> ReadinessCube:
    """Everything an organization view needs about ``people``, in one statement over the
    states of ``STATES_SQL`` (computed once): readiness per team and role, assessment
    compliance per team and role, per-skill readiness per role, calibration per team.

    Assessed within cadence is ``Reassessment.within_cadence`` evaluated in the database, so
    that 10,000 people are never walked in Python. Queries: skills' cadences, open cycles past
    due (with their audiences and teams), then the statement itself."""
    today = today or timezone.localdate()
    cutoff, cutoff_params = _cadence_cutoffs(today)
    overdue = _overdue_cycle_people(today=today)
    overdue_cte, not_overdue, overdue_params = "", "", ()
    if overdue is not None:
        inner, overdue_params = people_sql(overdue)
        overdue_cte = f", overdue(id) AS ({inner})"
        not_overdue = "AND pp.person_id NOT IN (SELECT id FROM overdue)"
    sql, params = _with_people(
        people,
        _PER_PERSON_SQL
        + _ASSESSED_SQL
        + _CUBE_SQL.format(cutoff=cutoff, overdue_cte=overdue_cte, not_overdue=not_overdue),
    )
    params = (*params, settings.REASSESSMENT_INTERVAL_DAYS, *cutoff_params, *overdue_params)
    groups, within, pairs, calibration = {}, {}, {}, {}
    for kind, first, second, *values in _run(sql, params):
        values = [int(v or 0) for v in values]
        if kind == "group":
            groups[(first, second)] = Readiness(*values[:6])
            within[(first, second)] = values[6]
        elif kind == "pair":
            pairs[(first, second)] = Readiness(*values[:6])
        else:
            calibration[first] = Calibration(*values[:3])
    return ReadinessCube(groups, within, pairs, calibration)
