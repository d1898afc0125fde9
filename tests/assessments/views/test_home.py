"""The home page per persona: real numbers from the rules, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SkillRatingFactory
from tests.orgs import clear_framework, leadership_user
from tests.orgs.team import TeamOrg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework()


@pytest.fixture
def make_home_team(make_team_org):  # noqa: ANN201
    """A team of ``size`` whose role requires 3 skills at 2: every member self-rated at target
    on the first, manager-rated one below it on the second, never assessed on the third."""

    def make(size: int) -> TeamOrg:
        org = make_team_org(people=size, skills=3, rated=False)
        for person in org.people:
            SkillRatingFactory(person=person, skill=org.skills[0], level=2)
            SkillRatingFactory(person=person, skill=org.skills[1], level=1, source="manager")
        return org

    return make


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_employee_sees_their_readiness_gaps_and_next_date(make_home_team, client):
    org = make_home_team(2)
    skills = org.skills
    client.force_login(org.people[0].user)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    # 1 of 3 at target: 33%; two gaps (one of 1, one not assessed of 2)
    assert 'data-testid="my-readiness">33%<' in body
    assert 'data-testid="my-gap-count">2<' in body
    assert "Not assessed" in body
    assert skills[2].name in body and skills[1].name in body
    assert 'data-testid="next-reassessment"' in body


def test_manager_sees_team_readiness(make_home_team, client):
    org = make_home_team(4)
    team = org.team
    client.force_login(org.manager)
    body = client.get("/").content.decode()
    assert "Teams I manage" in body and team.name in body
    # 4 people × 3 required skills, 4 at target: 33%
    assert "33%" in body


def test_leadership_sees_audiences_with_privacy_threshold(make_home_team, client):
    role = make_home_team(3).role
    client.force_login(leadership_user())
    body = client.get("/").content.decode()
    assert "Readiness by audience" in body
    assert role.audience.name in body
    assert "Fewer than 5 people" in body


def test_plain_employee_does_not_see_manager_or_leadership_sections(make_home_team, client):
    client.force_login(make_home_team(2).people[1].user)
    body = client.get("/").content.decode()
    assert "Teams I manage" not in body and "Readiness by audience" not in body


def count_home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_home_query_count_is_independent_of_organization_size(make_home_team, client):
    small_org = make_home_team(3)
    small = (
        count_home_queries(client, small_org.manager),
        count_home_queries(client, small_org.people[0].user),
    )
    big_org = make_home_team(40)
    big = (
        count_home_queries(client, big_org.manager),
        count_home_queries(client, big_org.people[0].user),
    )
    assert small == big
    # employee: session, user, person, groups (nav), managed-teams check, states, skills, readiness,
    # cadence, open cycles, managed teams list
    assert big[1] <= 12
