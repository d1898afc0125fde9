"""What a self-assessment saved through the API costs and answers: a fixed number of queries
whatever the number of ratings sent or held, and an answer that is what the ratings list
reads back (the rows are answered as saved, not read again)."""

import pytest
from rest_framework.test import APIClient

from assessments.models import SkillRating
from tests.factories import AssessmentCycleFactory

pytestmark = pytest.mark.django_db

SELF = "/api/v1/ratings/self-assessment/"

ORGS = pytest.mark.parametrize(
    "employee_org",
    [{"skills": 2, "ratings_per_skill": 0}, {"skills": 12, "ratings_per_skill": 4}],
    indirect=True,
    ids=["small", "large"],
)


def _session(user) -> APIClient:  # noqa: ANN001
    """Signed in by session, as the page's scripts and the mixed load are."""
    client = APIClient()
    client.force_login(user)
    return client


def _ratings(skills, level: int) -> list[dict]:  # noqa: ANN001
    return [{"skill": skill.pk, "level": level, "note": f"n{skill.pk}"} for skill in skills]


@ORGS
@pytest.mark.parametrize("sent", ["one", "all"])
def test_query_count_is_independent_of_ratings_sent_and_held(
    employee_org, sent, django_assert_num_queries
):
    org = employee_org
    skills = org.skills[:1] if sent == "one" else org.skills
    client = _session(org.person.user)
    # 1 session, 2 user, 3 person, 4 the pending cycle (none), 5 savepoint, 6 the latest self
    # ratings of the skills sent, 7 active skills (validation), 8 ratings (one bulk insert),
    # 9 webhook endpoints ("rating.recorded"), 10 submission, 11 release savepoint — and no
    # statement reading the rows back for the answer
    with django_assert_num_queries(11):
        response = client.post(SELF, {"ratings": _ratings(skills, 3)}, format="json")
    assert response.status_code == 201
    assert len(response.json()["ratings"]) == len(skills)


@ORGS
def test_an_open_cycle_adds_no_statement(employee_org, django_assert_num_queries):
    org = employee_org
    AssessmentCycleFactory()
    client = _session(org.person.user)
    # The 11 above: the pending cycle is one statement whether a cycle is open or not
    # (``submission_cycle``, as the page asks it)
    with django_assert_num_queries(11):
        response = client.post(SELF, {"ratings": _ratings(org.skills, 3)}, format="json")
    assert response.status_code == 201


@ORGS
def test_the_answer_is_what_the_ratings_list_reads_back(employee_org):
    org = employee_org
    cycle = AssessmentCycleFactory()
    client = _session(org.person.user)
    unchanged = {"skill": org.skills[0].pk, "level": 1, "interest": 1}
    sent = [
        {"skill": skill.pk, "level": 4, "interest": 2, "evidence_url": "https://example.com/c"}
        for skill in reversed(org.skills[1:])
    ]
    # The first entry repeats the latest self rating where there is one ("large"): no row.
    held = org.skills[0].pk if SkillRating.objects.filter(skill=org.skills[0]).exists() else None
    response = client.post(SELF, {"ratings": [unchanged, *sent]}, format="json")
    assert response.status_code == 201
    body = response.json()
    answered = body["ratings"]
    assert [r["skill"] for r in answered] == sorted(
        s["skill"] for s in [unchanged, *sent] if s["skill"] != held
    )
    assert {r["cycle"] for r in answered} == {cycle.pk}
    assert body["submission"]["changed_skills"] == len(answered)
    listed = client.get(response["Location"]).json()["results"]
    assert answered == sorted(listed, key=lambda r: (r["skill"], r["id"]))
    assert answered[0]["rated_by"] == org.person.pk
    assert answered[0]["rated_by_name"] == org.person.user.get_full_name()
