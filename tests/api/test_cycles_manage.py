"""Opening, closing and the completion of assessment cycles through the API, with the cycle
pages' rules (assessments.selectors.cycles, assessments.services.cycles)."""

import pytest

from assessments.models import AssessmentSubmission, CycleParticipation
from tests.factories import AssessmentCycleFactory, PersonFactory

pytestmark = pytest.mark.django_db

CYCLES = "/api/v1/cycles/"


def _submit(person, cycle):
    AssessmentSubmission.objects.create(person=person, cycle=cycle, kind="quick_review")


def _cycle(org, **extra):
    cycle = AssessmentCycleFactory(**extra)
    cycle.teams.add(org.platform)
    return cycle


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_leadership_opens_a_draft_cycle(api, org, persona):
    cycle = _cycle(org, status="draft")
    response = api(persona).post(f"{CYCLES}{cycle.pk}/open/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    again = api(persona).post(f"{CYCLES}{cycle.pk}/open/")
    assert again.status_code == 400  # only a draft opens


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_leadership_closes_a_cycle_and_freezes_it(api, org, persona):
    cycle = _cycle(org)
    response = api(persona).post(f"{CYCLES}{cycle.pk}/close/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["closed_at"]
    assert CycleParticipation.objects.filter(cycle=cycle).count() == 2  # employee, colleague
    assert api(persona).post(f"{CYCLES}{cycle.pk}/close/").status_code == 200


@pytest.mark.parametrize("persona", ["manager", "employee", "curator"])
@pytest.mark.parametrize("verb", ["open", "close"])
def test_others_may_not_open_or_close(api, org, persona, verb):
    cycle = _cycle(org, status="draft" if verb == "open" else "open")
    assert api(persona).post(f"{CYCLES}{cycle.pk}/{verb}/").status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == ("draft" if verb == "open" else "open")


def test_completion_per_team(api, org):
    cycle = _cycle(org)
    _submit(org.employee, cycle)
    body = api("lead").get(f"{CYCLES}{cycle.pk}/completion/").json()
    assert body["completion"] == {"submitted": 1, "in_scope": 2, "percent": 50}
    assert [(t["team"], t["submitted"], t["in_scope"]) for t in body["teams"]] == [
        (org.platform.pk, 1, 2)
    ]
    assert body["teams"][0]["label"] == "Engineering › Platform"
    # The manager of Platform sees it; the manager of Data sees nobody of it.
    assert (
        api("manager").get(f"{CYCLES}{cycle.pk}/completion/").json()["completion"]["in_scope"] == 2
    )
    assert api("other_manager").get(f"{CYCLES}{cycle.pk}/completion/").status_code == 404


@pytest.mark.parametrize("persona", ["employee", "curator"])
def test_completion_refused(api, org, persona):
    cycle = _cycle(org)
    assert api(persona).get(f"{CYCLES}{cycle.pk}/completion/").status_code == 403


def test_a_draft_is_not_visible_to_managers(api, org):
    cycle = _cycle(org, status="draft")
    assert api("manager").get(f"{CYCLES}{cycle.pk}/completion/").status_code == 404


@pytest.mark.parametrize("persona", ["lead", "manager"])
def test_completion_queries_are_constant(api, org, django_assert_num_queries, persona):
    cycle = _cycle(org)
    client = api(persona)
    for size in (2, 10):
        for _ in range(size):
            person = PersonFactory(team=org.platform, role=org.role)
            _submit(person, cycle)
        with django_assert_num_queries(COMPLETION_QUERIES[persona]):
            response = client.get(f"{CYCLES}{cycle.pk}/completion/")
        assert response.json()["completion"]["submitted"] >= size


#: token(2) + groups, (managed), cycle, audiences, teams, completion, per team, team names
COMPLETION_QUERIES = {"lead": 9, "manager": 10}
