"""Writes for assessment cycles: open a draft, close (which freezes who was in scope and who
submitted), and create one with its scope (shared with the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import AssessmentCycle, CycleParticipation, CycleStatus
from assessments.selectors.cycles import cycle_roster_for_freeze
from readiness.models import ReadinessPlan


@transaction.atomic
def cycle_open(*, cycle: AssessmentCycle) -> AssessmentCycle:
    """Open a draft cycle."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("Only a draft cycle can be opened.", code="not_draft")
    cycle.status = CycleStatus.OPEN
    cycle.full_clean()
    cycle.save(update_fields=["status"])
    return cycle


@transaction.atomic
def cycle_close(*, cycle: AssessmentCycle, now: dt.datetime | None = None) -> AssessmentCycle:
    """Close a cycle and freeze it: who was in scope (with their team) and who had submitted is
    written down, so later moves, joiners or submissions do not change its figures. Banners and
    reminders for it stop. Closing a closed cycle changes nothing."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED and cycle.closed_at is not None:
        return cycle
    now = now or timezone.now()
    roster = cycle_roster_for_freeze(cycle=cycle)
    CycleParticipation.objects.filter(cycle=cycle).delete()
    CycleParticipation.objects.bulk_create(
        [
            CycleParticipation(
                cycle=cycle, person_id=person_id, team_id=team_id, submitted_at=submitted_at
            )
            for person_id, team_id, submitted_at in roster
        ],
        batch_size=1000,
    )
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = now
    cycle.save(update_fields=["status", "closed_at"])
    return cycle


@transaction.atomic
def cycle_create(
    *,
    name: str,
    opens_on: dt.date,
    due_on: dt.date,
    plan: ReadinessPlan | None = None,
    audiences: Iterable = (),
    teams: Iterable = (),
    include_subteams: bool = True,
    status: str = "draft",
) -> AssessmentCycle:
    """Create an assessment cycle with its scope (audiences and/or teams; neither means every
    active person)."""
    cycle = AssessmentCycle(
        name=name,
        plan=plan,
        include_subteams=include_subteams,
        opens_on=opens_on,
        due_on=due_on,
        status=status,
    )
    cycle.full_clean()
    cycle.save()
    cycle.audiences.set(list(audiences))
    cycle.teams.set(list(teams))
    return cycle
