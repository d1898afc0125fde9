"""Examples in the OpenAPI schema for the person side's main operations (see
``readiness.api.examples``)."""

from drf_spectacular.utils import OpenApiExample

from assessments.forms.me import LEVEL_ERROR
from readiness.api.examples import problem_example

SELF_ASSESSMENT = {
    "ratings": [
        {"skill": 3, "level": 2, "interest": 2},
        {
            "skill": 7,
            "level": 3,
            "note": "Led the prompt-evaluation workshop",
            "evidence_url": "https://wiki.example.com/ai/prompt-evals",
        },
    ],
    "version": 41,
}

SELF_ASSESSMENT_EXAMPLES = [
    OpenApiExample("Two skills rated", value=SELF_ASSESSMENT, request_only=True),
    problem_example(
        "Level out of range",
        status=400,
        code="invalid",
        invalid={"ratings": {1: {"level": [LEVEL_ERROR]}}},
    ),
    problem_example(
        "Stale version",
        status=409,
        code="conflict",
        detail="Your ratings changed since this form was opened (perhaps in another tab). "
        "Review the current values and save again.",
    ),
]

PLAN_ITEM_ADD_EXAMPLES = [
    OpenApiExample(
        "For a gap",
        value={"resource": 128, "skill": 3, "due_date": "2027-01-31"},
        request_only=True,
    ),
]

ASSIGN_EXAMPLES = [
    OpenApiExample(
        "Two members",
        value={"team": 12, "resource": 128, "people": [301, 302], "due_date": "2027-01-31"},
        request_only=True,
    ),
]

TRANSITION_EXAMPLES = [
    OpenApiExample("Started", value={"action": "start"}, request_only=True),
    OpenApiExample("Completed", value={"action": "complete"}, request_only=True),
]
