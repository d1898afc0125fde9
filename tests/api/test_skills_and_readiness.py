"""Effective levels, gaps and readiness per person, team and audience: exactly what the rule
functions compute, to exactly the people the UI shows them to."""

import pytest
from django.test import override_settings

from assessments.selectors import group_readiness, person_readiness, person_skill_states
from readiness.models import Person
from tests.api.conftest import field_errors
from tests.factories import PersonFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db


def rate(person, skill, level, source="self"):
    return SkillRatingFactory(person=person, skill=skill, level=level, source=source)


# --- A person's skills (effective levels and gaps) --------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "manager", "admin"])
def test_who_may_read_a_persons_skills(api, org, persona):
    rate(org.employee, org.skill_a, 1)
    response = api(persona).get(f"/api/v1/people/{org.employee.pk}/skills/")
    assert response.status_code == 200
    states = person_skill_states(person=org.employee)
    rows = response.json()["results"]
    assert {row["skill"]["id"] for row in rows} == set(states)
    for row in rows:
        state = states[row["skill"]["id"]]
        assert (row["target"], row["level"], row["gap"], row["not_assessed"]) == (
            state.target,
            state.level,
            state.gap,
            state.not_assessed,
        )


@pytest.mark.parametrize("persona", ["colleague", "outsider", "other_manager", "curator", "lead"])
def test_who_may_not_read_a_persons_skills(api, org, persona):
    for suffix in ("skills", "readiness"):
        assert api(persona).get(f"/api/v1/people/{org.employee.pk}/{suffix}/").status_code == 404


def test_leadership_reads_people_one_by_one_only_in_the_teams_they_manage(api, org):
    org.platform.managers.add(org.lead)
    for suffix in ("skills", "readiness"):
        assert api("lead").get(f"/api/v1/people/{org.employee.pk}/{suffix}/").status_code == 200
    listed = {row["username"] for row in api("lead").get("/api/v1/people/").json()["results"]}
    assert "employee" in listed and "outsider" not in listed


def test_anonymous_may_not_read_a_persons_skills(api, org):
    assert api(None).get(f"/api/v1/people/{org.employee.pk}/skills/").status_code == 401


def test_my_gaps(api, org):
    rate(org.employee, org.skill_a, 2)  # at target
    rate(org.employee, org.skill_b, 1)  # gap 2
    rate(org.employee, org.skill_b, 3, source="manager")  # manager wins: at target
    rate(org.employee, org.skill_c, 0)  # gap 1
    rows = api("employee").get("/api/v1/me/skills/?gaps_only=true").json()["results"]
    assert [(r["skill"]["slug"], r["gap"]) for r in rows] == [("api-skill-c", 1)]
    every = api("employee").get("/api/v1/me/skills/?ordering=-gap").json()["results"]
    assert every[0]["skill"]["slug"] == "api-skill-c"
    b = next(r for r in every if r["skill"]["slug"] == "api-skill-b")
    assert (b["level"], b["self_level"], b["manager_level"], b["calibration_flag"]) == (
        3,
        1,
        3,
        True,
    )


def test_skill_filters_are_validated(api, org):
    response = api("employee").get("/api/v1/me/skills/?ordering=nonsense")
    assert response.status_code == 400
    assert "ordering" in field_errors(response)


def test_me_without_a_person_record_is_404(api):
    assert api("curator").get("/api/v1/me/").status_code == 404


def test_my_readiness(api, org):
    rate(org.employee, org.skill_a, 2)
    body = api("employee").get("/api/v1/me/").json()
    figures = person_readiness(person=org.employee)
    assert body["readiness"]["required"] == figures.required == 3
    assert body["readiness"]["at_target"] == figures.at_target == 1
    assert body["readiness"]["percent"] == figures.percent
    assert body["reassessment"]["is_due"] is True
    assert body["assessment_version"] == 0


