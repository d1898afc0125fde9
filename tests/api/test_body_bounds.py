"""Each operation reads a JSON body up to its own bound (``readiness.api.parsers``): Django's
2.5 MB of form data for most, what its largest input needs for the HR upsert (its most
entries) and a badge (``tests/assessments/learning_records/test_badge_upload_limits.py``).
A body declared past an operation's bound: a 413 problem, not read (DRF used to read every
body through ``request.body``, refused past 2.5 MB with a bare HTML 400)."""

import json

import pytest

from bench.hr_upsert import hr_payload
from readiness.api import parsers
from readiness.api.hr import ENTRY_BYTES, HrUpsertView
from readiness.hr.models import HrUpsertJob
from tests.api.conftest import problem_of
from tests.api.test_hr_upsert import UPSERT

pytestmark = pytest.mark.django_db


def test_an_hr_upsert_past_djangos_limit_is_read_and_queued(api, org) -> None:
    people = [{"email": f"p{i}@example.com", "first_name": "x" * 120} for i in range(20_000)]
    response = api("admin").post(
        f"{UPSERT}?dry_run=1", {"people": people}, format="json", HTTP_PREFER="respond-async"
    )
    assert response.status_code == 202, response.content[:300]
    assert HrUpsertJob.objects.get().people_count == 20_000


def test_another_operation_answers_a_body_past_its_bound_with_a_413_problem(
    api, org, settings
) -> None:
    body = {"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    problem = problem_of(api("admin").post("/api/v1/concerns/", body, format="json"), 413)
    assert problem["code"] == "request_too_large"
    assert f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes)" in problem["detail"]


def test_the_hr_upserts_bound_is_what_its_most_entries_need(settings) -> None:
    bound = HrUpsertView().max_body_bytes()
    assert bound == 110_000 * ENTRY_BYTES == 66_000_000 < settings.REQUEST_MAX_BYTES
    # The bench's whole organization (100,000 people, their teams), and people with every
    # field filled, written with spacing as a client may, fit with room to spare.
    assert len(json.dumps(hr_payload(100_000), indent=1)) < bound * 0.8
    person = {
        "external_id": "E-2024-000123",
        "email": "margaret.hamilton-jones@engineering.example.com",
        "first_name": "Margaret",
        "last_name": "Hamilton-Jones",
        "team": "Technology/Data & AI/Analytics/Dashboards",
        "role": "senior-data-engineer",
        "job_title": "Senior Data Engineer, Analytics Platform",
        "is_active": True,
        "start_date": "2024-01-05",
    }
    assert len(json.dumps(person)) < ENTRY_BYTES


def test_an_hr_upsert_declared_past_its_bound_is_a_413_unread(
    api, org, settings, monkeypatch
) -> None:
    settings.HR_UPSERT_MAX_PEOPLE, settings.HR_UPSERT_MAX_TEAMS = 9, 1
    monkeypatch.setattr(parsers.JSONParser, "_json", None)  # any parse would fail loudly
    body = {"people": [{"email": "a@example.com", "first_name": "x" * 10 * ENTRY_BYTES}]}
    problem = problem_of(api("admin").post(UPSERT, body, format="json"), 413)
    assert problem["code"] == "request_too_large"
    detail = problem["detail"]
    assert (
        f"is larger than this operation takes ({10 * ENTRY_BYTES:,} bytes): it was not read."
        in detail
    )
    assert not HrUpsertJob.objects.exists()
