"""Each operation reads a JSON body up to its own bound (``readiness.api.parsers``): Django's
2.5 MB of form data for most, the bound of any request for the HR upsert and a badge. Past an
operation's bound: a 413 problem, nothing read further (DRF used to read every body through
``request.body``, refused past 2.5 MB with a bare HTML 400)."""

import pytest

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
