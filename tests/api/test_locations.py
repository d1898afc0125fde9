"""Every 201 says where to read what it created (``Location``); a write that creates nothing
is a 200; what is written at a URL can be read there."""

import datetime as dt

import pytest
from django.utils import timezone

from readiness.models import GapRemedy
from tests.api.conftest import person_id, problem_of
from tests.factories import ReadinessPlanFactory, TrainingResourceFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def _clients(api):
    """One client (one token) per persona: a person has at most 10 tokens."""
    clients: dict = {}

    def client(persona):
        if persona not in clients:
            clients[persona] = api(persona)
        return clients[persona]

    return client


def _read(api, persona, response):
    """The object (or list) at the 201's Location, read by the same persona."""
    assert response.status_code == 201, response.content
    location = response["Location"]
    assert location.startswith(f"{HOST}/api/v1/"), location
    read = api(persona).get(location.removeprefix(HOST))
    assert read.status_code == 200, (location, read.content)
    return read.json()


def _creations(org):
    today = timezone.localdate()
    resource = TrainingResourceFactory()
    plan = ReadinessPlanFactory(owner=org.lead)
    return [
        ("curator", "/api/v1/skill-categories/", {"name": "Agents", "slug": "agents"}),
        (
            "curator",
            "/api/v1/skills/",
            {"name": "Tools", "slug": "tools", "category": org.skill_a.category_id},
        ),
        ("curator", "/api/v1/providers/", {"name": "Someone", "slug": "someone"}),
        (
            "curator",
            "/api/v1/resources/",
            {
                "title": "A course",
                "url": "https://example.com/c",
                "kind": "course",
                "skills": [],
                "provider": resource.provider_id,
            },
        ),
        (
            "curator",
            "/api/v1/mapping-rules/",
            {
                "field": "product",
                "value": "agents-x",
                "skill": org.skill_a.pk,
                "level_rule": "difficulty",
            },
        ),
        ("employee", "/api/v1/concerns/", {"category": "ethics", "text": "Who checks?"}),
        ("employee", "/api/v1/plan-items/", {"resource": resource.pk}),
        ("employee", "/api/v1/tokens/", {"name": "script", "expires_in_days": 30}),
        ("admin", "/api/v1/service-tokens/", {"account": "bi", "name": "BI"}),
        (
            "lead",
            "/api/v1/cycles/",
            {
                "name": "Q3",
                "opens_on": today.isoformat(),
                "due_on": (today + dt.timedelta(days=9)).isoformat(),
                "teams": [org.platform.pk],
            },
        ),
        (
            "lead",
            "/api/v1/plans/",
            {
                "name": "Rollout",
                "business_scenario": "x",
                "owner": person_id(org.lead),
                "start_date": today.isoformat(),
                "target_date": (today + dt.timedelta(days=90)).isoformat(),
                "status": "active",
            },
        ),
        (
            "lead",
            f"/api/v1/plans/{plan.pk}/goals/",
            {
                "audience": org.audience.pk,
                "skill": org.skill_a.pk,
                "target_share": 70,
                "due_date": plan.target_date.isoformat(),
            },
        ),
        (
            "lead",
            f"/api/v1/plans/{plan.pk}/partners/",
            {"name": "A university", "contribution": "Courses"},
        ),
        (
            "employee",
            "/api/v1/ratings/self-assessment/",
            {"ratings": [{"skill": org.skill_a.pk, "level": 2}]},
        ),
        (
            "manager",
            "/api/v1/ratings/manager/",
            {"ratings": [{"person": org.employee.pk, "skill": org.skill_a.pk, "level": 1}]},
        ),
        (
            "manager",
            "/api/v1/plan-items/assign/",
            {
                "team": org.platform.pk,
                "resource": resource.pk,
                "people": [org.colleague.pk],
                "due_date": (today + dt.timedelta(days=30)).isoformat(),
            },
        ),
    ]


def test_every_201_has_a_location_to_read_it_at(api, org):
    api = _clients(api)
    for persona, url, body in _creations(org):
        response = api(persona).post(url, body)
        read = _read(api, persona, response)
        if "results" not in read and "id" in response.json():
            assert read["id"] == response.json()["id"], url
    # the quick review: the state it changed
    response = api("employee").post("/api/v1/me/confirm/")
    assert _read(api, "employee", response)["person"]["id"] == org.employee.pk


def test_batches_point_at_what_they_wrote(api, org):
    response = api("employee").post(
        "/api/v1/ratings/self-assessment/", {"ratings": [{"skill": org.skill_a.pk, "level": 2}]}
    )
    rows = _read(api, "employee", response)["results"]
    assert [(r["skill"], r["level"], r["source"]) for r in rows] == [(org.skill_a.pk, 2, "self")]


def test_repeating_an_assignment_that_creates_nothing_is_a_200(api, org):
    resource = TrainingResourceFactory()
    body = {
        "team": org.platform.pk,
        "resource": resource.pk,
        "people": [org.employee.pk],
        "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    first = api("manager").post("/api/v1/plan-items/assign/", body)
    assert first.status_code == 201 and len(first.json()["created"]) == 1
    again = api("manager").post("/api/v1/plan-items/assign/", body)
    assert again.status_code == 200 and again.json()["created"] == []
    assert not again.has_header("Location")


def test_a_plan_item_added_twice_is_a_200_without_location(api, org):
    resource = TrainingResourceFactory()
    assert api("employee").post("/api/v1/plan-items/", {"resource": resource.pk}).status_code == 201
    again = api("employee").post("/api/v1/plan-items/", {"resource": resource.pk})
    assert again.status_code == 200 and not again.has_header("Location")


def test_a_remedy_goal_and_partner_are_readable_where_they_are_written(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"/api/v1/plans/{plan.pk}/gaps/{org.skill_a.pk}/remedy/"
    assert problem_of(api("lead").get(url), 404)["code"] == "not_found"  # none yet
    remedy = {
        "remedy": "train",
        "owner": person_id(org.manager),
        "deadline": plan.target_date.isoformat(),
        "notes": "Workshops",
    }
    written = api("lead").put(url, remedy).json()
    for persona in ("lead", "admin"):  # the owner, and another reader of the plan
        assert api(persona).get(url).json() == written
    for persona in ("employee", "manager", "curator"):
        assert problem_of(api(persona).get(url), 403)["code"] == "permission_denied"
    assert GapRemedy.objects.count() == 1
    partner = api("lead").post(
        f"/api/v1/plans/{plan.pk}/partners/", {"name": "Uni", "contribution": "Courses"}
    )
    assert _read(api, "admin", partner) == partner.json()
