"""The measured effectiveness kept by the worker (``services.effectiveness``): the figures it
keeps equal the per-visit ``EFFECTIVENESS_SQL`` figures on the same data, a refresh is
idempotent and drops resources that lost their data, writes queue one refresh (debounced), the
nightly entry is in the beat schedule, and ``/me/`` ranks with the kept figures, saying as of
when."""

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from assessments.learning_records.models import ResourceEffectiveness, VerifiedCompletion
from assessments.models import LearningPlanItem
from assessments.selectors.catalog import (
    Effectiveness,
    resources_effectiveness,
    resources_mean_gain_kept,
)
from assessments.services.effectiveness import QUEUED_KEY, effectiveness_refresh
from assessments.services.me import RatingInput, manager_ratings_record
from assessments.tasks import refresh_effectiveness
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ResourceSkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def kept() -> dict[int, Effectiveness]:
    return {
        row.resource_id: Effectiveness(row.mean_gain, row.people, row.verified)
        for row in ResourceEffectiveness.objects.all()
    }


def completed(person, resource, skill, before: int, after: int, t0, **extra) -> LearningPlanItem:
    SkillRatingFactory(person=person, skill=skill, level=before, created_at=t0)
    item = LearningPlanItemFactory(
        person=person,
        resource=resource,
        status="completed",
        started_at=t0 + DAY,
        completed_at=t0 + 2 * DAY,
        **extra,
    )
    SkillRatingFactory(person=person, skill=skill, level=after, created_at=t0 + 3 * DAY)
    return item


@pytest.fixture
def measured():
    """Three resources with data (gains +1.5, 0 and -1; one verified), one without."""
    t0 = timezone.now() - dt.timedelta(days=60)
    resources = [TrainingResourceFactory(title=t) for t in ("Up", "Flat", "Down", "Unused")]
    skills = [ResourceSkillFactory(resource=r, level=3).skill for r in resources]
    people = PersonFactory.create_batch(4)
    completed(people[0], resources[0], skills[0], 1, 3, t0)
    completed(people[1], resources[0], skills[0], 1, 2, t0, verified_by="microsoft_learn")
    completed(people[2], resources[1], skills[1], 2, 2, t0)
    completed(people[3], resources[2], skills[2], 3, 2, t0)
    VerifiedCompletion.objects.create(
        person=people[3],
        source="microsoft_learn",
        external_uid="x",
        title="Up",
        kind="module",
        resource=resources[0],
        completed_at=t0 - DAY,
    )  # rated after only
    return resources


def test_the_kept_figures_equal_the_per_visit_figures(measured) -> None:
    per_visit = resources_effectiveness()
    assert set(per_visit) == {r.pk for r in measured[:3]}  # the unused one has no figure
    assert per_visit[measured[0].pk] == Effectiveness(mean_gain=1.5, people=2, verified=1)

    assert effectiveness_refresh() == 3

    assert kept() == per_visit
    figures = resources_mean_gain_kept(resource_ids=[r.pk for r in measured])
    assert figures.gains == {pk: e.mean_gain for pk, e in per_visit.items()}
    assert figures.as_of is not None


def test_a_refresh_is_idempotent_and_drops_what_lost_its_data(measured) -> None:
    effectiveness_refresh()
    first = kept()
    effectiveness_refresh()
    assert kept() == first and ResourceEffectiveness.objects.count() == 3

    LearningPlanItem.objects.filter(resource=measured[2]).delete()  # Down: no data any more
    assert refresh_effectiveness() == 2  # the task does the same
    assert measured[2].pk not in kept() and kept() == resources_effectiveness()


def test_writes_queue_one_refresh_after_they_commit(
    measured, django_capture_on_commit_callbacks
) -> None:
    cache.delete(QUEUED_KEY)
    person = PersonFactory()
    skill = measured[0].skill_links.first().skill
    with mock.patch.object(refresh_effectiveness, "apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            LearningPlanItemFactory(person=person, resource=measured[0], status="completed")
        with django_capture_on_commit_callbacks(execute=True):
            manager_ratings_record(
                manager=person.user,
                entries=[RatingInput(skill_id=skill.pk, level=2, person_id=person.pk)],
            )
        assert queued.call_count == 1  # the second write shares the queued refresh
        effectiveness_refresh()  # it runs: the next write queues another
        with django_capture_on_commit_callbacks(execute=True):
            LearningPlanItem.objects.filter(person=person).delete()
        assert queued.call_count == 2
    assert queued.call_args.kwargs == {"countdown": 60}


def test_the_nightly_refresh_is_in_the_beat_schedule() -> None:
    entry = PeriodicTask.objects.get(task="assessments.tasks.refresh_effectiveness")
    assert entry.enabled and (entry.crontab.hour, entry.crontab.minute) == ("1", "45")


def test_me_ranks_with_the_kept_figure_and_says_as_of_when(make_employee_org, client) -> None:
    org = make_employee_org(skills=1, resources_per_skill=0)
    skill = org.skills[0]
    first, proven = (TrainingResourceFactory(title=t, duration_minutes=60) for t in ("A", "B"))
    for resource in (first, proven):
        ResourceSkillFactory(resource=resource, skill=skill, level=2)
    completed(org.teammate, proven, skill, 1, 2, timezone.now() - dt.timedelta(days=30))
    client.force_login(org.person.user)
    url = reverse("assessments:my-readiness")

    body = client.get(url).content.decode()
    assert body.index(">A</a>") < body.index(">B</a>")  # nothing kept yet: by title
    assert 'data-testid="effectiveness-as-of"' not in body

    effectiveness_refresh()
    body = client.get(url).content.decode()
    assert body.index(">B</a>") < body.index(">A</a>")  # B measured +1
    assert 'data-testid="effectiveness-as-of"' in body
