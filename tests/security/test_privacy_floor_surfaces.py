"""The privacy floor on every page, API answer and export that shows a figure over a group,
at exactly ``MIN_AGGREGATE_PEOPLE - 1`` people (hidden) and ``MIN_AGGREGATE_PEOPLE`` (shown),
so that moving the threshold by one either way fails here.

One department of ``n`` people, all with required skills, in one audience; the reader is in
Leadership and manages nothing.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import ReadinessSnapshot
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db
MIN = 5
SIZES = [pytest.param(MIN - 1, True, id="min-1"), pytest.param(MIN, False, id="min")]


@pytest.fixture(autouse=True)
def _floor(settings):
    settings.MIN_AGGREGATE_PEOPLE = MIN


@pytest.fixture
def org(make_team_org):
    clear_framework(skills=True)

    def build(n: int):  # noqa: ANN202
        return make_team_org(people=n, skills=2)

    return build


@pytest.fixture
def lead():
    return leadership_user()


def _api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_team_list(client, org, lead, n, hidden):
    team = org(n).team
    client.force_login(lead)
    body = client.get(reverse("assessments:team-list")).content.decode()
    row = body.split(f'data-team="{team.pk}"')[1].split("</tr>")[0]
    assert ("hidden for privacy" in row) is hidden
    assert ('data-testid="rollup-readiness"' in row) is not hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_team_page_header(client, org, lead, n, hidden):
    team = org(n).team
    client.force_login(lead)
    body = client.get(reverse("assessments:team-detail", args=[team.pk])).content.decode()
    direct = body.split('data-testid="direct-figures"')[1].split("</dd>")[0]
    assert ("Hidden for privacy" in direct) is hidden
    assert (f"{n} people · readiness" in direct) is not hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_teams_readiness_api(org, lead, n, hidden):
    team = org(n).team
    client = _api(lead)
    one = client.get(f"/api/v1/teams/{team.pk}/readiness/").json()["readiness"]
    assert one["people"] == (None if hidden else n)
    assert (one["hidden_reason"] is not None) is hidden
    rows = client.get("/api/v1/teams/readiness/").json()["results"]
    listed = next(row for row in rows if row["team"]["id"] == team.pk)["readiness"]
    assert listed["people"] == (None if hidden else n)


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_audiences_readiness_api(org, lead, n, hidden):
    audience = org(n).people[0].role.audience
    client = _api(lead)
    one = client.get(f"/api/v1/audiences/{audience.pk}/readiness/").json()["readiness"]
    assert one["people"] == (None if hidden else n)
    rows = client.get("/api/v1/audiences/readiness/").json()["results"]
    everyone = next(row for row in rows if row["audience"]["is_everyone"])["readiness"]
    assert everyone["people"] == (None if hidden else n)


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_home_audiences(client, org, lead, n, hidden):
    audience = org(n).people[0].role.audience
    client.force_login(lead)
    body = client.get(reverse("home")).content.decode()
    row = body.split(f">{audience.name}</th>")[1].split("</tr>")[0]
    assert ("hidden for privacy" in row) is hidden
    assert (f"<td>{n}</td>" in row) is not hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_dashboard_figures_and_heatmap(client, org, lead, n, hidden):
    built = org(n)
    client.force_login(lead)
    body = client.get(reverse("assessments:dashboard")).content.decode()
    assert ('data-testid="headline-hidden"' in body) is hidden
    audiences = body.split('data-testid="audiences"')[1].split("</table>")[0]
    audience = built.people[0].role.audience.name
    row = audiences.split(f'data-row="{audience}"')[1].split("</tr>")[0]
    assert ('data-value="hidden"' in row) is hidden
    assert (f'data-value="people">{n}<' in row) is not hidden
    departments = body.split('data-testid="departments"')[1].split("</table>")[0]
    row = departments.split(f'data-row="{built.team.name}"')[1].split("</tr>")[0]
    assert ('data-value="hidden"' in row) is hidden
    heat = body.split('data-testid="heatmap"')[1].split("</table>")[0]
    line = heat.split(f'data-row="{built.skills[0].name}"')[1].split("</tr>")[0]
    assert ('class="heat-small">&lt;5<' in line) is hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_dashboard_workbook(client, org, lead, n, hidden):
    from openpyxl import load_workbook

    built = org(n)
    client.force_login(lead)
    book = load_workbook(io.BytesIO(client.get(reverse("assessments:dashboard-export")).content))
    rows = {r[0]: r[1:] for r in book["By department"].iter_rows(min_row=2, values_only=True)}
    people = rows[built.team.name][0]
    assert (people == n) is not hidden
    assert (isinstance(people, str) and people.startswith("hidden")) is hidden
    heat = {r[0]: r[2:] for r in book["Audience x skill"].iter_rows(min_row=2, values_only=True)}
    assert (isinstance(heat[built.skills[0].name][0], str)) is hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_snapshots_in_the_dashboard_trend(client, org, lead, n, hidden):
    org(n)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ReadinessSnapshot.objects.create(
        date=yesterday,
        team=None,
        audience=None,
        skill=None,
        people_in_scope=n,
        people_at_target=1,
        pairs_in_scope=2 * n,
        pairs_at_target=3,
        people_assessed_within_cadence=n,
        mean_gap=1.0,
    )
    client.force_login(lead)
    body = client.get(reverse("assessments:dashboard")).content.decode()
    trend = body.split(f'data-date="{yesterday.isoformat()}"')[1].split("</tr>")[0]
    assert ("fewer than 5 people" in trend) is hidden


@pytest.mark.parametrize(("n", "hidden"), SIZES)
def test_plan_goal_current_value(client, org, lead, n, hidden):
    from assessments.services.plans import plan_goal_create
    from tests.factories import ReadinessPlanFactory

    audience = org(n).people[0].role.audience
    plan = ReadinessPlanFactory(owner=lead)
    plan_goal_create(
        plan=plan,
        audience=audience,
        skill=None,
        target_share=50,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    client.force_login(lead)
    body = client.get(reverse("assessments:plan-detail", args=[plan.pk])).content.decode()
    current = body.split('data-testid="goal-current"')[1].split("</")[0]
    assert ("Fewer than 5 people" in current) is hidden
    assert current.lstrip(">").rstrip().endswith("%") is not hidden
    live = body.split(" (live)</th>")[1].split("</tr>")[0]
    assert ("fewer than 5 people" in live) is hidden


# --- Complementary suppression: a figure that would give a hidden one back ----------------------


def test_audiences_api_hides_the_audience_that_would_reveal_a_small_one(org, lead):
    small = org(MIN - 2).people[0].role.audience  # 3 people
    large = org(MIN + 1).people[0].role.audience  # 6: everyone (9) minus 6 would give the 3
    client = _api(lead)
    rows = {
        row["audience"]["id"]: row["readiness"]
        for row in client.get("/api/v1/audiences/readiness/").json()["results"]
    }
    assert rows[small.pk]["people"] is None and rows[large.pk]["people"] is None
    everyone = next(
        r
        for r in client.get("/api/v1/audiences/readiness/").json()["results"]
        if r["audience"]["is_everyone"]
    )
    assert everyone["readiness"]["people"] == 2 * MIN - 1


def test_team_list_api_and_report_hide_the_sub_team_that_would_reveal_a_small_one(
    make_team_org, client, lead
):
    clear_framework(skills=True)
    department = make_team_org(people=0, skills=1).team
    small = make_team_org(people=MIN - 2, skills=1, parent=department).team
    large = make_team_org(people=MIN + 1, skills=1, parent=department).team
    client.force_login(lead)
    body = client.get(reverse("assessments:team-list")).content.decode()

    def row(team) -> str:  # noqa: ANN001
        return body.split(f'data-team="{team.pk}"')[1].split("</tr>")[0]

    assert "Fewer than 5 people" in row(small)
    assert "it would reveal a smaller group" in row(large)
    assert 'data-testid="rollup-readiness"' in row(department)
    rows = {
        r["team"]["id"]: r["readiness"]["people"]
        for r in _api(lead).get("/api/v1/teams/readiness/").json()["results"]
    }
    assert rows == {department.pk: 2 * MIN - 1, small.pk: None, large.pk: None}
    page = client.get(reverse("assessments:team-detail", args=[large.pk])).content.decode()
    assert "Hidden for privacy" in page.split('data-testid="direct-figures"')[1]
    # A leader who manages the large team sees it in full, and the small one stays hidden.
    large.managers.add(lead)
    rows = {
        r["team"]["id"]: r["readiness"]["people"]
        for r in _api(lead).get("/api/v1/teams/readiness/").json()["results"]
    }
    assert rows[large.pk] == MIN + 1 and rows[small.pk] is None


def test_plan_report_hides_the_complement_like_the_dashboard(make_team_org, client, lead):
    from tests.factories import ReadinessPlanFactory

    clear_framework(skills=True)
    small = make_team_org(people=MIN - 2, skills=1).team
    large = make_team_org(people=MIN + 1, skills=1).team
    plan = ReadinessPlanFactory(owner=lead)
    client.force_login(lead)
    body = client.get(reverse("assessments:plan-report", args=[plan.pk])).content.decode()
    departments = body.split('data-testid="report-departments"')[1].split("</table>")[0]
    assert "fewer than 5 people" in departments.split(f'data-row="{small.name}"')[1]
    assert (
        "it would reveal a smaller group"
        in departments.split(f'data-row="{large.name}"')[1].split("</tr>")[0]
    )
