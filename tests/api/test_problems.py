"""The API's contract for input and errors: JSON only, unknown keys refused, and every refusal
an RFC 9457 problem (``application/problem+json``) with a stable ``code`` and, for invalid
input, the refused fields in ``errors`` — the same ``Problem`` component in the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from assessments.models import SkillRating
from readiness.api.strict import StrictInputMixin
from readiness.models import Person, SkillCategory, Team
from tests.api.conftest import field_errors, problem_of
from tests.factories import LearningPlanItemFactory, TrainingResourceFactory

pytestmark = pytest.mark.django_db

SELF = "/api/v1/ratings/self-assessment/"
UPSERT = "/api/v1/hr/upsert/"
CATEGORIES = "/api/v1/skill-categories/"


def _schema(api) -> dict:
    return api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


# --- JSON only ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["multipart", None])
def test_a_body_that_is_not_json_is_a_415(api, org, fmt):
    client = api("curator")
    if fmt:
        response = client.post(CATEGORIES, {"name": "Forms", "slug": "forms"}, format=fmt)
    else:
        response = client.post(
            CATEGORIES, "name=Forms&slug=forms", content_type="application/x-www-form-urlencoded"
        )
    assert problem_of(response, 415)["code"] == "unsupported_media_type"
    assert not SkillCategory.objects.filter(slug="forms").exists()


def test_the_hr_upsert_refuses_a_form_instead_of_doing_nothing(api, org):
    response = api("admin").post(
        UPSERT, "people=x", content_type="application/x-www-form-urlencoded"
    )
    assert problem_of(response, 415)["code"] == "unsupported_media_type"


def test_only_json_is_served(api, org):
    refused = api("employee").get("/api/v1/skills/", HTTP_ACCEPT="text/html")
    assert problem_of(refused, 406)["code"] == "not_acceptable"
    served = api("employee").get("/api/v1/skills/", HTTP_ACCEPT="text/html, application/json;q=0.5")
    assert served.status_code == 200 and served["Content-Type"] == "application/json"


def test_malformed_and_too_deeply_nested_json_are_parse_errors(api, org):
    client = api("curator")
    for body in ('{"name": ', "[" * 50_000):
        response = client.post(CATEGORIES, body, content_type="application/json")
        assert problem_of(response, 400)["code"] == "parse_error"


def test_every_request_body_is_json_only_in_the_schema(api):
    for path, operations in _schema(api)["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert list(operation["requestBody"]["content"]) == ["application/json"], (
                    method,
                    path,
                )
                assert operation["requestBody"]["required"] is True, (method, path)
                assert "415" in operation["responses"], (method, path)
            assert "406" in operation["responses"], (method, path)


# --- Strict input ------------------------------------------------------------------------------


def _request_serializers():
    """Each serializer that reads a request body of the API, and each nested in one."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: dict[type, str] = {}

    def walk(serializer, where: str) -> None:
        if isinstance(serializer, serializers.ListSerializer):
            serializer = serializer.child
        if not isinstance(serializer, serializers.Serializer) or type(serializer) in found:
            return
        found[type(serializer)] = where
        for field in serializer.fields.values():
            if not field.read_only:
                walk(field, where)

    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method in {"POST", "PUT", "PATCH"}:
            view.schema.method, view.schema.path, view.schema.path_regex = method, path, path_regex
            request = view.schema.get_request_serializer()
            if request is not None:
                walk(force_instance(request), f"{method} {path}")
    return found


def test_every_request_body_serializer_refuses_unknown_keys():
    found = _request_serializers()
    assert len(found) > 20  # the walk reached them (nested HR entries and ratings included)
    loose = {
        cls.__name__: where for cls, where in found.items() if not issubclass(cls, StrictInputMixin)
    }
    assert not loose


def test_an_unknown_field_is_a_400_at_that_field_and_saves_nothing(api, org):
    response = api("curator").post(CATEGORIES, {"name": "Typos", "slug": "typos", "colour": "red"})
    body = problem_of(response, 400)
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {
            "pointer": "#/colour",
            "code": "unknown_field",
            "detail": "Unknown field: this operation does not take it.",
        }
    ]
    assert not SkillCategory.objects.filter(slug="typos").exists()


def test_an_unknown_field_in_one_entry_of_a_list_is_refused_at_that_entry(api, org):
    ratings = [
        {"skill": org.skill_a.pk, "level": 2},
        {"skill": org.skill_b.pk, "level": 1, "lvl": 3},
    ]
    response = api("employee").post(SELF, {"ratings": ratings})
    body = problem_of(response, 400)
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [
        ("#/ratings/1/lvl", "unknown_field")
    ]
    assert not SkillRating.objects.filter(person=org.employee).exists()


def test_an_unknown_field_on_a_partial_update_is_refused(api, org):
    resource = TrainingResourceFactory()
    item = LearningPlanItemFactory(person=org.employee, resource=resource)
    response = api("employee").post(
        f"/api/v1/plan-items/{item.pk}/transition/", {"action": "start", "when": "now"}
    )
    assert field_errors(response) == {"when": ["Unknown field: this operation does not take it."]}
    item.refresh_from_db()
    assert item.status == "planned"


