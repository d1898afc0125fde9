"""``readiness_cube``: the rules' figures aggregated in one statement must equal the rules
applied one by one (``group_readiness``, ``skill_states``, ``people_reassessment``)."""

import datetime as dt
from collections import defaultdict

import pytest
import time_machine

from assessments.models import AssessmentSubmission, SkillRating
from assessments.selectors import (
    group_readiness,
    people_reassessment,
    readiness_cube,
    skill_readiness,
    skill_states,
)
from readiness.models import Person, Skill
from tests.factories import (
    AssessmentCycleFactory,
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
)
from tests.orgs import clear_framework
from tests.orgs.leadership import EXPECTED, NOW, PARIS, RECENT, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    with time_machine.travel(NOW, tick=False):
        yield


def naive_pairs(people) -> dict:  # noqa: ANN001
    """Per (role, skill): required and at target, walking the states one by one."""
    roles = dict(people.values_list("pk", "role_id"))
    result: dict = defaultdict(lambda: [0, 0, 0, 0])
    for state in skill_states(people=people):
        if state.required:
            cell = result[(roles[state.person_id], state.skill_id)]
            cell[0] += 1
            cell[1] += int(state.at_target)
            cell[2] += int(state.not_assessed)
            cell[3] += state.gap
    return {key: tuple(value) for key, value in result.items()}


def naive_calibration(people) -> dict:  # noqa: ANN001
    teams = dict(people.values_list("pk", "team_id"))
    compared: dict = defaultdict(lambda: [set(), 0, 0])
    for state in skill_states(people=people):
        if state.self_level is not None and state.manager_level is not None:
            cell = compared[teams[state.person_id]]
            cell[0].add(state.person_id)
            cell[1] += 1
            cell[2] += int(state.calibration_flag)
    return {team: (len(ids), n, flagged) for team, (ids, n, flagged) in compared.items()}


def naive_within(people, today: dt.date) -> dict:  # noqa: ANN001
    """People assessed within cadence per team, from ``people_reassessment`` itself, among the
    people with a required skill (the ones readiness counts)."""
    required = {s.person_id for s in skill_states(people=people) if s.required}
    teams = dict(people.values_list("pk", "team_id"))
    result: dict = defaultdict(int)
    for person_id, status in people_reassessment(people=people, today=today).items():
        if person_id in required and status.within_cadence(today):
            result[teams[person_id]] += 1
    return dict(result)


def test_cube_matches_the_rules_on_the_hand_built_organization(leadership_org):
    org = leadership_org
    people = Person.objects.filter(is_active=True)
    cube = readiness_cube(people=people, today=TODAY)

    by_team = cube.readiness_by(lambda team, role: team)
    assert by_team == group_readiness(people=people, by="team")
    assert cube.readiness_by(lambda team, role: role) == group_readiness(people=people, by="role")
    assert cube.total == group_readiness(people=people, by="all")[0]
    per_skill = cube.skills_by(lambda role: "all")
    assert {skill: f for (_, skill), f in per_skill.items()} == skill_readiness(people=people)
    assert {
        k: (f.required, f.at_target, f.not_assessed, f.total_gap) for k, f in cube.pairs.items()
    } == naive_pairs(people)
    assert {
        team: (c.people, c.compared, c.flagged) for team, c in cube.calibration.items()
    } == naive_calibration(people)
    assert cube.within_cadence_by(lambda team, role: team) == {org.platform.pk: 3, org.sales.pk: 2}
    assert cube.within_cadence_by(lambda team, role: team) == naive_within(people, TODAY)

    expected = EXPECTED["all"]
    assert cube.total.people == expected["people"]
    assert round(100 * cube.total.at_target / cube.total.required) == expected["readiness"]
    assert round(100 * cube.total_within_cadence / cube.total.people) == expected["compliance"]
    calibration = cube.calibration[org.platform.pk]
    assert (calibration.people, calibration.compared, calibration.flagged, calibration.percent) == (
        5,
        5,
        1,
        20,
    )


def test_cube_covers_only_the_people_it_is_given(leadership_org):
    org = leadership_org
    people = Person.objects.filter(team=org.platform)
    cube = readiness_cube(people=people, today=TODAY)
    assert cube.total == group_readiness(people=people, by="all")[0]
    assert cube.total.people == 6
    assert cube.total_within_cadence == 3


