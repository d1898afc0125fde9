"""The navigation bar: each page once in the user menu, and the current section marked."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

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
