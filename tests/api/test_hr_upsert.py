"""The HR bulk upsert: teams by path, people by email, all or nothing, with a dry run."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from readiness.models import Person, Team
from readiness.tokens import service_token_create
from tests.api.conftest import field_errors

pytestmark = pytest.mark.django_db

UPSERT = "/api/v1/hr/upsert/"


def payload(org, *, people=3, prefix="new", analytics="Analytics"):
    return {
        "teams": [
            {"name": analytics, "parent": "Engineering", "managers": [f"{prefix}boss@example.com"]},
            {"name": "Dashboards", "parent": f"Engineering/{analytics}", "description": "BI"},
            {"name": "Platform", "parent": "Engineering", "description": f"Runs {prefix}"},
        ],
        "people": [
            {
                "email": f"{prefix}boss@example.com",
                "first_name": "Bo",
                "last_name": "Ss",
                "team": "Engineering",
                "role": org.role.slug,
            },
            *[
                {
                    "email": f"{prefix}{n}@example.com",
                    "first_name": f"First{n}",
                    "last_name": f"Last{n}",
                    "team": f"Engineering/{analytics}/Dashboards",
                    "role": org.role.slug,
                    "start_date": "2026-01-05",
                    "job_title": "Analyst",
                }
                for n in range(people)
            ],
            {
                "email": "EMPLOYEE@example.com",
                "team": f"Engineering/{analytics}",
                "is_active": True,
            },
        ],
    }


def service_client(org, *, can_hr_upsert: bool) -> APIClient:
    _token, secret = service_token_create(
        admin=org.admin, account="hr-sync", name="HR", can_hr_upsert=can_hr_upsert
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def snapshot():
    return (
        sorted(Team.objects.values_list("path", "name", "description")),
        sorted(Person.objects.values_list("user__email", "team_id", "role_id", "is_active")),
        sorted(Team.managers.through.objects.values_list("team_id", "user_id")),
    )


def test_dry_run_reports_and_writes_nothing(api, org):
    before = snapshot()
    response = api("admin").post(f"{UPSERT}?dry_run=1", payload(org), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True
    assert body["summary"] == {
        "teams": {"created": 2, "updated": 1, "unchanged": 0},
        "people": {"created": 4, "updated": 1, "unchanged": 0},
    }
    assert {t["key"]: t["action"] for t in body["teams"]} == {
        "Engineering/Analytics": "created",
        "Engineering/Analytics/Dashboards": "created",
        "Engineering/Platform": "updated",
    }
    employee = next(p for p in body["people"] if p["key"] == "EMPLOYEE@example.com")
    assert employee == {"key": "EMPLOYEE@example.com", "action": "updated", "changes": ["team"]}
    assert snapshot() == before


def test_upsert_creates_updates_and_is_idempotent(api, org):
    client = api("admin")
    response = client.post(UPSERT, payload(org), format="json")
    assert response.status_code == 200
    assert response.json()["dry_run"] is False
    dashboards = Team.objects.get(name="Dashboards")
    analytics = Team.objects.get(name="Analytics")
    assert dashboards.parent == analytics and analytics.parent == org.dept
    assert dashboards.path == f"{org.dept.path}{analytics.pk}/{dashboards.pk}/"
    assert dashboards.depth == 2 and dashboards.description == "BI"
    boss = get_user_model().objects.get(email="newboss@example.com")
    assert list(analytics.managers.all()) == [boss]
    assert not boss.has_usable_password()
    new0 = Person.objects.select_related("user").get(user__email="new0@example.com")
    assert (new0.user.first_name, new0.team, new0.role, new0.start_date, new0.job_title) == (
        "First0",
        dashboards,
        org.role,
        dt.date(2026, 1, 5),
        "Analyst",
    )
    org.employee.refresh_from_db()
    assert org.employee.team == analytics
    assert Team.objects.get(pk=org.platform.pk).description == "Runs new"

    again = client.post(UPSERT, payload(org), format="json").json()
    assert again["summary"] == {
        "teams": {"created": 0, "updated": 0, "unchanged": 3},
        "people": {"created": 0, "updated": 0, "unchanged": 5},
    }
    moved = payload(org)
    moved["people"][1]["is_active"] = False
    moved["teams"][0]["managers"] = []
    third = client.post(UPSERT, moved, format="json").json()
    assert [p["changes"] for p in third["people"] if p["action"] == "updated"] == [["is_active"]]
    assert [t["changes"] for t in third["teams"] if t["action"] == "updated"] == [["managers"]]
    assert not Person.objects.get(user__email="new0@example.com").is_active
    assert not analytics.managers.exists()


def test_one_bad_entry_writes_nothing(api, org):
    bad = payload(org)
    bad["people"][2]["role"] = "astronaut"
    bad["people"][3]["email"] = "not-an-email"
    bad["teams"][1]["parent"] = "Nowhere/At all"
    before = snapshot()
    response = api("admin").post(UPSERT, bad, format="json")
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["people"]["2"]["role"] == ["No role with the slug “astronaut”."]
    assert list(errors["people"]["3"]) == ["email"]
    assert "Nowhere/At all" in errors["teams"]["1"]["parent"][0]
    assert snapshot() == before


def test_entries_that_contradict_each_other_are_refused(api, org):
    bad = {
        "teams": [{"name": "A/B"}, {"name": "Twice"}, {"name": "Twice"}],
        "people": [
            {"email": "x@example.com"},
            {"email": "X@example.com"},
            {"email": "y@example.com", "team": "Ghost"},
        ],
    }
    errors = field_errors(api("admin").post(UPSERT, bad, format="json"))
    assert set(errors["teams"]) == {"0", "2"} and set(errors["people"]) == {"1", "2"}


def test_a_service_token_with_the_right_may_upsert(org):
    response = service_client(org, can_hr_upsert=True).post(UPSERT, payload(org), format="json")
    assert response.status_code == 200


def test_a_service_token_without_the_right_may_not(org):
    before = snapshot()
    response = service_client(org, can_hr_upsert=False).post(UPSERT, payload(org), format="json")
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["employee", "manager", "curator", "lead"])
def test_people_other_than_admins_may_not(api, org, persona):
    assert api(persona).post(UPSERT, payload(org), format="json").status_code == 403


def test_anonymous_may_not(api, org):
    assert api(None).post(UPSERT, payload(org), format="json").status_code == 401


def test_bad_shapes_are_400(api, org):
    client = api("admin")
    assert client.post(UPSERT, {"people": "everyone"}, format="json").status_code == 400
    assert (
        client.post(UPSERT, {"people": [{"first_name": "No email"}]}, format="json").status_code
        == 400
    )
    assert client.post(f"{UPSERT}?dry_run=maybe", {}, format="json").status_code == 400


@pytest.mark.parametrize("dry_run", [True, False])
def test_queries_do_not_grow_with_the_payload(api, org, dry_run):
    """5 people or 60, the same statements (two new levels of teams each time).

    Always (10): token, the account's other tokens (knox), savepoint; teams, accounts by
    email, taken usernames, people of those accounts, roles, current managers; release.
    Writing adds (9): one insert per new level of teams (2), team paths, team descriptions,
    users, people, people updated, managers delete and insert (one statement per 500 rows).
    Its audit history adds (5): the new accounts' versions; change-log entries of the teams
    created, the teams updated, the people created and the people updated.
    """
    client = api("admin")
    url = f"{UPSERT}?dry_run=1" if dry_run else UPSERT
    counts = []
    for size, prefix in ((5, "small"), (60, "large")):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url,
                payload(org, people=size, prefix=prefix, analytics=f"Analytics {prefix}"),
                format="json",
            )
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == ([10, 10] if dry_run else [24, 24])


@pytest.mark.parametrize("path", ["Engineering/", "Engineering//Platform", "//", "/", " / ", ""])
def test_a_malformed_team_path_is_refused_never_read_as_no_team(api, org, path):
    """Issue 15: "Engineering/" used to answer 200 and take the person out of every team."""
    person = org.employee
    before = snapshot()
    response = api("admin").post(
        UPSERT, {"people": [{"email": person.user.email, "team": path}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(field_errors(response)["people"]["0"]) == ["team"]
    assert snapshot() == before
    person.refresh_from_db()
    assert person.team_id is not None


@pytest.mark.parametrize("path", ["Engineering/", "//", "/", " / ", ""])
def test_a_malformed_parent_path_is_refused(api, org, path):
    before = snapshot()
    response = api("admin").post(
        UPSERT, {"teams": [{"name": "Analytics", "parent": path}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(field_errors(response)["teams"]["0"]) == ["parent"]
    assert snapshot() == before


def test_only_an_explicit_null_removes_the_team(api, org):
    response = api("admin").post(
        UPSERT, {"people": [{"email": org.employee.user.email, "team": None}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    org.employee.refresh_from_db()
    assert org.employee.team_id is None


def test_the_upsert_leaves_audit_history_per_object_by_who_did_it(api, org, client):
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model

    response = api("admin").post(UPSERT, payload(org), format="json")
    assert response.status_code == 200

    created = get_user_model().history.filter(username="newboss@example.com").get()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        org.admin,
        "via HR upsert",
    )
    entries = {
        (e.content_type.model, e.object_repr, e.action_flag)
        for e in LogEntry.objects.filter(change_message="via HR upsert", user=org.admin)
    }
    assert ("team", "Engineering/Analytics", 1) in entries
    assert ("team", "Engineering/Platform", 2) in entries
    assert ("person", "newboss@example.com", 1) in entries
    assert ("person", "employee@example.com", 2) in entries
    person = Person.objects.get(user__email="newboss@example.com")
    assert LogEntry.objects.get(object_repr="newboss@example.com").object_id == str(person.pk)

    # /audit/ shows them, with who and how.
    client.force_login(org.admin)
    body = client.get("/audit/?username=" + org.admin.username).content.decode()
    assert "Engineering/Analytics" in body and "newboss@example.com" in body
    assert "via HR upsert" in body and "admin: person" not in body


def test_a_dry_run_leaves_no_audit_history(api, org):
    from django.contrib.admin.models import LogEntry

    api("admin").post(f"{UPSERT}?dry_run=1", payload(org), format="json")
    assert not LogEntry.objects.filter(change_message="via HR upsert").exists()


def test_an_external_id_keeps_the_person_when_their_email_changes(api, org):
    client = api("admin")
    first = {"people": [{"external_id": "E-100", "email": "ann@example.com", "first_name": "Ann"}]}
    assert client.post(UPSERT, first, format="json").status_code == 200
    person = Person.objects.get(external_id="E-100")
    assert person.start_date is None  # created without a start date: unknown, not today
    moved = {"people": [{"external_id": "E-100", "email": "ann.lee@example.com"}]}
    body = client.post(UPSERT, moved, format="json").json()
    assert body["people"] == [
        {"key": "ann.lee@example.com", "action": "updated", "changes": ["email", "username"]}
    ]
    person.refresh_from_db()
    assert (person.user.email, person.user.username) == (
        "ann.lee@example.com",
        "ann.lee@example.com",
    )
    assert Person.objects.filter(user__email__iexact="ann@example.com").count() == 0


def test_an_external_id_links_an_existing_person_once_and_never_changes(api, org):
    client = api("admin")
    email = org.employee.user.email
    linked = client.post(
        UPSERT, {"people": [{"external_id": "E-7", "email": email}]}, format="json"
    )
    assert linked.json()["people"][0]["changes"] == ["external_id"]
    org.employee.refresh_from_db()
    assert org.employee.external_id == "E-7"
    other = client.post(UPSERT, {"people": [{"external_id": "E-8", "email": email}]}, format="json")
    assert other.status_code == 400
    assert "never changes" in field_errors(other)["people"]["0"]["external_id"][0]
    taken = client.post(
        UPSERT,
        {"people": [{"external_id": "E-7", "email": org.colleague.user.email}]},
        format="json",
    )
    assert list(field_errors(taken)["people"]["0"]) == ["email"]


def test_an_external_id_keeps_the_team_when_it_is_renamed_or_moved(api, org):
    client = api("admin")
    created = {
        "teams": [{"external_id": "T-1", "name": "Analytics", "parent": "Engineering"}],
        "people": [{"email": "ann@example.com", "team": "Engineering/Analytics"}],
    }
    assert client.post(UPSERT, created, format="json").status_code == 200
    team = Team.objects.get(external_id="T-1")
    renamed = {
        "teams": [
            {"external_id": "T-1", "name": "Insights", "parent": "Engineering/Data"},
            {"name": "Dashboards", "parent": "Engineering/Data/Insights"},
        ]
    }
    body = client.post(UPSERT, renamed, format="json").json()
    assert body["teams"][0] == {
        "key": "Engineering/Data/Insights",
        "action": "updated",
        "changes": ["name", "parent"],
    }
    team.refresh_from_db()
    assert (team.name, team.parent, team.path) == (
        "Insights",
        org.data,
        f"{org.data.path}{team.pk}/",
    )
    child = Team.objects.get(name="Dashboards")
    assert child.parent == team and child.path == f"{team.path}{child.pk}/"
    assert Person.objects.get(user__email="ann@example.com").team == team
    assert Team.objects.count() == 5  # Engineering, Platform, Data, Insights, Dashboards


def test_a_team_cannot_be_renamed_onto_another_nor_under_itself(api, org):
    client = api("admin")
    client.post(
        UPSERT,
        {"teams": [{"external_id": "T-9", "name": "Analytics", "parent": "Engineering"}]},
        format="json",
    )
    onto = client.post(
        UPSERT,
        {"teams": [{"external_id": "T-9", "name": "Platform", "parent": "Engineering"}]},
        format="json",
    )
    assert list(field_errors(onto)["teams"]["0"]) == ["name"]
    Team.objects.create(name="Deep", parent=Team.objects.get(external_id="T-9"))
    under = client.post(
        UPSERT,
        {
            "teams": [
                {"external_id": "T-9", "name": "Analytics", "parent": "Engineering/Analytics/Deep"}
            ]
        },
        format="json",
    )
    assert list(field_errors(under)["teams"]["0"]) == ["parent"]


def test_the_admin_shows_an_external_id_read_only_once_set(client, org):
    client.force_login(org.admin)
    url = f"/admin/readiness/person/{org.employee.pk}/change/"
    assert 'name="external_id"' in client.get(url).content.decode()
    Person.objects.filter(pk=org.employee.pk).update(external_id="E-1")
    page = client.get(url).content.decode()
    assert 'name="external_id"' not in page and "E-1" in page
    Team.objects.filter(pk=org.platform.pk).update(external_id="T-1")
    team_page = client.get(f"/admin/readiness/team/{org.platform.pk}/change/").content.decode()
    assert 'name="external_id"' not in team_page and "T-1" in team_page
