"""One kind of id for people everywhere in the API: the Person id (issue 21, item 4).

Fields that name an actor (``rated_by``, ``assigned_by``, ``owner``, ``raised_by``,
``requested_by``, a team's managers) carry the actor's Person id, null when the account has no
person record, with a ``<field>_name`` saying who it was; filters and inputs take Person ids.
"""

import re

import pytest

from catalog.models import ImportRun
from readiness.models import GapRemedy, ReadinessPlan
from tests.api.conftest import field_errors, person_id, problem_of
from tests.factories import (
    LearningPlanItemFactory,
    ReadinessPlanFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

#: Properties and query parameters that name a person (``addressable_by`` is an area).
PEOPLE_FIELD = re.compile(r"^(person|owner|[a-z_]+_by)$")
NOT_PEOPLE = {"addressable_by"}


@pytest.fixture
def schema(api) -> dict:  # noqa: ANN001
    response = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _properties(schema: dict):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            yield f"{name}.{field}", field, spec


def _parameters(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                yield f"{method} {path} ?{parameter['name']}", parameter["name"], parameter


def test_every_people_field_is_an_integer_person_id(schema):
    checked, wrong = [], []
    for where, name, spec in _properties(schema):
        if not PEOPLE_FIELD.match(name) or name in NOT_PEOPLE or "$ref" in spec:
            continue  # a nested Person (``Me.person``) is a Person itself
        checked.append(where)
        if spec.get("type") != "integer" or "Person id" not in spec.get("description", ""):
            wrong.append((where, spec))
    for where, name, parameter in _parameters(schema):
        if not PEOPLE_FIELD.match(name) or name in NOT_PEOPLE:
            continue
        checked.append(where)
        if parameter["schema"].get("type") != "integer" or "Person id" not in parameter.get(
            "description", ""
        ):
            wrong.append((where, parameter))
    assert wrong == []
    # The walk did reach the fields of the issue (and the team's managers).
    for where in [
        "SkillRating.rated_by",
        "PlanItem.assigned_by",
        "GapRemedy.owner",
        "TriagedConcern.owner",
        "Concern.raised_by",
        "ReadinessPlan.owner",
        "PlanInputRequest.owner",
        "ImportRun.requested_by",
        "ManagerBrief.person",
        "get /api/v1/plans/ ?owner",
        "get /api/v1/plan-items/ ?assigned_by",
        "get /api/v1/ratings/ ?rated_by",
    ]:
        assert where in checked


def test_no_field_of_the_schema_is_a_user_id(schema):
    described = [
        where
        for where, _name, spec in [*_properties(schema), *_parameters(schema)]
        if re.search(r"\buser(s'?)? ids?\b", spec.get("description", ""), re.IGNORECASE)
    ]
    assert described == []
    assert [where for where, name, _spec in _properties(schema) if name == "user_id"] == []
    # The actors' read-only names come with their ids.
    names = {where for where, name, _spec in _properties(schema) if name.endswith("_by_name")}
    assert {"SkillRating.rated_by_name", "PlanItem.assigned_by_name"} <= names


def test_an_actor_without_a_person_record_is_null_with_a_name(api, org):
    org.admin.first_name, org.admin.last_name = "Ada", "Admin"
    org.admin.save()
    by_manager = SkillRatingFactory(person=org.employee, skill=org.skill_a, rated_by=org.manager)
    by_admin = SkillRatingFactory(person=org.employee, skill=org.skill_b, rated_by=org.admin)
    rows = {row["id"]: row for row in api("employee").get("/api/v1/ratings/").json()["results"]}
    assert rows[by_manager.pk]["rated_by"] == org.manager.person.pk
    assert rows[by_manager.pk]["rated_by_name"] == org.manager.get_full_name()
    assert rows[by_admin.pk]["rated_by"] is None
    assert rows[by_admin.pk]["rated_by_name"] == "Ada Admin (no person record)"
    own = LearningPlanItemFactory(person=org.employee, resource=TrainingResourceFactory())
    item = api("employee").get(f"/api/v1/plan-items/{own.pk}/").json()
    assert item["assigned_by"] is None and item["assigned_by_name"] is None


def test_filters_take_person_ids(api, org):
    by_manager = SkillRatingFactory(person=org.employee, skill=org.skill_a, rated_by=org.manager)
    SkillRatingFactory(person=org.employee, skill=org.skill_b, rated_by=org.employee.user)
    rows = api("manager").get("/api/v1/ratings/", {"rated_by": org.manager.person.pk}).json()
    assert [row["id"] for row in rows["results"]] == [by_manager.pk]
    # The manager's account id is not a Person id: 400 at the parameter, not another person.
    stranger = UserFactory()
    refused = api("manager").get("/api/v1/ratings/", {"rated_by": 10**6 + stranger.pk})
    assert problem_of(refused, 400)["errors"][0]["parameter"] == "rated_by"

    mine = ReadinessPlanFactory(owner=org.lead)
    ReadinessPlanFactory(owner=org.admin)
    rows = api("lead").get("/api/v1/plans/", {"owner": person_id(org.lead)}).json()
    assert [row["id"] for row in rows["results"]] == [mine.pk]
    assert rows["results"][0]["owner"] == org.lead.person.pk


def test_an_owner_is_written_by_person_id_and_checked_at_the_field(api, org):
    plan = ReadinessPlanFactory(owner=org.lead)
    url = f"/api/v1/plans/{plan.pk}/gaps/{org.skill_a.pk}/remedy/"
    remedy = {"remedy": "train", "deadline": plan.target_date.isoformat()}
    # An id that names no person, and a person who may not own it: the same refusal.
    unknown = api("lead").put(url, {**remedy, "owner": 2**31 - 1}, format="json")
    not_a_choice = api("lead").put(url, {**remedy, "owner": org.employee.pk}, format="json")
    assert field_errors(unknown)["owner"] == field_errors(not_a_choice)["owner"]
    assert problem_of(unknown, 400)["errors"][0]["pointer"] == "#/owner"
    assert not GapRemedy.objects.exists()
    # The manager's *account* id is refused too (here it names no person).
    account = api("lead").put(url, {**remedy, "owner": org.manager.pk + 10**6}, format="json")
    assert account.status_code == 400 and not GapRemedy.objects.exists()

    response = api("lead").put(url, {**remedy, "owner": org.manager.person.pk}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["owner"], response.json()["owner_name"]) == (
        org.manager.person.pk,
        org.manager.get_full_name(),
    )
    assert GapRemedy.objects.get().owner == org.manager


def test_a_plan_owned_by_an_account_without_a_person_keeps_it_on_patch(api, org):
    plan = ReadinessPlanFactory(owner=org.admin, name="Before")
    body = api("admin").get(f"/api/v1/plans/{plan.pk}/").json()
    assert body["owner"] is None and body["owner_name"].endswith("(no person record)")
    response = api("admin").patch(f"/api/v1/plans/{plan.pk}/", {"name": "After"}, format="json")
    assert response.status_code == 200, response.content
    assert ReadinessPlan.objects.get(pk=plan.pk).owner == org.admin


def test_team_managers_and_import_runs_name_people_by_person_id(api, org):
    team = api("manager").get(f"/api/v1/teams/{org.platform.pk}/").json()
    name = org.manager.get_full_name()
    assert team["managers"] == [
        {"person": org.manager.person.pk, "username": "manager", "display_name": name}
    ]
    ImportRun.objects.create(source="file", file_name="c.json", requested_by=org.curator)
    run = api("curator").get("/api/v1/import-runs/").json()["results"][0]
    assert run["requested_by"] is None
    assert run["requested_by_name"] == f"{org.curator.get_full_name()} (no person record)"