def test_compliance_follows_cycles_submissions_and_skill_intervals():
    """Every way a person can fall out of (or stay in) cadence, checked against the rule."""
    team = TeamFactory()
    role = RoleFactory()
    short = SkillFactory(name="Short cadence", reassessment_interval_days=30)
    usual = SkillFactory(name="Usual cadence")
    RoleRequirementFactory(role=role, skill=short, target_level=1)
    RoleRequirementFactory(role=role, skill=usual, target_level=1)

    def person(name: str, short_at: dt.datetime | None, usual_at: dt.datetime | None) -> Person:
        p = PersonFactory(team=team, role=role, user__username=name)
        if short_at:
            SkillRatingFactory(person=p, skill=short, level=1, created_at=short_at)
        if usual_at:
            SkillRatingFactory(person=p, skill=usual, level=1, created_at=usual_at)
        return p

    days = dt.timedelta(days=1)
    fresh = person("fresh", RECENT, RECENT)
    stale_short = person("stale-short", NOW - 40 * days, RECENT)  # past its 30-day cadence
    edge_in = person("edge-in", NOW - 29 * days, RECENT)  # due tomorrow: still within
    edge_out = person("edge-out", dt.datetime(2026, 5, 2, 0, 30, tzinfo=PARIS), RECENT)  # due today
    # The first instant still within a 30-day cadence on 1 June: local midnight of 3 May.
    midnight = dt.datetime(2026, 5, 3, 0, 0, tzinfo=PARIS)
    edge_midnight = person("edge-midnight", midnight, RECENT)  # due 2 June: within
    edge_before = person(
        "edge-before", midnight - dt.timedelta(microseconds=1), RECENT
    )  # due today
    renewed = person("renewed", NOW - 40 * days, NOW - 100 * days)  # ... but submitted lately
    person("overdue", RECENT, RECENT)  # no submission for a cycle past due
    submitted = person("submitted", RECENT, RECENT)
    late_cycle = AssessmentCycleFactory(opens_on=TODAY - 60 * days, due_on=TODAY - 1 * days)
    late_cycle.teams.add(TeamFactory())  # past due, but over another team only
    past_due = AssessmentCycleFactory(opens_on=TODAY - 60 * days, due_on=TODAY)
    past_due.teams.add(team)
    for p in (fresh, stale_short, edge_in, edge_out, edge_midnight, edge_before, submitted):
        # An early submission: it restarts no cadence that a later rating has not.
        AssessmentSubmission.objects.create(
            person=p, cycle=past_due, kind="full", submitted_at=NOW - 45 * days
        )
    AssessmentSubmission.objects.create(
        person=renewed, cycle=past_due, kind="quick_review", submitted_at=NOW - 2 * days
    )
    not_yet_due = AssessmentCycleFactory(opens_on=TODAY - 1 * days, due_on=TODAY + 10 * days)
    not_yet_due.teams.add(team)  # pending for everyone, but not past due: no one out

    people = Person.objects.filter(team=team)
    status = people_reassessment(people=people, today=TODAY)
    within = {p.user.username for p in people if status[p.pk].within_cadence(TODAY)}
    assert within == {"fresh", "edge-in", "edge-midnight", "submitted", "renewed"}
    assert "overdue" not in within  # in scope of a cycle past due, no submission
    cube = readiness_cube(people=people, today=TODAY)
    assert cube.total_within_cadence == len(within) == naive_within(people, TODAY)[team.pk]


@pytest.mark.parametrize("size", [1, 3])
def test_cube_matches_the_rules_on_generated_teams(make_team_org, size):
    clear_framework()
    for _ in range(size):
        make_team_org(people=4, skills=3)
    people = Person.objects.all()
    cube = readiness_cube(people=people, today=TODAY)
    assert cube.readiness_by(lambda team, role: team) == group_readiness(people=people, by="team")
    assert {
        k: (f.required, f.at_target, f.not_assessed, f.total_gap) for k, f in cube.pairs.items()
    } == naive_pairs(people)
    assert {
        team: (c.people, c.compared, c.flagged) for team, c in cube.calibration.items()
    } == naive_calibration(people)
    within = cube.within_cadence_by(lambda team, role: team)
    assert within == naive_within(people, TODAY)
    assert sum(within.values()) == 4 * size  # rated ten days ago: everybody within cadence


def test_retired_skills_and_inactive_people_do_not_count(leadership_org):
    org = leadership_org
    Skill.objects.filter(pk=org.rag.pk).update(is_active=False)
    org.devs[0].is_active = False
    org.devs[0].save()
    people = Person.objects.filter(is_active=True)
    cube = readiness_cube(people=people, today=TODAY)
    assert cube.total == group_readiness(people=people, by="all")[0]
    assert all(skill != org.rag.pk for _, skill in cube.pairs)
    assert SkillRating.objects.filter(skill=org.rag).exists()
