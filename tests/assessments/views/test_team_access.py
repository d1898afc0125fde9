"""Who may open the team pages: the manager, read-only readers, and everyone refused.

The rule, the same on every page: a team outside what the user may read is a 404 (its
existence is not confirmed); a team they may read but not change is a 403 on pages that change
it; anonymous visitors go to the login page.
"""

import pytest
from django.urls import reverse

from tests.assessments.team_posts import TEAM_WRITE_PAGES, team_post_body, team_rows
from tests.factories import PersonFactory, UserFactory
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db

READ_PAGES = ["team-detail", "team-gaps", "team-export"]
WRITE_PAGES = ["team-edit", "team-review", "team-import"]
ALL_PAGES = READ_PAGES + WRITE_PAGES


@pytest.fixture
def org(make_team_org):
    clear_framework(skills=True)
    return make_team_org(people=3, skills=3)


def url(name: str, team) -> str:  # noqa: ANN001
    return reverse(f"assessments:{name}", args=[team.pk])


@pytest.mark.parametrize("name", ALL_PAGES)
def test_manager_opens_every_page_of_their_team(client, org, name):
    client.force_login(org.manager)
    assert client.get(url(name, org.team)).status_code == 200


@pytest.mark.parametrize("name", ALL_PAGES)
def test_manager_of_another_team_gets_404(make_team_org, client, org, name):
    other = make_team_org(people=1, skills=1, rated=False)
    client.force_login(other.manager)
    assert client.get(url(name, org.team)).status_code == 404


def _real_post(org, name: str) -> dict:  # noqa: ANN001
    return team_post_body(
        name, team=org.team, manager=org.manager, people=org.people, skills=org.skills
    )


def _managers_post_changes_something(client, org, name: str, body: dict) -> None:  # noqa: ANN001
    """The same POST by the team's manager writes: the refusal above was what stopped it."""
    before = team_rows()
    client.force_login(org.manager)
    response = client.post(url(name, org.team), body)
    assert response.status_code in (200, 302), response.status_code
    assert team_rows() != before


@pytest.mark.parametrize("name", TEAM_WRITE_PAGES)
def test_manager_of_another_team_cannot_post_either(make_team_org, client, org, name):
    body = _real_post(org, name)
    other = make_team_org(people=1, skills=1, rated=False)
    before = team_rows()
    client.force_login(other.manager)
    response = client.post(url(name, org.team), body)
    assert response.status_code == 404
    assert team_rows() == before
    _managers_post_changes_something(client, org, name, body)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_employee_is_refused_by_default(client, org, name):
    client.force_login(org.people[0].user)
    assert client.get(url(name, org.team)).status_code == 404


def test_employee_without_a_team_to_read_cannot_open_the_list(client, org):
    client.force_login(org.people[0].user)
    assert client.get(reverse("assessments:team-list")).status_code == 403


@pytest.mark.parametrize("name", READ_PAGES)
def test_employee_reads_own_team_when_the_setting_allows(client, org, name, settings):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    client.force_login(org.people[0].user)
    response = client.get(url(name, org.team))
    assert response.status_code == 200


def test_employee_map_is_read_only_with_the_setting(client, org, settings):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    client.force_login(org.people[0].user)
    body = client.get(url("team-detail", org.team)).content.decode()
    assert "Read-only" in body
    assert url("team-edit", org.team) not in body
    assert url("team-import", org.team) not in body
    assert client.get(reverse("assessments:team-list")).status_code == 200


@pytest.mark.parametrize("name", TEAM_WRITE_PAGES)
def test_employee_cannot_change_own_team_even_with_the_setting(client, org, name, settings):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    body = _real_post(org, name)
    employee = org.people[1]
    client.force_login(employee.user)
    if name in WRITE_PAGES:
        assert client.get(url(name, org.team)).status_code == 403
    before = team_rows()
    response = client.post(url(name, org.team), body)
    assert response.status_code == 403
    assert team_rows() == before
    _managers_post_changes_something(client, org, name, body)


def test_employee_with_the_setting_still_cannot_read_another_team(
    make_team_org, client, org, settings
):
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    other = make_team_org(people=1, skills=1, rated=False)
    client.force_login(org.people[0].user)
    assert client.get(url("team-detail", other.team)).status_code == 404


