"""ETag on what a GET reads; If-Match on PUT, PATCH and DELETE: 412 when the object changed
since it was read, and nothing written; 428 without it when API_REQUIRE_IF_MATCH is on."""

import pytest

from readiness.models import ReadinessPlan, RoleRequirement, Skill
from tests.api.conftest import problem_of
from tests.factories import ReadinessPlanFactory

pytestmark = pytest.mark.django_db


def _url(org):
    return f"/api/v1/skills/{org.skill_a.pk}/"


def test_a_read_has_an_etag_that_changes_with_the_object(api, org):
    client = api("curator")
    first = client.get(_url(org))
    etag = first["ETag"]
    assert etag.startswith('"') and client.get(_url(org))["ETag"] == etag
    not_modified = client.get(_url(org), HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not not_modified.content
    assert client.patch(_url(org), {"name": "Renamed"}).status_code == 200
    assert client.get(_url(org))["ETag"] != etag


def test_a_write_with_the_current_etag_goes_ahead(api, org):
    client = api("curator")
    etag = client.get(_url(org))["ETag"]
    response = client.patch(_url(org), {"name": "Renamed"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert client.patch(_url(org), {"name": "Again"}, HTTP_IF_MATCH="*").status_code == 200


def test_a_write_with_a_stale_etag_is_a_412_and_writes_nothing(api, org):
    mine, theirs = api("curator"), api("admin")
    etag = mine.get(_url(org))["ETag"]
    assert theirs.patch(_url(org), {"name": "Theirs"}).status_code == 200
    response = mine.put(
        _url(org), {**mine.get(_url(org)).json(), "name": "Mine"}, HTTP_IF_MATCH=etag
    )
    assert problem_of(response, 412)["code"] == "precondition_failed"
    assert Skill.objects.get(pk=org.skill_a.pk).name == "Theirs"
    weak = mine.patch(_url(org), {"name": "Mine"}, HTTP_IF_MATCH=f"W/{etag}")
    assert problem_of(weak, 412)["code"] == "precondition_failed"


def test_a_delete_with_a_stale_etag_is_a_412(api, org):
    requirement = RoleRequirement.objects.filter(role=org.role).first()
    url = f"/api/v1/role-requirements/{requirement.pk}/"
    client = api("curator")
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"target_level": 4}).status_code == 200
    assert problem_of(client.delete(url, HTTP_IF_MATCH=etag), 412)["code"] == "precondition_failed"
    assert RoleRequirement.objects.filter(pk=requirement.pk).exists()
    fresh = client.get(url)["ETag"]
    assert client.delete(url, HTTP_IF_MATCH=fresh).status_code == 204


def test_a_plan_changed_by_its_owner_meanwhile_is_not_overwritten(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"/api/v1/plans/{plan.pk}/"
    lead, admin = api("lead"), api("admin")
    etag = admin.get(url)["ETag"]
    assert lead.patch(url, {"name": "The owner's"}).status_code == 200
    response = admin.patch(url, {"name": "The admin's"}, HTTP_IF_MATCH=etag)
    assert problem_of(response, 412)["code"] == "precondition_failed"
    assert ReadinessPlan.objects.get(pk=plan.pk).name == "The owner's"


def test_if_match_does_not_reveal_what_the_person_may_not_read(api, org):
    url = f"/api/v1/people/{org.outsider.pk}/"
    assert problem_of(api("employee").get(url), 404)
    other_plan = ReadinessPlanFactory(owner=org.lead)
    response = api("employee").patch(
        f"/api/v1/plans/{other_plan.pk}/", {"name": "x"}, HTTP_IF_MATCH='"0"'
    )
    assert problem_of(response, 403)["code"] == "permission_denied"


def test_if_match_can_be_required(api, org, settings):
    settings.API_REQUIRE_IF_MATCH = True
    client = api("curator")
    response = client.patch(_url(org), {"name": "Blind"})
    assert problem_of(response, 428)["code"] == "precondition_required"
    assert Skill.objects.get(pk=org.skill_a.pk).name != "Blind"
    etag = client.get(_url(org))["ETag"]
    assert client.patch(_url(org), {"name": "Seen"}, HTTP_IF_MATCH=etag).status_code == 200


def test_the_schema_documents_etags_and_preconditions(api):
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"put", "patch", "delete"}:
                assert {"412", "428"} <= set(operation["responses"]), (method, path)
                assert "If-Match" in [p["name"] for p in operation["parameters"]], (method, path)
    detail = schema["paths"]["/api/v1/skills/{id}/"]["get"]["responses"]["200"]
    assert "ETag" in detail["headers"]
    created = schema["paths"]["/api/v1/skills/"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


# --- No audit row for a write that changes nothing ---------------------------------------------


def test_an_identical_put_and_an_empty_patch_add_no_audit_row(api, org):
    client = api("curator")
    url = _url(org)
    history = Skill.history.filter(id=org.skill_a.pk)
    before = history.count()
    current = client.get(url).json()
    assert client.put(url, current).status_code == 200
    assert client.patch(url, {}).status_code == 200
    assert client.patch(url, {"name": current["name"]}).status_code == 200
    assert history.count() == before
    assert client.patch(url, {"name": "Changed"}).status_code == 200
    assert history.count() == before + 1
    assert history.latest("history_date").name == "Changed"


def test_a_plan_saved_unchanged_adds_no_audit_row(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    history = ReadinessPlan.history.filter(id=plan.pk)
    before = history.count()
    url = f"/api/v1/plans/{plan.pk}/"
    assert api("lead").patch(url, {"name": plan.name}).status_code == 200
    assert history.count() == before
    assert api("lead").patch(url, {"name": "Renamed"}).status_code == 200
    assert history.count() == before + 1


def test_a_new_object_is_always_recorded(org):
    skill = Skill(name="Fresh", slug="fresh", category=org.skill_a.category)
    skill.save()
    assert Skill.history.filter(id=skill.pk, history_type="+").count() == 1
    skill.save()  # loaded values unchanged since the save: nothing new
    assert Skill.history.filter(id=skill.pk).count() == 1
