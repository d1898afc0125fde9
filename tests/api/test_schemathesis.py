"""Property-based run of the whole API from its own OpenAPI schema (schemathesis).

For each persona (``admin`` and ``employee``, authenticated with a token), every operation of
``/api/schema/`` gets generated requests — valid ones and, for operations that take input,
schema-violating ones — sent to the WSGI application. Every response must be free of server
errors and conform to the schema: a documented status code, a documented content type, and a
body valid against the documented schema. Path ids are drawn from the ids that exist, so that
detail operations reach real objects and not only 404s.

At least ``MIN_REQUESTS`` requests a persona (about 1,100 each, derandomized).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.models import AssessmentCycle, LearningPlanItem, SkillRating
from catalog.models import Provider, TrainingResource
from readiness.models import (
    ApiToken,
    Audience,
    AudienceRequirement,
    Concern,
    Person,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from readiness.tokens import token_create
from tests.factories import (
    AssessmentCycleFactory,
    ConcernFactory,
    LearningPlanItemFactory,
    ReadinessPlanFactory,
    ResourceSkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
)

pytestmark = [pytest.mark.django_db]

#: Requests per persona at least; the issue asks for 1,000 over both.
MIN_REQUESTS = 500
#: The nightly Hypothesis profile (tests/conftest.py) searches ten times wider, with fresh
#: randomness; otherwise the run is derandomized: the same requests every time.
NIGHTLY = os.environ.get("HYPOTHESIS_PROFILE") == "nightly"
#: Examples per operation and generation mode (an operation with few inputs yields fewer):
#: every operation is exercised in both modes; about 1,100 requests a persona (it was 12 and
#: 6, about 2,100 requests, twice the time for the same operations).
EXAMPLES = {
    GenerationMode.POSITIVE: 6 * (10 if NIGHTLY else 1),
    GenerationMode.NEGATIVE: 4 * (10 if NIGHTLY else 1),
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_ID_MODELS = [
    Person,
    Team,
    Skill,
    SkillCategory,
    Role,
    RoleRequirement,
    AudienceRequirement,
    Audience,
    Provider,
    TrainingResource,
    SkillRating,
    LearningPlanItem,
    AssessmentCycle,
    ReadinessPlan,
    Concern,
]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection between
    requests (as Django's test client does): the test's transaction holds the data."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def data_to_reach(org):
    """Something of everything, for the generated requests to find."""
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    SkillRatingFactory(person=org.employee, skill=org.skill_b, level=3, source="manager")
    resource = TrainingResourceFactory()
    resource.audiences.add(org.audience)
    ResourceSkillFactory(resource=resource, skill=org.skill_a, level=3)
    LearningPlanItemFactory(person=org.employee, resource=resource)
    cycle = AssessmentCycleFactory()
    cycle.teams.add(org.platform)
    plan = ReadinessPlanFactory(owner=org.lead)
    ConcernFactory(raised_by=org.employee.user, plan=plan)
    return org


def _ids() -> list[int]:
    ids: set[int] = set()
    for model in _ID_MODELS:
        ids.update(model.objects.values_list("pk", flat=True)[:40])
    return sorted(ids)


def _property(operation, mode, examples, headers, ids, token_keys, request_counter):  # noqa: ANN001, ANN202
    """The hypothesis test of one operation in one generation mode."""

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not NIGHTLY,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):  # noqa: ANN001
        for name, value in list((case.path_parameters or {}).items()):
            if name == "token_key":
                case.path_parameters[name] = data.draw(st.sampled_from([*token_keys, str(value)]))
            elif isinstance(value, int) and mode is GenerationMode.POSITIVE:
                case.path_parameters[name] = data.draw(st.sampled_from([*ids, value]))
        request_counter[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def _run(app, persona_user, *, request_counter: list[int]) -> list[str]:
    """Run every operation for one persona; return the failures (empty when all is well)."""
    _token, secret = token_create(user=persona_user, name="schemathesis", expires_in_days=7)
    headers = {"Authorization": f"Token {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    ids = _ids()
    token_keys = list(ApiToken.objects.values_list("token_key", flat=True))
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in EXAMPLES.items():
            if mode is GenerationMode.NEGATIVE and operation.method.upper() == "DELETE":
                continue  # nothing to violate but the id, which the positive run covers
            run = _property(operation, mode, examples, headers, ids, token_keys, request_counter)
            try:
                run()
            except Unsatisfiable as error:
                if mode is GenerationMode.NEGATIVE:
                    continue  # an operation without any input has nothing to violate
                # Positive generation must always find valid requests: a failure here is a
                # schema no client could satisfy (or a strategy that cannot), not noise.
                failures.append(
                    f"{operation.method.upper()} {operation.path} [{mode}]: "
                    f"no valid request could be generated ({error})"
                )
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — report all at the end
                failures.append(f"{operation.method.upper()} {operation.path} [{mode}]: {error}")
    return failures


@pytest.mark.parametrize("persona", ["admin", "employee"])
def test_the_api_honours_its_schema(wsgi_app, data_to_reach, persona):
    user = getattr(data_to_reach, persona)
    user = getattr(user, "user", user)
    counter = [0]
    failures = _run(wsgi_app, user, request_counter=counter)
    print(f"schemathesis as {persona}: {counter[0]} requests, {len(failures)} failures")
    assert not failures, "\n\n".join(failures)
    assert counter[0] >= MIN_REQUESTS
