"""The home page per persona: real numbers from the rules, constant queries."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readiness.models import AudienceRequirement, RoleRequirement
from readiness.permissions import LEADERSHIP_GROUP
from tests.factories import (
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()


def build_team(size: int):
    team = TeamFactory()
    manager = UserFactory()
    team.managers.add(manager)
    role = RoleFactory()
    skills = SkillFactory.create_batch(3)
    for skill in skills:
        RoleRequirementFactory(role=role, skill=skill, target_level=2)
    people = PersonFactory.create_batch(size, team=team, role=role)
    for person in people:
        SkillRatingFactory(person=person, skill=skills[0], level=2)
        SkillRatingFactory(person=person, skill=skills[1], level=1, source="manager")
    return team, manager, role, skills, people


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_employee_sees_their_readiness_gaps_and_next_date(client):
    team, _, _, skills, people = build_team(2)
    client.force_login(people[0].user)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    # 1 of 3 at target: 33%; two gaps (one of 1, one not assessed of 2)
    assert 'data-testid="my-readiness">33%<' in body
    assert 'data-testid="my-gap-count">2<' in body
    assert "Not assessed" in body
    assert skills[2].name in body and skills[1].name in body
    assert 'data-testid="next-reassessment"' in body


def test_manager_sees_team_readiness(client):
    team, manager, _, _, _ = build_team(4)
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert "Teams I manage" in body and team.name in body
    # 4 people × 3 required skills, 4 at target: 33%
    assert "33%" in body


def test_leadership_sees_audiences_with_privacy_threshold(client):
    _, _, role, _, _ = build_team(3)
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    client.force_login(lead)
    body = client.get("/").content.decode()
    assert "Readiness by audience" in body
    assert role.audience.name in body
    assert "Fewer than 5 people" in body


def test_plain_employee_does_not_see_manager_or_leadership_sections(client):
    _, _, _, _, people = build_team(2)
    client.force_login(people[1].user)
    body = client.get("/").content.decode()
    assert "Teams I manage" not in body and "Readiness by audience" not in body


def count_home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_home_query_count_is_independent_of_organization_size(client):
    _, small_manager, _, _, small_people = build_team(3)
    small = (count_home_queries(client, small_manager), count_home_queries(client, small_people[0].user))
    _, big_manager, _, _, big_people = build_team(40)
    big = (count_home_queries(client, big_manager), count_home_queries(client, big_people[0].user))
    assert small == big
    # employee: session, user, person, groups (nav), managed-teams check, states, skills, readiness,
    # cadence, open cycles, managed teams list
    assert big[1] <= 12
