"""Writes of learning-plan items: a resource put in one person's plan (``plan_item_add``: the
My plan page, the API, a suggestion applied) or in several people's at once
(``plan_items_add``: a manager's assignment), by the same rules — an open item for the same
resource is reused, never doubled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import OPEN_PLAN_STATUSES, LearningPlanItem, PlanItemStatus
from assessments.services.effectiveness import effectiveness_refresh_later
from catalog.models import TrainingResource
from readiness.models import Person, Skill


@transaction.atomic
def plan_item_add(
    *,
    person: Person,
    resource: TrainingResource,
    skill: Skill | None = None,
    assigned_by: User | None = None,
    due_date: dt.date | None = None,
    status: str = PlanItemStatus.PLANNED,
) -> tuple[LearningPlanItem, bool]:
    """Put ``resource`` in ``person``'s plan; returns (item, created). An open item for the same
    resource is reused (an assignment then records who assigned it and the due date)."""
    _check_plannable(resource)
    existing = (
        LearningPlanItem.objects.select_for_update()
        .filter(person=person, resource=resource, status__in=OPEN_PLAN_STATUSES)
        .first()
    )
    if existing is not None:
        changed = _reuse(existing, assigned_by=assigned_by, due_date=due_date, status=status)
        if changed:
            existing.save(update_fields=[*changed, "updated_at"])
        return existing, False
    item = _new_item(person, resource, skill, assigned_by, due_date, status)
    item.save()
    return item, True


@transaction.atomic
def plan_items_add(
    *,
    people: Iterable[Person],
    resource: TrainingResource,
    skills: Mapping[int, Skill | None] | None = None,
    assigned_by: User | None = None,
    due_date: dt.date | None = None,
    status: str = PlanItemStatus.PLANNED,
) -> list[tuple[LearningPlanItem, bool]]:
    """``plan_item_add`` for several people at once (``skills``: the skill of each person's
    item, by person id), in a constant number of queries: (item, created) of each person, in
    their order. Each item holds ``resource`` and ``assigned_by`` (no query to read them)."""
    _check_plannable(resource)
    people = list({person.pk: person for person in people}.values())
    open_items = {
        item.person_id: item
        for item in LearningPlanItem.objects.select_for_update().filter(
            person__in=[person.pk for person in people],
            resource=resource,
            status__in=OPEN_PLAN_STATUSES,
        )
    }
    outcome: list[tuple[LearningPlanItem, bool]] = []
    new: list[LearningPlanItem] = []
    changed: list[LearningPlanItem] = []
    fields: set[str] = set()
    for person in people:
        item = open_items.get(person.pk)
        if item is None:
            skill = (skills or {}).get(person.pk)
            item = _new_item(person, resource, skill, assigned_by, due_date, status)
            new.append(item)
            outcome.append((item, True))
            continue
        reused = _reuse(item, assigned_by=assigned_by, due_date=due_date, status=status)
        if reused:
            fields.update(reused)
            item.updated_at = timezone.now()  # bulk_update leaves auto_now alone
            changed.append(item)
        item.resource = resource  # the row's own: kept, not read again
        if assigned_by is not None:
            item.assigned_by = assigned_by  # whoever it named, it names them now
        outcome.append((item, False))
    LearningPlanItem.objects.bulk_create(new)
    # The rows are locked: values of a field another item changed are written back as read.
    LearningPlanItem.objects.bulk_update(changed, [*sorted(fields), "updated_at"])
    if new or changed:
        effectiveness_refresh_later()  # bulk writes send no post_save
    return outcome


def _check_plannable(resource: TrainingResource) -> None:
    if not resource.is_active:
        raise ValidationError({"resource": "This resource is retired and cannot be planned."})


def _new_item(
    person: Person,
    resource: TrainingResource,
    skill: Skill | None,
    assigned_by: User | None,
    due_date: dt.date | None,
    status: str,
) -> LearningPlanItem:
    item = LearningPlanItem(
        person=person,
        resource=resource,
        skill=skill,
        assigned_by=assigned_by,
        due_date=due_date,
        status=status,
    )
    # Its constraints are the database's to check: one open item per person and resource (on
    # the excluded fields), and a completion date only once completed (none yet: Django would
    # ask the database, once per item).
    item.full_clean(
        exclude=["person", "resource", "skill", "assigned_by"], validate_constraints=False
    )
    return item


def _reuse(
    item: LearningPlanItem, *, assigned_by: User | None, due_date: dt.date | None, status: str
) -> list[str]:
    """An open item added again: an assignment records who assigned it and the due date, and
    a suggestion becomes what is asked for. Returns the fields it changed."""
    changed = []
    if assigned_by is not None and item.assigned_by_id != assigned_by.pk:
        item.assigned_by = assigned_by
        changed.append("assigned_by")
    if due_date is not None and item.due_date != due_date:
        item.due_date = due_date
        changed.append("due_date")
    if item.status == PlanItemStatus.SUGGESTED and status != PlanItemStatus.SUGGESTED:
        item.status = status
        changed.append("status")
    return changed
