"""Who an assessment cycle covers, and the open cycles each person still owes a submission."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from assessments.models import AssessmentCycle, CycleStatus
from readiness.models import Person


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
