"""Every state-changing request is a POST with CSRF: no page changes data on GET."""

import pytest
from django.apps import apps
from django.test import Client

from tests.security.matrix_support import route_keywords, to_url, url_kwargs, walk_urls

# Signing in writes a session and django-axes' access log: bookkeeping, not data.
BOOKKEEPING = {"sessions", "axes"}
#: Figures the worker keeps, computed once by the dashboard's first visit on a fresh install
#: (services.dashboard.dashboard_figures_current): derived from the data, never data.
KEPT_FIGURES = {"assessments.DashboardFigureSet", "assessments.DashboardFigure"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in BOOKKEEPING
        and model._meta.managed
        and model._meta.label not in KEPT_FIGURES
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin", "employee"])
def test_no_page_changes_the_database_on_get(security_org, persona: str) -> None:
    org = security_org
    client = Client()
    client.force_login(org.users[persona])
    changed = []
    for route, name, _pattern in walk_urls():
        if name.startswith(("admin:", "api:")) or name.endswith("logout"):
            continue
        url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
        before = _row_counts()
        response = client.get(url)
        after = _row_counts()
        assert response.status_code < 500, url
        if after != before:
            changed.append(
                (url, {k: (before[k], after[k]) for k in after if after[k] != before[k]})
            )
    assert changed == []


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(security_org) -> None:
    org = security_org
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["employee"])

    response = client.post("/me/assessment/confirm/")

    assert response.status_code == 403
