"""Who an assessment cycle covers, and the open cycles each person still owes a submission."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import StartsWith

from assessments.models import AssessmentCycle, AssessmentSubmission, CycleStatus
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


def covering(person: Person) -> Q:
    """``cycle_scope`` turned round, for one person: a condition on cycles, true of those whose
    scope holds ``person`` (active; in an audience of the cycle, Everyone covering all; in one
    of its teams, or below one when the cycle includes sub-teams; every active person when the
    cycle names neither). ``person`` needs its role and team loaded (``person_get``). The
    property test of the reassessment holds it to ``cycle_scope``."""
    if not person.is_active:
        return Q(pk__in=[])
    audiences = AssessmentCycle.audiences.through.objects.filter(assessmentcycle_id=OuterRef("pk"))
    teams = AssessmentCycle.teams.through.objects.filter(assessmentcycle_id=OuterRef("pk"))
    condition = (~Exists(audiences) & ~Exists(teams)) | Exists(
        audiences.filter(audience__is_everyone=True)
    )
    if person.role_id is not None and person.role is not None:
        condition |= Exists(audiences.filter(audience_id=person.role.audience_id))
    if person.team_id is not None and person.team is not None:
        below = StartsWith(Value(person.team.path), F("team__path"))
        condition |= Exists(teams.filter(team_id=person.team_id)) | (
            Q(include_subteams=True) & Exists(teams.filter(below))
        )
    return condition


def pending_cycles(*, person: Person, today: dt.date) -> QuerySet[AssessmentCycle]:
    """The open cycles covering ``person`` that they have not submitted yet, earliest due first:
    ``open_cycles_by_person``'s rule for one person as one statement (its first row is their
    pending cycle), where that function reads the cycles, their audiences and teams, then one
    statement a cycle."""
    submitted = AssessmentSubmission.objects.filter(cycle_id=OuterRef("pk"), person_id=person.pk)
    return (
        AssessmentCycle.objects.filter(status=CycleStatus.OPEN, opens_on__lte=today)
        .filter(covering(person))
        .exclude(Exists(submitted))
        .order_by("due_on", "pk")
    )
