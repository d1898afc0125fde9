"""The team skill map: cells, markers, totals, filters, sorting, and constant queries."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.presenters.teams import LEGEND
from assessments.selectors import people_readiness, skill_states
from assessments.selectors.teams import MapFilters, team_map_build
from readiness.models import Person, RoleRequirement
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    RoleFactory,
    SkillFactory,
    SkillRatingFactory,
)
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db
# A fixed moment, mid-day in Paris, and every test runs at it: "today" on the page and the
# dates the cells print cannot straddle midnight or depend on when the suite runs.
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=True):
        yield


def cell_html(body: str, person, skill) -> str:  # noqa: ANN001
    match = re.search(
        rf'<td class="hm [^"]*"[^>]*data-cell="{person.pk}-{skill.pk}"[^>]*>.*?</td>', body
    )
    assert match, f"no cell for {person} / {skill}"
    return match.group(0)


def test_cells_show_level_colour_marker_and_words(make_team_org, client):
    org = make_team_org(people=1, skills=0, rated=False)
    person = org.people[0]
    at, one, two, unrated, optional = SkillFactory.create_batch(5)
    for skill, target in ((at, 2), (one, 3), (two, 3), (unrated, 2)):
        RoleRequirement.objects.create(role=person.role, skill=skill, target_level=target)
    day = NOW - dt.timedelta(days=3)
    SkillRatingFactory(person=person, skill=at, level=3, source="self", created_at=day)
    SkillRatingFactory(person=person, skill=one, level=2, source="manager", created_at=day)
    SkillRatingFactory(person=person, skill=two, level=1, source="manager", created_at=day)
    # Self-rated higher after the manager's rating: awaiting review, and 2 apart: calibration.
    SkillRatingFactory(person=person, skill=two, level=3, source="self", created_at=NOW)
    SkillRatingFactory(person=person, skill=optional, level=1, source="self", created_at=day)
    client.force_login(org.manager)

    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()

    cell = cell_html(body, person, at)
    assert "hm-ok" in cell and ">3<" in cell and "✓" in cell and "at or above target" in cell
    cell = cell_html(body, person, one)
    assert "hm-g1" in cell and "−1" in cell and "1 below target" in cell
    cell = cell_html(body, person, two)
    # Level 3 (the newest rating is the self one), target 3: at target, but awaiting review
    # and flagged for calibration.
    assert "hm-ok" in cell and "✓*!" in cell and "at or above target" in cell
    # Its detail, which team_map.js writes into the tip (ratings with their dates in the
    # page's time zone: tests/assessments/browser): level, target, self level and moment,
    # manager level and moment, flags (awaiting review, calibration).
    self_at, manager_at = int(NOW.timestamp()), int(day.timestamp())
    assert f'data-d="3|3|3|{self_at}|1|{manager_at}|ac"' in cell
    assert f'data-tz="{timezone.get_current_timezone_name()}"' in body
    cell = cell_html(body, person, unrated)
    assert "hm-na" in cell and "?" in cell and "not assessed" in cell
    cell = cell_html(body, person, optional)
    assert "hm-opt" in cell and ">1<" in cell and "not required" in cell
    # Every colour of the legend is explained in words.
    for _, _, _, words in LEGEND:
        assert words in body
    assert "A self-rating awaits manager review" in body
    assert "Calibration flag" in body


def test_row_and_column_totals_come_from_the_rules(make_team_org, client):
    org = make_team_org(people=4, skills=3)
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()

    readiness = people_readiness(people=Person.objects.filter(team=org.team))
    shown = re.findall(r'data-testid="row-readiness">(\d+)%<', body)
    rows = team_map_build(team=org.team).rows
    assert [int(v) for v in shown] == [readiness[r.person.pk].percent for r in rows]
    team_map = team_map_build(team=org.team)
    for column in team_map.columns:
        states = [
            s
            for s in skill_states(people=Person.objects.filter(team=org.team))
            if s.skill_id == column.skill.pk
        ]
        assert column.readiness.at_target == sum(s.at_target for s in states)
        assert column.readiness.required == len(states)
        assert column.interested == sum(1 for s in states if s.interest)
    assert "Required of" in body and "At target" in body and "Mean gap" in body
    assert "Wants to grow" in body and "Interested" not in body


def test_filter_by_audience_and_category_without_javascript(make_team_org, client):
    org = make_team_org(people=2, skills=4, categories=2)
    other_audience = AudienceFactory()
    outsider = PersonFactory(team=org.team, role=RoleFactory(audience=other_audience))
    SkillRatingFactory(person=outsider, skill=org.skills[0], level=1)
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])

    body = client.get(url, {"audience": other_audience.pk}).content.decode()
    assert f'id="p{outsider.pk}"' in body
    assert f'id="p{org.people[0].pk}"' not in body

    category = org.skills[0].category
    body = client.get(url, {"category": category.pk}).content.decode()
    shown = set(map(int, re.findall(r'id="s(\d+)"', body)))
    assert shown == {s.pk for s in org.skills if s.category_id == category.pk}

    # A bad value is ignored, not an error.
    assert client.get(url, {"category": "nope", "sort": "x;drop"}).status_code == 200


def test_all_skills_shows_skills_nobody_needs(make_team_org, client):
    org = make_team_org(people=1, skills=1)
    unused = SkillFactory()
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    assert f'id="s{unused.pk}"' not in client.get(url).content.decode()
    assert f'id="s{unused.pk}"' in client.get(url, {"skills": "all"}).content.decode()


def test_sorting_by_readiness_and_by_one_skill(make_team_org, client):
    org = make_team_org(people=3, skills=2, rated=False)
    low, mid, high = org.people
    skill_a, skill_b = org.skills
    for person, level in ((low, 0), (mid, 1), (high, 3)):
        SkillRatingFactory(person=person, skill=skill_a, level=level, source="manager")
    SkillRatingFactory(person=low, skill=skill_b, level=2, source="manager")
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])

    def order(params: dict) -> list[int]:
        body = client.get(url, params).content.decode()
        return [int(pk) for pk in re.findall(r'<th scope="row" id="p(\d+)"', body)]

    # Readiness: mid 0 %, low and high 50 % (then by name); least ready first by default.
    assert order({"sort": "readiness"})[0] == mid.pk
    assert order({"sort": "readiness", "dir": "desc"})[-1] == mid.pk
    assert order({"sort": f"skill-{skill_a.pk}"}) == [low.pk, mid.pk, high.pk]  # worst first
    assert order({"sort": f"skill-{skill_a.pk}", "dir": "asc"}) == [high.pk, mid.pk, low.pk]
    body = client.get(url, {"sort": f"skill-{skill_a.pk}"}).content.decode()
    assert re.search(rf'id="s{skill_a.pk}" class="hm-skill" aria-sort="descending"', body)


def test_map_offers_the_review_queue_and_exports(make_team_org, client):
    org = make_team_org(people=2, skills=2)
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()
    team_map = team_map_build(team=org.team, filters=MapFilters())
    assert f'data-testid="pending-count">{team_map.pending_reviews}<' in body
    assert reverse("assessments:team-review", args=[org.team.pk]) in body
    assert "format=csv" in body and "format=xlsx" in body
    # No inline script: the enhancement is a file.
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert "/static/js/team_map.js" in body and "/static/css/heatmap.css" in body
    assert "style=" not in body.split('<main id="main"')[1]


def map_queries(client, org) -> int:  # noqa: ANN001
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_map_queries_do_not_grow_with_the_team(make_team_org, client, django_assert_num_queries):
    small = make_team_org(people=3, skills=4)
    big = make_team_org(people=50, skills=40, categories=5)
    assert team_map_build(team=big.team).cell_count == 2000
    # session, user, persona flags (leadership, manager…: one query), the team's access (one
    # statement: readable, can-edit, members shown; was managed paths, team, can-edit), the
    # filters' audiences and categories (one statement; was two), members, states (readiness
    # per person, per skill and the team's summed from them: no second statement), skills;
    # base.html's cycle banner: open cycles (none here)
    for org in (small, big):
        map_queries(client, org)  # warm
        with django_assert_num_queries(9):
            client.get(reverse("assessments:team-detail", args=[org.team.pk]))


def test_names_are_escaped_on_the_map_and_in_the_editor(make_team_org, client):
    """The grids' cell loops print only integers and fixed words; every name around them
    (member, role, skill, category, team) is escaped."""
    org = make_team_org(people=1, skills=1)
    hostile = '<script>alert("x")</script>'
    person, skill = org.people[0], org.skills[0]
    person.user.first_name = hostile
    person.user.save()
    org.role.name = hostile
    org.role.save()
    skill.name = hostile
    skill.save()
    skill.category.name = hostile
    skill.category.save()
    org.team.name = hostile
    org.team.save()
    client.force_login(org.manager)
    for name in ("assessments:team-detail", "assessments:team-edit"):
        body = client.get(reverse(name, args=[org.team.pk])).content.decode()
        assert "<script>alert" not in body
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)" in body
            or "&lt;script&gt;alert(&quot;x&quot;)" in body
        )


def test_members_and_skills_read_as_values_say_what_the_models_say(make_team_org):
    """The map reads its members and skills as values (``map_members``, ``map_skills``):
    the same names, emails, roles, slugs and categories as the model instances, for a member
    with a full name, one with only a first name, one with none (their username) and one with
    no role."""
    org = make_team_org(people=4, skills=2, categories=2)
    first_only, nameless, roleless = org.people[1], org.people[2], org.people[3]
    first_only.user.last_name = ""
    first_only.user.save()
    nameless.user.first_name = nameless.user.last_name = ""
    nameless.user.save()
    roleless.role = None
    roleless.save()
    team_map = team_map_build(team=org.team)
    people = {p.pk: p for p in Person.objects.filter(team=org.team).select_related("user", "role")}
    assert {row.person.pk for row in team_map.rows} == set(people)
    for row in team_map.rows:
        person = people[row.person.pk]
        assert row.person.display_name == person.display_name
        assert row.person.email == person.email
        assert row.person.role_name == (person.role.name if person.role else None)
    assert nameless.user.username in {row.person.display_name for row in team_map.rows}
    for column in team_map.columns:
        skill = org.skills[[s.pk for s in org.skills].index(column.skill.pk)]
        assert (column.skill.name, column.skill.slug, column.skill.order) == (
            skill.name,
            skill.slug,
            skill.order,
        )
        assert column.skill.category == (
            skill.category.pk,
            skill.category.name,
            skill.category.order,
        )


def test_the_grids_draw_the_states_in_seconds_and_the_exports_their_dates(make_team_org):
    """The pages' grids draw a map built ``in_seconds`` (the states' moments as Unix seconds,
    ``grid_states``), the exports one with dates: each refuses the other, and the two maps
    hold the same states."""
    from assessments.presenters.team_editor import team_editor_grid
    from assessments.presenters.teams import team_map_grid, team_map_present

    org = make_team_org(people=3, skills=2)
    dates, seconds = team_map_build(team=org.team), team_map_build(team=org.team, in_seconds=True)
    with pytest.raises(ValueError, match="in_seconds"):
        team_map_grid(team_map=dates, sorting={}, links_people=True)
    with pytest.raises(ValueError, match="in_seconds"):
        team_editor_grid(team_map=dates)
    with pytest.raises(ValueError, match="dates"):
        team_map_present(seconds)
    as_seconds = [
        [
            state
            and state._replace(
                self_at=state.self_at and state.self_at.timestamp(),
                manager_at=state.manager_at and state.manager_at.timestamp(),
            )
            for state in row.states
        ]
        for row in dates.rows
    ]
    assert [row.states for row in seconds.rows] == as_seconds
    assert any(state and state.manager_at for row in seconds.rows for state in row.states)
    assert (seconds.team_readiness, seconds.pending_reviews) == (
        dates.team_readiness,
        dates.pending_reviews,
    )
