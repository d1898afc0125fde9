"""The OpenAPI schema is complete and valid; schema and docs need a signed-in person."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_schema_validates_without_a_warning(tmp_path):
    # --fail-on-warn: an operation, parameter or response whose type had to be guessed fails.
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=StringIO()
    )
    text = out.read_text()
    assert "/api/v1/hr/upsert/" in text
    assert "knoxApiToken" in text


def test_schema_needs_authentication(api):
    anonymous = api(None).get("/api/schema/")
    assert anonymous.status_code == 401
    assert b"Authentication credentials were not provided." in anonymous.content
    response = api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/me/skills/" in response.json()["paths"]


def test_every_operation_documents_its_refusals(api):
    """Only the refusals an operation can answer (readiness.api.schema.AutoSchema._refusals);
    tests/api/test_documented_refusals.py provokes each kind on a sample of operations."""
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            where = (method, path, sorted(codes))
            assert {"400", "401", "406"} <= codes, (
                where
            )  # no API operation allows anonymous callers
            assert "405" not in codes, where  # its method is allowed: another one is the 405
            # 415 only where a body is read (not on DELETE, nor on a POST without a body).
            assert ("415" in codes) == ("requestBody" in operation), where
            if method != "get":
                assert "403" in codes, where  # a session without its CSRF token
            if "{" in path or path.startswith("/api/v1/me/") or _paginated(operation):
                assert "404" in codes, where
            for code in codes & {"401", "403", "404", "406", "415"}:
                content = operation["responses"][code]["content"]
                assert content == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, where
    responses = {
        (m, p): set(o["responses"]) for p, ops in schema["paths"].items() for m, o in ops.items()
    }
    # Reads every signed-in caller may make: no 403; a list without an id in its path and
    # not paginated, a create: no 404.
    for method, path in [
        ("get", "/api/v1/skills/"),
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/people/{id}/"),
        ("get", "/api/v1/teams/{team_id}/readiness/"),
    ]:
        assert "403" not in responses[method, path], (method, path)
    for method, path in [
        ("post", "/api/v1/skills/"),
        ("post", "/api/v1/hr/upsert/"),
        ("post", "/api/v1/plans/"),
    ]:
        assert "404" not in responses[method, path], (method, path)
    # Refused by a permission class or in the view's code: documented.
    for method, path in [
        ("get", "/api/v1/audiences/readiness/"),
        ("get", "/api/v1/teams/{team_id}/skills/"),
        ("get", "/api/v1/cycles/"),
        ("get", "/api/v1/webhooks/"),
    ]:
        assert "403" in responses[method, path], (method, path)
    for method, path in [
        ("post", "/api/v1/ratings/self-assessment/"),
        ("post", "/api/v1/plan-items/"),
    ]:
        assert "404" in responses[method, path], (method, path)  # no person record


def _paginated(operation: dict) -> bool:
    ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
    return ok.get("schema", {}).get("$ref", "").startswith("#/components/schemas/Paginated")


def test_docs_are_a_page_behind_the_login_and_load_nothing_from_a_cdn(client, org):
    docs = reverse("api:docs")
    assert client.get(docs)["Location"].startswith(reverse("login"))
    client.force_login(org.employee.user)
    page = client.get(docs)
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_the_schema_names_its_server_contact_and_every_tag(api):
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    assert schema["servers"] == [
        {"url": "/", "description": "This deployment (paths start with /api/v1/)."}
    ]
    assert schema["info"]["contact"]["name"]
    described = {tag["name"] for tag in schema["tags"] if tag["description"]}
    used = {
        tag
        for operations in schema["paths"].values()
        for operation in operations.values()
        for tag in operation["tags"]
    }
    assert used <= described, used - described


def test_the_served_schema_passes_openapi_spec_validator(api):
    from openapi_spec_validator import validate

    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    validate(schema)  # raises on the first error


def test_ids_in_paths_and_id_filters_are_integers(api):
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if (parameter["in"] == "path" and name != "token_key") or name in {
                    "team",
                    "parent",
                }:
                    assert parameter["schema"]["type"] == "integer", (method, path, name)


def test_empty_values_are_alternatives_not_exclusive(api):
    text = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    assert b"oneOf" not in text
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    assert {"type": "string", "maxLength": 0} in schema["components"]["schemas"]["Provider"][
        "properties"
    ]["url"]["anyOf"]


def _fresh(client) -> dict:  # noqa: ANN001
    """The schema generated afresh for this caller's request (``?lang=`` is not cached)."""
    response = client.get("/api/schema/?lang=en-us", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_built_once_is_what_each_caller_would_get_afresh(api):
    """``/api/schema/`` serves the process's schema (readiness.api.openapi), built once: it is
    the one drf-spectacular generates for each persona's own request."""
    from readiness.api.openapi import openapi_schema

    openapi_schema.cache_clear()
    served = api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.json() == _fresh(api("employee")) == _fresh(api("admin"))
    assert openapi_schema.cache_info().currsize == 1
    api("admin").get("/api/schema/")
    assert openapi_schema.cache_info().misses == 1  # the second request built nothing


def test_the_unknown_parameter_table_is_the_schemas_query_parameters(api):
    """UnknownParametersMiddleware refuses exactly what the served schema does not document:
    its table (built once per process) lists, for each path and method, the schema's query
    parameters."""
    import re

    from readiness.api.query import documented_parameters, unknown_parameters

    schema = _fresh(api("admin"))
    expected = {
        path: {
            method.upper(): {
                p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"
            }
            for method, operation in operations.items()
        }
        for path, operations in schema["paths"].items()
    }
    table = {
        path: {method: set(names) for method, names in methods.items()}
        for path, methods in (
            (re.sub(r"\[\^/\]\+", "{}", regex.pattern).replace("\\", ""), methods)
            for regex, methods in documented_parameters()
        )
    }
    assert table == {re.sub(r"\{[^}]+\}", "{}", path): m for path, m in expected.items()}
    for path, methods in expected.items():
        concrete = re.sub(r"\{[^}]+\}", "7", path)
        for method, names in methods.items():
            assert unknown_parameters(concrete, method, [*names, "colour"]) == ["colour"], path


def test_a_schema_setting_changed_forgets_the_schema_and_the_table(api, settings):
    from readiness.api.openapi import openapi_schema
    from readiness.api.query import documented_parameters

    documented_parameters()
    before = api("admin").get("/api/schema/").content
    settings.API_MAX_PAGE_SIZE = 77
    assert openapi_schema.cache_info().currsize == documented_parameters.cache_info().currsize == 0
    after = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert "1 to 77" in after.content.decode() and "1 to 77" not in before.decode()
    settings.EMAIL_SUBJECT_PREFIX = "[other] "  # not a schema setting: kept
    assert openapi_schema.cache_info().currsize == 1
