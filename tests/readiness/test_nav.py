"""The navigation bar: each page once in the user menu, and the current section marked; the
layout's own reads, built."""

import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentCycle
from tests.factories import AssessmentCycleFactory, PersonFactory, UserFactory

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
def test_the_layout_built_reads_the_persona_and_the_banner_in_two_statements(
    client, django_assert_num_queries
):
    person = PersonFactory()
    AssessmentCycle.objects.update(status="closed")  # seeded cycles, if any, out of the way
    cycle = AssessmentCycleFactory(name="Spring review")
    client.force_login(person.user)
    # session, user, persona flags (navigation), the cycle banner — built, nothing kept (was
    # seven: the banner's open cycles, their audiences, their teams, then the scope)
    with django_assert_num_queries(4):
        body = client.get("/bench/layout/").content.decode()
    assert cycle.name in body and 'data-testid="cycle-banner"' in body
