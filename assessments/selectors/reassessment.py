"""Due for reassessment: the due rule over any set of people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import AssessmentCycle
from assessments.selectors.scope import open_cycles_by_person
from assessments.selectors.states import SkillState, _as_datetime
from readiness.models import Person
from readiness.selectors import TARGETS_SQL, people_sql
from readiness.sql import Fragment, fetch_prepared, join, param


@dataclass(frozen=True, slots=True)
class Reassessment:
    """When a person should next self-assess, and why."""

    person_id: int
    due_on: dt.date | None
    is_due: bool
    last_assessed_at: dt.datetime | None
    cycle_id: int | None = None
    #: That open cycle itself (what the cycle banner shows), when the reason is a cycle.
    cycle: AssessmentCycle | None = field(default=None, compare=False, repr=False)

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


def cadence_due_on(
    *, assessed_at: dt.datetime, interval_days: int, zone: dt.tzinfo | None = None
) -> dt.date:
    """The due rule (DESIGN "Due for reassessment"), the one place its date is computed: a
    skill assessed at ``assessed_at`` (the later of the last self rating of it and the last
    submission, see ``_ASSESSED_SQL``) is due again on the local day it was assessed plus its
    cadence. It is within cadence on ``today`` while ``cadence_due_on(…) > today``. ``zone``:
    the current time zone, when the caller has read it once for many dates."""
    return timezone.localdate(assessed_at, zone) + dt.timedelta(days=interval_days)


def within_cadence_since(*, today: dt.date, interval_days: int) -> dt.datetime:
    """The earliest assessment time still within a cadence of ``interval_days`` on ``today``:
    ``cadence_due_on`` turned round, so that SQL can compare timestamps (``cadence_lapsed_sql``)
    without knowing time zones. Checked against ``cadence_due_on`` itself, so the two cannot drift
    apart: assessed at this instant the skill is not due yet on ``today``, a moment earlier
    it is."""
    first_day = today - dt.timedelta(days=interval_days - 1)
    since = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    just_before = since - dt.timedelta(microseconds=1)
    if not (
        cadence_due_on(assessed_at=since, interval_days=interval_days)
        > today
        >= cadence_due_on(assessed_at=just_before, interval_days=interval_days)
    ):
        raise AssertionError(f"cadence start {since} disagrees with cadence_due_on on {today}")
    return since


#: When each required skill of a person was last assessed: their last self rating of it or
#: their last submission, whichever is later, and the cadence that applies to it. A template:
#: ``required`` is the CTE of the required (person_id, skill_id, self_at) — the last self
#: rating of each, or NULL — and ``default_days`` the cadence of skills without their own.
_ASSESSED_SQL = Fragment("""
last_submission AS (
    SELECT sub.person_id, MAX(sub.submitted_at) AS submitted_at
      FROM people JOIN assessments_assessmentsubmission sub ON sub.person_id = people.id
     GROUP BY sub.person_id
),
assessed AS (
    SELECT rq.person_id, rq.skill_id,
           CASE WHEN ls.submitted_at IS NULL THEN rq.self_at
                WHEN rq.self_at IS NULL OR ls.submitted_at > rq.self_at THEN ls.submitted_at
                ELSE rq.self_at END AS assessed_at,
           COALESCE(sk.reassessment_interval_days, {default_days}) AS interval_days
      FROM {required} rq
      JOIN readiness_skill sk ON sk.id = rq.skill_id
      LEFT JOIN last_submission ls ON ls.person_id = rq.person_id
)
""")


def assessed_sql(*, required: str) -> Fragment:
    """``_ASSESSED_SQL`` over the CTE ``required``, with today's default cadence."""
    return _ASSESSED_SQL.fill(
        required=required, default_days=param(settings.REASSESSMENT_INTERVAL_DAYS)
    )


