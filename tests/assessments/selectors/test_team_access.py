"""``team_access``: the team pages' access check in one statement, read at every visit,
equal to the rules it answers at once (``teams_readable_by``, ``team_can_edit``,
``team_shows_members``, the map's member links) for every (user, team) of an organization,
with the members' map setting off and on."""

import pytest
from django.contrib.auth.models import Group

from assessments.selectors.team_access import team_access
from assessments.selectors.teams import team_can_edit, team_shows_members, teams_readable_by
from assessments.views.teams import _links_people
from readiness.models import Team
from readiness.permissions import LEADERSHIP_GROUP, forget_persona
from tests.factories import PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Engineering ⊃ Platform ⊃ Infra, and Sales; a user of each kind the rules tell apart."""
    engineering = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=engineering)
    TeamFactory(name="Infra", parent=platform)
    sales = TeamFactory(name="Sales")
    leadership = Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0]
    users = {
        "admin": UserFactory(is_superuser=True),
        "leader": UserFactory(),
        "leader managing Platform": UserFactory(),
        "leader in Sales": UserFactory(),
        "head of Engineering": UserFactory(),
        "manager of Platform": UserFactory(),
        "member of Platform": UserFactory(),
        "former member of Platform": UserFactory(),
        "nobody": UserFactory(),
    }
    for name in ("leader", "leader managing Platform", "leader in Sales"):
        users[name].groups.add(leadership)
    engineering.managers.add(users["head of Engineering"])
    platform.managers.add(users["manager of Platform"], users["leader managing Platform"])
    PersonFactory(user=users["member of Platform"], team=platform)
    PersonFactory(user=users["former member of Platform"], team=platform, is_active=False)
    PersonFactory(user=users["leader in Sales"], team=sales)
    return users


@pytest.mark.parametrize("members_see_map", [False, True])
def test_one_statement_answers_what_the_rules_answer(org, settings, members_see_map):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = members_see_map
    teams = list(Team.objects.all())
    for name, user in org.items():
        for team in teams:
            forget_persona(user)
            access = team_access(user=user, pk=team.pk)
            readable = teams_readable_by(user=user).filter(pk=team.pk).exists()
            assert (access is not None) is readable, (name, team.name)
            if access is None:
                continue
            can_edit = team_can_edit(user=user, team=team)
            assert access.team == team
            assert access.can_edit is can_edit, (name, team.name)
            assert access.shows_members is team_shows_members(user=user, team=team), (name, team)
            links = _links_people(user=user, team=team, can_edit=can_edit)
            assert access.links_people is links, (name, team.name)
    assert team_access(user=org["admin"], pk=0) is None  # no such team


def test_one_query_once_the_persona_is_read(org, django_assert_num_queries):
    user = org["head of Engineering"]
    team = Team.objects.get(name="Infra")
    with django_assert_num_queries(2):  # the persona flags (then known), the team's access
        assert team_access(user=user, pk=team.pk).shows_members
    with django_assert_num_queries(1):
        assert not team_access(user=user, pk=team.pk).can_edit
