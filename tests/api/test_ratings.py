"""Ratings: read what the UI shows; write through the same services as the forms, with the
same refusals as 400 field errors and nothing saved."""

import pytest
from django.urls import reverse

from assessments.models import AssessmentSubmission, SkillRating
from tests.api.conftest import field_errors, problem_of
from tests.factories import AssessmentCycleFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db

RATINGS = "/api/v1/ratings/"
SELF = "/api/v1/ratings/self-assessment/"
MANAGER = "/api/v1/ratings/manager/"


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("employee", {"employee"}),
        ("outsider", {"outsider"}),
        ("manager", {"employee", "colleague"}),
        ("other_manager", {"outsider"}),
        ("lead", set()),  # leadership reads people one by one only in teams they manage
        ("admin", {"employee", "colleague", "outsider"}),
        ("curator", set()),
    ],
)
def test_ratings_visible_to_each_persona(api, org, persona, visible):
    for person in (org.employee, org.colleague, org.outsider):
        SkillRatingFactory(person=person, skill=org.skill_a, level=1)
    rows = api(persona).get(RATINGS).json()["results"]
    people = {
        org.employee.pk: "employee",
        org.colleague.pk: "colleague",
        org.outsider.pk: "outsider",
    }
    assert {people[row["person"]] for row in rows} == visible


def test_a_rating_out_of_reach_is_404(api, org):
    rating = SkillRatingFactory(person=org.outsider, skill=org.skill_a, level=1)
    assert api("employee").get(f"{RATINGS}{rating.pk}/").status_code == 404
    assert api("manager").get(f"{RATINGS}{rating.pk}/").status_code == 404
    assert api("other_manager").get(f"{RATINGS}{rating.pk}/").status_code == 200


def test_rating_filters(api, org):
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    SkillRatingFactory(person=org.employee, skill=org.skill_b, level=3, source="manager")
    client = api("manager")
    assert client.get(f"{RATINGS}?source=manager").json()["count"] == 1
    assert client.get(f"{RATINGS}?skill_slug=api-skill-a").json()["count"] == 1
    assert client.get(f"{RATINGS}?source=bogus").status_code == 400


# --- Self-assessment --------------------------------------------------------------------------


def test_self_assessment_appends_ratings_and_a_submission(api, org):
    payload = {
        "ratings": [
            {"skill": org.skill_a.pk, "level": 2, "interest": 2, "note": "Did a course"},
            {"skill": org.skill_b.pk, "level": 1, "evidence_url": "https://example.com/cert"},
        ]
    }
    response = api("employee").post(SELF, payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["submission"]["changed_skills"] == 2
    assert [(r["skill"], r["level"], r["source"]) for r in body["ratings"]] == [
        (org.skill_a.pk, 2, "self"),
        (org.skill_b.pk, 1, "self"),
    ]
    # The same levels again: nothing changed, no new row, but a submission (the cadence).
    again = api("employee").post(SELF, {"ratings": payload["ratings"][:1]}, format="json")
    assert again.json()["submission"]["changed_skills"] == 1  # a note is always recorded
    plain = {"ratings": [{"skill": org.skill_b.pk, "level": 1}]}
    assert api("employee").post(SELF, plain, format="json").json()["ratings"] == []
    assert SkillRating.objects.filter(person=org.employee).count() == 3
    assert AssessmentSubmission.objects.filter(person=org.employee).count() == 3


def test_self_assessment_inside_an_open_cycle_records_only_changes(api, org):
    cycle = AssessmentCycleFactory()
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=2)
    response = api("employee").post(
        SELF,
        {"ratings": [{"skill": org.skill_a.pk, "level": 2}, {"skill": org.skill_b.pk, "level": 1}]},
        format="json",
    )
    assert response.json()["submission"]["cycle"] == cycle.pk
    assert [r["skill"] for r in response.json()["ratings"]] == [org.skill_b.pk]


def test_a_stale_version_is_a_409_conflict(api, org):
    client = api("employee")
    version = client.get("/api/v1/me/").json()["assessment_version"]
    ok = client.post(SELF, {"ratings": [], "version": version}, format="json")
    assert ok.status_code == 201
    stale = client.post(
        SELF,
        {"ratings": [{"skill": org.skill_a.pk, "level": 3}], "version": version},
        format="json",
    )
    problem = problem_of(stale, 409)
    assert problem["code"] == "conflict" and "changed since" in problem["detail"]
    assert not SkillRating.objects.filter(person=org.employee, level=3).exists()


