"""Concerns (my own; leadership: all), readiness plans (leadership) and assessment cycles
(leadership creates; managers read)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentCycle
from readiness.models import Concern
from tests.api.conftest import field_errors
from tests.factories import AssessmentCycleFactory, ConcernFactory, ReadinessPlanFactory

pytestmark = pytest.mark.django_db

CONCERNS = "/api/v1/concerns/"


def test_i_raise_a_concern_into_the_active_plan(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    response = api("employee").post(
        CONCERNS,
        {
            "category": "job_impact",
            "text": "Will this replace my job?",
            "anonymous_to_manager": True,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["plan"] == plan.pk and body["team"] == org.platform.pk
    assert body["raised_by_me"] is True and body["status"] == "open"


def test_bad_concern_input_gets_the_forms_refusal(api, client, org):
    response = api("employee").post(CONCERNS, {"category": "ethics", "text": "   "}, format="json")
    assert response.status_code == 400
    client.force_login(org.employee.user)
    form = client.post(reverse("readiness:concern-create"), {"category": "ethics", "text": "   "})
    assert field_errors(response)["text"] == form.context["form"].errors["text"]
    bad_category = api("employee").post(
        CONCERNS, {"category": "gossip", "text": "x"}, format="json"
    )
    assert "category" in field_errors(bad_category)
    assert not Concern.objects.exists()


def test_who_reads_which_concerns(api, org):
    mine = ConcernFactory(raised_by=org.employee.user)
    theirs = ConcernFactory(raised_by=org.outsider.user)
    assert [c["id"] for c in api("employee").get(CONCERNS).json()["results"]] == [mine.pk]
    assert api("employee").get(f"{CONCERNS}{theirs.pk}/").status_code == 404
    assert api("manager").get(CONCERNS).json()["count"] == 0
    assert api("lead").get(CONCERNS).json()["count"] == 2
    assert api("admin").get(f"{CONCERNS}{theirs.pk}/").status_code == 200
    assert api(None).get(CONCERNS).status_code == 401


@pytest.mark.parametrize("persona", ["employee", "manager", "curator"])
def test_plans_are_for_leadership(api, org, persona):
    plan = ReadinessPlanFactory(owner=org.lead)
    assert api(persona).get("/api/v1/plans/").status_code == 403
    assert api(persona).get(f"/api/v1/plans/{plan.pk}/").status_code == 403
    assert api("lead").get(f"/api/v1/plans/{plan.pk}/").json()["name"] == plan.name


# --- Cycles -----------------------------------------------------------------------------------

CYCLES = "/api/v1/cycles/"


def _cycle(org, **extra):
    today = timezone.localdate()
    return {
        "name": "Spring review",
        "opens_on": today.isoformat(),
        "due_on": (today + dt.timedelta(days=14)).isoformat(),
        "audiences": [org.audience.pk],
        "teams": [org.platform.pk],
        **extra,
    }


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_leadership_creates_a_cycle(api, org, persona):
    response = api(persona).post(CYCLES, _cycle(org, status="open"), format="json")
    assert response.status_code == 201
    cycle = AssessmentCycle.objects.get(pk=response.json()["id"])
    assert list(cycle.teams.all()) == [org.platform] and cycle.status == "open"


@pytest.mark.parametrize("persona", ["manager", "employee", "curator"])
def test_others_cannot_create_a_cycle(api, org, persona):
    assert api(persona).post(CYCLES, _cycle(org), format="json").status_code == 403
    assert not AssessmentCycle.objects.exists()


def test_a_cycle_due_before_it_opens_is_refused(api, org):
    today = timezone.localdate()
    response = api("lead").post(
        CYCLES, _cycle(org, due_on=(today - dt.timedelta(days=1)).isoformat()), format="json"
    )
    assert response.status_code == 400
    assert field_errors(response) == {"due_on": ["The due date must not precede the opening date."]}
    unknown = api("lead").post(CYCLES, _cycle(org, teams=[999999]), format="json")
    assert field_errors(unknown) == {"teams": ["No such team."]}
    assert not AssessmentCycle.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("lead", 200), ("manager", 200), ("employee", 403), ("curator", 403)]
)
def test_who_reads_cycles(api, org, persona, status):
    cycle = AssessmentCycleFactory()
    assert api(persona).get(CYCLES).status_code == status
    assert api(persona).get(f"{CYCLES}{cycle.pk}/").status_code == status


def test_an_anonymous_concern_hides_its_raiser_from_a_leader_who_manages_them(api, org):
    # "employee" is in Platform, under Engineering: a leader managing Engineering manages them.
    anonymous = ConcernFactory(
        raised_by=org.employee.user, team=org.platform, anonymous_to_manager=True
    )
    named = ConcernFactory(raised_by=org.employee.user, team=org.platform)

    def raisers() -> dict:
        rows = api("lead").get(CONCERNS).json()["results"]
        return {row["id"]: row["raised_by"] for row in rows}

    assert raisers() == {anonymous.pk: org.employee.pk, named.pk: org.employee.pk}
    org.dept.managers.add(org.lead)
    assert raisers() == {anonymous.pk: None, named.pk: org.employee.pk}
    hidden = api("lead").get(f"{CONCERNS}{anonymous.pk}/").json()
    assert hidden["raised_by"] is None and hidden["raised_by_name"] is None
    # The raiser still reads their own concern as theirs.
    mine = api("employee").get(f"{CONCERNS}{anonymous.pk}/").json()
    assert mine["raised_by_me"] is True and mine["raised_by"] == org.employee.pk
