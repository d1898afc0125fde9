"""``team_access`` (one query, every team page) gives what the three rules it stands for give:
``teams_readable_by``, ``team_can_edit`` and ``team_shows_members``, for every kind of reader
and every team of a tree, with members allowed to read their team's map and without."""

import pytest
from django.contrib.auth.models import User

from assessments.selectors.teams import (
    team_access,
    team_can_edit,
    team_shows_members,
    teams_readable_by,
)
from readiness.models import Team
from readiness.permissions import forget_persona
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.orgs import leadership_user

pytestmark = pytest.mark.django_db


def _three_rules(user: User, team: Team) -> tuple[Team | None, bool, bool]:
    readable = teams_readable_by(user=user).filter(pk=team.pk).first()
    if readable is None:
        return None, False, False
    return (
        readable,
        team_can_edit(user=user, team=readable),
        team_shows_members(user=user, team=readable),
    )


@pytest.fixture
def tree():
    department = TeamFactory(name="Department")
    team = TeamFactory(name="Team", parent=department)
    below = TeamFactory(name="Below", parent=team)
    sibling = TeamFactory(name="Sibling", parent=department)
    # Ids such that one path is a text prefix of another's id ("/1/" and "/12/" differ).
    return [department, team, below, sibling]


def _readers(tree: list[Team]) -> dict[str, User]:
    department, team, below, sibling = tree
    readers = {
        "admin": UserFactory(is_superuser=True),
        "leader": leadership_user(),
        "stranger": UserFactory(),
    }
    leader_manager = leadership_user()
    team.managers.add(leader_manager)
    readers["leader managing the team"] = leader_manager
    for name, managed in (
        ("above", department),
        ("team", team),
        ("below", below),
        ("sibling", sibling),
    ):
        user = UserFactory()
        managed.managers.add(user)
        readers[f"manager of {name}"] = user
    readers["member"] = PersonFactory(team=team).user
    readers["leader member"] = PersonFactory(team=team, user=leadership_user()).user
    readers["former member"] = PersonFactory(team=team, is_active=False).user
    return readers


@pytest.mark.parametrize("members_read", [False, True])
def test_one_query_gives_what_the_three_rules_give(tree, settings, members_read):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = members_read
    readers = _readers(tree)
    seen = set()
    for name, user in readers.items():
        for team in tree:
            forget_persona(user)
            expected = _three_rules(user, team)
            forget_persona(user)
            got = team_access(user=user, pk=team.pk)
            assert got == expected, (name, team.name)
            assert (got[0].path if got[0] else None) == (team.path if expected[0] else None)
            seen.add(got[1:] if got[0] else None)
    # Every outcome happened: refused, read only, read as figures, changed.
    assert seen == {None, (False, True), (False, False), (True, True)}


def test_an_unknown_team_is_none(tree):
    assert team_access(user=UserFactory(is_superuser=True), pk=10**9) == (None, False, False)


def test_one_query_after_the_persona_flags(tree, django_assert_num_queries):
    user = UserFactory()
    tree[1].managers.add(user)
    team_access(user=user, pk=tree[1].pk)  # the persona flags, read once a request
    # The team with whether the user manages it or a team above, and whether they manage it.
    with django_assert_num_queries(1):
        assert team_access(user=user, pk=tree[2].pk)[0] == tree[2]
