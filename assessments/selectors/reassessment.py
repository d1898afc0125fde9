"""Due for reassessment: the due rule over any set of people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from assessments.selectors.scope import open_cycles_by_person
from assessments.selectors.states import _as_datetime, _run
from readiness.models import Person
from readiness.selectors import TARGETS_SQL, people_sql


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
"""  # nosec B608 # module-constant SQL fragments; values as parameters


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
