"""``?updated_since=`` on people, teams, ratings and plan items: an incremental sync reads what
changed at or after T — and nothing from before — at a constant number of queries."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine

from assessments.privacy import person_erase
from assessments.services.me import plan_item_transition
from tests.factories import LearningPlanItemFactory, PersonFactory, SkillRatingFactory, TeamFactory

pytestmark = pytest.mark.django_db

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)


def _since(when: dt.datetime) -> str:
    return quote(when.isoformat())


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_people_changed_after_t_only_and_deactivated_ones_too(api, org):
    before = PersonFactory(team=org.platform, role=org.role)
    with time_machine.travel(LATER, tick=False):
        client = api("manager")
        assert _ids(client.get(f"/api/v1/people/?updated_since={_since(LATER)}")) == set()
        org.colleague.job_title = "Prompt engineer"
        org.colleague.save()
        person_erase(person=org.employee)
        rows = client.get(f"/api/v1/people/?updated_since={_since(LATER)}").json()["results"]
    assert {row["id"]: row["is_active"] for row in rows} == {
        org.colleague.pk: True,
        org.employee.pk: False,
    }
    assert before.pk not in {row["id"] for row in rows}
    assert rows[0]["updated_at"]


def test_a_login_change_is_a_person_change_a_sign_in_is_not(api, org):
    with time_machine.travel(LATER, tick=False):
        user = org.colleague.user
        user.last_login = LATER
        user.save(update_fields=["last_login"])
        assert _ids(api("manager").get(f"/api/v1/people/?updated_since={_since(LATER)}")) == set()
        user.email = "renamed@example.com"
        user.save()
        assert _ids(api("manager").get(f"/api/v1/people/?updated_since={_since(LATER)}")) == {
            org.colleague.pk
        }


def test_hr_upsert_bulk_writes_move_updated_at(api, org):
    untouched = PersonFactory(team=org.platform, role=org.role)
    with time_machine.travel(LATER, tick=False):
        response = api("admin").post(
            "/api/v1/hr/upsert/",
            {
                "teams": [{"name": "Platform", "parent": "Engineering", "description": "New"}],
                "people": [{"email": org.colleague.user.email, "is_active": False}],
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        client = api("admin")
        people = client.get(f"/api/v1/people/?updated_since={_since(LATER)}").json()["results"]
        teams = _ids(client.get(f"/api/v1/teams/?updated_since={_since(LATER)}"))
    assert [(row["id"], row["is_active"]) for row in people] == [(org.colleague.pk, False)]
    assert untouched.pk not in {row["id"] for row in people}
    assert teams == {org.platform.pk}


def test_teams_ratings_and_plan_items_changed_after_t_only(api, org):
    old_team = TeamFactory(parent=org.platform)
    old_rating = SkillRatingFactory(person=org.employee, skill=org.skill_a, level=1)
    old_item = LearningPlanItemFactory(person=org.employee)
    moving = LearningPlanItemFactory(person=org.employee)
    with time_machine.travel(LATER, tick=False):
        new_team = TeamFactory(parent=org.platform)
        new_rating = SkillRatingFactory(person=org.employee, skill=org.skill_b, level=2)
        plan_item_transition(item=moving, action="complete")
        since = _since(LATER)
        assert _ids(api("manager").get(f"/api/v1/teams/?updated_since={since}")) == {new_team.pk}
        assert _ids(api("manager").get(f"/api/v1/ratings/?updated_since={since}")) == {
            new_rating.pk
        }
        assert _ids(api("employee").get(f"/api/v1/plan-items/?updated_since={since}")) == {
            moving.pk
        }
        earlier = _since(LATER - dt.timedelta(days=3))
        assert {old_team.pk, new_team.pk} <= _ids(
            api("manager").get(f"/api/v1/teams/?updated_since={earlier}")
        )
        assert {old_rating.pk, new_rating.pk} <= _ids(
            api("manager").get(f"/api/v1/ratings/?updated_since={earlier}")
        )
        assert {old_item.pk, moving.pk} <= _ids(
            api("employee").get(f"/api/v1/plan-items/?updated_since={earlier}")
        )


def test_an_offset_is_honoured(api, org):
    with time_machine.travel(LATER, tick=False):
        org.colleague.save()
        client = api("manager")
        # The same instant written in Paris time (an unencoded "+" too), then one hour after it.
        paris = LATER.astimezone(dt.timezone(dt.timedelta(hours=1)))
        assert org.colleague.pk in _ids(
            client.get(f"/api/v1/people/?updated_since={_since(paris)}")
        )
        unencoded = paris.isoformat()
        assert org.colleague.pk in _ids(client.get(f"/api/v1/people/?updated_since={unencoded}"))
        after = _since(paris + dt.timedelta(hours=1))
        assert _ids(client.get(f"/api/v1/people/?updated_since={after}")) == set()


@pytest.mark.parametrize("path", ["people", "teams", "ratings", "plan-items"])
@pytest.mark.parametrize(
    ("value", "says"),
    [("2026-01-31T08:00:00", "offset"), ("yesterday", "ISO 8601"), ("2026-13-01T00:00Z", "ISO")],
)
def test_naive_or_malformed_times_are_refused(api, org, path, value, says):
    response = api("admin").get(f"/api/v1/{path}/?updated_since={quote(value)}")
    assert response.status_code == 400
    assert says in str(response.json())


def test_the_schema_documents_the_filter(api):
    schema = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("people", "teams", "ratings", "plan-items"):
        parameters = schema["paths"][f"/api/v1/{path}/"]["get"]["parameters"]
        (param,) = [p for p in parameters if p["name"] == "updated_since"]
        assert "offset" in param["description"]


@pytest.mark.parametrize(
    ("persona", "path", "grow", "queries"),
    [
        # token(2) + groups, managed, count, page (with user, team, role)
        ("manager", "people", lambda o: PersonFactory(team=o.platform, role=o.role), 6),
        # token(2) + groups, managed, count, page, managers of the page's teams
        ("manager", "teams", lambda o: TeamFactory(parent=o.platform), 7),
        # token(2) + groups, managed, count, page
        (
            "manager",
            "ratings",
            lambda o: SkillRatingFactory(person=o.colleague, skill=o.skill_a, level=1),
            6,
        ),
        # token(2) + groups, managed, count, page
        ("employee", "plan-items", lambda o: LearningPlanItemFactory(person=o.employee), 6),
    ],
)
def test_the_filtered_lists_keep_their_query_count(
    api, org, django_assert_num_queries, persona, path, grow, queries
):
    with time_machine.travel(LATER, tick=False):
        for size in (2, 10):
            for _ in range(size):
                grow(org)
            client = api(persona)
            with django_assert_num_queries(queries):
                response = client.get(f"/api/v1/{path}/?updated_since={_since(LATER)}")
            assert response.status_code == 200
            assert response.json()["count"] >= size
