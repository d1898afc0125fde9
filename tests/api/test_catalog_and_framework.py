"""The training catalog and the skills framework: everybody signed in reads; curators and
admins create and update, with the model's (and the curator form's) validation."""

import pytest

from catalog.models import ResourceSkill, TrainingResource
from readiness.models import RoleRequirement, Skill
from tests.api.conftest import field_errors
from tests.factories import (
    AudienceFactory,
    ProviderFactory,
    ResourceSkillFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = "/api/v1/resources/"
WRITERS = ["curator", "admin"]
REFUSED = ["employee", "manager", "lead"]


def _resource_payload(org, provider_, **extra):
    return {
        "title": "Prompting for analysts",
        "url": "https://learn.example.com/prompting/",
        "kind": "module",
        "provider": provider_.pk,
        "duration_minutes": 45,
        "level": 1,
        "audiences": [org.audience.pk],
        "skills": [{"skill": org.skill_a.pk, "level": 2}, {"skill": org.skill_b.pk, "level": 3}],
        **extra,
    }


# --- Catalog ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", WRITERS)
def test_curators_create_and_update_a_resource_with_its_skills(api, org, persona):
    provider = ProviderFactory()
    client = api(persona)
    created = client.post(RESOURCES, _resource_payload(org, provider), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["skills"] == [
        {"skill": org.skill_a.pk, "level": 2},
        {"skill": org.skill_b.pk, "level": 3},
    ]
    assert body["audiences"] == [org.audience.pk]
    updated = client.patch(
        f"{RESOURCES}{body['id']}/",
        {"skills": [{"skill": org.skill_c.pk, "level": 1}], "is_free": False},
        format="json",
    )
    assert updated.status_code == 200
    assert updated.json()["skills"] == [{"skill": org.skill_c.pk, "level": 1}]
    assert updated.json()["is_free"] is False and updated.json()["audiences"] == [org.audience.pk]


@pytest.mark.parametrize("persona", REFUSED)
def test_others_cannot_change_the_catalog(api, org, persona):
    provider = ProviderFactory()
    resource = TrainingResourceFactory()
    client = api(persona)
    assert (
        client.post(RESOURCES, _resource_payload(org, provider), format="json").status_code == 403
    )
    assert (
        client.patch(f"{RESOURCES}{resource.pk}/", {"title": "x"}, format="json").status_code == 403
    )
    assert (
        client.post("/api/v1/providers/", {"name": "X", "slug": "x"}, format="json").status_code
        == 403
    )
    resource.refresh_from_db()
    assert resource.title != "x"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"skills": [{"skill": 999999, "level": 2}]}, "skills"),
        ({"skills": [{"skill": "__a__", "level": 7}]}, "skills"),
        ({"title": ""}, "title"),
        ({"provider": 999999}, "provider"),
    ],
)
def test_bad_resource_input_is_a_400_and_saves_nothing(api, org, change, field):
    provider = ProviderFactory()
    payload = _resource_payload(org, provider, **change)
    if payload["skills"] and payload["skills"][0]["skill"] == "__a__":
        payload["skills"][0]["skill"] = org.skill_a.pk
    before = TrainingResource.objects.count()
    response = api("curator").post(RESOURCES, payload, format="json")
    assert response.status_code == 400
    assert field in field_errors(response)
    assert TrainingResource.objects.count() == before
    assert not ResourceSkill.objects.filter(resource__title="Prompting for analysts").exists()


def test_a_duplicate_url_is_refused(api, org):
    existing = TrainingResourceFactory()
    payload = _resource_payload(org, ProviderFactory(), url=existing.url)
    response = api("curator").post(RESOURCES, payload, format="json")
    assert response.status_code == 400
    assert "already exists" in field_errors(response)["url"][0]


def test_retired_resources_are_for_curators_only(api, org):
    retired = TrainingResourceFactory(is_active=False)
    assert api("employee").get(f"{RESOURCES}{retired.pk}/").status_code == 404
    assert api("curator").get(f"{RESOURCES}{retired.pk}/").status_code == 200
    assert api("curator").get(f"{RESOURCES}?is_active=false").json()["count"] == 1


def test_catalog_filters(api, org):
    TrainingResource.objects.all().delete()
    leaders = AudienceFactory(name="Leaders", slug="leaders")
    short = TrainingResourceFactory(title="Short prompting", duration_minutes=30, level=1)
    long = TrainingResourceFactory(
        title="Long course", duration_minutes=600, level=3, is_free=False, kind="course"
    )
    unknown = TrainingResourceFactory(title="Anything", duration_minutes=None)
    short.audiences.add(org.audience)
    long.audiences.add(leaders)
    ResourceSkillFactory(resource=long, skill=org.skill_a, level=3)
    client = api("employee")

    def titles(query):
        response = client.get(f"{RESOURCES}?{query}")
        assert response.status_code == 200, response.json()
        return {row["title"] for row in response.json()["results"]}

    assert titles("q=prompting") == {"Short prompting"}
    assert titles("duration=short") == {"Short prompting"}
    assert titles("duration=long") == {"Long course"}
    assert titles("duration=unknown") == {"Anything"}
    assert titles("is_free=false") == {"Long course"}
    assert titles("kind=course") == {"Long course"}
    assert titles("level=3") == {"Long course"}
    assert titles("skill=api-skill-a") == {"Long course"}
    # A resource for no audience fits everybody.
    assert titles("audience=api-testers") == {"Short prompting", "Anything"}
    assert titles(f"provider={long.provider.slug}") == {"Long course"}
    assert client.get(f"{RESOURCES}?duration=forever").status_code == 400
    ordered = client.get(f"{RESOURCES}?ordering=-title").json()["results"]
    assert [row["title"] for row in ordered] == ["Short prompting", "Long course", "Anything"]
    assert unknown.pk


