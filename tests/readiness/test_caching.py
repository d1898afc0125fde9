"""readiness.caching: pages kept until the database changes, on PostgreSQL.

These tests commit (``transaction=True``): the data version is PostgreSQL's snapshot, which
only moves when a writing transaction commits.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import SkillRating
from readiness.caching import data_version
from readiness.models import SkillCategory
from readiness.permissions import LEADERSHIP_GROUP
from tests.assessments.me_helpers import build_org
from tests.assessments.team_org import build_team, clear_framework
from tests.assessments.test_team_edit import editor_form, post
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres")]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queries_of(client: Client, url: str) -> tuple[int, str]:
    """The number of queries of a GET and its page (CSRF tokens, new at each response, out)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), CSRF_INPUT.sub("token", response.content.decode())


def test_the_version_moves_when_a_write_commits_and_only_then():
    first = data_version()
    assert first is not None
    assert data_version() == first  # reading moves nothing
    with transaction.atomic():
        SkillCategory.objects.create(name="Caching", slug="caching")
        assert data_version() is None  # this transaction's own writes: nothing is cached
    after_orm = data_version()
    assert after_orm not in (None, first)
    with connection.cursor() as cursor:  # however the data is written
        cursor.execute("UPDATE readiness_skillcategory SET name = 'Renamed' WHERE slug = 'caching'")
    assert data_version() not in (None, first, after_orm)


def test_nothing_is_cached_when_turned_off(settings):
    settings.READINESS_CACHE = False
    assert data_version() is None


def test_the_team_map_is_kept_until_a_rating_changes_it(client):
    clear_framework()
    org = build_team(people=3, skills=2)
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    built, body = queries_of(client, url)
    kept, again = queries_of(client, url)
    assert again == body
    # session, user, persona flags, managed teams, the team, may-edit, the version, banner
    assert kept == 8 < built
    # The manager saves a level through the editor: the next map shows it.
    person, skill = org.people[0], org.skills[0]
    data = editor_form(client, org.team)
    new_level = "4" if data[f"c-{person.pk}-{skill.pk}"] != "4" else "1"
    data[f"c-{person.pk}-{skill.pk}"] = new_level
    assert post(client, org.team, data).status_code == 302
    rebuilt, fresh = queries_of(client, url)
    assert rebuilt == built
    def level_shown(page: str) -> str:
        return re.search(rf'data-cell="{person.pk}-{skill.pk}"><span class="hm-v">(.*?)</span>',
                         page).group(1)

    assert level_shown(fresh) == new_level != level_shown(body)


def test_the_dashboard_is_kept_per_viewer_and_refreshed_by_any_commit(client):
    clear_framework()
    org = build_team(people=6, skills=2)
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    client.force_login(lead)
    url = reverse("assessments:dashboard")
    built, body = queries_of(client, url)
    kept, again = queries_of(client, url)
    assert again == body and kept < 8 < built
    # The manager sees their own teams' dashboard, not leadership's.
    manager = Client()
    manager.force_login(org.manager)
    _, theirs = queries_of(manager, url)
    assert "Readiness of your teams" in theirs and "Readiness of your teams" not in body
    # Every person now meets every target: readiness moves to 100%.
    SkillRating.objects.bulk_create(
        SkillRating(person=person, skill=skill, level=4, source="manager", rated_by=org.manager)
        for person in org.people for skill in org.skills)
    _, fresh = queries_of(client, url)
    assert re.search(r'data-testid="kpi-readiness"[^>]*>\s*100%', fresh)
    assert not re.search(r'data-testid="kpi-readiness"[^>]*>\s*100%', body)


def test_a_kept_page_carries_each_visitors_own_csrf_token():
    org = build_org(skills=2)
    url = reverse("assessments:my-readiness")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=400), tick=False):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first.force_login(org.person.user)
        second.force_login(org.person.user)
        queries_of(first, url)  # builds and keeps the page
        with CaptureQueriesContext(connection) as queries:
            body = second.get(url).content.decode()  # from the cache, to another browser
        assert len(queries) < 9 and "confirm my ratings" in body
        form = body.index(reverse("assessments:my-assessment-confirm"))
        token = CSRF_INPUT.search(body, form).group(1)
        response = second.post(reverse("assessments:my-assessment-confirm"),
                               {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
