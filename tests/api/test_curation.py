"""The curators' API: mapping rules (through the rule form), the unmapped queue and import
runs (read only) — curators and admins only, as on the curator pages."""

import pytest

from catalog.models import ImportRun, SkillMappingRule
from tests.api.conftest import field_errors
from tests.factories import ResourceSkillFactory, TrainingResourceFactory

pytestmark = pytest.mark.django_db

RULES = "/api/v1/mapping-rules/"
UNMAPPED = "/api/v1/unmapped-resources/"
RUNS = "/api/v1/import-runs/"
REFUSED = ["employee", "manager", "lead"]


def _rule(org, **extra):
    return {
        "skill": org.skill_a.pk,
        "field": "product",
        "value": "azure-openai",
        "level_rule": "difficulty",
        **extra,
    }


@pytest.mark.parametrize("persona", ["curator", "admin"])
def test_curators_create_change_and_delete_rules(api, org, persona):
    seeded = SkillMappingRule.objects.count()  # the seeded rules of the migrations
    response = api(persona).post(RULES, _rule(org), format="json")
    assert response.status_code == 201, response.content
    url = f"{RULES}{response.json()['id']}/"
    assert api(persona).get(RULES).json()["count"] == seeded + 1
    response = api(persona).put(
        url, _rule(org, level_rule="fixed", fixed_level=3, value="  azure   ai "), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["fixed_level"] == 3 and response.json()["value"] == "azure ai"
    assert api(persona).delete(url).status_code == 204
    assert SkillMappingRule.objects.count() == seeded


def test_rule_input_gets_the_forms_refusals(api, org):
    seeded = SkillMappingRule.objects.count()
    fixed = api("curator").post(RULES, _rule(org, level_rule="fixed"), format="json")
    assert fixed.status_code == 400 and "fixed_level" in field_errors(fixed)
    org.skill_b.is_active = False
    org.skill_b.save()
    retired = api("curator").post(RULES, _rule(org, skill=org.skill_b.pk), format="json")
    assert retired.status_code == 400 and "skill" in field_errors(retired)
    assert api("curator").post(RULES, _rule(org, field="nope"), format="json").status_code == 400
    assert SkillMappingRule.objects.count() == seeded


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_use_the_curators_api(api, org, persona):
    rule = SkillMappingRule.objects.create(
        skill=org.skill_a, field="product", value="x", level_rule="difficulty"
    )
    rules = SkillMappingRule.objects.count()
    client = api(persona)
    assert client.get(RULES).status_code == 403
    assert client.post(RULES, _rule(org), format="json").status_code == 403
    assert client.put(f"{RULES}{rule.pk}/", _rule(org), format="json").status_code == 403
    assert client.delete(f"{RULES}{rule.pk}/").status_code == 403
    assert client.get(UNMAPPED).status_code == 403
    assert client.get(RUNS).status_code == 403
    assert SkillMappingRule.objects.count() == rules


def _imported(**extra):
    return TrainingResourceFactory(source="learn_catalog", **extra)


def test_the_unmapped_queue(api, org):
    waiting = _imported(title="Azure OpenAI basics", external_uid="learn.azure-openai")
    mapped = _imported(external_uid="learn.mapped")
    ResourceSkillFactory(resource=mapped, skill=org.skill_a)
    TrainingResourceFactory(title="Manual, no skill")  # not imported
    body = api("curator").get(UNMAPPED).json()
    assert [r["id"] for r in body["results"]] == [waiting.pk]
    assert api("curator").get(UNMAPPED, {"q": "openai"}).json()["count"] == 1
    assert api("curator").get(UNMAPPED, {"q": "nothing-like-it"}).json()["count"] == 0


def test_import_runs_are_read(api, org):
    outcomes = {
        "created": [{"id": 7, "title": "A module", "url": "https://example.com/m"}],
        "updated": [],
        "retired": [],
        "unmapped": [],
        "retire_ids": [],
    }
    run = ImportRun.objects.create(
        source="file",
        file_name="catalog.json",
        status="succeeded",
        requested_by=org.curator,
        summary={"created": 3},
        outcomes=outcomes,
    )
    body = api("curator").get(RUNS).json()
    assert [r["id"] for r in body["results"]] == [run.pk]
    detail = api("admin").get(f"{RUNS}{run.pk}/").json()
    assert detail["summary"] == {"created": 3} and detail["requested_by_username"] == "curator"
    assert detail["outcomes"] == outcomes and detail["awaiting_confirmation"] is False
    assert "payload" not in detail
    assert api("curator").post(RUNS, {}, format="json").status_code == 405
