"""Status codes that say what happened: 405 before any permission, 400 for a page that is no
number, 409 for a stale version, 403 for a refusal by role."""

import pytest

from tests.api.conftest import field_errors, problem_of

pytestmark = pytest.mark.django_db

SKILLS = "/api/v1/skills/"


@pytest.mark.parametrize("persona", [None, "employee", "curator", "admin"])
def test_a_method_a_route_does_not_take_is_a_405_for_everybody(api, org, persona):
    response = api(persona).delete(f"{SKILLS}{org.skill_a.pk}/")
    assert problem_of(response, 405)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS, PATCH, PUT"
    listing = api(persona).put("/api/v1/me/", {})
    assert problem_of(listing, 405)["code"] == "method_not_allowed"
    assert listing["Allow"] == "GET, HEAD, OPTIONS"


def test_a_method_a_route_takes_is_still_checked_for_permission(api, org):
    response = api("employee").patch(f"{SKILLS}{org.skill_a.pk}/", {"name": "Mine"})
    assert problem_of(response, 403)["code"] == "permission_denied"
    assert problem_of(api(None).get(SKILLS), 401)["code"] == "not_authenticated"


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", ""])
def test_a_page_that_is_no_page_number_is_a_400(api, org, value):
    assert field_errors(api("employee").get(f"{SKILLS}?page={value}")) == {
        "page": [f"A whole number from 1 to {2**63 - 1}."]
    }


def test_a_page_past_the_end_is_a_404(api, org):
    assert problem_of(api("employee").get(f"{SKILLS}?page=999"), 404)["code"] == "not_found"


def test_page_size_is_bounded(api, org, settings):
    client = api("employee")
    two = client.get(f"{SKILLS}?page_size=2&ordering=id").json()
    assert len(two["results"]) == 2 and "page_size=2" in two["next"]
    assert client.get(f"{SKILLS}?page_size=200").status_code == 200
    for value in ("201", "0", "many"):
        assert field_errors(client.get(f"{SKILLS}?page_size={value}")) == {
            "page_size": ["A whole number from 1 to 200."]
        }
    settings.API_MAX_PAGE_SIZE = 300
    assert client.get(f"{SKILLS}?page_size=300").status_code == 200


def test_pages_are_integers_in_the_schema(api):
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/skills/"]["get"]["parameters"]
    }
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 200,
        "default": 50,
    }
    self_assessment = schema["paths"]["/api/v1/ratings/self-assessment/"]["post"]["responses"]
    assert self_assessment["409"]["content"]["application/problem+json"]
