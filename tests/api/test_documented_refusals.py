"""Each refusal the schema documents can happen: on a sample of operations, every documented
401, 403, 404, 406 and 415 is provoked (and only those are documented); a method a path does
not document is a 405 whose Allow header names the documented ones."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import client_for, problem_of

pytestmark = pytest.mark.django_db

PROVOKED = {"401", "403", "404", "406", "415"}


@pytest.fixture
def schema(api):  # noqa: ANN001, ANN201
    return api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _csrf_session(user) -> APIClient:  # noqa: ANN001
    """Signed in with the session cookie, as a browser script would, without the CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _call(client: APIClient, method: str, url: str, body: object = None, **extra: str):  # noqa: ANN202
    if method in {"post", "put", "patch"}:
        return getattr(client, method)(
            url, body if body is not None else {}, format="json", **extra
        )
    return getattr(client, method)(url, **extra)


def _as_form(client: APIClient, method: str, url: str):  # noqa: ANN202
    return getattr(client, method)(url, "name=x", content_type="application/x-www-form-urlencoded")


def _sample(org):  # noqa: ANN001, ANN202
    """(method, schema path, URL, {documented code: how to provoke it})."""
    skill = f"/api/v1/skills/{org.skill_a.pk}/"
    employee, curator, lead = org.employee.user, org.curator, org.lead
    return [
        (
            "get",
            "/api/v1/skills/",
            "/api/v1/skills/",
            {
                "401": lambda u: _call(APIClient(), "get", u),
                "404": lambda u: _call(client_for(employee), "get", u + "?page=999"),
            },
        ),
        (
            "post",
            "/api/v1/skills/",
            "/api/v1/skills/",
            {
                "401": lambda u: _call(APIClient(), "post", u),
                "403": lambda u: _call(client_for(employee), "post", u),
                "415": lambda u: _as_form(client_for(curator), "post", u),
            },
        ),
        (
            "get",
            "/api/v1/skills/{id}/",
            skill,
            {
                "401": lambda u: _call(APIClient(), "get", u),
                "404": lambda u: _call(client_for(employee), "get", "/api/v1/skills/999999/"),
            },
        ),
        (
            "patch",
            "/api/v1/skills/{id}/",
            skill,
            {
                "401": lambda u: _call(APIClient(), "patch", u),
                "403": lambda u: _call(_csrf_session(curator), "patch", u, {"name": "x"}),
                "404": lambda u: _call(
                    client_for(curator), "patch", "/api/v1/skills/999999/", {"name": "x"}
                ),
                "415": lambda u: _as_form(client_for(curator), "patch", u),
            },
        ),
        (
            "get",
            "/api/v1/me/",
            "/api/v1/me/",
            {
                "401": lambda u: _call(APIClient(), "get", u),
                "404": lambda u: _call(client_for(curator), "get", u),  # no person record
            },
        ),
        (
            "post",
            "/api/v1/me/confirm/",
            "/api/v1/me/confirm/",
            {
                "401": lambda u: _call(APIClient(), "post", u),
                "403": lambda u: _call(_csrf_session(employee), "post", u),
                "404": lambda u: _call(client_for(curator), "post", u),
            },
        ),
        (
            "get",
            "/api/v1/audiences/readiness/",
            "/api/v1/audiences/readiness/",
            {
                "401": lambda u: _call(APIClient(), "get", u),
                "403": lambda u: _call(client_for(employee), "get", u),
                "404": lambda u: _call(client_for(lead), "get", u + "?page=999"),
            },
        ),
        (
            "get",
            "/api/v1/teams/{team_id}/skills/",
            f"/api/v1/teams/{org.platform.pk}/skills/",
            {
                "401": lambda u: _call(APIClient(), "get", u),
                "403": lambda u: _call(client_for(lead), "get", u),  # figures only, not members
                "404": lambda u: _call(client_for(org.other_manager), "get", u),
            },
        ),
    ]


def test_each_documented_refusal_of_a_sample_happens(schema, org):  # noqa: ANN001
    for method, path, url, provoke in _sample(org):
        documented = set(schema["paths"][path][method]["responses"]) & PROVOKED
        assert documented == set(provoke) | {"406"}, (method, path, documented)
        for code, call in provoke.items():
            problem_of(call(url), int(code))
        not_acceptable = client_for(org.admin)
        response = _call(not_acceptable, method, url, HTTP_ACCEPT="text/html")
        problem_of(response, 406)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/skills/{id}/",
        "/api/v1/skills/",
        "/api/v1/me/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/teams/{team_id}/readiness/",
        "/api/v1/plan-items/assign/",
    ],
)
def test_a_method_the_schema_does_not_list_is_a_405_naming_the_listed_ones(schema, org, api, path):  # noqa: ANN001
    listed = {method.upper() for method in schema["paths"][path]} - {"PARAMETERS"}
    url = path.replace("{id}", "1").replace("{team_id}", str(org.platform.pk))
    missing = next(m for m in ["DELETE", "PUT", "PATCH", "POST", "GET"] if m not in listed)
    response = api("admin").generic(missing, url, "{}", content_type="application/json")
    problem_of(response, 405)
    allowed = {method.strip() for method in response["Allow"].split(",")}
    assert allowed - {"HEAD", "OPTIONS"} == listed, (path, allowed, listed)
