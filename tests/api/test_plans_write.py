"""Readiness plans through the API: create and change a plan, its goals, partners and gap
remedies, read the goals' current values, and triage concerns — with the plan pages' rules
(assessments.selectors.plans) and refusals (assessments.forms.plans, assessments.services.plans)."""

import datetime as dt

import pytest
from django.utils import timezone

from readiness.models import Concern, GapRemedy, PlanGoal, PlanPartner, ReadinessPlan
from tests.api.conftest import field_errors, person_id
from tests.factories import ConcernFactory, ReadinessPlanFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
REFUSED = ["employee", "manager", "curator"]


def _plan_input(org, **extra):
    today = timezone.localdate()
    return {
        "name": "Copilot rollout",
        "business_scenario": "Faster answers.",
        "owner": person_id(org.lead),
        "start_date": today.isoformat(),
        "target_date": (today + dt.timedelta(days=90)).isoformat(),
        "status": "active",
        **extra,
    }


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_leadership_creates_a_plan(api, org, persona):
    response = api(persona).post(PLANS, _plan_input(org), format="json")
    assert response.status_code == 201, response.content
    plan = ReadinessPlan.objects.get(pk=response.json()["id"])
    assert plan.owner == org.lead and plan.name == "Copilot rollout"


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_create_a_plan(api, org, persona):
    assert api(persona).post(PLANS, _plan_input(org), format="json").status_code == 403
    assert not ReadinessPlan.objects.exists()


