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

from assessments.selectors.dashboard import (
    DashboardScope,
    dashboard_build,
    dashboard_scope,
    organization_scope,
)
from readiness.permissions import is_leadership
from readiness.selectors import teams_managed_by

logger = logging.getLogger(__name__)

NAME = "dashboard"
TEMPLATE = "assessments/dashboard_content.html"
ORGANIZATION = ("organization",)


def viewer_scope(viewer: tuple) -> DashboardScope | None:
    """The scope of a viewer key — ``("organization",)``, or ``("manager", user id, the ids
    of the teams they manage)`` — or None when it no longer describes anyone (a manager who
    became leadership or manages other teams now)."""
    if viewer == ORGANIZATION:
        return organization_scope()
    _, user_id, managed = viewer
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or is_leadership(user):
        return None
    now = tuple(teams_managed_by(user=user).order_by("pk").values_list("pk", flat=True))
    if now != tuple(managed):
        return None
    return dashboard_scope(user=user)


def dashboard_context(scope: DashboardScope) -> dict:
    return {"d": dashboard_build(scope=scope)}


def dashboard_keep(viewer: tuple) -> bool:
    """Rebuild and keep the body of ``viewer``'s dashboard now (the data version is read
    before the scope and the figures)."""
    from readiness.caching import html_keep

    def render() -> str | None:
        scope = viewer_scope(viewer)
        return None if scope is None else render_to_string(TEMPLATE, dashboard_context(scope))

    return html_keep(NAME, *viewer, max_age=settings.READINESS_DASHBOARD_MAX_AGE, render=render)


def dashboard_refresh_later(viewer: tuple) -> None:
    """Queue ``refresh_dashboard`` for ``viewer``; a broker that is down costs only the
    refresh (the page is served anyway)."""
    from assessments.tasks import refresh_dashboard

    try:
        refresh_dashboard.delay(
            [list(part) if isinstance(part, tuple) else part for part in viewer]
        )
    except Exception:  # noqa: BLE001 - kombu raises several kinds; the page must not fail
        logger.warning("Could not queue the dashboard refresh of %s", viewer, exc_info=True)
