"""The kept pages with the page cache ON (``readiness.caching``): the team map, the grid
editor, ``/me/`` and a person's page, each visited twice — built and kept by the first visit,
served kept by the second — must equal the same page built with the cache off, for the same
viewer; and differ as they should between viewers (a member and managers; managers of
different teams), whose access is decided at every visit, never kept.

These tests commit (``transaction=True``): nothing is kept inside a transaction, so the rest
of the suite renders every page built.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readiness.caching import kept_clear
from tests.factories import TeamFactory, UserFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    """The cache on (it is by default) and empty: no entry of another test's database."""
    settings.READINESS_CACHE = True
    kept_clear()


def visit(user, url: str) -> tuple[int, str, int]:
    """Status, page (each response's own CSRF token out) and queries of a GET by ``user``."""
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return (
        response.status_code,
        CSRF_VALUE.sub(r"\1token\2", response.content.decode()),
        len(queries),
    )


def kept_equals_built(user, url: str) -> str:
    """``url`` for ``user``: built (cache off), then kept by a first visit and served kept to a
    second, all three the same page; the kept one."""
    with override_settings(READINESS_CACHE=False):
        status, built, _ = visit(user, url)
    assert status == 200
    _, first, building = visit(user, url)
    _, kept, reading = visit(user, url)
    assert reading < building  # the second visit read the kept copy
    assert first == kept == built
    return kept


@pytest.fixture
def teams(make_team_org, settings):
    """Engineering (its head manages it) ⊃ team A (manager A, members); team B elsewhere
    (manager B). Members read their own team's map."""
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    clear_framework(skills=True)
    head = UserFactory()
    engineering = TeamFactory(name="Engineering")
    engineering.managers.add(head)
    a = make_team_org(people=3, skills=2, parent=engineering)
    b = make_team_org(people=2, skills=2)
    return {"head": head, "a": a, "b": b}


def test_the_team_map_kept_is_each_viewers_built_map(teams):
    a, b, head = teams["a"], teams["b"], teams["head"]
    url = reverse("assessments:team-detail", args=[a.team.pk])
    edit = reverse("assessments:team-edit", args=[a.team.pk])
    person = reverse("assessments:person-detail", args=[a.people[1].pk])
    member = a.people[0].user
    manager_page = kept_equals_built(a.manager, url)
    head_page = kept_equals_built(head, url)
    member_page = kept_equals_built(member, url)
    # The team's manager changes it and opens its members; the head of the department above
    # opens them, read-only; a member reads the map, neither.
    assert edit in manager_page and person in manager_page
    assert edit not in head_page and person in head_page
    assert edit not in member_page and person not in member_page
    # The manager of another team: their own map, and a 404 for this one although it is kept.
    other = kept_equals_built(b.manager, reverse("assessments:team-detail", args=[b.team.pk]))
    assert b.people[0].display_name in other and a.people[0].display_name not in other
    assert visit(b.manager, url)[0] == 404
    # Removed from the team: refused at the next visit, the kept map notwithstanding.
    a.team.managers.remove(a.manager)
    assert visit(a.manager, url)[0] == 404


def test_the_editor_with_the_cache_on_is_the_built_editor(teams):
    a, head = teams["a"], teams["head"]
    url = reverse("assessments:team-edit", args=[a.team.pk])
    with override_settings(READINESS_CACHE=False):
        built = visit(a.manager, url)[1]
    assert visit(a.manager, url)[1] == visit(a.manager, url)[1] == built
    assert visit(head, url)[0] == 403  # reads the team, does not change it
    assert visit(teams["b"].manager, url)[0] == 404


def test_me_kept_is_each_persons_own_page(make_employee_org):
    org = make_employee_org(skills=2)
    url = reverse("assessments:my-readiness")
    mine = kept_equals_built(org.person.user, url)
    theirs = kept_equals_built(org.teammate.user, url)
    assert org.person.display_name in mine and org.person.display_name not in theirs
    assert org.teammate.display_name in theirs


def test_a_persons_page_kept_is_the_same_for_every_viewer_let_in_and_refused_to_others(
    make_employee_org,
):
    org = make_employee_org(skills=2)
    url = reverse("assessments:person-detail", args=[org.person.pk])
    by_manager = kept_equals_built(org.manager, url)
    by_admin = kept_equals_built(UserFactory(is_superuser=True), url)
    read_only = f"Read-only: only {org.person.display_name} can change"
    assert read_only in by_manager and read_only in by_admin
    # Their own page is another copy (their tabs, their forms), not the read-only one.
    assert read_only not in kept_equals_built(org.person.user, reverse("assessments:my-readiness"))
    assert visit(org.other_manager, url)[0] == 404  # not theirs, though the page is kept
