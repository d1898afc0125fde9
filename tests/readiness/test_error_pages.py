"""One look for refusals and errors: the product's 403, 404 and 500 pages with DEBUG on and off
(under ``make run`` DEBUG is on), never Django's technical pages to a non-developer."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKS = ("Using the URLconf", "technical_404", "Traceback", "Django tried these URL")


def crash(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201
    raise RuntimeError("boom")


def assert_product_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert heading in body
    assert 'class="navbar' in body
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in body


@pytest.mark.parametrize("debug", [True, False])
def test_a_team_page_refused_to_a_non_manager_is_the_product_404(client, debug):
    team = TeamFactory()
    client.force_login(PersonFactory().user)
    with override_settings(DEBUG=debug):
        response = client.get(reverse("assessments:team-detail", args=[team.pk]))
    assert_product_page(response, 404, "Page not found")


@pytest.mark.parametrize("debug", [True, False])
def test_a_page_for_managers_only_refused_to_an_employee_is_the_product_403(client, debug):
    client.force_login(PersonFactory().user)
    with override_settings(DEBUG=debug):
        response = client.get(reverse("assessments:team-list"))
    assert_product_page(response, 403, "You cannot open this page")


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_is_the_product_404(client, debug):
    client.force_login(PersonFactory().user)
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/")
    assert_product_page(response, 404, "Page not found")


@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_shows_the_product_500_to_a_non_developer(client, monkeypatch, debug):
    client.raise_request_exception = False
    client.force_login(PersonFactory().user)

    monkeypatch.setattr("assessments.views.me.MyReadinessView.get", crash)
    with override_settings(DEBUG=debug):
        response = client.get(reverse("assessments:my-readiness"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "boom" not in body and "Traceback" not in body


def test_a_crash_under_debug_keeps_the_traceback_for_staff(client, monkeypatch):
    client.raise_request_exception = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    monkeypatch.setattr("catalog.views.browse.CatalogListView.get", crash)
    with override_settings(DEBUG=True):
        response = client.get(reverse("catalog:list"))
    assert response.status_code == 500
    assert "boom" in response.content.decode()
