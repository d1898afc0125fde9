"""The navigation bar: each page once in the user menu, and the current section marked; the
layout's own reads, built."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from assessments.models import AssessmentCycle
from assessments.selectors.cycles import person_pending_cycle
from readiness.permissions import LEADERSHIP_GROUP, PersonaFlags, persona_flags
from readiness.templatetags.layout import navigation_urls
from tests.factories import AssessmentCycleFactory, PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def active_links(html: str) -> list[str]:
    """Texts of the navbar links marked active."""
    pattern = r'class="nav-link[^"]*\bactive\b[^"]*"[^>]*>([^<]+)<'
    return [text.strip() for text in re.findall(pattern, html)]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_user_menu_lists_api_tokens_once(admin_client):
    html = admin_client.get(reverse("catalog:list")).content.decode()
    assert html.count(">API tokens</a>") == 1


def test_the_audit_page_does_not_highlight_the_catalog(admin_client):
    html = admin_client.get(reverse("audit:list")).content.decode()
    assert "Catalog" not in active_links(html)
    catalog_link = re.search(r'<a class="nav-link[^"]*"[^>]*>Catalog</a>', html).group(0)
    assert 'aria-current="page"' not in catalog_link


def test_the_catalog_highlights_the_catalog(admin_client):
    html = admin_client.get(reverse("catalog:list")).content.decode()
    assert active_links(html) == ["Catalog"]


@pytest.mark.urls("bench.urls")
def test_the_layout_built_reads_the_persona_and_the_banner_in_one_statement(
    client, django_assert_num_queries
):
    person = PersonFactory()
    AssessmentCycle.objects.update(status="closed")  # seeded cycles, if any, out of the way
    cycle = AssessmentCycleFactory(name="Spring review")
    client.force_login(person.user)
    # session, user, the cycle banner with the persona flags (navigation) — built, nothing
    # kept (was seven: the banner's open cycles, their audiences, their teams, then the scope;
    # then four: the flags apart)
    with django_assert_num_queries(3):
        body = client.get("/bench/layout/").content.decode()
    assert cycle.name in body and 'data-testid="cycle-banner"' in body


@pytest.mark.parametrize("read_first", [False, True])
def test_the_banner_reads_the_persona_flags_unless_the_request_has(
    read_first, django_assert_num_queries
):
    """The banner's statement brings the navigation's flags when nothing read them before it,
    and leaves them out when a permission check did: the same cycle and flags either way."""
    user = UserFactory()
    Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0].user_set.add(user)
    TeamFactory().managers.add(user)
    PersonFactory(user=user)
    AssessmentCycle.objects.update(status="closed")
    cycle = AssessmentCycleFactory(name="Spring review")
    expected = persona_flags(User.objects.get(pk=user.pk))
    user = User.objects.get(pk=user.pk)
    if read_first:
        persona_flags(user)
    with django_assert_num_queries(1):
        assert person_pending_cycle(user=user, today=timezone.localdate()) == cycle
    with django_assert_num_queries(0):
        assert persona_flags(user) == expected
    assert expected == PersonaFlags(
        admin=False, leadership=True, curator=False, manager=True, has_person=True
    )


def test_the_navigation_links_follow_the_script_prefix():
    """Reversed once per process, but per script prefix (a site served under a path)."""
    before, catalog = get_script_prefix(), reverse("catalog:list")
    try:
        set_script_prefix("/readiness/")
        assert navigation_urls()["catalog:list"] == "/readiness" + catalog
    finally:
        set_script_prefix(before)
    assert navigation_urls()["catalog:list"] == catalog
    assert navigation_urls()["admin:app_list readiness"] == reverse(
        "admin:app_list", args=["readiness"]
    )
