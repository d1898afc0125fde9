"""Rate limits: every answer says where the caller stands; over the limit, a 429 problem with
Retry-After; each caller is counted apart."""

import pytest
import time_machine

from tests.api.conftest import problem_of

pytestmark = pytest.mark.django_db

SKILLS = "/api/v1/skills/"


def test_every_answer_has_the_ratelimit_headers_and_a_429_past_the_limit(api, org, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    client = api("employee")
    with time_machine.travel("2026-12-01 10:00:00+00:00", tick=False) as clock:
        remaining = []
        for _ in range(3):
            response = client.get(SKILLS)
            assert response.status_code == 200
            assert response["RateLimit-Limit"] == "3"
            assert response["RateLimit-Reset"] == "60"
            remaining.append(response["RateLimit-Remaining"])
        assert remaining == ["2", "1", "0"]
        refused = client.get(SKILLS)
        assert problem_of(refused, 429)["code"] == "throttled"
        assert refused["Retry-After"] == "60"
        assert refused["RateLimit-Remaining"] == "0"
        # Another caller has a count of their own.
        assert api("manager").get(SKILLS).status_code == 200
        clock.shift(61)
        assert client.get(SKILLS).status_code == 200


def test_no_limit_when_the_rate_is_empty(api, org, settings):
    settings.API_THROTTLE_RATE = ""
    response = api("employee").get(SKILLS)
    assert response.status_code == 200 and not response.has_header("RateLimit-Limit")


def test_the_schema_documents_the_429(api):
    schema = (
        api("employee").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    assert all(
        "429" in operation["responses"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    )
