"""The dashboard page's body, kept until the data changes (``readiness.caching``).

One body for leadership (the whole organization), one per manager (their teams). At 10,000
people it takes seconds to compute, so it may be served up to ``READINESS_DASHBOARD_MAX_AGE``
older than the data (it says as of when); then ``refresh_dashboard`` (Celery) rebuilds it in
the background and the next visitor gets the new figures at once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from assessments.selectors_dashboard import (
    DashboardScope,
    dashboard_build,
    dashboard_scope,
    organization_scope,
)

logger = logging.getLogger(__name__)

NAME = "dashboard"
TEMPLATE = "assessments/dashboard_content.html"
ORGANIZATION = ("organization",)


def viewer_scope(viewer: tuple) -> DashboardScope | None:
    """The scope of a viewer key: ``("organization",)`` or ``("manager", user id)``."""
    if viewer == ORGANIZATION:
        return organization_scope()
    user = get_user_model().objects.filter(pk=viewer[1]).first()
    return dashboard_scope(user=user) if user is not None else None


def dashboard_context(scope: DashboardScope) -> dict:
    return {"d": dashboard_build(scope=scope)}


def dashboard_keep(viewer: tuple) -> bool:
    """Rebuild and keep the body of ``viewer``'s dashboard now."""
    from readiness.caching import html_keep

    scope = viewer_scope(viewer)
    if scope is None:
        return False
    return html_keep(NAME, *viewer, max_age=settings.READINESS_DASHBOARD_MAX_AGE,
                     render=lambda: render_to_string(TEMPLATE, dashboard_context(scope)))


def dashboard_refresh_later(viewer: tuple) -> None:
    """Queue ``refresh_dashboard`` for ``viewer``; a broker that is down costs only the
    refresh (the page is served anyway)."""
    from assessments.tasks import refresh_dashboard

    try:
        refresh_dashboard.delay(list(viewer))
    except Exception:  # noqa: BLE001 - kombu raises several kinds; the page must not fail
        logger.warning("Could not queue the dashboard refresh of %s", viewer, exc_info=True)
