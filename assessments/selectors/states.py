"""The states: where every person of a set stands on every skill, from ``STATES_SQL``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.selectors.latest import latest_ratings_sql
from assessments.selectors.rating_rules import certification_ratings_sql, effective_level_sql
from readiness.models import Person
from readiness.selectors import TARGETS_SQL, people_sql
from readiness.sql import Fragment, any_of, param, prepared_cursor

#: One row per (person, skill) that is required of the person or that they were rated on.
#: Effective level: ``effective_level_sql`` over the latest self and manager ratings, a
#: certification that counts as a rating being a manager rating (``certification_ratings_sql``;
#: the states carry its name and expiry). Gap:
#: max(0, T - L), a required skill that is not assessed counting as a gap of T. Awaiting
#: review: the latest self level is newer than the manager's latest and differs from it (or
#: there is none). A template: fill ``{people}`` (the ids), ``{as_of}`` (now) and ``{latest}``
#: (``latest_ratings_sql()``), see ``_with_people``.
STATES_SQL = Fragment("""
WITH people(id) AS ({people}),
targets AS ({targets}),
rated AS ({latest}),
certified AS (
    -- The manager's timeline also holds the certifications that count as a rating
    -- (``certification_ratings_sql``, active now). Ranked apart and merged below, not in a
    -- UNION ALL under ``ranked``'s window: that lost the ratings' index order and sorted
    -- every rating again (10,000 people: an external sort of 2 million rows).
    SELECT c.person_id, c.skill_id, c.level, c.created_at, c.name, c.expires_at,
           ROW_NUMBER() OVER (
               PARTITION BY c.person_id, c.skill_id ORDER BY c.created_at DESC, c.id DESC
           ) AS rn
      FROM people
      JOIN ({certification_ratings}) c ON c.person_id = people.id
      JOIN readiness_skill s ON s.id = c.skill_id
     WHERE s.is_active
),
latest AS (
    -- The latest self rating, and the manager's latest: their latest rating or, when newer,
    -- the latest certification (a real rating wins a tie), marked with the certification's
    -- name and expiry.
    SELECT COALESCE(l.person_id, c.person_id) AS person_id,
           COALESCE(l.skill_id, c.skill_id) AS skill_id,
           l.self_level, l.self_at, l.interest,
           CASE WHEN {certified} THEN c.level ELSE l.manager_level END AS manager_level,
           CASE WHEN {certified} THEN c.created_at ELSE l.manager_at END AS manager_at,
           CASE WHEN {certified} THEN c.name END AS certification,
           CASE WHEN {certified} THEN c.expires_at END AS certification_until
      FROM rated l
      FULL JOIN (SELECT * FROM certified WHERE rn = 1) c
        ON c.person_id = l.person_id AND c.skill_id = l.skill_id
),
pairs AS (
    -- Required or rated: one FULL JOIN (SQLite >= 3.39) instead of a UNION of the keys joined
    -- back to both sides, which hashed and sorted every pair twice.
    SELECT COALESCE(t.person_id, l.person_id) AS person_id,
           COALESCE(t.skill_id, l.skill_id) AS skill_id, t.target_level AS target,
           l.self_level, l.self_at, l.manager_level, l.manager_at, l.interest,
           l.certification, l.certification_until
      FROM targets t
      FULL JOIN latest l ON l.person_id = t.person_id AND l.skill_id = t.skill_id
),
effective AS (
    SELECT k.*,
           {effective_level} AS level,
           -- Awaiting review: a self level the manager has not seen and does not already
           -- hold (a self rating newer than theirs but equal to it asks nothing of them).
           CASE WHEN k.self_at IS NOT NULL
                     AND (k.manager_at IS NULL
                          OR (k.self_at > k.manager_at AND k.self_level <> k.manager_level))
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
""").fill(
    people="{people}",
    latest="{latest}",
    targets=TARGETS_SQL,
    certification_ratings=certification_ratings_sql(as_of="{as_of}"),
    certified="(c.created_at IS NOT NULL AND (l.manager_at IS NULL OR c.created_at > l.manager_at))",
    effective_level=effective_level_sql(
        self_level="k.self_level",
        self_at="k.self_at",
        manager_level="k.manager_level",
        manager_at="k.manager_at",
    ),
)

#: The states' columns, in ``SkillState``'s order, as a prepared statement reads them: in
#: PostgreSQL's binary format (``prepared_cursor(binary=True)``), the timestamps as datetimes
#: read in C, the flags as booleans: a row is a state's values as they are, and becomes one
#: without a step in Python. Sending the timestamps as text (below) cost the server more than
#: the binary, and parsing them ~0.2 µs each (bench (1): the states of a 50-person map 6.5 ->
#: 5.8 ms, then ~0.6 ms less of Python with the rows taken as they come).
_STATE_COLUMNS = (
    "person_id, skill_id, target, level, self_level, self_at, manager_level, manager_at, "
    "interest, gap, not_assessed = 1, at_target = 1, awaiting_review = 1, calibration_flag = 1, "
    "certification, certification_until"
)
#: … and as a server-side cursor reads them (``skill_states_iter``): that cursor reads text
#: only, the timestamps as ISO 8601 in the connection's time zone, UTC, which
#: ``datetime.fromisoformat`` reads in ~0.2 µs, where Django's time-zone-aware psycopg loader
#: takes ~8 µs — most of the Python time of 400,000 states.
_STATE_COLUMNS_TEXT = (
    "person_id, skill_id, target, level, self_level, CAST(self_at AS TEXT), manager_level, "
    "CAST(manager_at AS TEXT), interest, gap, not_assessed, at_target, awaiting_review, "
    "calibration_flag, certification, CAST(certification_until AS TEXT)"
)


#: People given by their ids (``_with_people``): one statement's text for any of them.
_PEOPLE_BY_ID = "SELECT id FROM readiness_person WHERE "


def _with_people(people: QuerySet[Person] | Sequence[int], tail: Fragment | str) -> Fragment:
    """``STATES_SQL`` over ``people`` (a query, or the ids of people already read), then
    ``tail`` (the CTEs and the SELECT reading it)."""
    # The people CTE is referenced several times but declared once: one parameter set.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if isinstance(people, QuerySet):
        scope = people_sql(people)
    else:
        # The ids as one array on PostgreSQL (``any_of``): the same prepared statement for
        # every team and filter, where each query of them had its own text.
        # One person (a kept map's member who saved): their own text, by a scalar, whose
        # generic plan PostgreSQL takes once prepared. Planned for an array of one, the
        # statement was planned again at every run (~2 ms: it estimated a generic plan for
        # an array of unknown size dearer than a custom one for one person).
        ids = list(people)
        scope = _PEOPLE_BY_ID + (
            Fragment("id = %s", (ids[0],)) if len(ids) == 1 else any_of("id", ids)
        )
    return STATES_SQL.fill(people=scope, latest=latest_ratings_sql(), as_of=param(now)) + tail


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
    #: The manager level comes from a certification that counts as a rating: its name, and
    #: its expiry (None: it does not expire); ``manager_at`` is when it was earned.
    certification: str | None = None
    certification_until: dt.datetime | None = None

    @property
    def required(self) -> bool:
        return self.target is not None

    @property
    def assessed(self) -> bool:
        return self.level is not None


class GridState(NamedTuple):
    """A ``SkillState`` as the team map and the grid editor read it (``grid_states``): the same
    values, its moments (``self_at``, ``manager_at``, ``certification_until``) in Unix seconds,
    what ``datetime.timestamp()`` gives of them — all the grids print of a moment (a cell's
    detail and its stale-form token)."""

    person_id: int
    skill_id: int
    target: int | None
    level: int | None
    self_level: int | None
    self_at: float | None
    manager_level: int | None
    manager_at: float | None
    interest: int | None
    gap: int
    not_assessed: bool
    at_target: bool
    awaiting_review: bool
    calibration_flag: bool
    certification: str | None = None
    certification_until: float | None = None


def _states(
    people: QuerySet[Person] | Sequence[int],
    *,
    required_only: bool,
    server_side: bool,
    chunk_size: int = 5000,
    ordered: bool = True,
) -> Iterator[SkillState]:
    # Text timestamps on either cursor: SQLite would hand a plain datetime column back naive
    # (read as local time by ``.timestamp()``), so they are cast and parsed as UTC here too.
    statement = _with_people(people, _states_select(_STATE_COLUMNS_TEXT, required_only, ordered))
    new, parse, utc, state = tuple.__new__, dt.datetime.fromisoformat, dt.UTC, SkillState
    # ``chunked_cursor``: a server-side cursor on PostgreSQL (unless
    # DISABLE_SERVER_SIDE_CURSORS), so that not even the driver holds every row; a plain
    # cursor on SQLite (and ``skill_states``' there). Timestamps arrive as ISO text
    # (``_STATE_COLUMNS_TEXT``; SQLite's naive UTC), parsed inline: a function call per value
    # costs more than the parse. Each state is built by ``tuple.__new__``, not through the
    # named tuple's generated ``__new__``, and its flags by comparison rather than ``bool()``:
    # a third less time a row.
    with connection.chunked_cursor() if server_side else prepared_cursor() as cursor:
        cursor.execute(*statement.execute_args())
        while rows := cursor.fetchmany(chunk_size):
            for (
                person_id,
                skill_id,
                target,
                level,
                self_level,
                self_at,
                manager_level,
                manager_at,
                interest,
                gap,
                not_assessed,
                at_target,
                awaiting_review,
                calibration_flag,
                certification,
                certification_until,
            ) in rows:
                if self_at.__class__ is str:
                    self_at = parse(self_at)
                    if self_at.tzinfo is None:
                        self_at = self_at.replace(tzinfo=utc)
                if manager_at.__class__ is str:
                    manager_at = parse(manager_at)
                    if manager_at.tzinfo is None:
                        manager_at = manager_at.replace(tzinfo=utc)
                if certification_until.__class__ is str:
                    certification_until = parse(certification_until)
                    if certification_until.tzinfo is None:
                        certification_until = certification_until.replace(tzinfo=utc)
                yield new(
                    state,
                    (
                        person_id,
                        skill_id,
                        target,
                        level,
                        self_level,
                        self_at,
                        manager_level,
                        manager_at,
                        interest,
                        gap,
                        not_assessed == 1,
                        at_target == 1,
                        awaiting_review == 1,
                        calibration_flag == 1,
                        certification,
                        certification_until,
                    ),
                )


def _states_prepared(
    people: QuerySet[Person] | Sequence[int], *, required_only: bool, ordered: bool
) -> list[SkillState]:
    """``_states`` of a person or a team, at every visit of their pages, on PostgreSQL: through
    a cursor that prepares the statement on the connection once it repeats (its planning cost
    more than its run), reading every value as the state holds it (``_STATE_COLUMNS``), so
    that each row becomes a state as it is (``tuple.__new__``, what ``SkillState._make``
    does), made by psycopg as it reads the row (``_state_rows``)."""
    statement = _with_people(people, _states_select(_STATE_COLUMNS, required_only, ordered))
    with prepared_cursor(binary=True) as cursor:
        cursor.cursor.row_factory = _state_rows
        cursor.execute(*statement.execute_args())
        return cursor.fetchall()


#: A row read as a state as it is (what ``SkillState._make`` does, in C).
_STATE_ROW = partial(tuple.__new__, SkillState)


def _state_rows(cursor: object) -> Callable[[Sequence[object]], SkillState]:
    """The states' row factory (psycopg's ``row_factory``): psycopg hands each row it reads to
    ``_STATE_ROW`` and keeps the state only. Mapped over the rows fetched as tuples, every row
    stood twice in memory, 2,000 tracked tuples more for the collector on a 50-person map
    (measured: ~0.2 ms of CPU less a team's states, and fewer young collections)."""
    return _STATE_ROW


def _states_select(columns: str, required_only: bool, ordered: bool) -> str:
    where = " WHERE target IS NOT NULL" if required_only else ""
    order = " ORDER BY person_id, skill_id" if ordered else ""
    return f"SELECT {columns} FROM states{where}{order}"  # nosec B608 # module-constant SQL fragments; values as parameters


def skill_states(
    *,
    people: QuerySet[Person] | Sequence[int],
    required_only: bool = False,
    ordered: bool = True,
) -> list[SkillState]:
    """Every required (and, unless ``required_only``, every rated) (person, skill) of
    ``people`` (a query, or their ids), ordered by person then skill (in no order with ``ordered=False``: for a caller
    that keys them, the database's sort saved), in one query. Over a whole organization prefer
    ``skill_states_iter``: 10,000 people's 400,000 states take ~300 MB as a list."""
    if connection.vendor == "postgresql":
        return _states_prepared(people, required_only=required_only, ordered=ordered)
    return list(_states(people, required_only=required_only, server_side=False, ordered=ordered))


def skill_states_iter(
    *, people: QuerySet[Person], required_only: bool = False, chunk_size: int = 5000
) -> Iterator[SkillState]:
    """``skill_states`` streamed: the same states in the same order, from one query, fetched
    and built ``chunk_size`` at a time, so that an organization-wide report never holds all of
    them (nor all their rows, even in the driver) at once."""
    return _states(people, required_only=required_only, server_side=True, chunk_size=chunk_size)


def person_skill_states(*, person: Person) -> dict[int, SkillState]:
    """One person's states keyed by skill id."""
    return {
        state.skill_id: state for state in skill_states(people=Person.objects.filter(pk=person.pk))
    }
