"""``/dashboard/``: organization readiness for leadership (every team), and for managers the
same page over the teams they manage; its tables as XLSX. Anyone else gets a 403."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from assessments.exports.dashboard import dashboard_xlsx
from assessments.presenters.dashboard import (
    NAME,
    ORGANIZATION,
    TEMPLATE,
    dashboard_context,
    dashboard_refresh_later,
)
from assessments.selectors.dashboard import DashboardScope, dashboard_build, dashboard_scope
from readiness.caching import cached_html
from readiness.permissions import is_leadership
from readiness.selectors import teams_managed_by
from readiness.typed import AuthenticatedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: AuthenticatedHttpRequest) -> DashboardScope:
    scope = dashboard_scope(user=request.user)
    if scope is None:
        raise PermissionDenied("The dashboard is for leadership and team managers.")
    return scope


def _viewer(request: AuthenticatedHttpRequest) -> tuple:
    """Who the dashboard is built for, as a cache key part: one organization-wide page for
    leadership, one per manager. Refuses everyone else before anything is computed."""
    user = request.user
    if is_leadership(user):
        return ORGANIZATION
    managed = tuple(teams_managed_by(user=user).order_by("pk").values_list("pk", flat=True))
    if not managed:
        raise PermissionDenied("The dashboard is for leadership and team managers.")
    # The teams are part of the key: a manager moved to other teams never gets the page of
    # their former ones, not even its recent copy.
    return ("manager", user.pk, managed)


class DashboardView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        viewer = _viewer(request)
        content = cached_html(
            NAME,
            *viewer,
            request=request,
            template_name=TEMPLATE,
            context=lambda: dashboard_context(_scope(request)),
            max_age=settings.READINESS_DASHBOARD_MAX_AGE,
            refresh=lambda: dashboard_refresh_later(viewer),
        )
        return render(request, "assessments/dashboard.html", {"content": content})


def dashboard_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    dashboard = dashboard_build(scope=_scope(request))
    response = HttpResponse(dashboard_xlsx(dashboard), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="readiness-dashboard-{dashboard.today:%Y-%m-%d}.xlsx"'
    )
    return response
