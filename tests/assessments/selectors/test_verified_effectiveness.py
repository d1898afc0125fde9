"""Training effectiveness on verified completions: a plan item verified by a transcript sync
counts with its upstream date and as verified; a completion verified upstream outside the
plan counts too (started when completed); nothing is counted twice; the figure says on what
it stands ("2 people, 1 verified"), on the catalog page and the dashboard."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.learning_records.models import VerifiedCompletion
from assessments.selectors.catalog import Effectiveness, resources_effectiveness
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ResourceSkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _verified(person, resource, when) -> VerifiedCompletion:
    return VerifiedCompletion.objects.create(
        person=person,
        source="microsoft_learn",
        external_uid=f"uid-{person.pk}-{resource.pk}",
        title=resource.title,
        kind="module",
        resource=resource,
        completed_at=when,
    )


@pytest.fixture
def course():
    resource = TrainingResourceFactory(title="Verified course")
    skill = ResourceSkillFactory(resource=resource, level=3).skill
    return resource, skill


def test_verified_plan_items_and_completions_outside_the_plan_count(course) -> None:
    resource, skill = course
    t0 = timezone.now() - dt.timedelta(days=100)
    clicker, synced, outside = PersonFactory.create_batch(3)
    # Clicked complete: 1 → 2 (+1), not verified.
    SkillRatingFactory(person=clicker, skill=skill, level=1, created_at=t0)
    LearningPlanItemFactory(
        person=clicker,
        resource=resource,
        status="completed",
        started_at=t0 + DAY,
        completed_at=t0 + 2 * DAY,
    )
    SkillRatingFactory(person=clicker, skill=skill, level=2, created_at=t0 + 3 * DAY)
    # Synced: its plan item carries the upstream date, verified: 1 → 3 (+2).
    SkillRatingFactory(person=synced, skill=skill, level=1, created_at=t0)
    LearningPlanItemFactory(
        person=synced,
        resource=resource,
        status="completed",
        started_at=t0 + DAY,
        completed_at=t0 + 2 * DAY,
        verified_by="microsoft_learn",
    )
    _verified(synced, resource, t0 + 2 * DAY)  # the same completion: not counted twice
    SkillRatingFactory(person=synced, skill=skill, level=3, created_at=t0 + 3 * DAY)
    # Outside the plan: the rating before the verified date, the first after it: 2 → 2 (0);
    # the rating between would count were the start the plan's (there is none).
    SkillRatingFactory(person=outside, skill=skill, level=2, created_at=t0)
    _verified(outside, resource, t0 + 5 * DAY)
    SkillRatingFactory(person=outside, skill=skill, level=2, created_at=t0 + 6 * DAY)

    result = resources_effectiveness(resource_ids=[resource.pk])

    assert result == {resource.pk: Effectiveness(mean_gain=1.0, people=3, verified=2)}
    assert result[resource.pk].basis == "3 people, 2 verified"


def test_a_verified_completion_rated_only_before_does_not_count(course) -> None:
    resource, skill = course
    t0 = timezone.now() - dt.timedelta(days=10)
    person = PersonFactory()
    SkillRatingFactory(person=person, skill=skill, level=1, created_at=t0)
    _verified(person, resource, t0 + DAY)
    # A completion of a resource not in the catalog (no resource) is never measured.
    VerifiedCompletion.objects.create(
        person=person,
        source="microsoft_learn",
        external_uid="elsewhere",
        title="Elsewhere",
        kind="module",
        completed_at=t0,
    )
    assert resources_effectiveness() == {}


def test_the_catalog_page_says_on_what_the_figure_stands(client, course) -> None:
    resource, skill = course
    t0 = timezone.now() - dt.timedelta(days=10)
    person = PersonFactory()
    SkillRatingFactory(person=person, skill=skill, level=1, created_at=t0)
    _verified(person, resource, t0 + DAY)
    SkillRatingFactory(person=person, skill=skill, level=3, created_at=t0 + 2 * DAY)
    client.force_login(PersonFactory().user)
    body = client.get(resource.get_absolute_url()).content.decode()
    assert '<span data-testid="effect-basis">1 person, 1 verified</span>' in body
