"""Learning-plan items put in several plans at once (``plan_items_add``, a manager's
assignment) follow the rules of one item added (``plan_item_add``): an open item is reused,
never doubled; a retired resource is refused with nothing written."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from assessments.models import LearningPlanItem
from assessments.services.effectiveness import QUEUED_KEY
from assessments.services.plan_items import plan_item_add, plan_items_add
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    SkillFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 3, 1)


def test_several_people_get_what_one_person_gets():
    """The same people, resource and state: the bulk add leaves each item as one add does."""
    manager, resource, skill = UserFactory(), TrainingResourceFactory(), SkillFactory()
    outcomes = []
    for add_all in (False, True):
        fresh, suggested, planned = PersonFactory(), PersonFactory(), PersonFactory()
        LearningPlanItemFactory(person=suggested, resource=resource, status="suggested")
        LearningPlanItemFactory(person=planned, resource=resource, assigned_by=manager)
        people = [fresh, suggested, planned]
        kwargs = {"resource": resource, "assigned_by": manager, "due_date": DUE}
        if add_all:
            added = plan_items_add(people=people, skills={fresh.pk: skill}, **kwargs)
        else:
            added = [
                plan_item_add(person=p, skill=skill if p == fresh else None, **kwargs)
                for p in people
            ]
        outcomes.append(
            [
                (created, item.status, item.due_date, item.assigned_by_id, item.skill_id)
                for item, created in added
            ]
        )
        rows = LearningPlanItem.objects.filter(person__in=people, resource=resource)
        assert rows.count() == 3  # reused, never doubled
        assert set(rows.values_list("due_date", flat=True)) == {DUE}
    assert outcomes[0] == outcomes[1]
    assert [created for created, *_ in outcomes[1]] == [True, False, False]
    assert {status for _, status, *_ in outcomes[1]} == {"planned"}


def test_a_person_named_twice_gets_one_item():
    person, resource = PersonFactory(), TrainingResourceFactory()
    added = plan_items_add(people=[person, person], resource=resource)
    assert len(added) == 1 and LearningPlanItem.objects.filter(person=person).count() == 1


def test_a_retired_resource_is_refused_and_nothing_is_written():
    people = [PersonFactory(), PersonFactory()]
    with pytest.raises(ValidationError) as refused:
        plan_items_add(people=people, resource=TrainingResourceFactory(is_active=False))
    assert refused.value.message_dict == {
        "resource": ["This resource is retired and cannot be planned."]
    }
    assert not LearningPlanItem.objects.exists()


def test_a_write_queues_the_effectiveness_refresh_and_an_unchanged_repeat_does_not(
    django_capture_on_commit_callbacks,
):
    """Bulk writes send no post_save: the refresh is queued by the service itself."""
    people, resource = [PersonFactory(), PersonFactory()], TrainingResourceFactory()
    cache.delete(QUEUED_KEY)
    with django_capture_on_commit_callbacks() as written:
        plan_items_add(people=people, resource=resource, due_date=DUE)
    assert [c.task for c in written] == ["refresh_effectiveness"]
    with django_capture_on_commit_callbacks() as repeated:
        plan_items_add(people=people, resource=resource, due_date=DUE)
    assert repeated == []
    with django_capture_on_commit_callbacks() as moved:
        plan_items_add(people=people, resource=resource, due_date=DUE + dt.timedelta(days=1))
    assert [c.task for c in moved] == ["refresh_effectiveness"]
