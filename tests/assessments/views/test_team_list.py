"""/teams/: the teams I manage, or every team for leadership, with roll-up readiness."""

import re

import pytest
from django.urls import reverse

from assessments.selectors import group_readiness, team_rollup
from readiness.models import Person, Team
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


@pytest.fixture
def tree(make_team_org):
    department = make_team_org(people=2, skills=2)
    child = make_team_org(people=3, skills=2, parent=department.team)
    grandchild = make_team_org(people=2, skills=2, parent=child.team)
    elsewhere = make_team_org(people=6, skills=2)
    return department, child, grandchild, elsewhere


def team_rows(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-team="(\d+)"', body)]


def test_manager_sees_their_teams_and_the_sub_teams_below(client, tree):
    department, child, grandchild, elsewhere = tree
    client.force_login(child.manager)
    body = client.get(reverse("assessments:team-list")).content.decode()
    assert team_rows(body) == [child.team.pk, grandchild.team.pk]
    assert reverse("assessments:team-edit", args=[child.team.pk]) in body
    assert reverse("assessments:team-edit", args=[grandchild.team.pk]) not in body
    assert "read-only" in body


def test_leadership_sees_the_whole_tree_with_roll_ups(client, tree):
    department, child, grandchild, elsewhere = tree
    client.force_login(leadership_user())
    body = client.get(reverse("assessments:team-list")).content.decode()
    ids = team_rows(body)
    assert ids.index(department.team.pk) < ids.index(child.team.pk) < ids.index(grandchild.team.pk)
    teams = list(Team.objects.all())
    rolled = team_rollup(
        teams=teams, per_team=group_readiness(people=Person.objects.all(), by="team")
    )
    # The department covers 7 people: its figure is the roll-up of its sub-tree.
    assert rolled[department.team.pk].people == 7
    row = body.split(f'data-team="{department.team.pk}"')[1].split("</tr>")[0]
    assert f'data-testid="rollup-readiness">{rolled[department.team.pk].percent}%<' in row
    # A team of fewer than 5 people is hidden on the leadership view (privacy).
    row = body.split(f'data-team="{grandchild.team.pk}"')[1].split("</tr>")[0]
    assert "hidden for privacy" in row


def test_list_queries_do_not_grow_with_the_number_of_teams(
    make_team_org, client, django_assert_num_queries
):
    lead = leadership_user()
    make_team_org(people=2, skills=1)
    client.force_login(lead)
    url = reverse("assessments:team-list")
    client.get(url)
    # session, user, persona flags, teams, their managers, readiness per team, members per team,
    # managed paths; the cycle banner
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(5):
        make_team_org(people=2, skills=1)
    with django_assert_num_queries(9):
        client.get(url)
