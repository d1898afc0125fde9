"""Examples in the OpenAPI schema for the operations integrators start with (issue 21: "examples
on the main ones"). Spectral checks each against its schema (``oas3-valid-media-example``), and
``tests/api/test_schema_examples.py`` sends each request example to the server, and the
requests of the problem examples, whose answers must be the documented bodies."""

from typing import Any

from drf_spectacular.utils import OpenApiExample

from readiness.api.exceptions import PROBLEM_TITLES, errors_summary, problem_body, problem_errors


def problem_example(
    name: str,
    *,
    status: int,
    code: str,
    detail: str = "",
    invalid: Any = None,  # noqa: ANN401
) -> OpenApiExample:
    """A problem answer (``application/problem+json``) built as the exception handler builds
    it, by the same functions: for invalid input, ``invalid`` is the refused fields as a
    serializer lays them out ({field: [messages]}, nested; a message may be an ``ErrorDetail``
    with its code), and the ``errors`` and ``detail`` are made from it. (``instance``, the
    path of the request, is left out.)"""
    if code not in PROBLEM_TITLES:
        raise ValueError(f"No problem code {code!r}: see PROBLEM_TITLES.")
    errors = None if invalid is None else problem_errors(invalid)
    if errors is not None and not detail:
        detail = errors_summary(errors)
    value = problem_body(status=status, code=code, detail=detail, errors=errors)
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
        invalid={
            "people": {1: {"team": ["No team “Technology/Data & A”: list it in teams first."]}}
        },
    ),
]
