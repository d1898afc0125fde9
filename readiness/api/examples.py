"""Examples in the OpenAPI schema for the operations integrators start with (issue 21: "examples
on the main ones"). Spectral checks each against its schema (``oas3-valid-media-example``), and
``tests/api/test_schema_examples.py`` sends each request example to the server."""

from drf_spectacular.utils import OpenApiExample

from readiness.api.exceptions import PROBLEM_TITLES, PROBLEM_TYPE_PREFIX


def problem_example(
    name: str, *, status: int, code: str, detail: str, errors: list | None = None
) -> OpenApiExample:
    """A problem answer (``application/problem+json``) as the exception handler writes it."""
    value: dict = {
        "type": PROBLEM_TYPE_PREFIX + code,
        "title": PROBLEM_TITLES[code],
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors is not None:
        value["errors"] = errors
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


HR_UPSERT = {
    "teams": [
        {
            "name": "Analytics",
            "parent": "Technology/Data & AI",
            "external_id": "ORG-4711",
            "managers": ["ada@example.com"],
        }
    ],
    "people": [
        {
            "external_id": "E-1001",
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "team": "Technology/Data & AI",
            "role": "people-manager",
            "start_date": "2026-01-05",
        },
        {"email": "grace@example.com", "is_active": False},
    ],
}

HR_UPSERT_EXAMPLES = [
    OpenApiExample("Teams and people", value=HR_UPSERT, request_only=True),
    OpenApiExample(
        "What changed",
        value={
            "dry_run": True,
            "summary": {
                "teams": {"created": 1, "updated": 0, "unchanged": 0},
                "people": {"created": 1, "updated": 1, "unchanged": 0},
            },
            "teams": [
                {"key": "Technology/Data & AI/Analytics", "action": "created", "changes": []}
            ],
            "people": [
                {"key": "ada@example.com", "action": "created", "changes": []},
                {"key": "grace@example.com", "action": "updated", "changes": ["is_active"]},
            ],
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Queued for a worker",
        value={
            "id": 17,
            "status": "queued",
            "dry_run": False,
            "teams_count": 1200,
            "people_count": 48000,
            "created_by": None,
            "created_by_name": "hr-sync (no person record)",
            "created_at": "2026-12-06T02:00:00Z",
            "started_at": None,
            "finished_at": None,
            "summary": None,
            "changes": None,
            "errors": [],
            "detail": "",
        },
        response_only=True,
        status_codes=["202"],
    ),
    problem_example(
        "Wrong entry",
        status=400,
        code="invalid",
        detail="#/people/1/team: No team at “Technology/Data & A”.",
        errors=[
            {
                "pointer": "#/people/1/team",
                "code": "invalid",
                "detail": "No team at “Technology/Data & A”.",
            }
        ],
    ),
]
