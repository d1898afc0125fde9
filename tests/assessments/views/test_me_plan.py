"""/me/plan/ — My learning plan — and its actions: add, start, complete, drop, suggest."""

import pytest
from django.urls import reverse

from assessments.models import LearningPlanItem
from assessments.selectors.me import plan_progress
from tests.factories import (
    LearningPlanItemFactory,
    ResourceSkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-plan")
ADD = reverse("assessments:my-plan-add")
SUGGEST = reverse("assessments:my-plan-suggest")


def action(item, name: str) -> str:
    return reverse("assessments:my-plan-item-action", args=[item.pk, name])


def test_paths_are_part_of_the_contract():
    assert URL == "/me/plan/"


def test_anonymous_is_sent_to_login(make_employee_org, client):
    org = make_employee_org(skills=1)
    item = LearningPlanItemFactory(person=org.person, resource=org.resources[0])
    for response in (
        client.get(URL),
        client.post(ADD, {"resource": org.resources[0].pk}),
        client.post(SUGGEST),
        client.post(action(item, "complete")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    item.refresh_from_db()
    assert item.status == "planned"


def test_user_without_person_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.post(SUGGEST).status_code == 404


def test_plan_lists_items_with_status_due_assigner_provider_duration(make_employee_org, client):
    org = make_employee_org(skills=2)
    LearningPlanItemFactory(
        person=org.person,
        resource=org.resources[0],
        skill=org.skills[0],
        assigned_by=org.manager,
        status="in_progress",
    )
    LearningPlanItemFactory(
        person=org.person,
        resource=org.resources[1],
        status="completed",
        completed_at="2026-01-05T10:00:00Z",
    )
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert org.resources[0].title in body and org.resources[1].title in body
    assert "In progress" in body and "Completed" in body
    assert org.manager.get_full_name() in body
    assert org.resources[0].provider.name in body
    assert "1 h 30 min" in body
    assert "1.5 of 3 hours completed" in body
    assert 'aria-valuenow="50"' in body


def test_progress_counts_planned_hours_apart_from_suggestions_and_unknown(make_employee_org):
    org = make_employee_org(skills=1)
    unknown = TrainingResourceFactory(duration_minutes=None)
    items = [
        LearningPlanItemFactory(person=org.person, resource=org.resources[0], status="completed"),
        LearningPlanItemFactory(
            person=org.person,
            resource=TrainingResourceFactory(duration_minutes=30),
            status="planned",
        ),
        LearningPlanItemFactory(
            person=org.person,
            resource=TrainingResourceFactory(duration_minutes=600),
            status="suggested",
        ),
        LearningPlanItemFactory(
            person=org.person,
            resource=TrainingResourceFactory(duration_minutes=600),
            status="dropped",
        ),
        LearningPlanItemFactory(person=org.person, resource=unknown, status="in_progress"),
    ]
    progress = plan_progress(items=items)
    assert (progress.minutes_done, progress.minutes_planned) == (90, 120)
    assert progress.unknown_duration == 1 and progress.percent == 75
    assert (progress.items_done, progress.items_planned) == (1, 3)


def test_add_a_recommended_resource(make_employee_org, client):
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.post(
        ADD,
        {"resource": org.resources[0].pk, "skill": org.skills[0].pk, "next": "/me/#recommended"},
    )
    assert response.status_code == 302 and response["Location"] == "/me/#recommended"
    item = LearningPlanItem.objects.get(person=org.person)
    assert item.status == "planned" and item.skill == org.skills[0] and item.assigned_by is None
    # adding it again reuses the open item
    client.post(ADD, {"resource": org.resources[0].pk})
    assert LearningPlanItem.objects.filter(person=org.person).count() == 1


def test_add_refuses_a_retired_resource_and_foreign_next(make_employee_org, client):
    org = make_employee_org(skills=1)
    retired = TrainingResourceFactory(is_active=False)
    client.force_login(org.person.user)
    response = client.post(ADD, {"resource": retired.pk, "next": "https://evil.example/"})
    assert response["Location"] == URL
    assert not LearningPlanItem.objects.exists()
    assert client.post(ADD, {"resource": 999999}).status_code == 404


def test_start_then_complete_asks_to_reassess_the_skills_it_builds(make_employee_org, client):
    org = make_employee_org(skills=2)
    resource = org.resources[0]
    ResourceSkillFactory(resource=resource, skill=org.skills[1], level=2)
    item = LearningPlanItemFactory(person=org.person, resource=resource, skill=org.skills[0])
    client.force_login(org.person.user)
    assert client.post(action(item, "start")).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress" and item.started_at
    response = client.post(action(item, "complete"))
    assert response["Location"] == f"{URL}?completed={item.pk}#completed"
    item.refresh_from_db()
    assert item.status == "completed" and item.completed_at
    body = client.get(response["Location"]).content.decode()
    assert "Reassess these skills" in body
    highlight = ",".join(str(s.pk) for s in sorted(org.skills, key=lambda s: (s.order, s.name)))
    assert f"/me/assessment/?highlight={highlight}#reassess" in body


def test_drop_and_plan_a_suggestion(make_employee_org, client):
    org = make_employee_org(skills=1)
    suggested = LearningPlanItemFactory(
        person=org.person, resource=org.resources[0], status="suggested"
    )
    client.force_login(org.person.user)
    client.post(action(suggested, "plan"))
    suggested.refresh_from_db()
    assert suggested.status == "planned"
    client.post(action(suggested, "drop"))
    suggested.refresh_from_db()
    assert suggested.status == "dropped"
    # a dropped item cannot be completed: a message, no change
    response = client.post(action(suggested, "complete"), follow=True)
    assert "cannot be completed" in response.content.decode()
    suggested.refresh_from_db()
    assert suggested.status == "dropped"


def test_unknown_action_is_404(make_employee_org, client):
    org = make_employee_org(skills=1)
    item = LearningPlanItemFactory(person=org.person, resource=org.resources[0])
    client.force_login(org.person.user)
    assert client.post(action(item, "delete")).status_code == 404
    assert client.get(action(item, "start")).status_code == 405


@pytest.mark.parametrize("who", ["teammate", "outsider", "manager", "other_manager", "lead"])
def test_nobody_else_acts_on_my_plan_items(make_employee_org, client, who):
    org = make_employee_org(skills=1)
    item = LearningPlanItemFactory(person=org.person, resource=org.resources[0])
    user = getattr(org, who)
    client.force_login(getattr(user, "user", user))
    assert client.post(action(item, "complete")).status_code == 404
    item.refresh_from_db()
    assert item.status == "planned"


def test_suggest_a_plan_covers_all_gaps_with_fewest_hours(make_employee_org, client):
    org = make_employee_org(skills=3)
    # one resource that builds all three skills in 2 hours beats three of 1.5 hours each
    combined = TrainingResourceFactory(duration_minutes=120, title="Everything at once")
    for skill in org.skills:
        ResourceSkillFactory(resource=combined, skill=skill, level=2)
    client.force_login(org.person.user)
    response = client.post(SUGGEST, follow=True)
    items = list(LearningPlanItem.objects.filter(person=org.person))
    assert [i.resource for i in items] == [combined]
    assert items[0].status == "suggested" and items[0].skill in org.skills
    body = response.content.decode()
    assert "Suggested plan: 1 resource, about 2 hours, covering 3 gaps." in body
    # again: nothing new
    client.post(SUGGEST)
    assert LearningPlanItem.objects.filter(person=org.person).count() == 1


def test_suggest_reports_gaps_nothing_covers(make_employee_org, client):
    org = make_employee_org(skills=2, resources_per_skill=0)
    client.force_login(org.person.user)
    body = client.post(SUGGEST, follow=True).content.decode()
    assert "No resource in the catalog closes these gaps yet" in body
    assert org.skills[0].name in body
    assert not LearningPlanItem.objects.exists()


def test_suggest_without_gaps(make_employee_org, client):
    org = make_employee_org(skills=1, ratings_per_skill=0, resources_per_skill=0)
    org.person.role.requirements.all().delete()
    client.force_login(org.person.user)
    body = client.post(SUGGEST, follow=True).content.decode()
    assert "You have no gaps to cover" in body


@pytest.mark.parametrize(
    "employee_org",
    [{"skills": 2, "resources_per_skill": 1}, {"skills": 12, "resources_per_skill": 3}],
    indirect=True,
    ids=["small", "large"],
)
def test_query_count_is_independent_of_items_and_skills(
    employee_org, client, django_assert_num_queries
):
    org = employee_org
    skills = len(org.skills)
    for index, resource in enumerate(org.resources):
        LearningPlanItemFactory(
            person=org.person,
            resource=resource,
            skill=org.skills[index % skills],
            assigned_by=org.manager,
            status=["completed", "planned", "in_progress", "suggested", "dropped"][index % 5],
        )
    client.force_login(org.person.user)
    # 1 session, 2 user, 3 person (with the persona flags the navigation reads), 4 plan items
    # (with resource, provider, skill, assigner), 5 the skills each resource builds, 6 the
    # person's skill states (is each gap still open), 7 cycle banner
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
    completed = LearningPlanItem.objects.filter(person=org.person, status="completed").first()
    with django_assert_num_queries(7):
        assert client.get(f"{URL}?completed={completed.pk}").status_code == 200


def test_an_item_says_whether_its_gap_is_still_open(make_employee_org, client):
    org = make_employee_org(skills=3)
    open_gap, closed_gap, dropped_requirement = org.skills
    for index, skill in enumerate(org.skills):
        LearningPlanItemFactory(
            person=org.person,
            resource=org.resources[index],
            skill=skill,
            status="completed" if index == 1 else "planned",
        )
    # The person reached the target on the second skill; the third is no longer required.
    SkillRatingFactory(
        person=org.person, skill=closed_gap, level=2, source="manager", rated_by=org.manager
    )
    org.person.role.requirements.filter(skill=dropped_requirement).delete()
    client.force_login(org.person.user)

    body = client.get(URL).content.decode()

    assert f"For your gap in {open_gap.name}" in body
    assert f"Your gap in {closed_gap.name} is closed" in body
    assert f"gap in {closed_gap.name}</span>" not in body
    assert f"For {dropped_requirement.name} (no longer required of you)" in body
    assert f"For your gap in {dropped_requirement.name}" not in body
