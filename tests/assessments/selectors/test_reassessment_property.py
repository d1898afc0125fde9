"""Property: ``people_reassessment`` (its own light statement: targets, last self rating, last
submission) equals the due rule read literally off the full states of ``skill_states`` (the
``STATES_SQL`` machinery), person by person, on random organizations; and so does the
overview's (``/me/``, the person page: ``reassessment_of_states`` over the states it read, the
pending cycle of ``scope.pending_cycles``, which equals ``open_cycles_by_person``'s). Its
statement reads the last self ratings from the kept table (``REQUIRED_SELF_KEPT``): its rows
equal those of the same statement over the ratings themselves (``REQUIRED_SELF_RANKED``)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import AssessmentCycle, AssessmentSubmission, SkillRating
from assessments.selectors import (
    Reassessment,
    open_cycles_by_person,
    people_reassessment,
    skill_states,
)
from assessments.selectors.me_readiness import person_readiness_overview
from assessments.selectors.reassessment import REQUIRED_SELF_RANKED, cadence_groups
from assessments.services.me import self_assessment_confirm
from readiness.models import (
    Audience,
    AudienceRequirement,
    Person,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
# Ratings and submissions fall from ~200 days before TODAY to TODAY, on any hour: around local
# midnight the UTC and local dates differ, which the rule must count in local days.
BASE = dt.datetime(2025, 11, 27, tzinfo=dt.UTC)
moments = st.integers(min_value=0, max_value=200 * 24)  # hours after BASE
targets = st.none() | st.integers(min_value=1, max_value=4)

organization = st.fixed_dictionaries(
    {
        # per skill: active, its own cadence (None: the default one)
        "skills": st.lists(
            st.tuples(st.booleans(), st.none() | st.sampled_from([30, 60])),
            min_size=1,
            max_size=4,
        ),
        "roles": st.lists(st.lists(targets, min_size=4, max_size=4), min_size=1, max_size=3),
        "audience_targets": st.lists(targets, min_size=4, max_size=4),
        "everyone_targets": st.lists(targets, min_size=4, max_size=4),
        # per person: role index or None, team index, active
        "people": st.lists(
            st.tuples(st.none() | st.integers(0, 2), st.integers(0, 1), st.booleans()),
            min_size=1,
            max_size=6,
        ),
        # ratings: person slot, skill slot, source, hours after BASE (ties happen)
        "ratings": st.lists(
            st.tuples(
                st.integers(0, 5), st.integers(0, 3), st.sampled_from(["self", "manager"]), moments
            ),
            max_size=20,
        ),
        # submissions: person slot, hours after BASE, for the cycle (if there is one), made by
        # "Nothing changed — confirm my ratings" (the service) or as a saved form's record
        "submissions": st.lists(
            st.tuples(st.integers(0, 5), moments, st.booleans(), st.booleans()), max_size=6
        ),
        # an open cycle: None, or (team index or None, days from TODAY to due, its audience:
        # none, the roles' or Everyone, whether it includes sub-teams); neither team nor
        # audience: everybody
        "cycle": st.none()
        | st.tuples(
            st.none() | st.integers(0, 1),
            st.integers(-10, 20),
            st.sampled_from(["", "role", "everyone"]),
            st.booleans(),
        ),
    }
)


def reference(scope, people, skills, submissions, today) -> dict[int, Reassessment]:
    """The rule read literally: per person, each required skill (``skill_states``) was last
    assessed at the later of its last self rating and the person's last submission; grouped by
    cadence, the earliest of a group plus the cadence is a due date, the earliest of those is
    the person's; a required skill never assessed makes them due today; an open cycle in scope
    without their submission makes them due by the cycle's date (if earlier)."""
    default = django_settings.REASSESSMENT_INTERVAL_DAYS
    interval = {s.pk: s.reassessment_interval_days or default for s in skills}
    last_submission: dict[int, dt.datetime] = {}
    for sub in submissions:
        previous = last_submission.get(sub.person_id)
        last_submission[sub.person_id] = max(sub.submitted_at, previous or sub.submitted_at)
    required = defaultdict(list)
    for state in skill_states(people=scope):
        if state.required:
            required[state.person_id].append(state)
    cycles = open_cycles_by_person(people=scope, today=today)
    result = {}
    for person in people:
        groups: dict[int, list[dt.datetime | None]] = defaultdict(list)
        for state in required[person.pk]:
            seen = [at for at in (state.self_at, last_submission.get(person.pk)) if at]
            groups[interval[state.skill_id]].append(max(seen) if seen else None)
        never = any(at is None for group in groups.values() for at in group)
        firsts = {
            days: min(at for at in group if at)
            for days, group in groups.items()
            if any(at for at in group)
        }
        due_dates = [
            timezone.localdate(at) + dt.timedelta(days=days) for days, at in firsts.items()
        ]
        due_on = today if never else min(due_dates, default=None)
        cycle = cycles.get(person.pk)
        if cycle is not None:
            due_on = min(due_on, cycle.due_on) if due_on else cycle.due_on
        if not groups and cycle is None:
            continue
        result[person.pk] = Reassessment(
            person_id=person.pk,
            due_on=due_on,
            is_due=cycle is not None or (due_on is not None and due_on <= today),
            last_assessed_at=max(firsts.values(), default=None),
            cycle_id=cycle.pk if cycle else None,
        )
    return result


