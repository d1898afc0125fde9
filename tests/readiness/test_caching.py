"""readiness.caching and readiness.data_version: pages kept until the data changes.

These tests commit (``transaction=True``): nothing is cached inside a transaction. They run on
both databases (the triggers differ).
"""

import datetime as dt
import re
from contextlib import suppress
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Reminder
from readiness.caching import (
    CSRF_FIELD,
    CSRF_PLACEHOLDER,
    Shows,
    Viewer,
    csrf_filled,
    data_version,
    kept_value,
)
from readiness.data_version import data_changes_compact, tables_without_triggers, tracked_tables
from readiness.models import DataChange, SkillCategory
from readiness.permissions import CURATORS_GROUP
from tests.assessments.team_posts import editor_form, editor_post
from tests.factories import UserFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db(transaction=True)

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
        assert data_version() is None  # inside a transaction nothing is cached
        SkillCategory.objects.create(name="Caching", slug="caching")
    after_orm = data_version()
    assert after_orm not in (None, first)
    with connection.cursor() as cursor:  # however the data is written
        cursor.execute("UPDATE readiness_skillcategory SET name = 'Renamed' WHERE slug = 'caching'")
    after_sql = data_version()
    assert after_sql not in (None, first, after_orm)
    with suppress(RuntimeError), transaction.atomic():  # a rolled-back write moves nothing
        SkillCategory.objects.create(name="Gone", slug="gone")
        raise RuntimeError
    assert data_version() == after_sql


def test_untracked_tables_do_not_move_it(make_employee_org):
    org = make_employee_org(skills=1)
    before = data_version()
    Reminder.objects.create(
        person=org.person, kind="due", period="cadence:never", due_on=dt.date(2026, 1, 1)
    )
    assert data_version() == before
    assert "assessments_reminder" not in tracked_tables()
    assert {
        "assessments_skillrating",
        "readiness_person",
        "auth_user",
        "readiness_team_managers",
    } <= set(tracked_tables())


def test_a_migration_gives_every_tracked_table_its_triggers_and_sqlmigrate_shows_them():
    assert tables_without_triggers(connection) == []
    out = StringIO()
    call_command("sqlmigrate", "readiness", "0011", stdout=out)
    if connection.vendor == "postgresql":
        expected = (
            "CREATE OR REPLACE TRIGGER readiness_data_changed AFTER INSERT OR UPDATE OF "
            '"id", "password", "is_superuser"'
        )
    else:
        expected = (
            "CREATE TRIGGER readiness_data_changed_auth_user_update AFTER UPDATE OF "
            '"id", "password", "is_superuser"'
        )
    assert expected in out.getvalue()
    assert '"last_login"' not in out.getvalue()


def test_the_trigger_migration_is_reversible():
    try:
        call_command("migrate", "readiness", "0010", verbosity=0)
        assert tables_without_triggers(connection) == tracked_tables()
        before = data_version()
        SkillCategory.objects.create(name="Untracked", slug="untracked")
        assert data_version() == before  # no trigger, nothing moves
    finally:
        # Every app: going back to readiness 0010 also unapplied the migrations that depend
        # on 0011 (assessments 0012 gives its new table the triggers 0011 defines).
        call_command("migrate", verbosity=0)
    assert tables_without_triggers(connection) == []
    before = data_version()
    SkillCategory.objects.create(name="Tracked", slug="tracked")
    assert data_version() != before


def test_compacting_keeps_the_weight_and_moves_the_version_once():
    for n in range(3):
        SkillCategory.objects.create(name=f"C{n}", slug=f"c{n}")
    weight = DataChange.objects.aggregate(total=Sum("weight"))["total"]
    before = data_version()
    compacted = data_changes_compact()
    after = data_version()
    assert after.split(":")[-2] == before.split(":")[-2] == str(weight)  # fingerprint:sum:id
    if connection.vendor == "postgresql":  # one row per transaction, folded into one
        assert compacted > 1 and DataChange.objects.count() == 1 and after != before
    else:  # SQLite keeps a single counting row: nothing to fold
        assert compacted == 0 and DataChange.objects.count() == 1 and after == before


def test_signing_in_does_not_move_it_but_a_name_change_does():
    user = UserFactory()
    before = data_version()
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())
    assert data_version() == before
    type(user).objects.filter(pk=user.pk).update(first_name="Renamed")
    assert data_version() != before


