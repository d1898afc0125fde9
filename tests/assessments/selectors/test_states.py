"""The rules of DESIGN.md pinned edge by edge: target, effective level, gap, readiness, due."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from assessments.models import AssessmentSubmission
from assessments.selectors import (
    SkillState,
    group_readiness,
    people_readiness,
    people_reassessment,
    person_readiness,
    person_reassessment,
    person_skill_states,
    skill_readiness,
    skill_states,
    skill_states_iter,
    team_rollup,
)
from assessments.selectors.states import GridState
from assessments.selectors.team_map_reads import grid_states
from readiness.models import Person, Team
from tests.factories import (
    AssessmentCycleFactory,
    AudienceFactory,
    AudienceRequirementFactory,
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def everyone():
    from readiness.models import Audience

    existing = Audience.objects.filter(is_everyone=True).first()
    return existing or AudienceFactory(name="Everyone", slug="everyone", is_everyone=True)


@pytest.fixture
def clean_framework(django_db_setup):
    """The seeded framework must not leak targets into hand-built cases."""
    from readiness.models import AudienceRequirement, RoleRequirement

    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()


def rate(person, skill, level, source="self", at=NOW, **extra):
    return SkillRatingFactory(
        person=person, skill=skill, level=level, source=source, created_at=at, **extra
    )


# --- Target level ----------------------------------------------------------------------------


def test_target_is_highest_of_role_audience_and_everyone(clean_framework, everyone):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    AudienceRequirementFactory(audience=person.role.audience, skill=skill, target_level=3)
    AudienceRequirementFactory(audience=everyone, skill=skill, target_level=1)

    assert person_skill_states(person=person)[skill.pk].target == 3


def test_everyone_requirement_applies_to_a_person_without_role(clean_framework, everyone):
    skill = SkillFactory()
    person = PersonFactory(role=None)
    AudienceRequirementFactory(audience=everyone, skill=skill, target_level=1)

    state = person_skill_states(person=person)[skill.pk]
    assert state.target == 1
    assert state.not_assessed and state.gap == 1


def test_role_requirement_alone_sets_the_target(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=4)
    other_role_person = PersonFactory()

    assert person_skill_states(person=person)[skill.pk].target == 4
    assert skill.pk not in person_skill_states(person=other_role_person)


def test_skill_without_requirement_is_optional_and_never_a_gap(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    rate(person, skill, 0)

    state = person_skill_states(person=person)[skill.pk]
    assert state.target is None and not state.required
    assert state.gap == 0 and not state.not_assessed and not state.at_target
    assert person_readiness(person=person).required == 0


def test_inactive_skill_is_neither_required_nor_shown(clean_framework):
    skill = SkillFactory(is_active=False)
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    rate(person, skill, 1)

    assert person_skill_states(person=person) == {}


# --- Effective level, gap, flags --------------------------------------------------------------


def test_most_recent_rating_wins(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=3)
    rate(person, skill, 1, "manager", at=NOW - dt.timedelta(days=10))
    rate(person, skill, 3, "self", at=NOW)

    state = person_skill_states(person=person)[skill.pk]
    assert state.level == 3 and state.gap == 0 and state.at_target
    assert state.self_level == 3 and state.manager_level == 1
    assert state.awaiting_review  # self newer than the last manager rating
    assert state.calibration_flag  # 3 vs 1


def test_manager_rating_wins_a_tie(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=3)
    rate(person, skill, 3, "self", at=NOW)
    rate(person, skill, 2, "manager", at=NOW)

    state = person_skill_states(person=person)[skill.pk]
    assert state.level == 2 and state.gap == 1
    assert not state.awaiting_review
    assert not state.calibration_flag  # a difference of 1 is no calibration issue


def test_newer_manager_rating_overrides_self(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    rate(person, skill, 4, "self", at=NOW - dt.timedelta(days=1))
    rate(person, skill, 1, "manager", at=NOW)

    state = person_skill_states(person=person)[skill.pk]
    assert state.level == 1 and state.gap == 1
    assert state.calibration_flag and not state.awaiting_review


def test_latest_of_several_self_ratings_counts(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    rate(person, skill, 0, at=NOW - dt.timedelta(days=30))
    rate(person, skill, 2, at=NOW - dt.timedelta(days=20))
    rate(person, skill, 1, at=NOW - dt.timedelta(days=10))

    state = person_skill_states(person=person)[skill.pk]
    assert state.level == 1 and state.gap == 1


def test_self_rating_with_no_manager_rating_awaits_review(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    rate(person, skill, 1)

    state = person_skill_states(person=person)[skill.pk]
    assert state.awaiting_review and state.manager_level is None and not state.calibration_flag


def test_not_assessed_required_skill_counts_as_full_gap(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=3)

    state = person_skill_states(person=person)[skill.pk]
    assert state.level is None and state.not_assessed and state.gap == 3
    assert not state.awaiting_review


def test_level_above_target_is_no_gap(clean_framework):
    skill = SkillFactory()
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    rate(person, skill, 4, "manager")

    state = person_skill_states(person=person)[skill.pk]
    assert state.gap == 0 and state.at_target


# --- Readiness --------------------------------------------------------------------------------


def test_person_readiness_is_share_of_required_skills_at_target(clean_framework):
    person = PersonFactory()
    skills = SkillFactory.create_batch(4)
    for skill in skills:
        RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    rate(person, skills[0], 2)
    rate(person, skills[1], 3)
    rate(person, skills[2], 1)
    # skills[3] not assessed

    readiness = person_readiness(person=person)
    assert (readiness.required, readiness.at_target, readiness.not_assessed) == (4, 2, 1)
    assert readiness.percent == 50 and readiness.total_gap == 1 + 2
    assert readiness.people_ready == 0


def test_team_and_audience_readiness(clean_framework):
    team = TeamFactory()
    role = RoleFactory()
    skill_a, skill_b = SkillFactory(), SkillFactory()
    RoleRequirementFactory(role=role, skill=skill_a, target_level=1)
    RoleRequirementFactory(role=role, skill=skill_b, target_level=1)
    ready = PersonFactory(team=team, role=role)
    half = PersonFactory(team=team, role=role)
    no_requirement = PersonFactory(team=team, role=None)
    rate(ready, skill_a, 1)
    rate(ready, skill_b, 2)
    rate(half, skill_a, 1)

    people = Person.objects.filter(team=team)
    by_team = group_readiness(people=people, by="team")[team.pk]
    assert by_team.people == 2  # the person with nothing required is not counted
    assert by_team.people_ready == 1
    assert (by_team.required, by_team.at_target) == (4, 3)
    assert by_team.share == 0.75 and by_team.people_ready_share == 0.5

    by_audience = group_readiness(people=people, by="audience")
    assert by_audience == {role.audience_id: by_team}
    assert people_readiness(people=people).keys() == {ready.pk, half.pk}
    assert no_requirement.pk not in people_readiness(people=people)

    per_skill = skill_readiness(people=people)
    assert per_skill[skill_a.pk].at_target == 2 and per_skill[skill_b.pk].at_target == 1


def test_team_rollup_sums_sub_trees(clean_framework):
    department = TeamFactory(name="Dept")
    child = TeamFactory(name="Child", parent=department)
    grandchild = TeamFactory(name="Grandchild", parent=child)
    role = RoleFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=role, skill=skill, target_level=1)
    for team in (department, child, grandchild):
        rate(PersonFactory(team=team, role=role), skill, 1)
    PersonFactory(team=grandchild, role=role)

    teams = Team.objects.filter(path__startswith=department.path)
    per_team = group_readiness(people=Person.objects.all(), by="team")
    rolled = team_rollup(teams=teams, per_team=per_team)
    assert rolled[department.pk].people == 4 and rolled[department.pk].at_target == 3
    assert rolled[child.pk].people == 3
    assert rolled[grandchild.pk].people == 2 and rolled[grandchild.pk].at_target == 1


def test_moving_a_team_moves_its_subtree():
    a, b = TeamFactory(name="A"), TeamFactory(name="B")
    child = TeamFactory(name="C", parent=a)
    leaf = TeamFactory(name="L", parent=child)
    child.parent = b
    child.save()
    leaf.refresh_from_db()
    assert leaf.path == f"/{b.pk}/{child.pk}/{leaf.pk}/" and leaf.depth == 2


# --- Due for reassessment ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_due_after_default_cadence(clean_framework, settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    rate(person, skill, 1, at=NOW - dt.timedelta(days=89))
    status = person_reassessment(person=person)
    assert not status.is_due
    assert status.due_on == timezone.localdate(NOW - dt.timedelta(days=89)) + dt.timedelta(90)

    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert person_reassessment(person=person).is_due


@time_machine.travel(NOW, tick=False)
def test_skill_interval_overrides_cadence(clean_framework, settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    person = PersonFactory()
    slow, fast = SkillFactory(), SkillFactory(reassessment_interval_days=30)
    RoleRequirementFactory(role=person.role, skill=slow, target_level=1)
    RoleRequirementFactory(role=person.role, skill=fast, target_level=1)
    rate(person, slow, 1, at=NOW - dt.timedelta(days=40))
    rate(person, fast, 1, at=NOW - dt.timedelta(days=40))

    status = person_reassessment(person=person)
    assert status.is_due and status.reason == "cadence"
    assert status.due_on == timezone.localdate(NOW - dt.timedelta(days=40)) + dt.timedelta(30)


@time_machine.travel(NOW, tick=False)
def test_required_skill_never_assessed_is_due_now(clean_framework):
    person = PersonFactory()
    RoleRequirementFactory(role=person.role, skill=SkillFactory(), target_level=1)
    status = person_reassessment(person=person)
    assert (
        status.is_due
        and status.due_on == timezone.localdate()
        and status.reason == "never assessed"
    )


@time_machine.travel(NOW, tick=False)
def test_submission_restarts_cadence_even_without_new_ratings(clean_framework, settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    rate(person, skill, 1, at=NOW - dt.timedelta(days=120))
    assert person_reassessment(person=person).is_due

    AssessmentSubmission.objects.create(person=person, kind="quick_review", submitted_at=NOW)
    status = person_reassessment(person=person)
    assert not status.is_due and status.due_on == timezone.localdate() + dt.timedelta(90)


@time_machine.travel(NOW, tick=False)
def test_open_cycle_in_scope_without_submission_makes_due(clean_framework):
    department = TeamFactory()
    sub_team = TeamFactory(parent=department)
    person = PersonFactory(team=sub_team)
    outsider = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    rate(person, skill, 1, at=NOW - dt.timedelta(days=1))
    cycle = AssessmentCycleFactory(
        opens_on=NOW.date() - dt.timedelta(days=1), due_on=NOW.date() + dt.timedelta(days=14)
    )
    cycle.teams.add(department)

    statuses = people_reassessment(people=Person.objects.all())
    assert statuses[person.pk].is_due and statuses[person.pk].cycle_id == cycle.pk
    assert statuses[person.pk].due_on == cycle.due_on
    assert outsider.pk not in statuses or not statuses[outsider.pk].is_due

    AssessmentSubmission.objects.create(person=person, cycle=cycle, kind="full")
    assert not person_reassessment(person=person).is_due

    cycle.include_subteams = False
    cycle.save()
    other = PersonFactory(team=sub_team)
    assert other.pk not in people_reassessment(people=Person.objects.filter(pk=other.pk))


@time_machine.travel(NOW, tick=False)
def test_cycle_scoped_by_everyone_audience_covers_all(clean_framework, everyone):
    people = PersonFactory.create_batch(3)
    cycle = AssessmentCycleFactory(opens_on=NOW.date(), due_on=NOW.date())
    cycle.audiences.add(everyone)
    statuses = people_reassessment(people=Person.objects.all())
    assert all(statuses[p.pk].is_due for p in people)


def test_person_with_nothing_required_is_never_due(clean_framework):
    person = PersonFactory(role=None)
    assert not person_reassessment(person=person).is_due


# --- Set-based: one query however many people -------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_states_and_aggregates_cost_one_query_each(
    clean_framework, size, django_assert_num_queries
):
    team = TeamFactory()
    role = RoleFactory()
    skills = SkillFactory.create_batch(4)
    for skill in skills:
        RoleRequirementFactory(role=role, skill=skill, target_level=2)
    for person in PersonFactory.create_batch(size, team=team, role=role):
        rate(person, skills[0], 2)
        rate(person, skills[1], 1, "manager")
    people = Person.objects.filter(team=team)

    # One statement each: the states CTE (targets, latest ratings, gaps) and its aggregates.
    with django_assert_num_queries(1):
        assert len(skill_states(people=people)) == size * 4
    with django_assert_num_queries(1):  # streamed in chunks, still one statement
        assert sum(1 for _ in skill_states_iter(people=people, chunk_size=5)) == size * 4
    with django_assert_num_queries(1):
        assert len(people_readiness(people=people)) == size
    with django_assert_num_queries(1):
        group_readiness(people=people, by="team")
    # The cadence statement plus one for open cycles (none here).
    with django_assert_num_queries(2):
        people_reassessment(people=people)


# --- What the states carry, read back exactly ------------------------------------------------


def test_timestamps_from_raw_sql_come_back_aware_and_exact():
    from assessments.selectors.states import _as_datetime

    aware = dt.datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    assert _as_datetime(None) is None
    assert _as_datetime(aware) is aware
    # SQLite: naive text, in UTC.
    assert _as_datetime("2026-06-01 09:30:15.123456") == aware
    assert _as_datetime("2026-06-01 09:30:15.123456").utcoffset() == dt.timedelta(0)
    # PostgreSQL: text with its offset, kept.
    paris = _as_datetime("2026-06-01 11:30:15.123456+02:00")
    assert paris == aware and paris.utcoffset() == dt.timedelta(hours=2)
    assert _as_datetime("not a date") is None


def test_required_and_assessed_say_what_the_state_holds(clean_framework):
    role = RoleFactory()
    required, optional = SkillFactory(), SkillFactory()
    RoleRequirementFactory(role=role, skill=required, target_level=2)
    person = PersonFactory(role=role)
    rate(person, optional, 1)
    states = person_skill_states(person=person)
    assert (states[required.pk].required, states[required.pk].assessed) == (True, False)
    assert (states[optional.pk].required, states[optional.pk].assessed) == (False, True)


# --- Prepared on PostgreSQL --------------------------------------------------------------------


def _in_seconds(states: dict) -> dict:
    """``states`` (by skill) as the grids' read gives them: the moments in ``timestamp()``'s
    Unix seconds."""
    return {
        skill_id: state._replace(
            self_at=state.self_at and state.self_at.timestamp(),
            manager_at=state.manager_at and state.manager_at.timestamp(),
            certification_until=state.certification_until and state.certification_until.timestamp(),
        )
        for skill_id, state in states.items()
    }


def test_the_states_statement_prepared_reads_what_it_reads_unprepared(
    clean_framework, require_postgres, monkeypatch
):
    """A person's states, read at every visit of their pages, are prepared on the connection
    (``readiness.sql.prepared_cursor``): the prepared statement, planned generically after a few
    runs, reads the very states the unprepared one reads, person after person (each one's
    role, ratings and certification bound as values, "now" too)."""
    from django.db import connection

    from assessments.learning_records.models import PersonCertification
    from catalog.certifications.models import Certification, CertificationSkill
    from tests.factories import ProviderFactory

    role = RoleFactory()
    skills = SkillFactory.create_batch(3)
    RoleRequirementFactory(role=role, skill=skills[0], target_level=3)
    RoleRequirementFactory(role=role, skill=skills[1], target_level=2)
    certification = Certification.objects.create(
        name="Certified", provider=ProviderFactory(), counts_as_rating=True
    )
    CertificationSkill.objects.create(certification=certification, skill=skills[1], level=3)
    people = [PersonFactory(role=role), PersonFactory(role=role), PersonFactory(role=None)]
    rate(people[0], skills[0], 2)
    rate(people[0], skills[0], 1, "manager", at=NOW - dt.timedelta(days=1, microseconds=123457))
    rate(people[1], skills[2], 4)
    rate(people[2], skills[1], 1, "manager")
    PersonCertification.objects.create(
        person=people[1],
        certification=certification,
        source="transcript",
        earned_at=NOW,
        expires_at=timezone.now() + dt.timedelta(days=400, microseconds=654321),
    )

    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    unprepared = {person.pk: person_skill_states(person=person) for person in people}
    assert unprepared[people[1].pk][skills[1].pk].certification == "Certified"
    assert unprepared[people[1].pk][skills[1].pk].certification_until is not None
    with connection.cursor() as cursor:
        # A session sending doubles in 15 digits (a role's or a pooler's setting), preparing
        # off: the grids' moments still arrive whole (binary), microseconds and all.
        cursor.execute("SET extra_float_digits = 0")
    try:
        for person in people:
            grid = {state.skill_id: state for state in grid_states(people=[person.pk])}
            assert grid == _in_seconds(unprepared[person.pk])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET extra_float_digits")

    monkeypatch.setattr(connection.connection, "prepare_threshold", 0)
    for _ in range(4):  # past PostgreSQL's five custom plans: its generic plan too
        for person in people:
            states = person_skill_states(person=person)
            assert states == unprepared[person.pk]
            # Made states by psycopg as it reads them (the row factory), not tuples.
            assert {type(state) for state in states.values()} == {SkillState}
            # The grids' read: the same, the moments in Unix seconds (``timestamp()``'s).
            grid = {state.skill_id: state for state in grid_states(people=[person.pk])}
            assert {type(state) for state in grid.values()} == {GridState}
            assert grid == _in_seconds(states)
    with connection.cursor() as cursor:
        # One prepared statement for every person's states, one for their grids' read.
        cursor.execute(
            "SELECT statement LIKE '%%date_part%%', COUNT(*) FROM pg_prepared_statements"
            " WHERE statement LIKE '%%WITH people(id)%%' GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [(False, 1), (True, 1)]
