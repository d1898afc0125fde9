"""Rating and learning-plan services: append-only, validated, all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AssessmentSubmission, LearningPlanItem, SkillRating
from assessments.selectors import person_skill_states
from assessments.services.me import (
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


def test_save_inside_a_cycle_records_only_changes_and_counts_for_the_cycle():
    person = PersonFactory()
    same, changed = SkillFactory(), SkillFactory()
    SkillRatingFactory(person=person, skill=same, level=2)
    SkillRatingFactory(person=person, skill=changed, level=1)
    cycle = AssessmentCycleFactory()
    submission = self_assessment_submit(
        person=person,
        user=person.user,
        cycle=cycle,
        entries=[RatingInput(same.pk, 2), RatingInput(changed.pk, 3)],
    )
    assert [(r.skill_id, r.level) for r in SkillRating.objects.filter(cycle=cycle)] == [
        (changed.pk, 3)
    ]
    assert submission.changed_skills == 1
    assert AssessmentSubmission.objects.get(person=person).cycle == cycle


def test_resaving_the_same_levels_writes_no_rating():
    person = PersonFactory()
    skill = SkillFactory()
    SkillRatingFactory(person=person, skill=skill, level=3, interest=2)
    before = SkillRating.objects.count()
    submission = self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill.pk, 3, interest=2)]
    )
    assert submission.changed_skills == 0 and submission.kind == "full"
    assert SkillRating.objects.count() == before
    # A changed interest, or a note, is a change: a row at the same level.
    self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill.pk, 3, interest=0)]
    )
    self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill.pk, 3, interest=0, note="n")]
    )
    assert SkillRating.objects.count() == before + 2


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


def test_quick_review_records_a_submission_and_no_rating():
    person = PersonFactory()
    a, b = SkillFactory(), SkillFactory()
    SkillRatingFactory(person=person, skill=a, level=2, interest=1)
    SkillRatingFactory(person=person, skill=b, level=3, source="manager")
    before = list(SkillRating.objects.values_list("pk", flat=True))
    cycle = AssessmentCycleFactory()
    submission = self_assessment_confirm(person=person, user=person.user, cycle=cycle)
    assert (submission.kind, submission.cycle, submission.changed_skills) == (
        "quick_review",
        cycle,
        0,
    )
    assert list(SkillRating.objects.values_list("pk", flat=True)) == before


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


def test_a_confirmation_never_undoes_a_manager_adjustment(time_machine):
    person, manager = PersonFactory(), UserFactory()
    skill = SkillFactory()
    time_machine.move_to("2026-03-01 09:00Z", tick=False)
    self_assessment_submit(person=person, user=person.user, entries=[RatingInput(skill.pk, 3)])
    assert person_skill_states(person=person)[skill.pk].awaiting_review
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    manager_ratings_record(manager=manager, entries=[RatingInput(skill.pk, 2, person_id=person.pk)])
    for step, act in enumerate(
        (
            lambda: self_assessment_confirm(person=person, user=person.user),
            lambda: self_assessment_submit(
                person=person, user=person.user, entries=[RatingInput(skill.pk, 3)]
            ),
        )
    ):
        time_machine.move_to(f"2026-03-0{3 + step} 09:00Z", tick=False)
        act()
        state = person_skill_states(person=person)[skill.pk]
        assert (state.level, state.self_level, state.awaiting_review) == (2, 3, False)
    # The employee agrees with the manager: a self rating equal to theirs asks no review.
    time_machine.move_to("2026-03-09 09:00Z", tick=False)
    self_assessment_submit(person=person, user=person.user, entries=[RatingInput(skill.pk, 2)])
    state = person_skill_states(person=person)[skill.pk]
    assert (state.level, state.self_level, state.awaiting_review) == (2, 2, False)


def test_every_row_with_the_same_bad_values_gets_its_error_and_nothing_is_saved():
    """Validation runs once per distinct set of values: each row still gets its own error."""
    person = PersonFactory()
    first, second, fine = SkillFactory(), SkillFactory(), SkillFactory()
    before = SkillRating.objects.count()
    with pytest.raises(RatingsInvalid) as raised:
        self_assessment_submit(
            person=person,
            user=person.user,
            entries=[
                RatingInput(skill_id=first.pk, level=2, evidence_url="not a url"),
                RatingInput(skill_id=fine.pk, level=2),
                RatingInput(skill_id=second.pk, level=2, evidence_url="not a url"),
            ],
        )
    errors = raised.value.errors_by_key
    assert set(errors) == {(person.pk, first.pk, 0), (person.pk, second.pk, 2)}
    assert all("evidence_url" in error.message_dict for error in errors.values())
    assert SkillRating.objects.count() == before
    assert not AssessmentSubmission.objects.filter(person=person).exists()


def test_states_read_by_the_caller_decide_what_changed():
    """The form hands over the states it read (``states=``): the same changes as reading them."""
    person = PersonFactory()
    same, changed = SkillFactory(), SkillFactory()
    SkillRatingFactory(person=person, skill=same, level=2)
    SkillRatingFactory(person=person, skill=changed, level=1)
    submission = self_assessment_submit(
        person=person,
        user=person.user,
        entries=[
            RatingInput(skill_id=same.pk, level=2),
            RatingInput(skill_id=changed.pk, level=3),
        ],
        version=self_assessment_version(person=person),
        states=person_skill_states(person=person),
    )
    assert submission.changed_skills == 1
    assert person_skill_states(person=person)[changed.pk].self_level == 3
