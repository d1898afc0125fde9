"""Team gaps: skills by total gap, resources by gap closed per hour, and assignment."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import LearningPlanItem
from tests.factories import ResourceSkillFactory, TrainingResourceFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


@pytest.fixture
def org(make_team_org):
    # Levels cycle 0..3 over (person, skill): every skill has someone below target 2.
    return make_team_org(people=4, skills=3, target=2)


@pytest.fixture
def resources(org):  # noqa: ANN001, ANN201
    short = TrainingResourceFactory(title="Short module", duration_minutes=30)
    ResourceSkillFactory(resource=short, skill=org.skills[0], level=2)
    long = TrainingResourceFactory(title="Long path", duration_minutes=600)
    for skill in org.skills:
        ResourceSkillFactory(resource=long, skill=skill, level=2)
    return short, long


def test_skills_are_ranked_by_total_gap(client, org):
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-gaps", args=[org.team.pk])).content.decode()
    table = body.split('data-testid="gap-skills"')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', table)
    totals = [int(v) for v in re.findall(r"<td class=\"text-end\"><strong>(\d+)</strong>", table)]
    assert totals == sorted(totals, reverse=True)
    assert set(names) <= {s.name for s in org.skills}


def test_resources_are_ranked_by_gap_closed_per_hour(client, org, resources):
    short, long = resources
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-gaps", args=[org.team.pk])).content.decode()
    assert body.index(short.title) < body.index(long.title)
    helps = re.findall(r'data-testid="helps">(\d+)<', body)
    assert all(int(n) >= 1 for n in helps)


def test_assign_creates_plan_items_for_the_chosen_members(client, org, resources):
    short, _ = resources
    chosen = org.people[:2]
    due = timezone.localdate() + dt.timedelta(days=14)
    client.force_login(org.manager)
    response = client.post(
        reverse("assessments:team-gaps", args=[org.team.pk]),
        {"resource": short.pk, "people": [p.pk for p in chosen], "due_date": due.isoformat()},
        follow=True,
    )
    assert "Assigned “Short module” to 2 members" in response.content.decode()
    items = LearningPlanItem.objects.filter(resource=short)
    assert {i.person_id for i in items} == {p.pk for p in chosen}
    for item in items:
        assert item.assigned_by == org.manager
        assert item.due_date == due
        assert item.status == "planned"
    # The item names the gap it serves when the resource closes one of that member's gaps.
    assert any(item.skill_id == org.skills[0].pk for item in items)


def test_assign_again_updates_the_open_item(client, org, resources):
    short, _ = resources
    person = org.people[0]
    client.force_login(org.manager)
    url = reverse("assessments:team-gaps", args=[org.team.pk])
    for days in (14, 30):
        due = timezone.localdate() + dt.timedelta(days=days)
        client.post(url, {"resource": short.pk, "people": [person.pk], "due_date": due})
    item = LearningPlanItem.objects.get(resource=short, person=person)
    assert item.due_date == timezone.localdate() + dt.timedelta(days=30)


def test_assign_needs_members_and_a_future_date(client, org, resources):
    short, _ = resources
    client.force_login(org.manager)
    url = reverse("assessments:team-gaps", args=[org.team.pk])
    response = client.post(url, {"resource": short.pk, "due_date": timezone.localdate()})
    assert response.status_code == 200
    assert "Choose at least one member." in response.content.decode()
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        url, {"resource": short.pk, "people": [org.people[0].pk], "due_date": past}
    )
    assert "cannot be in the past" in response.content.decode()
    assert not LearningPlanItem.objects.filter(resource=short).exists()


def test_assign_refuses_people_outside_the_team(make_team_org, client, org, resources):
    short, _ = resources
    stranger = make_team_org(people=1, skills=1).people[0]
    client.force_login(org.manager)
    response = client.post(
        reverse("assessments:team-gaps", args=[org.team.pk]),
        {"resource": short.pk, "people": [stranger.pk], "due_date": timezone.localdate()},
    )
    assert response.status_code == 200
    assert not LearningPlanItem.objects.filter(resource=short).exists()


def test_gaps_queries_do_not_grow_with_the_team(make_team_org, client, django_assert_num_queries):
    for org in (
        make_team_org(people=3, skills=4),
        make_team_org(people=50, skills=40, categories=5),
    ):
        resource = TrainingResourceFactory()
        for skill in org.skills[:3]:
            ResourceSkillFactory(resource=resource, skill=skill, level=3)
        client.force_login(org.manager)
        url = reverse("assessments:team-gaps", args=[org.team.pk])
        client.get(url)
        # session, user, persona flags, the team's access (was three), members, states, per-skill
        # readiness, skills, the resource links that fit the members' audiences (the audience
        # rule in their statement), who already has each resource (plan items); the cycle banner
        with django_assert_num_queries(11):
            client.get(url)
