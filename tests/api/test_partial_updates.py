"""PATCH where PUT is: readiness plans, their goals, partners and gap remedies, and the
curators' mapping rules. A PATCH changes only the fields sent; the others keep their values.
It is checked as a PUT of the merged values (same permission, same form, same service), so
it is refused to the same people, with the same field errors, and recorded in the audit
history the same way."""

import datetime as dt

import pytest

from catalog.models import SkillMappingRule
from readiness.models import GapRemedy, PlanGoal, PlanPartner, ReadinessPlan
from tests.api.conftest import field_errors
from tests.factories import ReadinessPlanFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
RULES = "/api/v1/mapping-rules/"
PLAN_REFUSED = ["employee", "manager", "curator"]
RULE_REFUSED = ["employee", "manager", "lead"]


def _plan_fields(plan: ReadinessPlan) -> dict:
    plan.refresh_from_db()
    return {
        "name": plan.name,
        "business_scenario": plan.business_scenario,
        "owner": plan.owner_id,
        "start_date": plan.start_date,
        "target_date": plan.target_date,
        "status": plan.status,
    }


# --- Plans ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lead", "admin"])
def test_patch_changes_only_the_plans_field_sent(api, org, persona):
    plan = ReadinessPlanFactory(owner=org.lead)
    before = _plan_fields(plan)
    response = api(persona).patch(f"{PLANS}{plan.pk}/", {"name": "  Renamed  "}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed"  # stripped by the service, as on PUT
    assert _plan_fields(plan) == {**before, "name": "Renamed"}


def test_patch_of_a_plan_is_recorded_in_its_history_like_a_put(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"{PLANS}{plan.pk}/"
    count = plan.history.count()
    assert api("lead").patch(url, {"status": "completed"}, format="json").status_code == 200
    record = plan.history.latest("history_date")
    assert plan.history.count() == count + 1
    assert (record.history_type, record.history_user, record.status) == ("~", org.lead, "completed")


def test_patch_of_a_plan_is_refused_to_whom_put_is(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    other = ReadinessPlanFactory(owner=org.admin)
    before, other_before = _plan_fields(plan), _plan_fields(other)
    for persona in PLAN_REFUSED:
        response = api(persona).patch(f"{PLANS}{plan.pk}/", {"name": "Hijacked"}, format="json")
        assert response.status_code == 403, persona
    # Leadership reads every plan but changes only its own.
    assert (
        api("lead").patch(f"{PLANS}{other.pk}/", {"name": "Hijacked"}, format="json").status_code
        == 403
    )
    assert (
        api(None).patch(f"{PLANS}{plan.pk}/", {"name": "Hijacked"}, format="json").status_code
        == 401
    )
    assert api("admin").patch(f"{PLANS}999999/", {"name": "x"}, format="json").status_code == 404
    assert (_plan_fields(plan), _plan_fields(other)) == (before, other_before)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "nope"),  # the input's shape
        ("start_date", "0001-01-01"),  # the input's range
        ("owner", "employee"),  # the form: the owner must be leadership or an admin
        ("target_date", "past"),  # the form, against the plan's current start date
    ],
)
def test_a_bad_value_in_a_plan_patch_is_a_400_at_that_field_and_saves_nothing(
    api, org, field, value
):
    plan = ReadinessPlanFactory(owner=org.lead)
    before, history = _plan_fields(plan), plan.history.count()
    if value == "employee":
        value = org.employee.user.pk
    elif value == "past":
        value = (plan.start_date - dt.timedelta(days=1)).isoformat()
    response = api("lead").patch(
        f"{PLANS}{plan.pk}/", {field: value, "name": "Not saved"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in field_errors(response), field_errors(response)
    assert _plan_fields(plan) == before and plan.history.count() == history


# --- Goals, partners, remedies ----------------------------------------------------------------


def _goal(org, plan: ReadinessPlan) -> PlanGoal:
    return PlanGoal.objects.create(
        plan=plan,
        audience=org.audience,
        skill=org.skill_a,
        target_share=50,
        due_date=plan.target_date,
    )


def test_patch_changes_only_the_goals_field_sent(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    goal = _goal(org, plan)
    url = f"{PLANS}{plan.pk}/goals/{goal.pk}/"
    history = goal.history.count()
    response = api("admin").patch(url, {"target_share": 80}, format="json")
    assert response.status_code == 200, response.content
    goal.refresh_from_db()
    assert (goal.audience, goal.skill, goal.target_share, goal.due_date) == (
        org.audience,
        org.skill_a,
        80,
        plan.target_date,
    )
    assert goal.history.count() == history + 1
    assert goal.history.latest("history_date").history_user == org.admin
    # Null is a value: all their required skills.
    response = api("lead").patch(url, {"skill": None}, format="json")
    assert response.status_code == 200 and response.json()["skill"] is None
    goal.refresh_from_db()
    assert goal.skill is None and goal.target_share == 80


def test_patch_of_a_goal_refusals(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    goal = _goal(org, plan)
    url = f"{PLANS}{plan.pk}/goals/{goal.pk}/"
    for persona in PLAN_REFUSED:
        assert api(persona).patch(url, {"target_share": 1}, format="json").status_code == 403
    response = api("lead").patch(url, {"target_share": 101}, format="json")
    assert response.status_code == 400 and "target_share" in field_errors(response)
    # The form's check of the merged goal: another goal with the same audience, skill, date.
    twin = PlanGoal.objects.create(
        plan=plan,
        audience=org.audience,
        skill=org.skill_b,
        target_share=10,
        due_date=plan.target_date,
    )
    response = api("lead").patch(
        f"{PLANS}{plan.pk}/goals/{twin.pk}/", {"skill": org.skill_a.pk}, format="json"
    )
    assert response.status_code == 400, response.content
    other_plan = ReadinessPlanFactory(owner=org.lead)
    assert (
        api("lead")
        .patch(f"{PLANS}{other_plan.pk}/goals/{goal.pk}/", {"target_share": 1}, format="json")
        .status_code
        == 404
    )
    goal.refresh_from_db()
    twin.refresh_from_db()
    assert goal.target_share == 50 and twin.skill == org.skill_b


def test_patch_changes_only_the_partners_field_sent(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    partner = PlanPartner.objects.create(
        plan=plan,
        team=org.data,
        name="Data",
        contribution="Trains the trainers",
        due_date=plan.target_date,
    )
    url = f"{PLANS}{plan.pk}/partners/{partner.pk}/"
    response = api("lead").patch(url, {"contribution": "Courses"}, format="json")
    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert (partner.team, partner.name, partner.contribution, partner.due_date) == (
        org.data,
        "Data",
        "Courses",
        plan.target_date,
    )
    for persona in PLAN_REFUSED:
        assert api(persona).patch(url, {"contribution": "x"}, format="json").status_code == 403
    response = api("lead").patch(url, {"due_date": "not a date"}, format="json")
    assert response.status_code == 400 and "due_date" in field_errors(response)
    partner.refresh_from_db()
    assert partner.contribution == "Courses" and partner.due_date == plan.target_date


def test_patch_changes_only_the_remedys_field_sent(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"{PLANS}{plan.pk}/gaps/{org.skill_a.pk}/remedy/"
    # Nothing to change yet: PUT creates the remedy, PATCH only changes one.
    assert api("lead").patch(url, {"remedy": "hire"}, format="json").status_code == 404
    assert not GapRemedy.objects.exists()
    remedy = GapRemedy.objects.create(
        plan=plan,
        skill=org.skill_a,
        remedy="train",
        owner=org.manager,
        deadline=plan.target_date,
        notes="Workshops",
    )
    response = api("lead").patch(url, {"remedy": "hire"}, format="json")
    assert response.status_code == 200, response.content
    remedy.refresh_from_db()
    assert (remedy.remedy, remedy.owner, remedy.deadline, remedy.notes) == (
        "hire",
        org.manager,
        plan.target_date,
        "Workshops",
    )
    for persona in PLAN_REFUSED:
        assert api(persona).patch(url, {"remedy": "train"}, format="json").status_code == 403
    response = api("lead").patch(url, {"owner": org.employee.pk}, format="json")
    assert response.status_code == 400 and "owner" in field_errors(
        response
    )  # not a responsible person
    remedy.refresh_from_db()
    assert remedy.remedy == "hire" and remedy.owner == org.manager


# --- Mapping rules ----------------------------------------------------------------------------


def _rule(org) -> SkillMappingRule:
    return SkillMappingRule.objects.create(
        skill=org.skill_a, field="product", value="azure-openai", level_rule="fixed", fixed_level=3
    )


def _rule_fields(rule: SkillMappingRule) -> tuple:
    rule.refresh_from_db()
    return (
        rule.skill_id,
        rule.field,
        rule.value,
        rule.level_rule,
        rule.fixed_level,
        rule.is_active,
    )


@pytest.mark.parametrize("persona", ["curator", "admin"])
def test_patch_changes_only_the_rules_field_sent(api, org, persona):
    rule = _rule(org)
    skill, field, _value, level_rule, fixed_level, is_active = _rule_fields(rule)
    history = rule.history.count()
    response = api(persona).patch(f"{RULES}{rule.pk}/", {"value": "  azure   ai "}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "azure ai"  # normalized by the form, as on PUT
    assert _rule_fields(rule) == (skill, field, "azure ai", level_rule, fixed_level, is_active)
    assert rule.history.count() == history + 1
    assert rule.history.latest("history_date").history_user == getattr(org, persona)
    # A PATCH without is_active keeps it; one with it changes only it.
    assert (
        api(persona).patch(f"{RULES}{rule.pk}/", {"is_active": False}, format="json").status_code
        == 200
    )
    assert _rule_fields(rule) == (skill, field, "azure ai", level_rule, fixed_level, False)


@pytest.mark.parametrize("persona", RULE_REFUSED)
def test_patch_of_a_rule_is_refused_to_whom_put_is(api, org, persona):
    rule = _rule(org)
    before = _rule_fields(rule)
    response = api(persona).patch(f"{RULES}{rule.pk}/", {"value": "hijacked"}, format="json")
    assert response.status_code == 403
    assert _rule_fields(rule) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"field": "nope"}, "field"),  # the input's shape
        ({"fixed_level": 9}, "fixed_level"),
        ({"fixed_level": None}, "fixed_level"),  # the form: a fixed rule needs its level
        ({"skill": "retired"}, "skill"),  # the form: an active skill
    ],
)
def test_a_bad_value_in_a_rule_patch_is_a_400_at_that_field_and_saves_nothing(
    api, org, data, field
):
    rule = _rule(org)
    if data.get("skill") == "retired":
        org.skill_b.is_active = False
        org.skill_b.save()
        data = {"skill": org.skill_b.pk}
    before, history = _rule_fields(rule), rule.history.count()
    response = api("curator").patch(
        f"{RULES}{rule.pk}/", {**data, "value": "not-saved"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in field_errors(response), field_errors(response)
    assert _rule_fields(rule) == before and rule.history.count() == history