# --- Teams ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_who_may_read_a_team_map(api, org, persona):
    rate(org.colleague, org.skill_a, 4)
    response = api(persona).get(f"/api/v1/teams/{org.platform.pk}/skills/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["person"]["username"] for row in rows} == {"employee", "colleague"}
    colleague = next(row for row in rows if row["person"]["username"] == "colleague")
    assert {s["skill"]["slug"]: s["level"] for s in colleague["skills"]}["api-skill-a"] == 4
    assert colleague["readiness"]["at_target"] == person_readiness(person=org.colleague).at_target


@pytest.mark.parametrize("persona", ["employee", "outsider", "other_manager", "curator"])
def test_who_may_not_read_a_team_map(api, org, persona):
    for suffix in ("skills", "gaps", "readiness"):
        assert api(persona).get(f"/api/v1/teams/{org.platform.pk}/{suffix}/").status_code == 404


def test_leadership_reads_a_team_they_do_not_manage_as_figures_only(api, org):
    lead = api("lead")
    for suffix in ("skills", "gaps"):
        assert lead.get(f"/api/v1/teams/{org.platform.pk}/{suffix}/").status_code == 403
    assert lead.get(f"/api/v1/teams/{org.platform.pk}/readiness/").status_code == 200
    org.dept.managers.add(org.lead)  # the team above: now one of theirs
    for suffix in ("skills", "gaps"):
        assert lead.get(f"/api/v1/teams/{org.platform.pk}/{suffix}/").status_code == 200


@override_settings(TEAM_MAP_VISIBLE_TO_MEMBERS=True)
def test_members_read_their_own_team_map_when_the_setting_allows(api, org):
    assert api("employee").get(f"/api/v1/teams/{org.platform.pk}/skills/").status_code == 200
    assert api("employee").get(f"/api/v1/teams/{org.data.pk}/skills/").status_code == 404


def test_team_gaps_rank_skills_by_total_gap(api, org):
    rate(org.employee, org.skill_b, 3)
    rate(org.colleague, org.skill_b, 3)
    rows = api("manager").get(f"/api/v1/teams/{org.platform.pk}/gaps/").json()["results"]
    assert [r["skill"]["slug"] for r in rows] == ["api-skill-a", "api-skill-c", "api-skill-b"]
    assert rows[0]["total_gap"] == 4 and rows[0]["people_required"] == 2
    assert rows[-1]["at_target"] == 2 and rows[-1]["total_gap"] == 0


def test_team_readiness_for_its_manager_is_never_hidden(api, org):
    rate(org.employee, org.skill_a, 2)
    body = api("manager").get(f"/api/v1/teams/{org.platform.pk}/readiness/").json()
    expected = group_readiness(people=Person.objects.filter(team=org.platform), by="all")[0]
    assert body["readiness"]["people"] == expected.people == 2
    assert body["readiness"]["at_target"] == expected.at_target
    assert body["readiness"]["hidden_reason"] is None


def test_small_team_figures_are_hidden_from_leadership(api, org):
    body = api("lead").get(f"/api/v1/teams/{org.platform.pk}/readiness/").json()
    assert body["readiness"]["people"] is None
    assert "Fewer than 5 people" in body["readiness"]["hidden_reason"]


def test_teams_readiness_list_rolls_up_sub_teams(api, org):
    rows = api("lead").get("/api/v1/teams/readiness/").json()["results"]
    by_name = {row["team"]["name"]: row["readiness"] for row in rows}
    # Engineering: manager, other_manager, employee, colleague, outsider = 5 people: shown.
    assert by_name["Engineering"]["people"] == 5
    assert by_name["Platform"]["people"] is None  # 2 people, leadership view
    managed = api("manager").get("/api/v1/teams/readiness/").json()["results"]
    assert [(r["team"]["name"], r["readiness"]["people"]) for r in managed] == [("Platform", 2)]


# --- Audiences --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "manager", "curator"])
def test_audience_readiness_is_for_leadership(api, org, persona):
    assert api(persona).get("/api/v1/audiences/readiness/").status_code == 403
    assert api(persona).get(f"/api/v1/audiences/{org.audience.pk}/readiness/").status_code == 403


def test_audience_readiness_hides_fewer_than_five_people(api, org):
    body = api("lead").get(f"/api/v1/audiences/{org.audience.pk}/readiness/").json()
    assert body["readiness"]["people"] == 5  # the five people of the API developer role
    org.outsider.is_active = False
    org.outsider.save()
    hidden = api("lead").get(f"/api/v1/audiences/{org.audience.pk}/readiness/").json()
    assert hidden["readiness"] == {
        **{key: None for key in hidden["readiness"] if key != "hidden_reason"},
        "hidden_reason": "Fewer than 5 people, or a figure that would reveal such a group: "
        "hidden for privacy.",
    }


def test_audience_readiness_equals_the_rule(api, org):
    for person in (org.employee, org.colleague, org.outsider):
        rate(person, org.skill_a, 2)
    rows = api("admin").get("/api/v1/audiences/readiness/").json()["results"]
    figures = group_readiness(people=Person.objects.filter(is_active=True), by="audience")
    mine = next(r for r in rows if r["audience"]["slug"] == "api-testers")["readiness"]
    expected = figures[org.audience.pk]
    assert (mine["people"], mine["required"], mine["at_target"], mine["total_gap"]) == (
        expected.people,
        expected.required,
        expected.at_target,
        expected.total_gap,
    )
    everyone = next(r for r in rows if r["audience"]["is_everyone"])["readiness"]
    assert (
        everyone["people"]
        == group_readiness(people=Person.objects.filter(is_active=True), by="all")[0].people
    )


def test_unknown_and_foreign_ids_are_404(api, org):
    client = api("manager")
    assert client.get("/api/v1/people/999999/skills/").status_code == 404
    assert client.get(f"/api/v1/people/{org.outsider.pk}/readiness/").status_code == 404
    assert client.get(f"/api/v1/teams/{org.data.pk}/readiness/").status_code == 404
    assert api("lead").get("/api/v1/audiences/999999/readiness/").status_code == 404
    other = PersonFactory(team=org.data, role=org.role)
    assert client.get(f"/api/v1/people/{other.pk}/").status_code == 404
