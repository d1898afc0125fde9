"""Certification coverage: per team (who holds what for its managers; figures only, under the
privacy floor, for leadership outside it) and per audience beside the dashboard; reachable
from the team pages and the dashboard; constant queries at two sizes."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from assessments.learning_records.models import PersonCertification
from tests.factories import PersonFactory
from tests.orgs import leadership_user
from tests.orgs.leadership import NOW

pytestmark = pytest.mark.django_db

ENGINEER = "Azure AI Engineer Associate"
FUNDAMENTALS = "Azure AI Fundamentals"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.CERTIFICATION_COVERAGE_DAYS = 90
    settings.MIN_AGGREGATE_PEOPLE = 5
    with time_machine.travel(NOW, tick=False):
        yield


def certify(person, name: str, expires_in_days: int | None) -> PersonCertification:
    expires = None if expires_in_days is None else NOW + dt.timedelta(days=expires_in_days)
    return PersonCertification.objects.create(
        person=person, name=name, source="manual", expires_at=expires
    )


@pytest.fixture
def org(leadership_org):
    """Platform's 6 developers (Tech): dev1 engineer for 200 days, dev2 engineer expiring in 30,
    dev3 engineer lapsed 10 days ago, dev1 and dev4 fundamentals (no expiry); Sales's 3
    analysts (Users): ana1 engineer expiring in 60."""
    dev1, dev2, dev3, dev4, _dev5, _dev6 = leadership_org.devs
    certify(dev1, ENGINEER, 200)
    certify(dev2, ENGINEER, 30)
    certify(dev3, ENGINEER, -10)
    certify(dev1, FUNDAMENTALS, None)
    certify(dev4, FUNDAMENTALS, None)
    certify(leadership_org.analysts[0], ENGINEER, 60)
    return leadership_org


def get(client, user, name: str, *args) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(reverse(f"assessments:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def figures(html: str, testid: str = "coverage-figures") -> dict[str, tuple[int, int, int]]:
    """Certification → (held, expiring, lapsed) from the first figures table in ``html``."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>(.*?)</tr>', table, re.S)
    return {name: tuple(int(n) for n in re.findall(r">(\d+)<", cells)) for name, cells in rows}


def section(html: str, key: str) -> str:
    return html.split(f'data-testid="coverage-{key}"', 1)[1].split("</section>", 1)[0]


def test_the_manager_sees_who_holds_what(client, org) -> None:
    html = get(client, org.manager, "team-certifications", org.platform.pk)
    assert figures(html) == {ENGINEER: (2, 1, 1), FUNDAMENTALS: (2, 0, 0)}
    members = html.split('data-testid="coverage-members"', 1)[1]
    assert members.count('data-status="expiring"') == 1
    assert members.count('data-status="expired"') == 1
    assert members.count('data-status="active"') == 3
    for dev in org.devs:
        assert dev.display_name in members
    assert org.analysts[0].display_name not in html  # another team
    assert "Does not expire" in members
    # Reachable from the team's other pages (the tab), marked current here.
    assert 'aria-current="page">Certifications</a>' in html
    skill_map = get(client, org.manager, "team-detail", org.platform.pk)
    assert reverse("assessments:team-certifications", args=[org.platform.pk]) in skill_map


def test_leadership_outside_the_team_reads_figures_only(client, org) -> None:
    leader = leadership_user()
    # Sales (3) is hidden, so Platform (6, the whole of Engineering) would give it away from
    # the organization's total: hidden as on the team's page (complementary suppression).
    html = get(client, leader, "team-certifications", org.platform.pk)
    assert 'data-testid="coverage-hidden"' in html and ENGINEER not in html
    for _ in range(2):
        PersonFactory(team=org.sales, role=org.analysts[0].role)
    html = get(client, leader, "team-certifications", org.platform.pk)
    assert figures(html) == {ENGINEER: (2, 1, 1), FUNDAMENTALS: (2, 0, 0)}
    assert 'data-testid="coverage-members"' not in html
    for dev in org.devs:
        assert dev.display_name not in html
    assert 'data-testid="members-not-shown"' in html


def test_leadership_sees_nothing_of_a_team_below_the_floor(client, org) -> None:
    html = get(client, leadership_user(), "team-certifications", org.sales.pk)
    assert 'data-testid="coverage-hidden"' in html
    assert ENGINEER not in html and org.analysts[0].display_name not in html


def test_at_the_floor_the_figures_show(client, org) -> None:
    """MIN − 1 hidden (above), MIN shown: two more analysts make Sales five."""
    PersonFactory(team=org.sales, role=org.analysts[0].role)
    PersonFactory(team=org.sales, role=org.analysts[0].role)
    html = get(client, leadership_user(), "team-certifications", org.sales.pk)
    assert figures(html) == {ENGINEER: (1, 1, 0)}


def test_dashboard_per_audience_under_the_floor(client, org) -> None:
    html = get(client, leadership_user(), "dashboard-certifications")
    # Everyone (9): the sum of the audiences.
    assert figures(section(html, "everyone")) == {ENGINEER: (3, 2, 1), FUNDAMENTALS: (2, 0, 0)}
    tech, users = org.devs[0].role.audience, org.analysts[0].role.audience
    # Users (3) is below the floor; Tech would then give it away (Everyone − Tech): hidden too.
    assert "fewer than 5 people" in section(html, f"audience-{users.pk}")
    tech_html = section(html, f"audience-{tech.pk}")
    assert "would reveal a smaller group" in tech_html and ENGINEER not in tech_html
    for person in org.devs + org.analysts:
        assert person.display_name not in html


def test_dashboard_per_audience_with_both_audiences_above_the_floor(client, org) -> None:
    for _ in range(2):
        PersonFactory(team=org.sales, role=org.analysts[0].role)
    html = get(client, leadership_user(), "dashboard-certifications")
    tech, users = org.devs[0].role.audience, org.analysts[0].role.audience
    assert figures(section(html, f"audience-{tech.pk}")) == {
        ENGINEER: (2, 1, 1),
        FUNDAMENTALS: (2, 0, 0),
    }
    assert figures(section(html, f"audience-{users.pk}")) == {ENGINEER: (1, 1, 0)}


def test_a_manager_reads_their_teams_in_full(client, org) -> None:
    html = get(client, org.sales_manager, "dashboard-certifications")
    users = org.analysts[0].role.audience
    assert figures(section(html, f"audience-{users.pk}")) == {ENGINEER: (1, 1, 0)}
    assert FUNDAMENTALS not in html  # Platform is not theirs


def test_reachable_from_the_dashboard(client, org) -> None:
    html = get(client, leadership_user(), "dashboard")
    assert reverse("assessments:dashboard-certifications") in html


@pytest.mark.parametrize("name", ["team", "dashboard"])
def test_queries_do_not_grow(make_team_org, client, django_assert_num_queries, name) -> None:
    counts = []
    for size in (3, 12):
        team_org = make_team_org(people=size, skills=1)
        for index, person in enumerate(team_org.people):
            certify(person, ENGINEER, 30 + index)
            certify(person, f"Other {index}", None)
        client.force_login(team_org.manager)
        args = [team_org.team.pk] if name == "team" else []
        url = reverse(f"assessments:{name}-certifications", args=args)
        client.get(url)
        with django_assert_num_queries(QUERIES[name]) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


#: team: session, user, persona flags, the team with the reader's access (one query),
#: members, their
#: certifications, the figures, the cycle banner; dashboard: session, user, persona flags,
#: managed teams, the scope's teams, people per audience, figures per audience, audiences,
#: the cycle banner.
QUERIES = {"team": 8, "dashboard": 9}