def cadence_lapsed_sql(*, intervals: Iterable[int], today: dt.date) -> Fragment:
    """A condition over a row of ``assessed``: that required skill is due on ``today`` by its
    cadence (never assessed, or assessed before ``within_cadence_since``). ``intervals`` must
    hold every cadence in use (the default and the skills' own)."""
    whens = join(
        " ",
        (
            Fragment(
                "WHEN %s THEN %s",
                (
                    days,
                    connection.ops.adapt_datetimefield_value(
                        within_cadence_since(today=today, interval_days=days)
                    ),
                ),
            )
            for days in sorted(set(intervals))
        ),
    )
    return Fragment("(assessed_at IS NULL OR assessed_at < (CASE interval_days {whens} END))").fill(
        whens=whens
    )


#: The due rule's input, per person and cadence: the earliest "last assessed" of their required
#: skills under that cadence, and how many of them were never assessed: ``_ASSESSED_SQL``
#: aggregated, but over only what the rule needs — targets, the last self rating of each
#: (person, skill), the last submission — not the full states (manager ratings, gaps).
#: ``{required_self}`` is the CTE ``required_self`` (person_id, skill_id, self_at) of the
#: targets with their last self rating: ``REQUIRED_SELF_KEPT`` or ``REQUIRED_SELF_RANKED``.
_DUE_SQL = Fragment("""
WITH people(id) AS ({people}),
targets AS ({targets}),
{required_self},
{assessed}
SELECT person_id, interval_days, CAST(MIN(assessed_at) AS TEXT),
       SUM(CASE WHEN assessed_at IS NULL THEN 1 ELSE 0 END)
  FROM assessed
 GROUP BY person_id, interval_days
""")  # nosec B608 # module-constant SQL fragments; values as parameters

#: The last self rating of each target, read from ``LatestRating`` (the kept latest ratings,
#: assessments/models_latest.py: its ``self_at`` is the latest ``created_at`` of the pair's
#: self ratings): one row per required pair (1.6 million at 100,000 people, found by the
#: table's primary key) instead of the 11 million self ratings read and grouped by pair, which
#: made the statement cost what the benchmark's whole due-date floor costs (PostgreSQL CPU at
#: 100,000 people, alternated: 7.1 s -> 5.0 s, the floor 7.4 s).
REQUIRED_SELF_KEPT = """
required_self AS (
    SELECT t.person_id, t.skill_id, l.self_at
      FROM targets t
      LEFT JOIN assessments_latestrating l
        ON l.person_id = t.person_id AND l.skill_id = t.skill_id
)"""
#: The same from the ratings themselves (what the rule read before the table): the definition
#: ``REQUIRED_SELF_KEPT`` is held equal to on random data (test_reassessment_property.py).
REQUIRED_SELF_RANKED = """
last_self AS (
    SELECT r.person_id, r.skill_id, MAX(r.created_at) AS self_at
      FROM people JOIN assessments_skillrating r ON r.person_id = people.id
     WHERE r.source = 'self'
     GROUP BY r.person_id, r.skill_id
),
required_self AS (
    SELECT t.person_id, t.skill_id, st.self_at
      FROM targets t
      LEFT JOIN last_self st ON st.person_id = t.person_id AND st.skill_id = t.skill_id
)"""


