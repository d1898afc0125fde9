"""The value objects of the rules read exactly: what a readiness figure divides, why and until
when a person is due. Written for the mutants `make mutate` found surviving in
``assessments/selectors/aggregates.py`` and ``assessments/selectors/reassessment.py``: each
test says which one-line bug it catches."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from assessments.selectors import Reassessment, person_reassessment
from assessments.selectors.aggregates import EMPTY_READINESS, Readiness, group_readiness
from readiness.models import Person
from tests.factories import (
    AssessmentCycleFactory,
    PersonFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
)

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clean_framework(db):
    """The seeded framework must not leak targets into hand-built cases."""
    from readiness.models import AudienceRequirement, RoleRequirement

    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()


# --- Readiness ---------------------------------------------------------------------------------


def test_readiness_ratios_divide_what_they_name():
    # 8 required pairs, 6 at target, a gap of 3 in all; 1 of 4 people fully ready.
    figures = Readiness(
        people=4, people_ready=1, required=8, at_target=6, not_assessed=1, total_gap=3
    )
    assert figures.share == 0.75
    # 75, not 76 (share × 101) nor 1 (share / 100): the percent is the share in hundredths.
    assert figures.percent == 75
    assert figures.people_ready_share == 0.25
    assert figures.mean_gap == 0.375


def test_readiness_percent_rounds_to_the_nearest_whole():
    # 2 of 3 is 66.67 %: 67, not a truncated 66; 1 of 3 is 33.
    assert Readiness(1, 0, 3, 2, 0, 1).percent == 67
    assert Readiness(1, 0, 3, 1, 0, 2).percent == 33


def test_an_empty_figure_has_no_ratio_rather_than_zero():
    # Nothing required, nobody counted: "no figure", which pages show as "—", not 0 %.
    assert Readiness(0, 0, 0, 0, 0, 0) == EMPTY_READINESS
    assert EMPTY_READINESS.share is None
    assert EMPTY_READINESS.percent is None
    assert EMPTY_READINESS.people_ready_share is None
    assert EMPTY_READINESS.mean_gap is None
    # A figure with required pairs but none at target is 0 %, a number.
    assert Readiness(1, 0, 2, 0, 2, 4).percent == 0
    assert Readiness(1, 0, 2, 0, 2, 4).share == 0.0


def test_a_readiness_figure_cannot_be_changed_in_place():
    # EMPTY_READINESS is shared by every page that finds no figure: a caller must not be able
    # to change it for the others (frozen), nor hang attributes on figures (slots: one per
    # person, held for 10,000 people on the dashboard's exports).
    with pytest.raises(dataclasses.FrozenInstanceError):
        EMPTY_READINESS.people = 3  # type: ignore[misc]
    assert not hasattr(Readiness(1, 1, 1, 1, 0, 0), "__dict__")
    assert hash(Readiness(1, 1, 1, 1, 0, 0)) == hash(Readiness(1, 1, 1, 1, 0, 0))


@pytest.mark.django_db
def test_all_together_of_nobody_required_is_no_group_at_all(clean_framework):
    # by="all" aggregates without GROUP BY: over no one it would give one row of zeros (and
    # NULL sums) without its HAVING; the rule says people with nothing required are not
    # counted, so there is no group.
    PersonFactory.create_batch(2)
    assert group_readiness(people=Person.objects.all(), by="all") == {}


@pytest.mark.django_db
def test_group_readiness_is_all_together_unless_told(clean_framework):
    # The default grouping is "all" (key 0): callers that want one figure pass no `by`.
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    SkillRatingFactory(person=person, skill=skill, level=1, source="self", created_at=NOW)
    people = Person.objects.filter(pk=person.pk)
    assert group_readiness(people=people) == group_readiness(people=people, by="all")
    assert group_readiness(people=people) == {0: Readiness(1, 1, 1, 1, 0, 0)}


# --- Reassessment ------------------------------------------------------------------------------


def test_reassessment_says_why_a_person_is_due():
    assessed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert Reassessment(1, TODAY, True, assessed, cycle_id=7).reason == "cycle"
    assert Reassessment(1, TODAY, True, None, cycle_id=7).reason == "cycle"
    assert Reassessment(1, TODAY, True, None).reason == "never assessed"
    assert Reassessment(1, None, False, None).reason == "nothing required"
    assert Reassessment(1, TODAY, True, assessed).reason == "cadence"
    # Without a cycle given, there is none.
    assert Reassessment(1, None, False, None).cycle_id is None


def test_within_cadence_means_assessed_and_not_yet_due():
    assessed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    assert Reassessment(1, TODAY + day, False, assessed).within_cadence(TODAY)
    # Due today is no longer within cadence; due yesterday neither.
    assert not Reassessment(1, TODAY, True, assessed).within_cadence(TODAY)
    assert not Reassessment(1, TODAY - day, True, assessed).within_cadence(TODAY)
    # Assessed, nothing makes them due (no required skill left, no cycle): within.
    assert Reassessment(1, None, False, assessed).within_cadence(TODAY)
    # Never assessed: never within cadence, whatever the due date says.
    assert not Reassessment(1, None, False, None).within_cadence(TODAY)
    assert not Reassessment(1, TODAY + day, False, None).within_cadence(TODAY)


def test_a_reassessment_cannot_be_changed_in_place():
    status = Reassessment(1, TODAY, True, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.is_due = False  # type: ignore[misc]
    assert not hasattr(status, "__dict__")  # slots: one per person on every due list


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_person_with_nothing_required_gets_the_not_due_default(clean_framework):
    person = PersonFactory(role=None)
    status = person_reassessment(person=person)
    assert status == Reassessment(person.pk, None, False, None)
    assert status.reason == "nothing required" and not status.within_cadence(TODAY)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_open_cycle_names_itself_as_the_reason(clean_framework):
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    SkillRatingFactory(person=person, skill=skill, level=1, source="self", created_at=NOW)
    cycle = AssessmentCycleFactory(opens_on=TODAY, due_on=TODAY + dt.timedelta(days=10))
    cycle.teams.add(person.team)

    status = person_reassessment(person=person)
    assert status.is_due and status.cycle_id == cycle.pk and status.reason == "cycle"
    assert status.due_on == cycle.due_on and status.last_assessed_at == NOW
    assert timezone.localdate() == TODAY


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_last_assessed_is_the_latest_over_every_cadence(clean_framework, settings):
    # Two cadences per person (a 30-day skill and the 90-day default) are two rows of the due
    # statement; "last assessed" is the later of them, whichever row comes last. Ann assessed
    # her 30-day skill last, Ben his 90-day one: in either order of the rows, one of them has
    # the older date last.
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    fast, slow = SkillFactory(reassessment_interval_days=30), SkillFactory()
    ann, ben = PersonFactory(), PersonFactory()  # a role each
    for person, (fast_at, slow_at) in ((ann, (5, 40)), (ben, (40, 5))):
        for skill, days_ago in ((fast, fast_at), (slow, slow_at)):
            RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
            SkillRatingFactory(
                person=person,
                skill=skill,
                level=1,
                source="self",
                created_at=NOW - dt.timedelta(days=days_ago),
            )

    for person in (ann, ben):
        assert person_reassessment(person=person).last_assessed_at == NOW - dt.timedelta(days=5)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_due_date_counts_from_the_current_zone_s_day(clean_framework):
    # 22:30 UTC on 1 June is 2 June in Paris (TIME_ZONE, which Django also makes the process's
    # zone) but still 1 June in New York: with New York active, 30 days run from 1 June.
    person = PersonFactory()
    skill = SkillFactory(reassessment_interval_days=30)
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    SkillRatingFactory(
        person=person,
        skill=skill,
        level=1,
        source="self",
        created_at=dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC),
    )
    assert person_reassessment(person=person).due_on == dt.date(2026, 7, 2)
    with timezone.override("America/New_York"):
        assert person_reassessment(person=person).due_on == dt.date(2026, 7, 1)
