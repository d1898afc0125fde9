"""Who an assessment cycle covers, and the open cycles each person still owes a submission."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet

from assessments.models import AssessmentCycle, CycleStatus
from assessments.selectors.states import _as_datetime
from readiness.models import Person
from readiness.sql import Fragment, fetch_prepared, instance_of_row, param


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
        condition |= Q(team__path__startswith=team.path) if cycle.include_subteams else Q(team=team)
    return people.filter(condition, is_active=True)


#: ``cycle_scope`` turned round, for one person: the condition an open cycle ``c`` meets when
#: it covers them and they have not submitted it. Covered: in an audience of the cycle
#: (Everyone covering all), in one of its teams, or below one (their team's path starts with
#: its path) when it includes sub-teams; everybody when it names neither. The slots are SQL
#: (values or columns of the caller's statement): the person's id, their role's audience,
#: their team and its path, the open status and today. Written once for the two statements
#: that read one person's pending cycle: ``/me/``'s (below) and the layout's banner
#: (``cycles.person_pending_cycle``); tests hold both to ``open_cycles_by_person`` for every
#: kind of scope.
PENDING_CONDITION = Fragment("""
c.status = {open} AND c.opens_on <= {today}
AND NOT EXISTS (SELECT 1 FROM assessments_assessmentsubmission s
                 WHERE s.cycle_id = c.id AND s.person_id = {person})
AND ((NOT EXISTS (SELECT 1 FROM assessments_assessmentcycle_audiences ca
                   WHERE ca.assessmentcycle_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM assessments_assessmentcycle_teams ct
                       WHERE ct.assessmentcycle_id = c.id))
     OR EXISTS (SELECT 1 FROM assessments_assessmentcycle_audiences ca
                  JOIN readiness_audience a ON a.id = ca.audience_id
                 WHERE ca.assessmentcycle_id = c.id
                   AND (a.is_everyone OR a.id = {audience}))
     OR EXISTS (SELECT 1 FROM assessments_assessmentcycle_teams ct
                  JOIN readiness_team cycle_team ON cycle_team.id = ct.team_id
                 WHERE ct.assessmentcycle_id = c.id
                   AND (cycle_team.id = {team}
                        OR (c.include_subteams
                            AND SUBSTR({path}, 1, LENGTH(cycle_team.path)) = cycle_team.path))))
""")  # nosec B608 # module-constant SQL; values as parameters


def pending_condition(
    *,
    person: Fragment | str,
    audience: Fragment | str,
    team: Fragment | str,
    path: Fragment | str,
    today: dt.date,
) -> Fragment:
    """``PENDING_CONDITION`` for one person (see there), with the open status and ``today``."""
    return PENDING_CONDITION.fill(
        open=param(CycleStatus.OPEN),
        today=param(connection.ops.adapt_datefield_value(today)),
        person=person,
        audience=audience,
        team=team,
        path=path,
    )


#: One row (always: the submission's side is an aggregate) holding the cycle columns of the
#: open cycle that covers the person and they have not submitted (earliest due first; NULL:
#: none) and the time of their last submission (NULL: none). Inactive people owe nothing.
_PENDING_SQL = Fragment("""
SELECT {columns}, last.submitted_at AS last_submitted
  FROM (SELECT MAX(s.submitted_at) AS submitted_at
          FROM assessments_assessmentsubmission s
         WHERE s.person_id = {person}) last
  LEFT JOIN (
    SELECT c.* FROM assessments_assessmentcycle c
     WHERE {active} AND {pending}
     ORDER BY c.due_on, c.id
     LIMIT 1
  ) c ON 1 = 1
""")  # nosec B608 # module-constant SQL; values as parameters


def pending_cycle_and_last_submission(
    *, person: Person, today: dt.date
) -> tuple[AssessmentCycle | None, dt.datetime | None]:
    """``person``'s pending cycle (``open_cycles_by_person``'s rule for one person) and their
    last submission, in one raw statement (``_PENDING_SQL``, prepared: ``fetch_prepared``):
    where ``open_cycles_by_person`` reads the cycles, their audiences and teams, then one
    statement a cycle, and where the same rule through the ORM (``Exists`` conditions) cost a
    millisecond of Python to build.
    ``person`` needs its role and team loaded (``readiness.selectors.person_get``)."""
    team = person.team if person.team_id is not None else None
    role = person.role if person.role_id is not None else None
    statement = _PENDING_SQL.fill(
        columns=", ".join(f"c.{field.column}" for field in AssessmentCycle._meta.concrete_fields),
        person=param(person.pk),
        active="1 = 1" if person.is_active else "1 = 0",
        pending=pending_condition(
            person=param(person.pk),
            audience=param(role.audience_id if role is not None else None),
            team=param(team.pk if team is not None else None),
            path=param(team.path if team is not None else None),
            today=today,
        ),
    )
    (*cycle, last), *_ = fetch_prepared(statement)
    pending = instance_of_row(AssessmentCycle, cycle) if cycle[0] is not None else None
    return pending, _as_datetime(last)
