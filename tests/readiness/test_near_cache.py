"""The process's own copies in front of the shared cache (``readiness.caching.near_cache``): a
kept entry is served from the worker's memory once it has it, and is built again as soon as the
data it shows changes — the copy's key carries the same versions as the shared entry's. And
the team version's PostgreSQL statement (``SCOPED_VERSION_POSTGRES_SQL``): the same version as
the portable one, found by the index.

These tests commit (``transaction=True``): nothing is kept inside a transaction.
"""

from __future__ import annotations

import random
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from readiness.caching import Shows, Viewer, kept_clear, kept_value, near_cache
from readiness.data_version import (
    PERSON_TABLE,
    SCOPED_VERSION_POSTGRES_SQL,
    SCOPED_VERSION_SQL,
)
from readiness.models import PersonChange, Skill
from tests.factories import PersonFactory, SkillRatingFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


@pytest.fixture(autouse=True)
def _near_on(settings):
    settings.READINESS_CACHE = True
    settings.READINESS_NEAR_CACHE_ENTRIES = 50
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    kept_clear()
    yield
    kept_clear()


def _kept(org, builds: list[int]) -> int:
    def build() -> int:
        builds.append(1)
        return len(builds)

    return kept_value(
        "near-test",
        viewer=Viewer.rights(org.person, reads=True),
        shows=Shows.person(org.person.pk),
        build=build,
    )


def test_a_worker_serves_its_copy_until_the_data_it_shows_changes(make_employee_org):
    org = make_employee_org(skills=2)
    builds: list[int] = []
    assert _kept(org, builds) == 1
    cache.clear()  # the shared entry gone: the worker's copy still answers
    assert _kept(org, builds) == 1 and len(builds) == 1
    SkillRatingFactory(person=org.teammate, skill=org.skills[0], level=3)  # someone else's row
    assert _kept(org, builds) == 1 and len(builds) == 1
    SkillRatingFactory(person=org.person, skill=org.skills[0], level=3)  # the person's own
    assert _kept(org, builds) == 2
    Skill.objects.filter(pk=org.skills[1].pk).update(name="Renamed")  # the global version
    assert _kept(org, builds) == 3
    kept_clear()  # both the shared cache and the copies
    assert _kept(org, builds) == 4


def test_without_entries_there_is_no_near_copy(settings, make_employee_org):
    settings.READINESS_NEAR_CACHE_ENTRIES = 0
    assert near_cache() is None
    org = make_employee_org(skills=1)
    builds: list[int] = []
    _kept(org, builds)
    cache.clear()
    assert _kept(org, builds) == 2


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return CSRF_VALUE.sub(r"\1token\2", response.content.decode())


def test_a_team_map_served_from_a_workers_copy_shows_a_rating_saved_since(make_employee_org):
    org = make_employee_org(skills=2)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    first = _page(org.manager, url)
    cache.clear()  # only the worker's copy left
    assert _page(org.manager, url) == first
    SkillRatingFactory(person=org.teammate, skill=org.skills[1], level=4, source="self")
    after = _page(org.manager, url)
    assert after != first
    with override_settings(READINESS_CACHE=False):
        assert after == _page(org.manager, url)


def test_the_postgres_team_version_is_the_portable_ones_and_uses_the_index(require_postgres):
    teams = [TeamFactory() for _ in range(3)]
    people = [PersonFactory(team=teams[n % 3]) for n in range(150)]
    PersonChange.objects.bulk_create(
        PersonChange(person_id=random.choice(people).pk, weight=random.randint(1, 9), xid=xid)  # noqa: S311
        for xid in range(400)
    )
    # The rest of an organization's rows since the last compaction: what the portable
    # statement read whole on PostgreSQL (a hash of the members, then every row).
    PersonChange.objects.bulk_create(
        PersonChange(person_id=1_000_000 + n % 5_000, weight=1, xid=n) for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PERSON_TABLE}")
        cursor.execute("ANALYZE readiness_person")
        for team in [*teams, TeamFactory()]:  # the last: no members, no rows
            cursor.execute(SCOPED_VERSION_SQL["team"], [team.pk])
            portable = cursor.fetchone()
            cursor.execute(SCOPED_VERSION_POSTGRES_SQL["team"], [team.pk])
            assert cursor.fetchone() == portable
        cursor.execute("EXPLAIN " + SCOPED_VERSION_POSTGRES_SQL["team"], [teams[0].pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The members' rows found by the index, not the whole table read (scanned, or walked
    # whole along the index for a merge join: the portable statement's plans here).
    assert "Index Cond: (person_id = ANY" in plan, plan
    assert f"Seq Scan on {PERSON_TABLE}" not in plan, plan