def test_anonymous_reads_nothing(api):
    assert api(None).get(RESOURCES).status_code == 401
    assert api(None).get("/api/v1/skills/").status_code == 401


# --- Skills framework -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", WRITERS)
def test_curators_edit_the_framework(api, org, persona):
    client = api(persona)
    category = client.post(
        "/api/v1/skill-categories/", {"name": "Agents", "slug": "agents"}, format="json"
    )
    assert category.status_code == 201
    skill = client.post(
        "/api/v1/skills/",
        {
            "name": "Agent design",
            "slug": "agent-design",
            "category": category.json()["id"],
            "descriptor_2": "Builds a simple agent with guidance.",
        },
        format="json",
    )
    assert skill.status_code == 201, skill.json()
    assert skill.json()["category_slug"] == "agents"
    role = client.post(
        "/api/v1/roles/",
        {"name": "Agent engineer", "slug": "agent-engineer", "audience": org.audience.pk},
        format="json",
    )
    assert role.status_code == 201
    requirement = client.post(
        "/api/v1/role-requirements/",
        {
            "role": role.json()["id"],
            "skill": skill.json()["id"],
            "target_level": 3,
        },
        format="json",
    )
    assert requirement.status_code == 201
    assert (
        client.get(f"/api/v1/roles/{role.json()['id']}/").json()["requirements"][0]["target_level"]
        == 3
    )
    changed = client.patch(
        f"/api/v1/role-requirements/{requirement.json()['id']}/", {"target_level": 4}, format="json"
    )
    assert changed.json()["target_level"] == 4
    assert (
        client.delete(f"/api/v1/role-requirements/{requirement.json()['id']}/").status_code == 204
    )
    audience_req = client.post(
        "/api/v1/audience-requirements/",
        {
            "audience": org.audience.pk,
            "skill": skill.json()["id"],
            "target_level": 1,
        },
        format="json",
    )
    assert audience_req.status_code == 201
    renamed = client.patch(
        f"/api/v1/skills/{skill.json()['id']}/", {"is_active": False}, format="json"
    )
    assert renamed.json()["is_active"] is False


@pytest.mark.parametrize("persona", REFUSED)
def test_others_read_but_cannot_edit_the_framework(api, org, persona):
    client = api(persona)
    assert client.get("/api/v1/skills/").status_code == 200
    assert client.get(f"/api/v1/roles/{org.role.pk}/").status_code == 200
    assert (
        client.post(
            "/api/v1/skill-categories/", {"name": "X", "slug": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/skills/{org.skill_a.pk}/", {"name": "Hacked"}, format="json"
        ).status_code
        == 403
    )
    requirement = RoleRequirement.objects.filter(role=org.role).first()
    assert client.delete(f"/api/v1/role-requirements/{requirement.pk}/").status_code == 403
    assert Skill.objects.get(pk=org.skill_a.pk).name == "API skill A"


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/role-requirements/", {"skill": "a", "target_level": 7}, "target_level"),
        ("/api/v1/role-requirements/", {"skill": "a", "target_level": 2}, "non_field_errors"),
        ("/api/v1/skills/", {"name": "API skill A", "slug": "new", "category": "cat"}, "name"),
        ("/api/v1/skills/", {"name": "N", "slug": "not a slug", "category": "cat"}, "slug"),
        (
            "/api/v1/skills/",
            {"name": "N", "slug": "n", "category": "cat", "reassessment_interval_days": 3},
            "reassessment_interval_days",
        ),
    ],
)
def test_framework_validation_is_the_models(api, org, path, payload, field):
    payload = dict(payload)
    if payload.get("skill") == "a":
        payload.update(skill=org.skill_a.pk, role=org.role.pk)
    if payload.get("category") == "cat":
        payload["category"] = org.skill_a.category_id
    before = (Skill.objects.count(), RoleRequirement.objects.count())
    response = api("curator").post(path, payload, format="json")
    assert response.status_code == 400
    assert field in field_errors(response), field_errors(response)
    assert (Skill.objects.count(), RoleRequirement.objects.count()) == before


def test_audiences_are_read_only(api, org):
    assert (
        api("admin")
        .post("/api/v1/audiences/", {"name": "X", "slug": "x"}, format="json")
        .status_code
        == 405
    )