def test_a_missing_field_has_the_required_code(api, org):
    body = problem_of(api("curator").post(CATEGORIES, {"slug": "nameless"}), 400)
    assert {"pointer": "#/name", "code": "required", "detail": "This field is required."} in body[
        "errors"
    ]


# --- The HR upsert: nothing sent is not "unchanged" ------------------------------------------


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({}, {("#", "empty")}),
        (None, {("#", "empty")}),
        ({"peeple": [{"email": "a@example.com"}]}, {("#/peeple", "unknown_field")}),
        (
            {
                "people": [
                    {"email": "a@example.com", "employee_id": "42", "manager_email": "b@x.org"}
                ]
            },
            {
                ("#/people/0/employee_id", "unknown_field"),
                ("#/people/0/manager_email", "unknown_field"),
            },
        ),
        (
            {"teams": [{"name": "X", "head": "a@example.com"}]},
            {("#/teams/0/head", "unknown_field")},
        ),
    ],
)
def test_the_hr_upsert_refuses_an_empty_or_unknown_body(api, org, body, pointers):
    before = (Person.objects.count(), Team.objects.count())
    client = api("admin")
    response = client.post(UPSERT) if body is None else client.post(UPSERT, body)
    problem = problem_of(response, 400)
    assert {(e["pointer"], e["code"]) for e in problem["errors"]} == pointers
    assert (Person.objects.count(), Team.objects.count()) == before


def test_the_hr_upsert_body_is_required_in_the_schema(api):
    operation = _schema(api)["paths"]["/api/v1/hr/upsert/"]["post"]
    assert operation["requestBody"]["required"] is True


# --- Problem details ---------------------------------------------------------------------------


def test_refusals_are_problems_with_stable_codes(api, org):
    assert problem_of(api(None).get("/api/v1/skills/"), 401)["code"] == "not_authenticated"
    bad_token = api(None)
    bad_token.credentials(HTTP_AUTHORIZATION="Token rdy_nope")
    assert problem_of(bad_token.get("/api/v1/skills/"), 401)["code"] == "authentication_failed"
    assert problem_of(api("employee").get("/api/v1/people/999999/"), 404)["code"] == "not_found"
    missing = problem_of(api("employee").get("/api/v1/no-such-thing/"), 404)
    assert missing["code"] == "not_found"
    refused = problem_of(api("employee").post("/api/v1/cycles/", {"name": "x"}), 403)
    assert refused["code"] == "permission_denied" and refused["detail"]
    response = api("curator").delete(f"/api/v1/skills/{org.skill_a.pk}/")
    assert problem_of(response, 405)["code"] == "method_not_allowed"
    assert "DELETE" not in response["Allow"]


def test_a_404_does_not_name_a_model(api, org):
    body = problem_of(api("employee").get("/api/v1/people/999999/"), 404)
    assert body["detail"] == "Not found."


def test_a_refused_query_parameter_is_named_as_a_parameter(api, org):
    body = problem_of(api("employee").get("/api/v1/ratings/?source=bogus"), 400)
    assert [(e.get("parameter"), "pointer" in e) for e in body["errors"]] == [("source", False)]
    hr = problem_of(api("admin").post(f"{UPSERT}?dry_run=maybe", {"people": []}), 400)
    assert [e.get("parameter") for e in hr["errors"]] == ["dry_run"]


def test_a_service_refusal_reads_like_a_serializer_refusal(api, org):
    resource = TrainingResourceFactory(is_active=False)
    body = problem_of(api("employee").post("/api/v1/plan-items/", {"resource": resource.pk}), 400)
    assert body["errors"] == [
        {
            "pointer": "#/resource",
            "code": "invalid",
            "detail": "This resource is retired and cannot be planned.",
        }
    ]
    assert body["detail"] == "#/resource: This resource is retired and cannot be planned."


def test_every_4xx_in_the_schema_is_the_one_problem_component(api):
    schema = _schema(api)
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "code",
        "detail",
    ]
    assert not {"Error", "ValidationError"} & set(schema["components"]["schemas"])
    count = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    count += 1
                    (media,) = response["content"].items()
                    assert media[0] == "application/problem+json", (method, path, code)
                    # The one component, with examples on the main operations.
                    assert media[1]["schema"] == {"$ref": "#/components/schemas/Problem"}
                    assert set(media[1]) <= {"schema", "examples"}, (method, path, code)
                    assert response["description"], (method, path, code)
    assert count > 300
    # The codes the handler can answer are the schema's enum.
    assert schema["components"]["schemas"]["Problem"]["properties"]["code"]["allOf"] == [
        {"$ref": "#/components/schemas/ProblemCodeEnum"}
    ]
    codes = schema["components"]["schemas"]["ProblemCodeEnum"]["enum"]
    assert {"invalid", "invalid_parameter", "not_found", "unsupported_media_type"} <= set(codes)
