"""My quick review (POST /me/confirm/), the resources recommended for my gaps and the suggested
plan covering them: the functions of "My readiness" and "My assessment"."""

import pytest

from assessments.models import AssessmentSubmission, SkillRating
from tests.api.conftest import field_errors
from tests.factories import ResourceSkillFactory, SkillRatingFactory, TrainingResourceFactory

pytestmark = pytest.mark.django_db

CONFIRM = "/api/v1/me/confirm/"
RECOMMENDATIONS = "/api/v1/me/recommendations/"
SUGGESTION = "/api/v1/me/plan-suggestion/"


def test_i_confirm_my_ratings(api, org):
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    response = api("employee").post(CONFIRM)
    assert response.status_code == 201, response.content
    submission = AssessmentSubmission.objects.get(pk=response.json()["submission"]["id"])
    assert submission.person == org.employee and submission.kind == "quick_review"
    # A confirmation is not a rating: the one rating stays the only one.
    assert SkillRating.objects.filter(person=org.employee, skill=org.skill_a).count() == 1


def test_nothing_to_confirm_is_refused(api, org):
    response = api("employee").post(CONFIRM)
    assert response.status_code == 400 and "non_field_errors" in field_errors(response)
    assert not AssessmentSubmission.objects.exists()


@pytest.mark.parametrize("url", [CONFIRM, RECOMMENDATIONS, SUGGESTION])
def test_without_a_person_record_or_credentials(api, url):
    method = "post" if url == CONFIRM else "get"
    assert getattr(api("admin"), method)(url).status_code == 404  # no person record
    assert getattr(api(None), method)(url).status_code == 401


def _resource(org, skill, level, minutes=60):
    resource = TrainingResourceFactory(duration_minutes=minutes)
    resource.audiences.add(org.audience)
    ResourceSkillFactory(resource=resource, skill=skill, level=level)
    return resource


def test_recommendations_for_my_gaps(api, org):
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    short = _resource(org, org.skill_a, 1)  # not above my level: not a candidate
    best = _resource(org, org.skill_a, 2)
    body = api("employee").get(RECOMMENDATIONS).json()
    gaps = {row["skill"]: row for row in body["gaps"]}
    assert set(gaps) == {org.skill_a.pk, org.skill_b.pk, org.skill_c.pk}
    ids = [c["resource"]["id"] for c in gaps[org.skill_a.pk]["candidates"]]
    assert ids == [best.pk] and short.pk not in ids
    assert gaps[org.skill_a.pk]["candidates"][0]["closes_gap"] is True
    assert gaps[org.skill_b.pk]["candidates"] == []


def test_plan_suggestion_covers_my_gaps(api, org):
    both = TrainingResourceFactory(duration_minutes=90)
    both.audiences.add(org.audience)
    ResourceSkillFactory(resource=both, skill=org.skill_a, level=2)
    ResourceSkillFactory(resource=both, skill=org.skill_b, level=3)
    _resource(org, org.skill_a, 2, minutes=80)
    _resource(org, org.skill_b, 3, minutes=80)
    body = api("employee").get(SUGGESTION).json()
    assert [r["id"] for r in body["resources"]] == [both.pk]
    assert body["resources"][0]["covers"] == sorted([org.skill_a.pk, org.skill_b.pk])
    assert body["minutes"] == 90 and body["uncovered"] == [org.skill_c.pk]


#: token(2), person, states, the resource links that fit (with their kept effectiveness;
#: the audience rule in their statement: no Everyone audience, no audiences read)
QUERIES = {RECOMMENDATIONS: 5, SUGGESTION: 5}


@pytest.mark.parametrize("url", [RECOMMENDATIONS, SUGGESTION])
def test_recommendation_queries_are_constant(api, org, django_assert_num_queries, url):
    SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    client = api("employee")
    for size in (2, 10):
        for _ in range(size):
            _resource(org, org.skill_a, 2)
            _resource(org, org.skill_b, 3)
        with django_assert_num_queries(QUERIES[url]):
            assert client.get(url).status_code == 200
