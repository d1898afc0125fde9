"""/me/plan/: an open item whose resource was retired upstream says so, with the best active
replacement for the same gap (ranked as the recommendations on /me/ are)."""

import pytest
from django.urls import reverse

from assessments.models import LearningPlanItem
from tests.factories import LearningPlanItemFactory, ResourceSkillFactory, TrainingResourceFactory

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-plan")


def retire(resource) -> None:
    type(resource).objects.filter(pk=resource.pk).update(is_active=False)


def test_a_retired_item_names_the_best_replacement_for_its_gap(make_employee_org, client):
    org = make_employee_org(skills=2, resources_per_skill=1)
    skill, old = org.skills[0], org.resources[0]
    item = LearningPlanItemFactory(person=org.person, resource=old, skill=skill, status="planned")
    slow = TrainingResourceFactory(title="Slow replacement", duration_minutes=600)
    quick = TrainingResourceFactory(title="Quick replacement", duration_minutes=45)
    for resource in (slow, quick):
        ResourceSkillFactory(resource=resource, skill=skill, level=2)
    retire(old)
    client.force_login(org.person.user)

    body = client.get(URL).content.decode()

    assert body.count('data-testid="retired-upstream"') == 1
    assert "Retired upstream" in body
    assert f"Replacement for {skill.name}:" in body
    assert f'<a href="{reverse("catalog:detail", args=[quick.pk])}">Quick replacement</a>' in body
    assert "Slow replacement" not in body

    # Added from there, for the same gap: then it says so.
    response = client.post(
        reverse("assessments:my-plan-add"), {"resource": quick.pk, "skill": skill.pk, "next": URL}
    )
    assert response.status_code == 302
    added = LearningPlanItem.objects.get(person=org.person, resource=quick)
    assert added.skill == skill and added.status == "planned"
    body = client.get(URL).content.decode()
    assert "already in your plan" in body
    item.refresh_from_db()
    assert item.status == "planned"  # the person decides what to do with the old one


def test_without_a_replacement_it_says_so_and_closed_items_say_nothing(make_employee_org, client):
    org = make_employee_org(skills=1, resources_per_skill=2)
    first, second = org.resources
    LearningPlanItemFactory(
        person=org.person, resource=first, skill=org.skills[0], status="in_progress"
    )
    LearningPlanItemFactory(
        person=org.person, resource=second, skill=org.skills[0], status="completed"
    )
    retire(first)
    retire(second)
    client.force_login(org.person.user)

    body = client.get(URL).content.decode()

    assert body.count('data-testid="retired-upstream"') == 1  # the open one only
    assert f"No active resource in the catalog builds {org.skills[0].name}" in body


def test_an_item_without_a_skill_is_replaced_for_a_gap_its_resource_builds(
    make_employee_org, client
):
    org = make_employee_org(skills=1, resources_per_skill=1)
    LearningPlanItemFactory(
        person=org.person, resource=org.resources[0], skill=None, status="suggested"
    )
    other = TrainingResourceFactory(title="Another way in", duration_minutes=30)
    ResourceSkillFactory(resource=other, skill=org.skills[0], level=2)
    retire(org.resources[0])
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert f"Replacement for {org.skills[0].name}:" in body and "Another way in" in body


@pytest.mark.parametrize("skills", [2, 8])
def test_the_plan_page_costs_the_same_queries_however_many_items_are_retired(
    make_employee_org, client, skills, django_assert_num_queries
):
    org = make_employee_org(skills=skills, resources_per_skill=2)
    for index, resource in enumerate(org.resources):
        LearningPlanItemFactory(
            person=org.person, resource=resource, skill=org.skills[index % skills], status="planned"
        )
        if index % 2 == 0:
            retire(resource)
    client.force_login(org.person.user)
    # The plan page's 7 (session, user, person with the persona flags, plan items, the skills
    # each resource builds, the person's skill states, cycle banner) + 1 once any item is
    # retired: the candidate links that fit the person (with their kept effectiveness; the
    # audience rule in their statement).
    with django_assert_num_queries(8):
        body = client.get(URL).content.decode()
    assert body.count('data-testid="retired-upstream"') == skills
