"""/me/history/ — level per skill over time as server-rendered SVG, with a table alternative."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from assessments.presenters.charts import HEIGHT, LEFT, RIGHT, TOP, WIDTH, chart_domain, level_chart
from assessments.selectors.me import RatingPoint
from tests.factories import SkillRatingFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-history")
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def point(days_ago: int, level: int, source: str = "self") -> RatingPoint:
    return RatingPoint(NOW - dt.timedelta(days=days_ago), level, source, "", "", "")


def test_paths_are_part_of_the_contract():
    assert URL == "/me/history/"
    assert reverse("assessments:person-history", args=[3]) == "/people/3/history/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_user_without_person_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_chart_draws_step_lines_and_a_target_band():
    points = [point(100, 1), point(50, 2), point(40, 1, "manager")]
    start, end = chart_domain(points, now=NOW)
    assert (start, end) == (NOW - dt.timedelta(days=100), NOW)
    chart = level_chart(points=points, target=2, start=start, end=end)
    self_line, manager_line = chart.series
    assert (self_line.key, manager_line.key) == ("self", "manager")
    coordinates = [tuple(map(float, pair.split(","))) for pair in self_line.points.split()]
    # a level holds until the next rating: start, step across, step up, on to today
    assert coordinates[0][0] == LEFT and coordinates[-1][0] == WIDTH - RIGHT
    assert coordinates[1][1] == coordinates[0][1] and coordinates[2][1] < coordinates[1][1]
    assert len(self_line.markers) == 2 and len(manager_line.markers) == 1
    # the band runs from the target level up to the top of the plot
    assert chart.band_y == TOP and chart.band_y + chart.band_height == chart.target_y
    assert TOP < chart.target_y < HEIGHT
    assert chart.summary.startswith("Latest self rating 2 (Practitioner)")
    assert "target 2 (Practitioner)" in chart.summary


def test_a_single_rating_is_not_drawn_on_the_axis():
    points = [point(0, 3)]
    start, end = chart_domain(points, now=NOW)
    assert end - start == dt.timedelta(days=30)
    chart = level_chart(points=points, target=None, start=start, end=end)
    assert chart.band_y is None and chart.series[0].markers[0].x == WIDTH - RIGHT


@time_machine.travel(NOW, tick=False)
def test_history_page_shows_self_and_manager_lines_and_a_table(make_employee_org, client):
    org = make_employee_org(skills=2, ratings_per_skill=0)
    skill = org.skills[0]
    SkillRatingFactory(
        person=org.person, skill=skill, level=1, created_at=NOW - dt.timedelta(days=200)
    )
    SkillRatingFactory(
        person=org.person,
        skill=skill,
        level=2,
        note="After the course",
        created_at=NOW - dt.timedelta(days=20),
    )
    SkillRatingFactory(
        person=org.person,
        skill=skill,
        level=2,
        source="manager",
        rated_by=org.manager,
        created_at=NOW - dt.timedelta(days=10),
    )
    client.force_login(org.person.user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<svg class="level-chart"') == 1  # the unrated skill has no chart
    assert 'role="img"' in body and "<desc" in body
    assert 'class="series-self"' in body and 'class="series-manager"' in body
    assert 'class="target-band"' in body
    assert "Not rated yet." in body and org.skills[1].name in body
    # the table alternative, newest first
    table = body[body.index("as a table") :]
    assert re.search(r"22 May 2026.*Manager \(.+\).*2 · Practitioner", table, re.S)
    assert "After the course" in table
    assert "<script" not in body.split("</footer>")[0].split("<main")[1]


def test_history_query_count_is_independent_of_ratings(
    make_employee_org, client, django_assert_num_queries
):
    small = make_employee_org(skills=2, ratings_per_skill=1)
    big = make_employee_org(skills=10, ratings_per_skill=6)
    for org in (small, big):
        client.force_login(org.person.user)
        # 1 session, 2 user, 3 person (with the persona flags), 4 skill states, 5 ratings
        # (with raters), 6 skills
        with django_assert_num_queries(7):  # + cycle banner
            assert client.get(URL).status_code == 200


def test_manager_reads_person_history_others_get_404(make_employee_org, client):
    org = make_employee_org(skills=1)
    url = reverse("assessments:person-history", args=[org.person.pk])
    client.force_login(org.manager)
    assert client.get(url).status_code == 200
    # Leadership outside the person's teams: not one by one.
    for user in (org.teammate.user, org.outsider.user, org.other_manager, org.lead):
        client.force_login(user)
        assert client.get(url).status_code == 404
