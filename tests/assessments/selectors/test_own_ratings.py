"""``latest_self_ratings`` holds the values the states hold (``person_skill_states``): the
self level and interest a save compares its entries with."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.selectors import person_skill_states
from assessments.selectors.own_ratings import SelfRating, latest_self_ratings
from tests.factories import PersonFactory, SkillFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db


def test_the_latest_self_rating_of_each_skill_asked_as_the_states_hold_it():
    person = PersonFactory()
    newer, tied, managed, retired, unrated, not_asked = SkillFactory.create_batch(6)
    then = timezone.now() - dt.timedelta(days=30)
    now = timezone.now()
    rate = SkillRatingFactory
    rate(person=person, skill=newer, level=1, interest=2, created_at=then)
    rate(person=person, skill=newer, level=3, interest=None, created_at=now)
    # A tie on time: the row written last counts.
    rate(person=person, skill=tied, level=2, interest=0, created_at=now)
    rate(person=person, skill=tied, level=4, interest=1, created_at=now)
    # A later manager rating is not a self rating.
    rate(person=person, skill=managed, level=2, interest=1, created_at=then)
    rate(person=person, skill=managed, level=4, source="manager", created_at=now)
    rate(person=person, skill=retired, level=2)
    rate(person=person, skill=not_asked, level=2)
    rate(person=PersonFactory(), skill=unrated, level=3)  # someone else's
    retired.is_active = False
    retired.save()

    asked = [newer, tied, managed, retired, unrated]
    latest = latest_self_ratings(person_id=person.pk, skill_ids=[s.pk for s in asked])

    assert latest == {
        newer.pk: SelfRating(3, None),
        tied.pk: SelfRating(4, 1),
        managed.pk: SelfRating(2, 1),
    }
    states = person_skill_states(person=person)
    for skill in asked:
        state = states.get(skill.pk)
        held = (
            (state.self_level, state.interest) if state and state.self_level is not None else None
        )
        assert (tuple(latest[skill.pk]) if skill.pk in latest else None) == held, skill


def test_no_skill_asked_reads_nothing(django_assert_num_queries):
    person = PersonFactory()
    with django_assert_num_queries(0):
        assert latest_self_ratings(person_id=person.pk, skill_ids=[]) == {}
