""" "Add to my plan" on the catalog list and a resource's page: for one of the skills the
resource builds (preselected: the one where the person has a gap), through the same service as
the recommendations on /me/; refused gracefully to a user without a person record."""

import re

import pytest
from django.urls import reverse

from assessments.models import LearningPlanItem
from tests.factories import (
    PersonFactory,
    ResourceSkillFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD = reverse("assessments:my-plan-add")


@pytest.fixture
def org(clean_catalog):
    """A person at target on "Writing" and one level short on "Grounding"; a course builds
    both, a module builds only Writing; a retired resource builds Grounding."""
    writing, grounding = SkillFactory(name="Writing"), SkillFactory(name="Grounding")
    role = RoleFactory()
    RoleRequirementFactory(role=role, skill=writing, target_level=2)
    RoleRequirementFactory(role=role, skill=grounding, target_level=3)
    person = PersonFactory(role=role)
    SkillRatingFactory(person=person, skill=writing, level=2)
    SkillRatingFactory(person=person, skill=grounding, level=2)
    course = TrainingResourceFactory(title="Grounded writing")
    ResourceSkillFactory(resource=course, skill=writing, level=3)
    ResourceSkillFactory(resource=course, skill=grounding, level=3)
    module = TrainingResourceFactory(title="Writing module")
    ResourceSkillFactory(resource=module, skill=writing, level=2)
    retired = TrainingResourceFactory(title="Old grounding", is_active=False)
    ResourceSkillFactory(resource=retired, skill=grounding, level=3)
    return {
        "person": person,
        "writing": writing,
        "grounding": grounding,
        "course": course,
        "module": module,
        "retired": retired,
    }


def selected_skill(body: str, resource) -> str:  # noqa: ANN001
    select = re.search(rf'<select[^>]*id="plan-skill-{resource.pk}".*?</select>', body, re.S)
    assert select, "no skill choice"
    return re.search(r'<option value="(\d+)" selected', select.group(0)).group(1)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_form_preselects_the_skill_with_a_gap(client, org, page):
    client.force_login(org["person"].user)
    url = (
        reverse("catalog:list")
        if page == "list"
        else reverse("catalog:detail", args=[org["course"].pk])
    )
    body = client.get(url).content.decode()
    assert selected_skill(body, org["course"]) == str(org["grounding"].pk)
    assert "Grounding — your gap: 1 level" in body
    assert f'value="{org["course"].pk}"' in body


def test_a_resource_with_one_skill_names_it_and_posts_it(client, org):
    client.force_login(org["person"].user)
    body = client.get(reverse("catalog:detail", args=[org["module"].pk])).content.decode()
    assert f'name="skill" value="{org["writing"].pk}"' in body
    assert "For Writing" in body


def test_adding_from_the_catalog_puts_it_in_the_plan_for_the_chosen_skill(client, org):
    client.force_login(org["person"].user)
    back = reverse("catalog:list") + "?q=writing"
    response = client.post(
        ADD, {"resource": org["course"].pk, "skill": org["writing"].pk, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    item = LearningPlanItem.objects.get(person=org["person"], resource=org["course"])
    assert item.skill == org["writing"] and item.status == "planned"
    body = client.get(back).content.decode()
    assert "is now in your learning plan" in body
    # The catalog now says it is in the plan instead of offering it again.
    cards = body.split('<li class="card mb-3">')[1:]
    card = next(c for c in cards if org["course"].get_absolute_url() in c)
    assert "In your plan" in card and f'name="resource" value="{org["course"].pk}"' not in card
    other = next(c for c in cards if org["module"].get_absolute_url() in c)
    assert "In your plan" not in other


def test_a_skill_the_resource_does_not_build_is_refused(client, org):
    client.force_login(org["person"].user)
    back = reverse("catalog:detail", args=[org["module"].pk])
    response = client.post(
        ADD, {"resource": org["module"].pk, "skill": org["grounding"].pk, "next": back}, follow=True
    )
    assert "Choose one of the skills this resource builds." in response.content.decode()
    assert not LearningPlanItem.objects.exists()


def test_a_retired_resource_offers_no_add(client, org):
    client.force_login(org["person"].user)
    body = client.get(reverse("catalog:detail", args=[org["retired"].pk])).content.decode()
    assert 'data-testid="plan-add"' not in body


def test_a_user_without_a_person_sees_no_form_and_is_refused_gracefully(client, org):
    client.force_login(UserFactory())
    body = client.get(reverse("catalog:list")).content.decode()
    assert org["course"].title in body
    assert 'data-testid="plan-add"' not in body
    back = reverse("catalog:detail", args=[org["course"].pk])
    response = client.post(ADD, {"resource": org["course"].pk, "next": back})
    # The product's page that says why, not an error page.
    assert response.status_code == 404
    assert "not linked to a person" in response.content.decode()
    assert not LearningPlanItem.objects.exists()


def test_anonymous_is_sent_to_login(client, org):
    response = client.post(ADD, {"resource": org["course"].pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not LearningPlanItem.objects.exists()
