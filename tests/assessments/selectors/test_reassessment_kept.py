"""The due rule reads each required skill's last self rating from the kept latest ratings
(``LatestRating``), not from the ratings themselves: the reminder sweep's statement then reads
one row per (person, skill) instead of grouping every self rating of the organization. That
the two sources agree is the property test's (test_reassessment_property.py); here, which one
is read."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from assessments.models_latest import LatestRating
from assessments.selectors import people_reassessment
from assessments.selectors.reassessment import REQUIRED_SELF_RANKED, cadence_groups
from readiness.models import AudienceRequirement, Person, RoleRequirement
from tests.factories import PersonFactory, RoleRequirementFactory, SkillFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def rated_person(settings):
    """A person with one required skill, self-rated 10 days ago (due in 80 days)."""
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    SkillRatingFactory(
        person=person, skill=skill, level=1, source="self", created_at=NOW - dt.timedelta(days=10)
    )
    return person, skill


@time_machine.travel(NOW, tick=False)
def test_the_due_rule_reads_the_kept_last_self_rating(rated_person):
    person, skill = rated_person
    people = Person.objects.filter(pk=person.pk)
    assert not people_reassessment(people=people)[person.pk].is_due

    # The kept row alone moved back 200 days (the ratings are as they were): the rule follows
    # the kept row; the same statement over the ratings themselves does not.
    long_ago = NOW - dt.timedelta(days=200)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_latestrating SET self_at = %s WHERE person_id = %s AND skill_id = %s",
            [connection.ops.adapt_datetimefield_value(long_ago), person.pk, skill.pk],
        )
    status = people_reassessment(people=people)[person.pk]
    assert status.is_due
    assert status.due_on == timezone.localdate(long_ago) + dt.timedelta(days=90)
    ranked = cadence_groups(people=people, required_self=REQUIRED_SELF_RANKED)
    assert ranked[person.pk] == [(90, NOW - dt.timedelta(days=10), 0)]


@time_machine.travel(NOW, tick=False)
def test_a_pair_with_only_a_manager_rating_was_never_self_assessed(rated_person):
    person, skill = rated_person
    other = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=other, target_level=1)
    SkillRatingFactory(person=person, skill=other, level=2, source="manager", created_at=NOW)
    # The kept row exists (the manager's rating) with no self rating in it.
    assert LatestRating.objects.get(person=person, skill=other).self_at is None

    people = Person.objects.filter(pk=person.pk)
    groups = cadence_groups(people=people)
    assert groups == cadence_groups(people=people, required_self=REQUIRED_SELF_RANKED)
    assert groups[person.pk] == [(90, NOW - dt.timedelta(days=10), 1)]
    status = people_reassessment(people=people)[person.pk]
    assert status.is_due and status.reason == "cadence"
