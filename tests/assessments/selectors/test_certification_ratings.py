"""A certification that counts as a rating (README "The rules"): a manager rating of each skill
it evidences, dated when earned, while it is active — the edges the property test reaches only
by chance: expiry (< vs <=), the tie with a real manager rating, lowering a level, the review
queue, the due rule, and training effectiveness."""

import datetime as dt

import pytest

from assessments.learning_records.models import PersonCertification
from assessments.selectors import person_skill_states
from assessments.selectors.catalog import resources_effectiveness
from assessments.selectors.reassessment import person_reassessment
from assessments.selectors.team_review import pending_reviews
from catalog.certifications.models import Certification, CertificationSkill
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    ResourceSkillFactory,
    RoleRequirementFactory,
    SkillRatingFactory,
)

pytestmark = pytest.mark.django_db

EARNED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture
def link():
    return ResourceSkillFactory(level=3)


@pytest.fixture
def skill(link):
    return link.skill


@pytest.fixture
def certification(skill):
    cert = Certification.objects.create(
        name="Azure AI Engineer Associate",
        provider=ProviderFactory(),
        exam_codes="AI-102",
        validity_months=12,
        counts_as_rating=True,
    )
    CertificationSkill.objects.create(certification=cert, skill=skill, level=3)
    return cert


def _hold(person, certification, **fields) -> PersonCertification:
    values = {
        "source": "transcript",
        "earned_at": EARNED,
        "expires_at": EXPIRES,
        "name": certification.name,
    }
    values.update(fields)
    return PersonCertification.objects.create(person=person, certification=certification, **values)


def _state(person, skill, at: dt.datetime, time_machine):
    time_machine.move_to(at, tick=False)
    return person_skill_states(person=person).get(skill.pk)


def test_a_trusted_certification_rates_its_skills_as_a_manager_until_it_expires(
    skill, certification, time_machine
) -> None:
    person = PersonFactory()
    SkillRatingFactory(
        person=person,
        skill=skill,
        source="manager",
        level=1,
        created_at=EARNED - dt.timedelta(days=30),
    )
    _hold(person, certification)

    during = _state(person, skill, EXPIRES - TICK, time_machine)
    assert (during.level, during.manager_level, during.manager_at) == (3, 3, EARNED)
    assert (during.certification, during.certification_until) == (certification.name, EXPIRES)
    # At the expiry instant it no longer counts: back to the latest real rating.
    lapsed = _state(person, skill, EXPIRES, time_machine)
    assert (lapsed.level, lapsed.certification, lapsed.certification_until) == (1, None, None)
    # Before it was earned it does not count either.
    before = _state(person, skill, EARNED - TICK, time_machine)
    assert (before.level, before.certification) == (1, None)


@pytest.mark.parametrize(
    ("counts", "source", "verified", "level"),
    [
        (True, "transcript", False, 3),  # verified by the provider's record
        (True, "badge", False, 3),  # any source but "manual" is verified upstream
        (True, "manual", True, 3),  # entered by hand, verified by a manager
        (True, "manual", False, None),  # entered by hand, not verified yet
        (False, "transcript", False, None),  # the curator keeps it as evidence only
    ],
)
def test_only_trusted_certifications_of_counting_entries_rate(
    skill, certification, time_machine, counts, source, verified, level
) -> None:
    certification.counts_as_rating = counts
    certification.save()
    person = PersonFactory()
    _hold(person, certification, source=source, verified_at=EARNED if verified else None)
    state = _state(person, skill, EARNED + dt.timedelta(days=1), time_machine)
    assert (state.level if state else None) == level


def test_without_an_earned_date_the_recorded_date_stands_in(
    skill, certification, time_machine
) -> None:
    person = PersonFactory()
    recorded = EARNED + dt.timedelta(days=3)
    _hold(person, certification, earned_at=None, recorded_at=recorded)
    assert _state(person, skill, recorded - TICK, time_machine) is None
    state = _state(person, skill, recorded, time_machine)
    assert (state.level, state.manager_at) == (3, recorded)


def test_a_real_manager_rating_at_the_same_instant_wins_the_tie(
    skill, certification, time_machine
) -> None:
    person = PersonFactory()
    _hold(person, certification)
    SkillRatingFactory(person=person, skill=skill, source="manager", level=2, created_at=EARNED)
    state = _state(person, skill, EARNED + dt.timedelta(days=1), time_machine)
    assert (state.level, state.certification) == (2, None)


