"""Rating and learning-plan services: append-only, validated, all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AssessmentSubmission, LearningPlanItem, SkillRating
from assessments.services import (
    RatingInput,
    RatingsInvalid,
    manager_ratings_record,
    plan_item_add,
    plan_item_transition,
    self_assessment_confirm,
    self_assessment_submit,
    self_assessment_version,
)
from tests.factories import (
    AssessmentCycleFactory,
    PersonFactory,
    SkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_normal_save_appends_only_changed_skills():
    person = PersonFactory()
    same, changed, new = SkillFactory(), SkillFactory(), SkillFactory()
    SkillRatingFactory(person=person, skill=same, level=2)
    SkillRatingFactory(person=person, skill=changed, level=1)
    before = SkillRating.objects.count()

    submission = self_assessment_submit(
        person=person,
        user=person.user,
        entries=[
            RatingInput(skill_id=same.pk, level=2),
            RatingInput(skill_id=changed.pk, level=3),
            RatingInput(skill_id=new.pk, level=1, interest=2),
        ],
    )
    assert submission.changed_skills == 2
    assert SkillRating.objects.count() == before + 2
    # the history stays: the old rating of `changed` is still there
    assert SkillRating.objects.filter(person=person, skill=changed).count() == 2


def test_save_inside_a_cycle_records_the_whole_set():
    person = PersonFactory()
    skill = SkillFactory()
    SkillRatingFactory(person=person, skill=skill, level=2)
    cycle = AssessmentCycleFactory()
    self_assessment_submit(
        person=person, user=person.user, cycle=cycle, entries=[RatingInput(skill.pk, 2)]
    )
    assert SkillRating.objects.filter(person=person, cycle=cycle).count() == 1
    assert AssessmentSubmission.objects.get(person=person).cycle == cycle


def test_bad_input_saves_nothing():
    person = PersonFactory()
    good, retired = SkillFactory(), SkillFactory(is_active=False)
    with pytest.raises(RatingsInvalid) as error:
        self_assessment_submit(
            person=person,
            user=person.user,
            entries=[
                RatingInput(good.pk, 2),
                RatingInput(good.pk, 7),
                RatingInput(retired.pk, 1),
                RatingInput(good.pk, 1, evidence_url="not a url"),
            ],
        )
    assert len(error.value.errors_by_key) == 3
    assert not SkillRating.objects.exists() and not AssessmentSubmission.objects.exists()


def test_stale_form_is_refused():
    person = PersonFactory()
    skill = SkillFactory()
    version = self_assessment_version(person=person)
    self_assessment_submit(person=person, user=person.user, entries=[RatingInput(skill.pk, 1)])
    with pytest.raises(ValidationError):
        self_assessment_submit(
            person=person, user=person.user, entries=[RatingInput(skill.pk, 3)], version=version
        )
    assert SkillRating.objects.filter(person=person).count() == 1


def test_quick_review_records_the_same_levels_again():
    person = PersonFactory()
    a, b = SkillFactory(), SkillFactory()
    SkillRatingFactory(person=person, skill=a, level=2, interest=1)
    SkillRatingFactory(person=person, skill=b, level=3, source="manager")
    submission = self_assessment_confirm(person=person, user=person.user)
    assert submission.kind == "quick_review"
    again = SkillRating.objects.filter(person=person, source="self").order_by("-created_at")
    assert [(r.skill_id, r.level, r.interest) for r in again[:1]] == [(a.pk, 2, 1)]
    assert again.count() == 2  # only self-rated skills are re-confirmed


def test_ratings_are_append_only():
    rating = SkillRatingFactory()
    rating.level = 4
    with pytest.raises(TypeError):
        rating.save()
    with pytest.raises(TypeError):
        SkillRating.objects.filter(pk=rating.pk).update(level=4)


def test_manager_ratings_are_recorded_per_person():
    manager = UserFactory()
    people = PersonFactory.create_batch(2)
    skill = SkillFactory()
    rows = manager_ratings_record(
        manager=manager,
        entries=[RatingInput(skill.pk, 2, person_id=p.pk) for p in people],
    )
    assert {r.source for r in rows} == {"manager"}
    assert SkillRating.objects.filter(rated_by=manager).count() == 2


def test_plan_item_lifecycle_and_idempotent_add():
    person = PersonFactory()
    resource = TrainingResourceFactory()
    item, created = plan_item_add(person=person, resource=resource)
    again, created_again = plan_item_add(person=person, resource=resource)
    assert created and not created_again and item.pk == again.pk

    item = plan_item_transition(item=item, action="start")
    assert item.status == "in_progress" and item.started_at
    item = plan_item_transition(item=item, action="complete")
    assert item.status == "completed" and item.completed_at
    with pytest.raises(ValidationError):
        plan_item_transition(item=item, action="drop")
    # a completed item no longer blocks planning the resource again
    _, created = plan_item_add(person=person, resource=resource)
    assert created and LearningPlanItem.objects.filter(person=person).count() == 2


def test_retired_resource_cannot_be_planned():
    with pytest.raises(ValidationError):
        plan_item_add(person=PersonFactory(), resource=TrainingResourceFactory(is_active=False))