def _due_timestamp(value: str | dt.datetime) -> dt.datetime:
    """A timestamp of ``_DUE_SQL`` as an aware datetime. It travels as ISO text (PostgreSQL:
    with its offset; SQLite: naive UTC): ``fromisoformat`` reads 20,000 of them in ~5 ms, the
    driver's time-zone-aware loader in ~50 ms."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:  # not ISO (an unusual DateStyle): the general parser
        general = _as_datetime(value)
        if general is None:
            raise ValueError(f"Not a timestamp: {value!r}") from None
        return general
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


#: A cadence group of one person: its cadence (days), the earliest "last assessed" of its
#: required skills (None: none assessed) and how many of them were never assessed.
CadenceGroup = tuple[int, dt.datetime | None, int]


def _reassessment(
    person_id: int,
    groups: Iterable[CadenceGroup],
    *,
    cycle: AssessmentCycle | None,
    today: dt.date,
    zone: dt.tzinfo | None = None,
) -> Reassessment:
    """The due rule over one person's cadence groups and pending cycle: the one place both
    ``people_reassessment`` (groups from ``_DUE_SQL``) and ``reassessment_of_states`` (groups
    from the states already read) turn them into a ``Reassessment``."""
    earliest: dt.date | None = None
    last_assessed: dt.datetime | None = None
    never = False
    for interval_days, assessed_at, unassessed in groups:
        never = never or unassessed > 0
        if assessed_at is not None:
            due = cadence_due_on(assessed_at=assessed_at, interval_days=interval_days, zone=zone)
            earliest = due if earliest is None else min(due, earliest)
            last_assessed = (
                assessed_at if last_assessed is None else max(assessed_at, last_assessed)
            )
    due_on = today if never else earliest
    if cycle is not None:
        due_on = min(due_on, cycle.due_on) if due_on else cycle.due_on
    return Reassessment(
        person_id=person_id,
        due_on=due_on,
        is_due=cycle is not None or (due_on is not None and due_on <= today),
        last_assessed_at=last_assessed,
        cycle_id=cycle.pk if cycle else None,
        cycle=cycle,
    )


def cadence_groups(
    *, people: QuerySet[Person], required_self: str = REQUIRED_SELF_KEPT
) -> dict[int, list[CadenceGroup]]:
    """Each person's cadence groups (``_DUE_SQL``), those of ``people`` with a requirement.
    ``required_self``: where the last self ratings come from (the tests pass the ranking)."""
    statement = _DUE_SQL.fill(
        people=people_sql(people),
        targets=TARGETS_SQL,
        required_self=required_self,
        assessed=assessed_sql(required="required_self"),
    )
    groups: dict[int, list[CadenceGroup]] = {}
    for person_id, interval_days, assessed_at, unassessed in fetch_prepared(statement):
        at = _due_timestamp(assessed_at) if assessed_at is not None else None
        groups.setdefault(person_id, []).append((int(interval_days), at, int(unassessed or 0)))
    return groups


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
    groups = cadence_groups(people=people)
    cycles = open_cycles_by_person(people=people, today=today)
    zone = timezone.get_current_timezone()  # once, not once per row
    return {
        person_id: _reassessment(
            person_id,
            groups.get(person_id, ()),
            cycle=cycles.get(person_id),
            today=today,
            zone=zone,
        )
        for person_id in set(groups) | set(cycles)
    }


def reassessment_of_states(
    *,
    person_id: int,
    states: Iterable[SkillState],
    intervals: Mapping[int, int | None],
    last_submitted: dt.datetime | None,
    cycle: AssessmentCycle | None,
    today: dt.date | None = None,
) -> Reassessment:
    """``person_reassessment`` from what a page has already read, without ``_DUE_SQL``: the
    person's states (a required skill's ``self_at`` is its last self rating, as in
    ``_DUE_SQL``), each skill's own cadence (skill id → days, None: the default), their last
    submission and their pending cycle (``scope.pending_cycles``). ``_ASSESSED_SQL``'s "the
    later of the two" is written here a second time, in Python, for one person's forty rows:
    a property test holds it to ``people_reassessment``."""
    today = today or timezone.localdate()
    default_days = settings.REASSESSMENT_INTERVAL_DAYS
    by_cadence: dict[int, list[dt.datetime | None]] = {}
    for state in states:
        if state.target is None:
            continue
        seen = [at for at in (state.self_at, last_submitted) if at is not None]
        days = intervals.get(state.skill_id)
        days = default_days if days is None else days  # COALESCE, as ``_ASSESSED_SQL``
        by_cadence.setdefault(days, []).append(max(seen) if seen else None)
    groups = [
        (days, min((at for at in ats if at is not None), default=None), ats.count(None))
        for days, ats in by_cadence.items()
    ]
    if not groups and cycle is None:
        return Reassessment(person_id, None, False, None)
    return _reassessment(person_id, groups, cycle=cycle, today=today)


def person_reassessment(*, person: Person, today: dt.date | None = None) -> Reassessment:
    return people_reassessment(people=Person.objects.filter(pk=person.pk), today=today).get(
        person.pk, Reassessment(person.pk, None, False, None)
    )
