"""/dashboard/: every figure on the page equals the figure worked out by hand for a small
organization (``leadership_org.EXPECTED``); privacy; who sees what; the XLSX export; constant
queries."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from assessments.models import LearningPlanItem, ReadinessSnapshot, SkillRating
from assessments.services.dashboard import dashboard_figures_refresh
from assessments.services.effectiveness import effectiveness_refresh
from readiness.models import Concern
from tests.factories import (
    PersonFactory,
    ResourceSkillFactory,
    TrainingResourceFactory,
    UserFactory,
)
from tests.orgs import clear_framework, leadership_user
from tests.orgs.leadership import EXPECTED, NOW, TODAY

pytestmark = pytest.mark.django_db
URL = reverse("assessments:dashboard")
EXPORT = reverse("assessments:dashboard-export")


@pytest.fixture(autouse=True)
def _today(settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.MIN_AGGREGATE_PEOPLE = 5
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def org(leadership_org):
    return leadership_org


def page(client, user) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


def row(html: str, label: str) -> str:
    start = html.index(f'data-row="{label}"')
    return html[start : html.index("</tr>", start)]


def value(html: str, name: str) -> str:
    match = re.search(rf'data-value="{name}">([^<]*)<', html)
    assert match, f"no {name} in {html[:300]}"
    return match.group(1).strip()


def figures(html: str) -> dict:
    return {
        "people": int(value(html, "people")),
        "readiness": int(value(html, "readiness").rstrip("%")),
        "ready": int(value(html, "ready").rstrip("%")),
        "not_assessed": int(value(html, "not-assessed")),
        "compliance": int(value(html, "compliance").rstrip("%")),
    }


def test_headline_audience_and_department_figures_are_the_hand_computed_ones(client, org, settings):
    # Every group shown: 6 developers (Tech, Engineering), 3 analysts (Users, Sales).
    settings.MIN_AGGREGATE_PEOPLE = 3
    body = page(client, leadership_user())
    expected = EXPECTED["all"]
    assert f'data-testid="kpi-readiness">{expected["readiness"]}%<' in body
    assert f'data-testid="kpi-ready">{expected["ready"]}%<' in body
    assert f'data-testid="kpi-compliance">{expected["compliance"]}%<' in body
    assert "8 of 15 required skills at or above target" in body
    assert "5 of 9 people assessed within cadence" in body

    audiences = section(body, "audiences")
    assert figures(row(audiences, "Tech")) == EXPECTED["tech"]
    assert figures(row(audiences, "Users"))["people"] == 3
    assert figures(row(audiences, "total")) == expected

    departments = section(body, "departments")
    # Engineering covers its sub-team Platform: the six developers.
    assert figures(row(departments, "Engineering")) == EXPECTED["tech"]
    assert figures(row(departments, "Sales"))["people"] == 3
    compliance = section(body, "compliance")
    assert value(row(compliance, "Engineering"), "compliance").startswith("50%")


def test_a_group_below_the_floor_hides_its_complement_too(client, org):
    # 3 analysts are below the floor of 5; everyone (9) is shown, so the 6 developers' figure
    # would give theirs away by subtraction: hidden too.
    body = page(client, leadership_user())
    audiences = section(body, "audiences")
    assert value(row(audiences, "Users"), "hidden") == "fewer than 5 people"
    assert value(row(audiences, "Tech"), "hidden") == "hidden: it would reveal a smaller group"
    assert figures(row(audiences, "total")) == EXPECTED["all"]
    departments = section(body, "departments")
    assert value(row(departments, "Sales"), "hidden") == "fewer than 5 people"
    assert value(row(departments, "Engineering"), "hidden") == (
        "hidden: it would reveal a smaller group"
    )
    compliance = section(body, "compliance")
    assert value(row(compliance, "Sales"), "hidden") == "fewer than 5 people"
    assert value(row(compliance, "Engineering"), "hidden") == (
        "hidden: it would reveal a smaller group"
    )


def test_the_heatmap_shows_the_share_at_target_per_audience_and_skill(client, org, settings):
    settings.MIN_AGGREGATE_PEOPLE = 3
    heat = section(page(client, leadership_user()), "heatmap")
    columns = re.findall(r'<th scope="col" class="heat-col[^"]*">([^<]+)</th>', heat)
    assert columns == ["Tech", "Users", "Everyone in scope"]
    for (audience, skill), percent in EXPECTED["heat"].items():
        column = {"tech": 0, "all": 2}[audience]
        line = row(heat, getattr(org, skill).name)
        assert re.search(rf'data-col="{column}"[^>]*>{percent}%<', line), (audience, skill)
    assert "not required" in row(heat, "RAG")  # RAG is not required of analysts
    settings.MIN_AGGREGATE_PEOPLE = 4
    heat = section(page(client, leadership_user()), "heatmap")
    prompting = row(heat, "Prompting")
    assert re.search(r'data-col="1"[^>]*><span class="heat-small">&lt;4<', prompting)  # 3 analysts
    # The developers' cell would give the analysts' away (everyone in scope is shown).
    assert re.search(r'data-col="0"[^>]*><span class="heat-small">hidden<', prompting)
    assert re.search(r'data-col="2"[^>]*>56%<', prompting)
    # RAG is required of the developers only: nothing to subtract, shown.
    assert re.search(r'data-col="0"[^>]*>\d+%<', row(heat, "RAG"))


def test_calibration_share_by_department_and_team(client, org):
    body = page(client, leadership_user())
    expected = EXPECTED["calibration"]
    departments = section(body, "calibration-departments")
    engineering = row(departments, "Engineering")
    assert value(engineering, "calibration").startswith(f"{expected['percent']}%")
    assert f">{expected['compared']}<" in engineering
    teams = section(body, "calibration-teams")
    assert value(row(teams, "Engineering › Platform"), "calibration").startswith("20%")
    assert value(row(departments, "Sales"), "hidden") == "no self and manager ratings to compare"


def test_learning_activity_hours_by_status(client, org):
    hour, ninety = (
        TrainingResourceFactory(duration_minutes=60),
        TrainingResourceFactory(duration_minutes=90),
    )
    for person in org.devs[:5]:
        LearningPlanItem.objects.create(person=person, resource=hour, status="planned")
    LearningPlanItem.objects.create(person=org.devs[0], resource=ninety, status="planned")
    LearningPlanItem.objects.create(person=org.devs[5], resource=ninety, status="in_progress")
    LearningPlanItem.objects.create(
        person=org.analysts[0], resource=ninety, status="completed", completed_at=NOW
    )
    LearningPlanItem.objects.create(person=org.analysts[1], resource=ninety, status="dropped")
    activity = page(client, leadership_user()).split('data-testid="activity"')[1]
    planned = activity.split('data-status="planned"')[1].split("data-status=")[0]
    # 5 × 60 min + 90 min, six items, five people.
    assert (value(planned, "hours"), value(planned, "items"), value(planned, "people")) == (
        "6.5",
        "6",
        "5",
    )
    for status in ("in_progress", "completed"):
        block = activity.split(f'data-status="{status}"')[1].split("data-status=")[0]
        assert value(block, "hidden") == "fewer than 5 people"


def test_training_effectiveness_is_the_mean_gain_with_its_n(client):
    clear_framework()
    course = TrainingResourceFactory(title="Prompting course")
    small = TrainingResourceFactory(title="Niche course")
    skill = ResourceSkillFactory(resource=course, level=3).skill
    ResourceSkillFactory(resource=small, skill=skill, level=3)
    start, done = NOW - dt.timedelta(days=30), NOW - dt.timedelta(days=10)
    for resource, gains in ((course, [1, 1, 2, 1, 1]), (small, [2, 2])):
        for gain in gains:
            person = PersonFactory()
            SkillRating.objects.create(
                person=person,
                skill=skill,
                level=1,
                source="self",
                created_at=start - dt.timedelta(days=1),
            )
            LearningPlanItem.objects.create(
                person=person,
                resource=resource,
                skill=skill,
                status="completed",
                started_at=start,
                completed_at=done,
            )
            SkillRating.objects.create(
                person=person,
                skill=skill,
                level=1 + gain,
                source="self",
                created_at=done + dt.timedelta(days=1),
            )
    effectiveness_refresh()  # what the worker does after these writes
    table = section(page(client, leadership_user()), "effectiveness")
    shown = table.split(f'data-resource="{course.pk}"')[1].split("</tr>")[0]
    assert (value(shown, "gain"), value(shown, "n")) == ("+1.20", "5")
    assert value(shown, "verified") == "0"  # every completion here is a click
    hidden = table.split(f'data-resource="{small.pk}"')[1].split("</tr>")[0]
    assert value(hidden, "hidden") == "fewer than 5 people"


def test_top_open_concerns_by_category(client, org):
    for index, status in enumerate(["open", "open", "open", "in_review", "in_review"]):
        Concern.objects.create(
            category="ethics",
            text=f"Ethics {index}",
            status=status,
            raised_by=org.devs[index].user,
            team=org.platform,
        )
    Concern.objects.create(
        category="ethics", text="Old", status="closed", raised_by=org.devs[5].user
    )
    Concern.objects.create(
        category="job_impact", text="Mine", raised_by=org.devs[0].user, team=org.platform
    )
    body = page(client, leadership_user())
    concerns = section(body, "concerns")
    ethics = concerns.split('data-category="ethics"')[1].split("</tr>")[0]
    assert (value(ethics, "open"), value(ethics, "in-review"), value(ethics, "total")) == (
        "3",
        "2",
        "5",
    )
    # Leadership read the register itself, names included: no count is hidden from them.
    job = concerns.split('data-category="job_impact"')[1].split("</tr>")[0]
    assert (value(job, "open"), value(job, "total")) == ("1", "1")
    assert concerns.index('data-category="ethics"') < concerns.index('data-category="job_impact"')
    assert 'data-testid="kpi-concerns">6<' in body
    # A manager must not tell who in their team raised what: small categories are hidden.
    body = page(client, org.manager)
    job = section(body, "concerns").split('data-category="job_impact"')[1].split("</tr>")[0]
    assert value(job, "hidden") == "raised by fewer than 5 people"
    assert 'data-testid="kpi-concerns">5<' in body
    assert "plus 1 category raised by fewer than 5 people" in body


def test_trends_read_the_snapshots_and_say_their_dates(client, org):
    def snap(
        days: int, people: int, ready: int, pairs: int, at_target: int, within: int, **scope
    ) -> None:
        ReadinessSnapshot.objects.create(
            date=TODAY - dt.timedelta(days=days),
            people_in_scope=people,
            people_at_target=ready,
            pairs_in_scope=pairs,
            pairs_at_target=at_target,
            mean_gap=1.0,
            people_assessed_within_cadence=within,
            **scope,
        )

    snap(40, 9, 1, 15, 5, 3)  # 33 %, 11 %, 33 %
    snap(10, 9, 2, 15, 6, 4)  # 40 %, 22 %, 44 %
    snap(5, 3, 1, 4, 2, 1)  # fewer than 5 people: hidden
    snap(10, 6, 5, 12, 11, 6, team=org.platform)  # a team row: not the organization's
    snap(10, 9, 9, 15, 15, 9, audience=org.devs[0].role.audience)  # an audience row
    body = page(client, leadership_user())
    assert "Nightly snapshots from 22 Apr 2026 to 27 May 2026" in body
    table = section(body, "trend-table")
    older = table.split('data-date="2026-04-22"')[1].split("</tr>")[0]
    assert [int(v) for v in re.findall(r">(\d+)%?<", older)] == [9, 33, 11, 33]
    newer = table.split('data-date="2026-05-22"')[1].split("</tr>")[0]
    assert [int(v) for v in re.findall(r">(\d+)%?<", newer)] == [9, 40, 22, 44]
    assert "fewer than 5 people" in table.split('data-date="2026-05-27"')[1].split("</tr>")[0]
    live = table.split('data-date="2026-06-01"')[1].split("</tr>")[0]
    assert "(live)" in live and ">53%<" in live
    # Headline deltas compare today with the snapshot 30 or more days ago (22 Apr).
    assert "+20 points since 22 Apr 2026" in body  # 53 − 33
    assert "+22 points since 22 Apr 2026" in body  # 33 − 11
    assert "+23 points since 22 Apr 2026" in body  # 56 − 33
    assert body.count('class="marker') >= 9  # three series, three dates each


def test_a_smaller_privacy_threshold_shows_small_groups(client, org, settings):
    settings.MIN_AGGREGATE_PEOPLE = 3
    audiences = section(page(client, leadership_user()), "audiences")
    # Analysts: 3 pairs, ana1 at target; fully ready ana1; not assessed ana3; within ana1, ana2.
    assert figures(row(audiences, "Users")) == {
        "people": 3,
        "readiness": 33,
        "ready": 33,
        "not_assessed": 1,
        "compliance": 67,
    }


def test_a_manager_sees_only_their_teams(client, org):
    Concern.objects.create(
        category="ethics", text="Sales concern", team=org.sales, raised_by=org.analysts[0].user
    )
    body = page(client, org.manager)
    assert "Readiness of your teams" in body and "Your teams: Platform" in body
    expected = EXPECTED["tech"]
    assert f'data-testid="kpi-readiness">{expected["readiness"]}%<' in body
    departments = section(body, "departments")
    assert figures(row(departments, "Platform")) == expected
    assert 'data-row="Sales"' not in body and 'data-row="Engineering"' not in body
    assert 'data-row="Users"' in section(body, "audiences")  # the audience exists…
    assert value(row(section(body, "audiences"), "Users"), "hidden") == "nobody in scope"
    assert "No open concern." in body  # the Sales concern is not theirs


def test_a_manager_reads_the_trend_of_their_teams(make_team_org, client, org):
    other = make_team_org(people=2, skills=1)
    org.platform.managers.add(other.manager)  # two teams, in two departments
    for team, people, ready in ((org.platform, 6, 3), (other.team, 4, 1), (None, 50, 40)):
        ReadinessSnapshot.objects.create(
            date=TODAY - dt.timedelta(days=3),
            team=team,
            people_in_scope=people,
            people_at_target=ready,
            pairs_in_scope=2 * people,
            pairs_at_target=people,
            mean_gap=1.0,
            people_assessed_within_cadence=people,
        )
    body = page(client, other.manager)
    assert "Your teams: Platform, " in body
    point = section(body, "trend-table").split('data-date="2026-05-29"')[1].split("</tr>")[0]
    # Platform and the other team added up (6 + 4 people, 3 + 1 fully ready); never the
    # organization's row.
    assert [int(v) for v in re.findall(r">(\d+)%?<", point)] == [10, 50, 40, 100]


def test_the_department_head_sees_the_sub_teams_rolled_up(client, org):
    head = UserFactory()
    org.engineering.managers.add(head)
    departments = section(page(client, head), "departments")
    assert figures(row(departments, "Engineering")) == EXPECTED["tech"]


def test_admin_sees_everything(client, org):
    admin = UserFactory(is_superuser=True, is_staff=True)
    body = page(client, admin)
    assert "Organization readiness" in body and 'data-row="Sales"' in body


def test_employees_are_refused_and_anonymous_visitors_sent_to_sign_in(client, org):
    client.force_login(org.devs[0].user)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.logout()
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_export_holds_the_tables_of_the_page(client, org, settings):
    from openpyxl import load_workbook

    settings.MIN_AGGREGATE_PEOPLE = 3

    client.force_login(leadership_user())
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="readiness-dashboard-2026-06-01.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "By audience",
        "By department",
        "Audience x skill",
        "Trends",
        "Learning activity",
        "Training effectiveness",
        "Calibration",
        "Open concerns",
    ]
    rows = {r[0]: r[1:] for r in book["By audience"].iter_rows(min_row=2, values_only=True)}
    tech = EXPECTED["tech"]
    assert rows["Tech"][:4] == (
        tech["people"],
        tech["readiness"],
        tech["ready"],
        tech["not_assessed"],
    )
    assert rows["Tech"][5] == tech["compliance"]
    assert rows["Users"][0] == 3
    heat = list(book["Audience x skill"].iter_rows(values_only=True))
    assert heat[0][:3] == ("Skill", "Category", "Tech")
    assert {r[0]: r[2:5] for r in heat[1:] if r[0]}["Prompting"][0::2] == (67, 56)
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Skills at target %"] == EXPECTED["all"]["readiness"]
    # At the floor of 5 the analysts are hidden, and the developers with them.
    settings.MIN_AGGREGATE_PEOPLE = 5
    book = load_workbook(io.BytesIO(client.get(EXPORT).content))
    rows = {r[0]: r[1:] for r in book["By audience"].iter_rows(min_row=2, values_only=True)}
    hidden = "hidden: fewer than 5 people, or revealing such a group"
    assert (rows["Users"][0], rows["Tech"][0]) == (hidden, hidden)
    heat = list(book["Audience x skill"].iter_rows(values_only=True))
    assert {r[0]: r[2:5] for r in heat[1:] if r[0]}["Prompting"] == (hidden, hidden, 56)


def test_queries_do_not_grow_with_the_organization(
    make_team_org, client, django_assert_num_queries
):
    clear_framework()
    lead = leadership_user()
    client.force_login(lead)
    make_team_org(people=3, skills=2)
    client.get(URL)
    # session, user, groups; teams; the kept figures: the latest set, its cube; roles;
    # audiences; skills of the heatmap; snapshots; learning activity; effectiveness (kept,
    # with its resources); concerns; the open-cycle banner of every page
    with django_assert_num_queries(14):
        client.get(URL)
    for _ in range(4):
        department = make_team_org(people=6, skills=3)
        make_team_org(people=5, skills=2, parent=department.team)
    dashboard_figures_refresh()  # what the worker does after these writes
    with django_assert_num_queries(14):
        client.get(URL)


def test_a_managers_dashboard_keeps_its_queries_as_their_teams_grow(
    make_team_org, client, django_assert_num_queries
):
    clear_framework()
    mine = make_team_org(people=3, skills=2)
    client.force_login(mine.manager)
    client.get(URL)
    # session, user, groups; managed teams, their sub-trees;
    # the kept figures: the latest set, its cube over their teams; roles; audiences;
    # skills; snapshots; learning activity; effectiveness (kept); concerns; the cycle banner
    with django_assert_num_queries(15):
        client.get(URL)
    for _ in range(3):
        make_team_org(people=5, skills=2, parent=mine.team)
    make_team_org(people=5, skills=2)  # not theirs
    dashboard_figures_refresh()  # what the worker does after these writes
    with django_assert_num_queries(15):
        response = client.get(URL)
    assert "Your teams: " + mine.team.name in response.content.decode()
