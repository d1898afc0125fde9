"""The process's own copies in front of the shared cache (``readiness.near_cache``): a kept
page is served from the worker's memory once it has it, and is built again as soon as the data
it shows changes — the copy's key is the shared entry's, with the same versions — for its
viewer only, never inside a transaction nor after its shared entry expired, within the memory
budget. And the team version's PostgreSQL statement (``SCOPED_VERSION_POSTGRES_SQL``): the same
version as the portable one, found by the index.

These tests commit (``transaction=True``): nothing is kept inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from readiness.caching import Shows, Viewer, kept_clear, kept_value
from readiness.data_version import (
    PERSON_TABLE,
    SCOPED_VERSION_POSTGRES_SQL,
    SCOPED_VERSION_SQL,
)
from readiness.models import PersonChange, Skill
from readiness.near_cache import near_size
from tests.factories import PersonFactory, SkillRatingFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


@pytest.fixture(autouse=True)
def _near_on(settings):
    settings.READINESS_CACHE = True
    settings.READINESS_NEAR_CACHE_BYTES = 1 << 20
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    kept_clear()
    yield
    kept_clear()


def _kept(org, builds: list[int], *, can_edit: bool = True, parts: tuple = ()) -> str:
    """A kept page of ``org.person`` (its text says which build made it)."""

    def build() -> str:
        builds.append(1)
        return f"page {len(builds)}"

    return kept_value(
        "near-test",
        viewer=Viewer.rights(org.person, can_edit=can_edit),
        shows=Shows.person(org.person.pk),
        parts=parts,
        build=build,
    )


def test_a_worker_serves_its_copy_until_the_data_it_shows_changes(make_employee_org):
    org = make_employee_org(skills=2)
    builds: list[int] = []
    assert _kept(org, builds) == "page 1"
    cache.clear()  # the shared entry gone: the worker's copy still answers
    assert _kept(org, builds) == "page 1" and len(builds) == 1
    SkillRatingFactory(person=org.teammate, skill=org.skills[0], level=3)  # someone else's row
    assert _kept(org, builds) == "page 1" and len(builds) == 1
    SkillRatingFactory(person=org.person, skill=org.skills[0], level=3)  # the person's own
    assert _kept(org, builds) == "page 2"
    Skill.objects.filter(pk=org.skills[1].pk).update(name="Renamed")  # the global version
    assert _kept(org, builds) == "page 3"
    kept_clear()  # both the shared cache and the copies
    assert _kept(org, builds) == "page 4"


def test_each_viewer_and_each_variant_has_its_own_copy(make_employee_org):
    org = make_employee_org(skills=1)
    builds: list[int] = []
    editor, reader = _kept(org, builds), _kept(org, builds, can_edit=False)
    filtered = _kept(org, builds, parts=("audience", 1))
    assert [editor, reader, filtered] == ["page 1", "page 2", "page 3"]
    cache.clear()  # only the copies left: still each its own
    assert _kept(org, builds) == editor
    assert _kept(org, builds, can_edit=False) == reader
    assert _kept(org, builds, parts=("audience", 1)) == filtered
    assert len(builds) == 3


def test_no_copy_is_served_inside_a_transaction_nor_with_the_cache_off(settings, make_employee_org):
    org = make_employee_org(skills=1)
    builds: list[int] = []
    _kept(org, builds)
    with transaction.atomic():
        assert _kept(org, builds) == "page 2"
    settings.READINESS_CACHE = False
    assert _kept(org, builds) == "page 3"


def test_a_copy_lasts_no_longer_than_its_shared_entry_nor_past_the_day(settings, make_employee_org):
    settings.READINESS_CACHE_SECONDS = 900
    org = make_employee_org(skills=1)
    builds: list[int] = []
    start = timezone.now().replace(hour=9, minute=0)
    with time_machine.travel(start, tick=False) as traveller:
        _kept(org, builds)
        traveller.shift(dt.timedelta(seconds=890))
        assert _kept(org, builds) == "page 1"  # the shared entry, 10 s left, copied again
        cache.clear()
        traveller.shift(dt.timedelta(seconds=9))
        assert _kept(org, builds) == "page 1"  # the copy, 1 s left
        traveller.shift(dt.timedelta(seconds=2))
        assert _kept(org, builds) == "page 2"  # gone with its shared entry
        cache.clear()
        traveller.move_to(start + dt.timedelta(days=1))
        assert _kept(org, builds) == "page 3"  # the next day, a new key


def test_a_change_of_the_global_version_drops_every_copy_at_the_next_request(make_employee_org):
    org = make_employee_org(skills=1)
    client = Client()
    client.force_login(org.person.user)
    assert client.get(reverse("assessments:my-readiness")).status_code == 200
    assert near_size() > 0
    org.person.user.last_name = "Erased"  # as an erasure would (a tracked table)
    org.person.user.save()
    assert client.get("/accounts/login/").status_code in (200, 302)  # any page
    assert near_size() == 0


def test_copies_stay_within_the_budget_and_only_pages_are_copied(settings, make_employee_org):
    settings.READINESS_NEAR_CACHE_BYTES = 64 << 10
    org = make_employee_org(skills=1)
    for n in range(20):
        kept_value(
            "near-budget",
            viewer=Viewer.anyone_let_in(),
            shows=Shows.nobodys_rows(),
            parts=(n,),
            build=lambda: "x" * (10 << 10),
        )
    assert 0 < near_size() <= 64 << 10
    kept_clear()
    content = kept_value(  # a page's content as bytes (the team map's): copied
        "near-bytes",
        viewer=Viewer.anyone_let_in(),
        shows=Shows.nobodys_rows(),
        build=lambda: b"<table></table>",
    )
    assert content == b"<table></table>" and near_size() > 0
    kept_clear()
    kept_value(  # larger than the whole budget: served, not copied
        "near-budget",
        viewer=Viewer.anyone_let_in(),
        shows=Shows.nobodys_rows(),
        parts=("big",),
        build=lambda: "x" * (100 << 10),
    )
    listed = kept_value(  # a list (the API's): never copied, so a caller's change stays theirs
        "near-list",
        viewer=Viewer.anyone_let_in(),
        shows=Shows.nobodys_rows(),
        build=lambda: [{"name": org.person.display_name}],
    )
    assert near_size() == 0
    listed.append("changed by a caller")
    assert kept_value(
        "near-list",
        viewer=Viewer.anyone_let_in(),
        shows=Shows.nobodys_rows(),
        build=lambda: [],
    ) == [{"name": org.person.display_name}]


def test_without_a_budget_there_is_no_copy(settings, make_employee_org):
    settings.READINESS_NEAR_CACHE_BYTES = 0
    org = make_employee_org(skills=1)
    builds: list[int] = []
    _kept(org, builds)
    cache.clear()
    assert _kept(org, builds) == "page 2"
    assert near_size() == 0


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
    client = Client()
    client.force_login(org.manager)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Served from the copy (nothing built), its team version asked by the index's statement.
    assert not any("readiness_skill" in query["sql"] for query in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert any("= ANY(ARRAY(" in query["sql"] for query in queries.captured_queries)
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
