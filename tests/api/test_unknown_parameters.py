"""A query parameter an endpoint does not read is a 400 naming it (a misspelt filter would
otherwise answer the whole list); every parameter the schema documents is read."""

import re

import pytest

from tests.api.conftest import field_errors, problem_of

pytestmark = pytest.mark.django_db

#: An id no object has: the parameters are checked before the object is looked up.
MISSING = "2147483000"


def _value(schema: dict) -> str:
    """A value of the documented type."""
    if schema.get("type") == "array":
        return _value(schema["items"])
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "date-time":
        return "2026-01-31T08:00:00Z"
    if schema.get("format") == "date":
        return "2026-01-31"
    return {"integer": str(schema.get("minimum", 1)), "boolean": "true"}.get(
        schema.get("type"), "x"
    )


def _unknown(response, name: str) -> bool:  # noqa: ANN001
    """Whether the answer refuses ``name`` as a parameter the endpoint does not read."""
    if response.status_code != 400:
        return False
    errors = problem_of(response, 400)["errors"]
    return any(e.get("parameter") == name and e["code"] == "unknown" for e in errors)


def test_every_read_refuses_an_unknown_parameter_and_reads_each_documented_one(api):
    schema = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    clients = {"admin": api("admin"), "employee": api("employee")}
    walked = 0
    for template, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        path = re.sub(r"\{[^}]+\}", MISSING, template)
        client = clients["employee" if template.startswith("/api/v1/me/") else "admin"]
        assert "400" in operations["get"]["responses"], template
        refused = client.get(path, {"colour": "blue"})
        assert _unknown(refused, "colour"), (template, refused.status_code, refused.content[:300])
        assert "colour" in field_errors(refused)
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            name = parameter["name"]
            answer = client.get(path, {name: _value(parameter["schema"])})
            assert not _unknown(answer, name), (template, name, answer.content[:300])
            assert answer.status_code < 500
        walked += 1
    assert walked >= 55, walked


def test_a_misspelt_filter_is_named_with_what_the_list_reads(api):
    response = api("employee").get("/api/v1/skills/", {"categroy": "x", "q": "API"})
    errors = problem_of(response, 400)["errors"]
    assert [(e["parameter"], e["code"]) for e in errors] == [("categroy", "unknown")]
    assert "schema" in errors[0]["detail"]


def test_an_object_reads_no_filter_of_its_list(api, org):
    client = api("employee")
    assert client.get(f"/api/v1/skills/{org.skill_a.pk}/").status_code == 200
    response = client.get(f"/api/v1/skills/{org.skill_a.pk}/", {"category": "api-category"})
    assert list(field_errors(response)) == ["category"]


def test_a_write_refuses_an_unknown_parameter_before_anything_else(api, org):
    response = api("employee").post("/api/v1/concerns/?dry_run=true", {}, format="json")
    assert list(field_errors(response)) == ["dry_run"]
    documented = api("admin").post("/api/v1/hr/upsert/?dry_run=true", {"people": []}, format="json")
    assert not _unknown(documented, "dry_run")