def test_the_token_goes_only_into_the_forms_csrf_field():
    kept = (
        f'<form><input type="hidden" {CSRF_FIELD}></form>'
        f'<a href="https://example.com/?t={CSRF_PLACEHOLDER}">{CSRF_PLACEHOLDER}</a>'
    )
    filled = csrf_filled(kept, "TOKEN")
    assert 'name="csrfmiddlewaretoken" value="TOKEN"' in filled
    assert filled.count("TOKEN") == 1 and filled.count(CSRF_PLACEHOLDER) == 2


def test_a_kept_entry_says_whose_view_it_is():
    subject = SkillCategory.objects.create(name="Scope", slug="scope")  # any row
    built = []

    def build() -> int:
        built.append(1)
        return len(built)

    shared = Shows.nobodys_rows()
    with pytest.raises(TypeError, match="Viewer"):
        kept_value("scoped", viewer=UserFactory(), shows=shared, build=build)  # not a scope
    with pytest.raises(TypeError):
        kept_value("scoped", shows=shared, build=build)  # type: ignore[call-arg]  # no viewer
    with pytest.raises(TypeError, match="Shows"):
        kept_value("scoped", viewer=Viewer.anyone_let_in(), shows=None, build=build)  # type: ignore[arg-type]
    manager = Viewer.rights(subject, can_edit=True)
    assert kept_value("scoped", viewer=manager, shows=shared, build=build) == 1
    again = Viewer.rights(subject, can_edit=True)
    assert kept_value("scoped", viewer=again, shows=shared, build=build) == 1
    member = Viewer.rights(subject, can_edit=False)
    assert kept_value("scoped", viewer=member, shows=shared, build=build) == 2
    assert kept_value("scoped", viewer=Viewer.anyone_let_in(), shows=shared, build=build) == 3
    assert built == [1, 1, 1]


def test_nothing_is_cached_when_turned_off(settings):
    settings.READINESS_CACHE = False
    assert data_version() is None


def test_the_team_map_is_kept_until_a_rating_changes_it(make_team_org, client):
    clear_framework(skills=True)
    org = make_team_org(people=3, skills=2)
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    built, body = queries_of(client, url)
    kept, again = queries_of(client, url)
    assert again == body
    # the data version, first, then session and user, then what is never kept — the persona
    # flags and the team's access (permission decisions), the cycle banner (one statement) —
    # the versions of the members' own rows, and the map from the cache
    assert kept == 7 < built
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert "readiness_datachange" in queries.captured_queries[0]["sql"]
    # The manager saves a level through the editor: the next map shows it.
    person, skill = org.people[0], org.skills[0]
    data = editor_form(client, org.team)
    new_level = "4" if data[f"c-{person.pk}-{skill.pk}"] != "4" else "1"
    data[f"c-{person.pk}-{skill.pk}"] = new_level
    assert editor_post(client, org.team, data).status_code == 302
    rebuilt, fresh = queries_of(client, url)
    assert rebuilt == built

    def level_shown(page: str) -> str:
        return re.search(
            rf'data-cell="{person.pk}-{skill.pk}"[^>]*><span class="hm-v">(.*?)</span>', page
        ).group(1)

    assert level_shown(fresh) == new_level != level_shown(body)


def test_a_manager_moved_to_other_teams_never_gets_the_former_dashboard(make_team_org, client):
    clear_framework(skills=True)
    first, second = make_team_org(people=6, skills=2), make_team_org(people=6, skills=2)
    client.force_login(first.manager)
    url = reverse("assessments:dashboard")
    assert f"Your teams: {first.team.name}" in queries_of(client, url)[1]
    first.team.managers.remove(first.manager)
    second.team.managers.add(first.manager)
    page = queries_of(client, url)[1]  # the scope is read at each visit
    assert f"Your teams: {second.team.name}" in page and first.team.name not in page


def test_a_kept_page_carries_each_visitors_own_csrf_token(make_employee_org):
    org = make_employee_org(skills=2)
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
        response = second.post(
            reverse("assessments:my-assessment-confirm"), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302


def test_framework_lists_of_the_api_are_kept_until_the_framework_changes(client):
    curator = UserFactory()
    curator.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    client.force_login(curator)
    url = reverse("api:skill-list") + "?page_size=100"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url).json()
    assert len(queries) == 3  # session, user, data version
    category = SkillCategory.objects.first() or SkillCategory.objects.create(name="C", slug="c")
    response = client.post(
        reverse("api:skill-list"),
        {
            "name": "Prompt caching",
            "slug": "prompt-caching",
            "category": category.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    fresh = client.get(url).json()
    assert fresh["count"] == kept["count"] + 1
    assert "prompt-caching" in {skill["slug"] for skill in fresh["results"]}
