"""The data migration that removes self ratings repeated by confirmations, run with the
historical models of its own migration state on data the old confirmation wrote."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.selectors import person_skill_states
from tests.factories import PersonFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

MIGRATION = "0004_drop_self_ratings_repeated_by_confirmations"
module = importlib.import_module(f"assessments.migrations.{MIGRATION}")
T0 = dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def historical_apps():
    return MigrationExecutor(connection).loader.project_state(("assessments", MIGRATION)).apps


def test_repeats_written_by_old_confirmations_stop_overriding_the_manager(historical_apps):
    SkillRating = historical_apps.get_model("assessments", "SkillRating")
    Submission = historical_apps.get_model("assessments", "AssessmentSubmission")
    person, other = PersonFactory(), PersonFactory()
    manager = UserFactory()
    adjusted, grown, noted, first = SkillFactory(), SkillFactory(), SkillFactory(), SkillFactory()

    def rate(who, skill, level, at, source="self", **extra):
        return SkillRating.objects.create(
            person_id=who.pk,
            skill_id=skill.pk,
            level=level,
            source=source,
            created_at=at,
            rated_by_id=manager.pk if source == "manager" else who.user_id,
            **extra,
        ).pk

    day = dt.timedelta(days=1)
    kept = {
        rate(person, adjusted, 3, T0, interest=1),
        rate(person, grown, 2, T0, interest=1),
        rate(person, noted, 1, T0),
        rate(person, adjusted, 2, T0 + day, source="manager"),
    }
    # The old confirmation: a submission and, at its instant, every self level again.
    confirmed_at = T0 + 2 * day
    Submission.objects.create(person_id=person.pk, kind="quick_review", submitted_at=confirmed_at)
    repeats = {rate(person, adjusted, 3, confirmed_at, interest=1)}
    kept.add(rate(person, grown, 2, confirmed_at, interest=2))  # interest changed: a change
    kept.add(rate(person, noted, 1, confirmed_at, note="Did the course"))  # a note: a change
    kept.add(rate(person, first, 2, confirmed_at))  # the first self rating of the skill
    # A second confirmation repeats again.
    again = T0 + 3 * day
    Submission.objects.create(person_id=person.pk, kind="quick_review", submitted_at=again)
    repeats.add(rate(person, adjusted, 3, again, interest=1))
    # The same level again but at no submission's instant (e.g. an import): left alone.
    kept.add(rate(other, adjusted, 2, T0))
    kept.add(rate(other, adjusted, 2, T0 + day))
    Submission.objects.create(person_id=other.pk, kind="full", submitted_at=T0 + 2 * day)

    state = person_skill_states(person=person)[adjusted.pk]
    assert (state.level, state.awaiting_review) == (3, True)  # the bug: the manager undone

    assert module.drop_confirmation_repeats(historical_apps, None) == len(repeats)

    assert set(SkillRating.objects.values_list("pk", flat=True)) == kept
    state = person_skill_states(person=person)[adjusted.pk]
    assert (state.level, state.self_level, state.awaiting_review) == (2, 3, False)
    assert Submission.objects.count() == 3  # the cadence and cycles still see them
    # Re-runnable: nothing left to remove.
    assert module.drop_confirmation_repeats(historical_apps, None) == 0


def test_batches_cover_every_person(historical_apps, monkeypatch):
    monkeypatch.setattr(module, "BATCH", 1)
    SkillRating = historical_apps.get_model("assessments", "SkillRating")
    Submission = historical_apps.get_model("assessments", "AssessmentSubmission")
    skill = SkillFactory()
    people = PersonFactory.create_batch(3)
    for person in people:
        for offset in (0, 1):
            at = T0 + dt.timedelta(days=offset)
            SkillRating.objects.create(
                person_id=person.pk, skill_id=skill.pk, level=2, source="self", created_at=at
            )
            Submission.objects.create(person_id=person.pk, kind="quick_review", submitted_at=at)
    assert module.drop_confirmation_repeats(historical_apps, None) == 3
    assert sorted(SkillRating.objects.values_list("created_at", flat=True)) == [T0] * 3