def test_a_newer_certification_can_lower_the_level_and_a_newer_rating_overrides_it(
    skill, certification, time_machine
) -> None:
    person = PersonFactory()
    SkillRatingFactory(
        person=person,
        skill=skill,
        source="manager",
        level=4,
        created_at=EARNED - dt.timedelta(days=300),
    )
    _hold(person, certification)
    assert _state(person, skill, EARNED + dt.timedelta(days=1), time_machine).level == 3
    SkillRatingFactory(
        person=person,
        skill=skill,
        source="manager",
        level=4,
        created_at=EARNED + dt.timedelta(days=2),
    )
    assert _state(person, skill, EARNED + dt.timedelta(days=3), time_machine).level == 4


def test_a_newer_self_rating_waits_for_review_against_the_certification(
    skill, certification, time_machine
) -> None:
    requirement = RoleRequirementFactory(skill=skill, target_level=3)
    person = PersonFactory(role=requirement.role)
    _hold(person, certification)
    # Older self level: the certification is the newer, nothing to review.
    SkillRatingFactory(person=person, skill=skill, level=1, created_at=EARNED - TICK)
    state = _state(person, skill, EARNED + dt.timedelta(days=1), time_machine)
    assert (state.level, state.awaiting_review, state.calibration_flag) == (3, False, True)
    # A newer self level equal to the certification's asks nothing of the manager...
    SkillRatingFactory(
        person=person, skill=skill, level=3, created_at=EARNED + dt.timedelta(days=2)
    )
    assert not _state(person, skill, EARNED + dt.timedelta(days=3), time_machine).awaiting_review
    # ...a different one goes to the review queue, as against a manager rating.
    SkillRatingFactory(
        person=person, skill=skill, level=4, created_at=EARNED + dt.timedelta(days=4)
    )
    time_machine.move_to(EARNED + dt.timedelta(days=5), tick=False)
    state = person_skill_states(person=person)[skill.pk]
    assert (state.level, state.awaiting_review, state.manager_level) == (4, True, 3)
    queue = pending_reviews(team=person.team)
    assert [(p.pk, s.pk, st.manager_level) for p, s, st in queue] == [(person.pk, skill.pk, 3)]


def test_a_certification_does_not_restart_the_reassessment_cadence(
    skill, certification, time_machine
) -> None:
    requirement = RoleRequirementFactory(skill=skill, target_level=3)
    person = PersonFactory(role=requirement.role)
    SkillRatingFactory(
        person=person, skill=skill, level=2, created_at=EARNED - dt.timedelta(days=200)
    )
    _hold(person, certification)
    time_machine.move_to(EARNED + dt.timedelta(days=1), tick=False)
    due = person_reassessment(person=person)
    assert due.is_due
    assert due.last_assessed_at == EARNED - dt.timedelta(days=200)


def test_training_effectiveness_reads_certifications_on_the_managers_timeline(
    link, skill, certification, time_machine
) -> None:
    resource = link.resource
    start = EARNED - dt.timedelta(days=20)
    person, expired, tied = PersonFactory(), PersonFactory(), PersonFactory()
    for who in (person, expired, tied):
        SkillRatingFactory(
            person=who,
            skill=skill,
            source="manager",
            level=1,
            created_at=start - dt.timedelta(days=5),
        )
        LearningPlanItemFactory(
            person=who,
            resource=resource,
            status="completed",
            started_at=start,
            completed_at=start + dt.timedelta(days=10),
        )
    # Earned after completing it: the first "rating" after, 1 → 3.
    _hold(person, certification)
    # The other held it already when starting, but it had lapsed by then: before = 1; then a
    # manager rating of 2 after completion: 1 → 2.
    _hold(
        expired,
        certification,
        earned_at=start - dt.timedelta(days=400),
        expires_at=start - dt.timedelta(days=35),
    )
    SkillRatingFactory(
        person=expired,
        skill=skill,
        source="manager",
        level=2,
        created_at=start + dt.timedelta(days=12),
    )
    # The third earned it at the instant their manager rated 2: the real rating wins, 1 → 2.
    _hold(tied, certification)
    SkillRatingFactory(person=tied, skill=skill, source="manager", level=2, created_at=EARNED)
    time_machine.move_to(EARNED + dt.timedelta(days=1), tick=False)
    result = resources_effectiveness(resource_ids=[resource.pk])[resource.pk]
    assert (result.people, result.mean_gain) == (3, round(4 / 3, 2))
