"""The team map links each member's name to their page, for readers who may open it."""

import pytest
from django.urls import reverse

from assessments.selectors.teams import team_map_build
from tests.factories import TeamFactory, UserFactory
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_team_org):
    clear_framework(skills=True)
    return make_team_org(people=3, skills=2)


def person_links(client, team) -> list[int]:  # noqa: ANN001
    body = client.get(reverse("assessments:team-detail", args=[team.pk])).content.decode()
    return [
        p.pk
        for p in team.members.all()
        if f'href="{reverse("assessments:person-detail", args=[p.pk])}"' in body
    ]


def test_the_manager_sees_every_member_linked_to_their_page(client, org):
    client.force_login(org.manager)
    assert sorted(person_links(client, org.team)) == sorted(p.pk for p in org.people)
    # …and the page behind the link opens.
    person = org.people[0]
    response = client.get(reverse("assessments:person-detail", args=[person.pk]))
    assert response.status_code == 200


def test_the_manager_above_gets_the_links_leadership_sees_figures_only(client, org):
    client.force_login(leadership_user())
    assert person_links(client, org.team) == []  # no member rows outside their own teams
    parent = TeamFactory()
    org.team.parent = parent
    org.team.save()
    above = UserFactory()
    parent.managers.add(above)
    client.force_login(above)
    assert len(person_links(client, org.team)) == 3


def test_a_member_reading_their_team_map_gets_names_without_links(client, org, settings):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    client.force_login(org.people[0].user)
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    assert org.people[1].display_name in body
    assert person_links(client, org.team) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=readiness",
        "?audience=3&sort=skill-5&dir=asc&other=1",
        "?dir=desc&category=2&skills=all&audience=%C3%A9+x&sort=",
        "?skills=all&dir=&sort=gap",
    ],
)
def test_sort_links_are_the_query_with_sort_and_dir_changed(make_team_org, rf, query):
    """The headers' sort links (``_sorting``, the other parameters quoted once) are
    ``_query(request, sort=key, dir=direction)`` for every key."""
    from assessments.views.teams import _query, _sorting

    org = make_team_org(people=2, skills=3)
    request = rf.get("/teams/" + query)
    team_map = team_map_build(team=org.team)
    sorting = _sorting(request, team_map)
    assert len(sorting) == 3 + len(team_map.columns)
    for key, link in sorting.items():
        direction = {"ascending": "desc", "descending": "asc"}.get(link["state"], "")
        assert link["url"] == _query(request, sort=key, dir=direction)
