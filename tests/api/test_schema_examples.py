"""The schema's examples: the operations integrators start with carry them, and every request
example is one the server accepts as it is (its input serializer, strict about unknown keys)."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from assessments.api.examples import (
    ASSIGN_EXAMPLES,
    PLAN_ITEM_ADD_EXAMPLES,
    SELF_ASSESSMENT_EXAMPLES,
    TRANSITION_EXAMPLES,
)
from assessments.api.record_serializers import (
    PlanItemAddInput,
    PlanItemAssignInput,
    PlanItemTransitionInput,
    SelfAssessmentInput,
)
from readiness.api.examples import HR_UPSERT_EXAMPLES
from readiness.api.hr import HrUpsertInput, HrUpsertJobSerializer, HrUpsertResultSerializer
from tests.api.conftest import problem_of

MAIN_OPERATIONS = {
    "hr_upsert",
    "ratings_self_assessment_create",
    "plan_items_create",
    "plan_items_assign_create",
    "plan_items_transition_create",
}

REQUEST_EXAMPLES = [
    (HrUpsertInput, HR_UPSERT_EXAMPLES),
    (SelfAssessmentInput, SELF_ASSESSMENT_EXAMPLES),
    (PlanItemAddInput, PLAN_ITEM_ADD_EXAMPLES),
    (PlanItemAssignInput, ASSIGN_EXAMPLES),
    (PlanItemTransitionInput, TRANSITION_EXAMPLES),
]


@pytest.fixture(scope="module")
def schema():
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def test_the_main_operations_carry_request_examples(schema):
    found = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            if operation.get("operationId") in MAIN_OPERATIONS:
                body = operation["requestBody"]["content"]["application/json"]
                assert body.get("examples"), operation["operationId"]
                found.add(operation["operationId"])
    assert found == MAIN_OPERATIONS


def test_refusals_carry_problem_examples(schema):
    answers = schema["paths"]["/api/v1/ratings/self-assessment/"]["post"]["responses"]
    for status, code in (("400", "invalid"), ("409", "conflict")):
        examples = answers[status]["content"]["application/problem+json"]["examples"]
        (example,) = examples.values()
        assert example["value"]["code"] == code and example["value"]["status"] == int(status)


@pytest.mark.parametrize(("serializer", "examples"), REQUEST_EXAMPLES)
def test_every_request_example_is_accepted_as_it_is(serializer, examples):
    requests = [example for example in examples if example.request_only]
    assert requests
    for example in requests:
        checked = serializer(data=example.value)
        assert checked.is_valid(), (example.name, checked.errors)


def test_the_hr_answers_examples_have_every_field_of_their_serializers():
    by_status = {
        example.status_codes[0]: example.value
        for example in HR_UPSERT_EXAMPLES
        if example.response_only
    }
    assert set(by_status["200"]) == set(HrUpsertResultSerializer().fields)
    assert set(by_status["202"]) == set(HrUpsertJobSerializer().fields)


def _problem_examples(schema, path: str, status: str) -> dict:
    """The problem examples the schema documents for ``status`` of POST ``path``, by name."""
    answer = schema["paths"][path]["post"]["responses"][status]
    examples = answer["content"]["application/problem+json"]["examples"]
    return {example["summary"]: example["value"] for example in examples.values()}


def _answered(response, status: int) -> dict:  # noqa: ANN001
    """The real problem body, without ``instance`` (the path: examples leave it out)."""
    body = problem_of(response, status)
    body.pop("instance")
    return body


@pytest.mark.django_db
def test_the_documented_refusals_are_the_real_answers(api, org, schema):
    """The examples are built by the functions that build the real bodies: the same request
    answers exactly the documented body (members, errors, detail), not just its shape."""
    hr = _problem_examples(schema, "/api/v1/hr/upsert/", "400")["Wrong entry"]
    wrong_team = {
        "people": [
            {"email": "ada@example.com"},
            {"email": "grace@example.com", "team": "Technology/Data & A"},
        ]
    }
    answered = api("admin").post("/api/v1/hr/upsert/", wrong_team, format="json")
    assert _answered(answered, 400) == hr

    self_assessment = "/api/v1/ratings/self-assessment/"
    documented = _problem_examples(schema, self_assessment, "400")["Level out of range"]
    out_of_range = {
        "ratings": [
            {"skill": org.skill_a.pk, "level": 1},
            {"skill": org.skill_b.pk, "level": 5},
        ]
    }
    answered = api("employee").post(self_assessment, out_of_range, format="json")
    assert _answered(answered, 400) == documented

    stale = _problem_examples(schema, self_assessment, "409")["Stale version"]
    client = api("employee")
    version = client.get("/api/v1/me/").json()["assessment_version"]
    client.post(self_assessment, {"ratings": [], "version": version}, format="json")
    answered = client.post(
        self_assessment,
        {"ratings": [{"skill": org.skill_a.pk, "level": 3}], "version": version},
        format="json",
    )
    assert _answered(answered, 409) == stale
