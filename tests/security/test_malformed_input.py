"""Malformed bodies answered as refusals, never a 500 (issue 15, item 7): JSON nested deeper
than Python's decoder recurses on every API write, and team CSV imports with a NUL byte or a
value longer than the csv module's field limit."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import SkillRating
from tests.orgs import clear_framework
from tests.security.matrix_support import post_urls, route_keywords, row_counts, to_url, url_kwargs
from tests.security.tables import FUZZED, POSTERS

pytestmark = pytest.mark.django_db

API_WRITES = [name for name in FUZZED if name.startswith("api:") and name != "api:not-found"]
DEEP = "[" * 50_000
# Answered without reading the body (its content cannot matter), with the reason.
BODY_NOT_READ = {
    "api:cycle-open": "an action without input",
    "api:cycle-close": "an action without input",
    "api:me-confirm": "an action without input",
    "api:webhook-send-test": "an action without input",
    "api:audience-requirement-detail": "the security org has no such row: a 404 first",
}


@pytest.mark.parametrize("name", API_WRITES)
def test_json_nested_too_deeply_is_a_400_with_a_json_error(security_org, name: str) -> None:
    org = security_org
    route, methods = next((r, m) for r, n, m in post_urls() if n == name)
    url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
    client = Client()
    client.force_login(org.users[POSTERS[name]])
    method = next(m for m in ("post", "patch", "put") if m in methods)
    before = row_counts()

    response = getattr(client, method)(url, data=DEEP, content_type="application/json")

    assert response.status_code < 500, (url, response.status_code)
    if name not in BODY_NOT_READ:
        assert response.status_code == 400, (url, response.status_code)
        assert "nested too deeply" in response.json()["detail"]
        assert row_counts() == before


# --- Team CSV import ------------------------------------------------------------------------


@pytest.fixture
def team(make_team_org):  # noqa: ANN201
    clear_framework(skills=True)
    return make_team_org(people=2, skills=2, categories=1)


def _upload(client: Client, team, data: bytes):  # noqa: ANN001, ANN202
    file = io.BytesIO(data)
    file.name = "ratings.csv"
    return client.post(reverse("assessments:team-import", args=[team.pk]), {"file": file})


def test_a_nul_byte_in_the_import_is_refused_naming_its_line(client, team) -> None:
    person, skill = team.people[0], team.skills[0]
    text = f"email,skill,level\n{person.email},{skill.slug},2\n{person.email},x\x00y,3\n"
    client.force_login(team.manager)
    before = SkillRating.objects.count()

    response = _upload(client, team.team, text.encode())

    assert response.status_code == 200
    assert "Line 3 contains a NUL character" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_a_value_over_the_csv_field_limit_is_refused_naming_its_line(client, team) -> None:
    person, skill = team.people[0], team.skills[0]
    huge = "x" * (csv.field_size_limit() + 1)
    text = f"email,skill,level\n{person.email},{skill.slug},2\n{person.email},{huge},3\n"
    client.force_login(team.manager)
    before = SkillRating.objects.count()

    response = _upload(client, team.team, text.encode())

    assert response.status_code == 200
    assert "Line 3 cannot be read as CSV: field larger than field limit" in (
        response.content.decode()
    )
    assert SkillRating.objects.count() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores NUL bytes")
def test_the_nul_byte_never_reaches_postgresql(client, team) -> None:
    """What used to be a psycopg DataError 500: the slug with a NUL went into a query."""
    client.force_login(team.manager)
    text = f"email,skill,level\n{team.people[0].email},\x00,1\n"
    assert _upload(client, team.team, text.encode()).status_code == 200