def test_plan_input_gets_the_forms_refusals(api, org):
    response = api("lead").post(PLANS, _plan_input(org, owner=org.employee.pk), format="json")
    assert response.status_code == 400 and "owner" in field_errors(response)
    today = timezone.localdate()
    response = api("lead").post(
        PLANS,
        _plan_input(org, target_date=(today - dt.timedelta(days=1)).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert api("lead").post(PLANS, {"name": 3}, format="json").status_code == 400
    assert not ReadinessPlan.objects.exists()


def test_the_owner_and_admins_change_a_plan_other_leaders_may_not(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"{PLANS}{plan.pk}/"
    response = api("lead").put(url, _plan_input(org, name="Renamed"), format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert (
        api("admin").put(url, _plan_input(org, name="By admin"), format="json").status_code == 200
    )
    other = ReadinessPlanFactory(owner=org.admin)
    assert (
        api("lead").put(f"{PLANS}{other.pk}/", _plan_input(org), format="json").status_code == 403
    )
    for persona in REFUSED:
        assert api(persona).put(url, _plan_input(org), format="json").status_code == 403
    plan.refresh_from_db()
    assert plan.name == "By admin"


def test_plan_detail_has_the_goals_current_values(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    goal = PlanGoal.objects.create(
        plan=plan,
        audience=org.audience,
        skill=org.skill_a,
        target_share=50,
        due_date=plan.target_date,
    )
    body = api("lead").get(f"{PLANS}{plan.pk}/").json()
    assert [g["id"] for g in body["goals"]] == [goal.pk]
    row = body["goals"][0]
    assert row["target_share"] == 50 and row["people"] == 5  # everyone of the role
    assert row["status"] in {
        "hidden",
        "no data",
        "met",
        "missed",
        "behind",
        "on track",
        "not met yet",
    }
    assert "at target" in row["statement"]


def test_goals_added_changed_and_removed_by_the_owner(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    goal_input = {
        "audience": org.audience.pk,
        "skill": org.skill_a.pk,
        "target_share": 70,
        "due_date": plan.target_date.isoformat(),
    }
    response = api("lead").post(f"{PLANS}{plan.pk}/goals/", goal_input, format="json")
    assert response.status_code == 201, response.content
    goal_id = response.json()["id"]
    duplicate = api("lead").post(f"{PLANS}{plan.pk}/goals/", goal_input, format="json")
    assert duplicate.status_code == 400
    assert (
        api("lead")
        .post(f"{PLANS}{plan.pk}/goals/", {**goal_input, "target_share": 101}, format="json")
        .status_code
        == 400
    )
    url = f"{PLANS}{plan.pk}/goals/{goal_id}/"
    response = api("lead").put(
        url, {**goal_input, "skill": None, "target_share": 40}, format="json"
    )
    assert response.status_code == 200 and response.json()["skill"] is None
    for persona in REFUSED:
        assert api(persona).put(url, goal_input, format="json").status_code == 403
        assert api(persona).delete(url).status_code == 403
        assert (
            api(persona).post(f"{PLANS}{plan.pk}/goals/", goal_input, format="json").status_code
            == 403
        )
    assert api("lead").delete(url).status_code == 204
    assert not PlanGoal.objects.exists()
    assert api("lead").delete(url).status_code == 404


def test_partners_added_changed_and_removed(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    response = api("lead").post(
        f"{PLANS}{plan.pk}/partners/",
        {"team": org.data.pk, "contribution": "Trains the trainers"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Data"
    url = f"{PLANS}{plan.pk}/partners/{response.json()['id']}/"
    response = api("admin").put(
        url, {"name": "A university", "contribution": "Courses"}, format="json"
    )
    assert response.status_code == 200 and response.json()["team"] is None
    for persona in REFUSED:
        assert api(persona).delete(url).status_code == 403
    assert (
        api("lead")
        .post(f"{PLANS}{plan.pk}/partners/", {"contribution": "x"}, format="json")
        .status_code
        == 400
    )  # neither team nor name
    assert api("lead").delete(url).status_code == 204
    assert not PlanPartner.objects.exists()


def test_gap_remedies_set_and_removed(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"{PLANS}{plan.pk}/gaps/{org.skill_a.pk}/remedy/"
    remedy = {
        "remedy": "train",
        "owner": person_id(org.manager),
        "deadline": plan.target_date.isoformat(),
        "notes": "Workshops",
    }
    response = api("lead").put(url, remedy, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == org.manager.person.pk
    assert GapRemedy.objects.get().owner == org.manager
    response = api("lead").put(url, {**remedy, "remedy": "hire"}, format="json")
    assert response.json()["remedy"] == "hire" and GapRemedy.objects.count() == 1
    assert (
        api("lead").put(url, {**remedy, "owner": org.employee.pk}, format="json").status_code == 400
    )  # not a responsible person
    for persona in REFUSED:
        assert api(persona).put(url, remedy, format="json").status_code == 403
    assert (
        api("lead").put(f"{PLANS}{plan.pk}/gaps/999999/remedy/", remedy, format="json").status_code
        == 404
    )
    assert api("lead").delete(url).status_code == 204
    assert not GapRemedy.objects.exists()


def _triage(api, persona, plan, concern, **data):
    return api(persona).post(
        f"{PLANS}{plan.pk}/concerns/{concern.pk}/triage/",
        {"status": "in_review", **data},
        format="json",
    )


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_the_plan_owner_and_admins_triage_a_concern(api, org, persona):
    plan = ReadinessPlanFactory(owner=org.lead)
    concern = ConcernFactory(raised_by=org.employee.user, plan=plan)
    response = _triage(
        api,
        persona,
        plan,
        concern,
        owner=person_id(org.manager),
        addressable_by="hr",
        response="We are on it.",
    )
    assert response.status_code == 200, response.content
    concern.refresh_from_db()
    assert concern.status == "in_review" and concern.owner == org.manager
    assert response.json()["response"] == "We are on it."
    assert response.json()["owner"] == org.manager.person.pk
    assert response.json()["raised_by"] == org.employee.pk


def test_triage_refusals(api, org):
    owner = org.admin
    plan = ReadinessPlanFactory(owner=owner)
    concern = ConcernFactory(raised_by=org.employee.user, plan=plan)
    # Leadership that owns neither the plan nor the concern; and everybody else.
    for persona in ["lead", *REFUSED]:
        assert _triage(api, persona, plan, concern).status_code == 403
    # The concern's owner (leadership) may triage it.
    Concern.objects.filter(pk=concern.pk).update(owner=org.lead)
    assert _triage(api, "lead", plan, concern, owner=person_id(org.lead)).status_code == 200
    # A response is needed to close it; a concern of another plan is not found.
    closed = _triage(api, "admin", plan, concern, status="closed", response="")
    assert closed.status_code == 400 and "response" in field_errors(closed)
    other = ConcernFactory(raised_by=org.employee.user, plan=ReadinessPlanFactory(owner=owner))
    assert _triage(api, "admin", plan, other).status_code == 404


def test_plan_dates_out_of_range_are_refused(api, org):
    response = api("lead").post(PLANS, _plan_input(org, start_date="0001-01-01"), format="json")
    assert response.status_code == 400 and "start_date" in field_errors(response)


def test_a_triager_in_the_raisers_chain_gets_no_raiser(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    concern = ConcernFactory(
        raised_by=org.employee.user, team=org.platform, plan=plan, anonymous_to_manager=True
    )
    assert _triage(api, "lead", plan, concern).json()["raised_by"] == org.employee.pk
    org.platform.managers.add(org.lead)
    response = _triage(api, "lead", plan, concern)
    assert response.status_code == 200 and response.json()["raised_by"] is None