# max_examples comes from the profile (tests/conftest.py: "ci" 60, derandomized; "nightly" 600).
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(org=organization)
def test_people_reassessment_equals_the_rule_on_full_states(org, time_machine):
    with transaction.atomic():
        AudienceRequirement.objects.all().delete()
        RoleRequirement.objects.all().delete()
        AssessmentCycle.objects.all().delete()
        category = SkillCategory.objects.create(name="R", slug="r-cat")
        skills = [
            Skill.objects.create(
                name=f"R{i}",
                slug=f"r-{i}",
                category=category,
                is_active=active,
                reassessment_interval_days=days,
            )
            for i, (active, days) in enumerate(org["skills"])
        ]
        everyone = Audience.objects.filter(is_everyone=True).first() or Audience.objects.create(
            name="Everyone", slug="everyone", is_everyone=True
        )
        audience = Audience.objects.create(name="RA", slug="ra")
        roles = [
            Role.objects.create(name=f"RR{i}", slug=f"rr-{i}", audience=audience)
            for i in range(len(org["roles"]))
        ]
        for role, per_skill in zip(roles, org["roles"], strict=True):
            for skill, target in zip(skills, per_skill, strict=False):
                if target is not None:
                    RoleRequirement.objects.create(role=role, skill=skill, target_level=target)
        for owner, per_skill in (
            (audience, org["audience_targets"]),
            (everyone, org["everyone_targets"]),
        ):
            for skill, target in zip(skills, per_skill, strict=False):
                if target is not None:
                    AudienceRequirement.objects.create(
                        audience=owner, skill=skill, target_level=target
                    )
        department = Team.objects.create(name="RT0")
        teams = [department, Team.objects.create(name="RT1", parent=department)]
        people = []
        for i, (role_index, team_index, active) in enumerate(org["people"]):
            role = roles[role_index % len(roles)] if role_index is not None else None
            people.append(
                Person.objects.create(
                    user=UserFactory(username=f"reassess-{i}"),
                    role=role,
                    team=teams[team_index],
                    is_active=active,
                )
            )
        cycle = None
        if org["cycle"] is not None:
            team_index, due_in, cycle_audience, subteams = org["cycle"]
            cycle = AssessmentCycle.objects.create(
                name="R cycle",
                status="open",
                opens_on=TODAY - dt.timedelta(days=30),
                due_on=TODAY + dt.timedelta(days=due_in),
                include_subteams=subteams,
            )
            if team_index is not None:
                cycle.teams.add(teams[team_index])
            if cycle_audience:
                cycle.audiences.add(audience if cycle_audience == "role" else everyone)
        for person_slot, skill_slot, source, hours in org["ratings"]:
            if person_slot < len(people) and skill_slot < len(skills):
                SkillRating.objects.create(
                    person=people[person_slot],
                    skill=skills[skill_slot],
                    level=2,
                    source=source,
                    created_at=BASE + dt.timedelta(hours=hours),
                )
        ratings_before = SkillRating.objects.count()
        submissions = []
        for person_slot, hours, for_cycle, confirmed in org["submissions"]:
            if person_slot >= len(people):
                continue
            at = BASE + dt.timedelta(hours=hours)
            if confirmed:
                # A confirmation is a submission and never a rating.
                time_machine.move_to(at, tick=False)
                submissions.append(
                    self_assessment_confirm(
                        person=people[person_slot],
                        user=people[person_slot].user,
                        cycle=cycle if for_cycle else None,
                    )
                )
            else:
                submissions.append(
                    AssessmentSubmission.objects.create(
                        person=people[person_slot],
                        kind="full",
                        cycle=cycle if for_cycle else None,
                        submitted_at=at,
                    )
                )
        assert SkillRating.objects.count() == ratings_before

        scope = Person.objects.filter(pk__in=[p.pk for p in people])
        expected = reference(scope, people, skills, submissions, TODAY)
        assert people_reassessment(people=scope, today=TODAY) == expected
        # The kept latest ratings give the statement the rows the ratings themselves give
        # (each person's groups in no particular order: one per cadence, sorted by it).
        kept, ranked = (
            {pk: sorted(rows) for pk, rows in cadence_groups(people=scope, **source).items()}
            for source in ({}, {"required_self": REQUIRED_SELF_RANKED})
        )
        assert kept == ranked
        # /me/ and the person page: the same rule from the states they read, their pending
        # cycle in one statement (``scope.pending_cycles``) and the last submission.
        cycles = open_cycles_by_person(people=scope, today=TODAY)
        for person in people:
            overview = person_readiness_overview(person=person, today=TODAY)
            nothing = Reassessment(person.pk, None, False, None)
            assert overview.reassessment == expected.get(person.pk, nothing)
            assert overview.reassessment.cycle == cycles.get(person.pk)
        transaction.set_rollback(True)