@pytest.mark.parametrize("name", ALL_PAGES + ["team-list"])
def test_anonymous_goes_to_login(client, org, name):
    target = reverse("assessments:team-list") if name == "team-list" else url(name, org.team)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_leadership_reads_every_team_as_figures(client, org):
    client.force_login(leadership_user())
    response = client.get(url("team-detail", org.team))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="members-not-shown"' in body
    assert org.people[0].display_name not in body
    assert url("team-gaps", org.team) not in body


@pytest.mark.parametrize("name", ["team-gaps", "team-export"])
def test_leadership_does_not_see_the_members_of_a_team_they_do_not_manage(client, org, name):
    client.force_login(leadership_user())
    assert client.get(url(name, org.team)).status_code == 403


@pytest.mark.parametrize("name", READ_PAGES)
def test_leadership_managing_a_team_above_sees_its_members(make_team_org, client, org, name):
    lead = leadership_user()
    parent = make_team_org(people=0, skills=0, rated=False).team
    org.team.parent = parent
    org.team.save()
    parent.managers.add(lead)
    client.force_login(lead)
    response = client.get(url(name, org.team))
    assert response.status_code == 200
    if name == "team-detail":
        assert org.people[0].display_name in response.content.decode()


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_leadership_does_not_edit(client, org, name):
    client.force_login(leadership_user())
    assert client.get(url(name, org.team)).status_code == 403


def test_a_read_only_reader_sees_no_assign_form_and_cannot_assign(make_team_org, client, org):
    # Leadership managing the team above: reads the team's members, does not change them.
    lead = leadership_user()
    parent = make_team_org(people=0, skills=0, rated=False).team
    org.team.parent = parent
    org.team.save()
    parent.managers.add(lead)
    client.force_login(lead)
    response = client.get(url("team-gaps", org.team))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="people"' not in body
    response = client.post(
        url("team-gaps", org.team), {"resource": "1", "people": [org.people[0].pk]}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("name", ALL_PAGES)
def test_admin_reads_and_edits(client, org, name):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(url(name, org.team)).status_code == 200


def test_manager_reads_sub_teams_read_only(make_team_org, client, org):
    sub = make_team_org(people=2, skills=2, parent=org.team)
    client.force_login(org.manager)
    assert client.get(url("team-detail", sub.team)).status_code == 200
    assert client.get(url("team-gaps", sub.team)).status_code == 200
    for name in WRITE_PAGES:
        assert client.get(url(name, sub.team)).status_code == 403
    # ... and the sub-team's own manager sees nothing of the parent.
    client.force_login(sub.manager)
    assert client.get(url("team-detail", org.team)).status_code == 404


def test_manager_who_is_a_member_of_their_team_is_not_a_row_of_the_editor(client, org):
    me = PersonFactory(team=org.team, user=org.manager, role=org.people[0].role)
    client.force_login(org.manager)
    body = client.get(url("team-edit", org.team)).content.decode()
    assert f'name="v-{me.pk}"' not in body
    response = client.post(url("team-edit", org.team), {f"c-{me.pk}-{org.skills[0].pk}": "4"})
    assert response.status_code == 200
    assert "You cannot rate 1 of these people" in response.content.decode()
    assert not me.ratings.filter(source="manager").exists()


def test_unknown_team_is_404(client, org):
    client.force_login(org.manager)
    assert client.get(reverse("assessments:team-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", TEAM_WRITE_PAGES)
def test_readers_who_may_not_change_the_team_post_in_vain(make_team_org, client, org, name):
    """Leadership and the manager of the team above read the team; its real POST is refused."""
    body = _real_post(org, name)
    parent_manager = UserFactory()
    org.team.parent = make_team_org(people=1, skills=1, rated=False).team
    org.team.save()
    org.team.parent.managers.add(parent_manager)
    before = team_rows()
    for reader in (leadership_user(), parent_manager):
        client.force_login(reader)
        assert client.get(url("team-detail", org.team)).status_code == 200
        response = client.post(url(name, org.team), body)
        assert response.status_code == 403
        assert team_rows() == before
    _managers_post_changes_something(client, org, name, body)
