"""Learning-plan items: my own (add, move along), a manager's assignments to their people."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import LearningPlanItem
from assessments.selectors.teams import team_members
from tests.api.conftest import field_errors, problem_of
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ResourceSkillFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/plan-items/"


def test_i_add_a_resource_to_my_plan_once(api, org):
    resource = TrainingResourceFactory()
    client = api("employee")
    first = client.post(ITEMS, {"resource": resource.pk, "skill": org.skill_a.pk}, format="json")
    assert first.status_code == 201
    assert first.json()["status"] == "planned" and first.json()["person"] == org.employee.pk
    again = client.post(ITEMS, {"resource": resource.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_a_retired_resource_is_refused_as_the_page_does(api, org):
    resource = TrainingResourceFactory(is_active=False)
    response = api("employee").post(ITEMS, {"resource": resource.pk}, format="json")
    assert response.status_code == 400
    assert field_errors(response) == {
        "resource": ["This resource is retired and cannot be planned."]
    }
    unknown = api("employee").post(ITEMS, {"resource": 999999}, format="json")
    assert unknown.status_code == 400 and "resource" in field_errors(unknown)
    assert not LearningPlanItem.objects.exists()


def test_i_move_my_item_along(api, org):
    item = LearningPlanItemFactory(person=org.employee)
    client = api("employee")
    started = client.post(f"{ITEMS}{item.pk}/transition/", {"action": "start"}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    done = client.post(f"{ITEMS}{item.pk}/transition/", {"action": "complete"}, format="json")
    assert done.json()["status"] == "completed" and done.json()["completed_at"]
    refused = client.post(f"{ITEMS}{item.pk}/transition/", {"action": "start"}, format="json")
    assert refused.status_code == 400
    assert field_errors(refused) == {"status": ["An item that is completed cannot be started."]}


def test_only_the_person_moves_their_items(api, org):
    item = LearningPlanItemFactory(person=org.employee)
    path = f"{ITEMS}{item.pk}/transition/"
    assert api("manager").post(path, {"action": "drop"}, format="json").status_code == 403
    for persona in ("colleague", "outsider", "other_manager", "curator"):
        assert api(persona).post(path, {"action": "drop"}, format="json").status_code == 404
    assert api(None).post(path, {"action": "drop"}, format="json").status_code == 401
    item.refresh_from_db()
    assert item.status == "planned"


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("employee", 1),
        ("colleague", 0),
        ("manager", 1),
        ("other_manager", 0),
        ("lead", 0),
        ("curator", 0),
    ],
)
def test_who_reads_a_plan_item(api, org, persona, visible):
    item = LearningPlanItemFactory(person=org.employee)
    assert api(persona).get(ITEMS).json()["count"] == visible
    assert api(persona).get(f"{ITEMS}{item.pk}/").status_code == (200 if visible else 404)


def test_a_manager_assigns_learning_to_team_members(api, org):
    resource = TrainingResourceFactory()
    due = timezone.localdate() + dt.timedelta(days=30)
    response = api("manager").post(
        f"{ITEMS}assign/",
        {
            "team": org.platform.pk,
            "resource": resource.pk,
            "people": [org.employee.pk, org.colleague.pk],
            "due_date": due.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201
    created = response.json()["created"]
    assert {row["person"] for row in created} == {org.employee.pk, org.colleague.pk}
    # The manager by their Person id (the API's one kind of id for people).
    assert all(row["assigned_by"] == org.manager.person.pk for row in created)
    mine = api("employee").get(f"{ITEMS}?assigned=true").json()["results"]
    assert [row["assigned_by"] for row in mine] == [org.manager.person.pk]
    by_manager = api("manager").get(ITEMS, {"assigned_by": org.manager.person.pk}).json()
    assert {row["person"] for row in by_manager["results"]} == {org.employee.pk, org.colleague.pk}


@pytest.mark.parametrize("members", [2, 6])
def test_an_assignment_costs_the_same_queries_however_many_members(
    api, org, members, django_assert_num_queries
):
    """A first assignment, a repeat (every item unchanged) and a repeat that moves the due
    date each cost a constant number of queries: the items are read, written and answered
    together, each with its resource and its manager (``assigned_by``) as already read."""
    for _ in range(members - 2):
        PersonFactory(team=org.platform, role=org.role)
    people = list(team_members(team=org.platform).values_list("pk", flat=True))
    assert len(people) == members
    resource = TrainingResourceFactory()
    ResourceSkillFactory(resource=resource, skill=org.skill_b, level=3)  # a gap of each member
    due = timezone.localdate() + dt.timedelta(days=30)
    body = {"team": org.platform.pk, "resource": resource.pk, "people": people}
    client = api("manager")
    # token (2), persona flags, the teams the manager reads, the team, the resource, the
    # members named; transaction: the manager's right, the members, what the resource builds,
    # the members' skill states, the gaps' skills; transaction: the open items (locked), the
    # new items in one insert; the manager's person record.
    with django_assert_num_queries(19):
        first = client.post(f"{ITEMS}assign/", {**body, "due_date": due.isoformat()}, "json")
    assert first.status_code == 201 and len(first.json()["created"]) == members
    # The same again: nothing written.
    with django_assert_num_queries(18):
        again = client.post(f"{ITEMS}assign/", {**body, "due_date": due.isoformat()}, "json")
    assert again.status_code == 200 and len(again.json()["updated"]) == members
    # A new due date: the items in one update.
    later = (due + dt.timedelta(days=7)).isoformat()
    with django_assert_num_queries(19):
        moved = client.post(f"{ITEMS}assign/", {**body, "due_date": later}, "json")
    rows = moved.json()["updated"]
    assert {row["due_date"] for row in rows} == {later}
    assert {row["assigned_by"] for row in rows} == {org.manager.person.pk}
    assert {row["resource_title"] for row in rows} == {resource.title}
    assert {row["skill"] for row in rows} == {org.skill_b.pk}
    assert LearningPlanItem.objects.filter(resource=resource, due_date=later).count() == members


def test_assignment_refusals(api, org):
    resource = TrainingResourceFactory()
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    payload = {
        "team": org.platform.pk,
        "resource": resource.pk,
        "people": [org.employee.pk],
        "due_date": due,
    }
    # Who manages no team is refused by role (403), whatever the body; another team's manager
    # names a team they do not manage: a 400 at that field.
    for persona in ("employee", "curator"):
        response = api(persona).post(f"{ITEMS}assign/", payload, format="json")
        assert problem_of(response, 403)["code"] == "permission_denied"
        assert problem_of(api(persona).post(f"{ITEMS}assign/", {}), 403)
    response = api("other_manager").post(f"{ITEMS}assign/", payload, format="json")
    assert response.status_code == 400 and "team" in field_errors(response)
    # Only members of the team.
    outsider = {**payload, "people": [org.outsider.pk]}
    assert "people" in field_errors(api("manager").post(f"{ITEMS}assign/", outsider, format="json"))
    # The page's own rules: no due date in the past.
    past = {**payload, "due_date": "2000-01-01"}
    response = api("manager").post(f"{ITEMS}assign/", past, format="json")
    assert field_errors(response) == {"due_date": ["The due date cannot be in the past."]}
    assert not LearningPlanItem.objects.exists()


def test_leadership_reads_a_team_but_only_its_managers_assign(api, org):
    resource = TrainingResourceFactory()
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    payload = {
        "team": org.platform.pk,
        "resource": resource.pk,
        "people": [org.employee.pk],
        "due_date": due,
    }
    response = api("lead").post(f"{ITEMS}assign/", payload, format="json")
    assert response.status_code == 403
    assert not LearningPlanItem.objects.exists()