def _form_errors(client, org, **fields):
    """The self-assessment page's errors for the same input."""
    client.force_login(org.employee.user)
    data = {"version": 0}
    data.update(fields)
    response = client.post(reverse("assessments:my-assessment"), data)
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("entry", "field", "form_field"),
    [
        ({"level": 7}, "level", "level"),
        ({"level": 2, "evidence_url": "not a url"}, "evidence_url", "evidence_url"),
        ({"level": 2, "note": "x" * 2001}, "note", "note"),
    ],
)
def test_bad_input_gets_the_forms_refusal_and_saves_nothing(
    api, client, org, entry, field, form_field
):
    good = {"skill": org.skill_b.pk, "level": 1}
    response = api("employee").post(
        SELF, {"ratings": [good, {"skill": org.skill_a.pk, **entry}]}, format="json"
    )
    assert response.status_code == 400
    errors = field_errors(response)["ratings"]
    assert list(errors) == ["1"]  # only the refused entry
    form_errors = _form_errors(
        client, org, **{f"s{org.skill_a.pk}-{key}": value for key, value in entry.items()}
    )
    assert errors["1"][field] == form_errors[f"s{org.skill_a.pk}-{form_field}"]
    assert not SkillRating.objects.exists()
    assert not AssessmentSubmission.objects.exists()


def test_a_retired_or_unknown_skill_is_refused_as_the_form_does(api, client, org):
    org.skill_c.is_active = False
    org.skill_c.save()
    response = api("employee").post(
        SELF,
        {"ratings": [{"skill": org.skill_c.pk, "level": 1}, {"skill": 999999, "level": 1}]},
        format="json",
    )
    assert response.status_code == 400
    errors = field_errors(response)["ratings"]
    form_errors = _form_errors(client, org, **{f"s{org.skill_c.pk}-level": 1})
    assert errors["0"]["skill"] == ["This skill is not in the skills framework."]
    assert errors["0"]["skill"] == form_errors[f"s{org.skill_c.pk}-level"]
    assert errors["1"]["skill"] == ["This skill is not in the skills framework."]
    assert not SkillRating.objects.exists()


def test_self_assessment_needs_a_person_record(api, org):
    assert api("curator").post(SELF, {"ratings": []}, format="json").status_code == 404
    assert api(None).post(SELF, {"ratings": []}, format="json").status_code == 401


# --- Manager ratings --------------------------------------------------------------------------


def test_a_manager_rates_the_people_they_manage(api, org):
    payload = {
        "ratings": [
            {"person": org.employee.pk, "skill": org.skill_a.pk, "level": 3},
            {"person": org.colleague.pk, "skill": org.skill_b.pk, "level": 2},
        ]
    }
    response = api("manager").post(MANAGER, payload, format="json")
    assert response.status_code == 201
    assert [(r["person"], r["source"]) for r in response.json()] == [
        (org.employee.pk, "manager"),
        (org.colleague.pk, "manager"),
    ]
    assert SkillRating.objects.filter(source="manager", rated_by=org.manager).count() == 2


@pytest.mark.parametrize("persona", ["employee", "other_manager", "curator", "lead"])
def test_who_may_not_rate_a_platform_member(api, org, persona):
    payload = {"ratings": [{"person": org.employee.pk, "skill": org.skill_a.pk, "level": 3}]}
    response = api(persona).post(MANAGER, payload, format="json")
    assert response.status_code == 400
    assert field_errors(response) == {
        "ratings": {"0": {"person": ["You do not manage this person."]}}
    }
    assert not SkillRating.objects.exists()


def test_one_bad_manager_rating_saves_none(api, org):
    payload = {
        "ratings": [
            {"person": org.employee.pk, "skill": org.skill_a.pk, "level": 3},
            {"person": org.colleague.pk, "skill": org.skill_b.pk, "level": 9},
        ]
    }
    response = api("manager").post(MANAGER, payload, format="json")
    assert response.status_code == 400
    assert list(field_errors(response)["ratings"]) == ["1"]
    assert "level" in field_errors(response)["ratings"]["1"]
    assert not SkillRating.objects.exists()


def test_a_manager_cannot_rate_someone_outside_their_teams(api, org):
    payload = {
        "ratings": [
            {"person": org.employee.pk, "skill": org.skill_a.pk, "level": 3},
            {"person": org.outsider.pk, "skill": org.skill_a.pk, "level": 3},
        ]
    }
    response = api("manager").post(MANAGER, payload, format="json")
    assert response.status_code == 400
    assert field_errors(response)["ratings"] == {
        "1": {"person": ["You do not manage this person."]}
    }
    assert not SkillRating.objects.exists()
