"""Assign from /teams/<id>/gaps/: the members a resource closes a gap for are pre-ticked, those
who already have it (in a plan, or completed) are named and left unticked; a bad submission
gets its messages at the fields, and nothing is assigned."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import LearningPlanItem
from assessments.selectors import skill_states
from readiness.models import Person
from tests.factories import LearningPlanItemFactory, ResourceSkillFactory, TrainingResourceFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_team_org):
    clear_framework(skills=True)
    # Levels cycle 0..3 over (person, skill): some members are below target 2, some not.
    return make_team_org(people=4, skills=1, target=2)


@pytest.fixture
def module(org):  # noqa: ANN001, ANN201
    resource = TrainingResourceFactory(title="Gap module", duration_minutes=30)
    ResourceSkillFactory(resource=resource, skill=org.skills[0], level=3)
    return resource


def assign_form(body: str, resource) -> str:  # noqa: ANN001
    start = body.index(f'data-resource="{resource.pk}"')
    return body[start : body.index("</form>", start)]


def ticked(form_html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="people" value="(\d+)"[^>]*\schecked', form_html)}


def test_members_it_closes_a_gap_for_are_preticked_and_holders_are_named(client, org, module):
    states = skill_states(people=Person.objects.filter(team=org.team))
    with_gap = {s.person_id for s in states if s.skill_id == org.skills[0].pk and s.gap > 0}
    assert len(with_gap) >= 2
    planned, done = sorted(with_gap)[:2]
    LearningPlanItemFactory(person_id=planned, resource=module, status="in_progress")
    LearningPlanItemFactory(person_id=done, resource=module, status="completed")
    client.force_login(org.manager)

    body = client.get(reverse("assessments:team-gaps", args=[org.team.pk])).content.decode()

    form = assign_form(body, module)
    assert ticked(form) == with_gap - {planned, done}
    assert "in their plan (in progress)" in form and "completed it" in form
    names = {p.pk: p.display_name for p in org.people}
    assert re.search(
        re.escape(names[planned]) + r".{0,200}in their plan \(in progress\)", form, re.S
    )


def test_a_past_due_date_and_no_member_get_messages_at_their_fields(client, org, module):
    client.force_login(org.manager)
    url = reverse("assessments:team-gaps", args=[org.team.pk])
    past = timezone.localdate() - dt.timedelta(days=1)

    body = client.post(url, {"resource": module.pk, "due_date": past.isoformat()}).content.decode()

    form = assign_form(body, module)
    assert re.search(r'id="people-error-\d+">Choose at least one member', form)
    assert re.search(r'id="due-error-\d+">The due date cannot be in the past', form)
    assert 'aria-invalid="true"' in form
    assert not LearningPlanItem.objects.exists()
