"""``/dashboard/``: organization readiness for leadership (every team), and for managers the
same page over the teams they manage; its tables as XLSX. Anyone else gets a 403.

Built at each visit from the figures the worker keeps (``services.dashboard``), a few
minutes old at most: the page and the export say as of when."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from assessments.exports.dashboard import dashboard_xlsx
from assessments.presenters.dashboard import FRESHNESS
from assessments.selectors.dashboard import (
    Dashboard,
    DashboardScope,
    dashboard_build,
    dashboard_scope,
)
from assessments.selectors.dashboard.kept import kept_cube
from assessments.services.dashboard import dashboard_figures_current
from readiness.typed import AuthenticatedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: AuthenticatedHttpRequest) -> DashboardScope:
    scope = dashboard_scope(user=request.user)
    if scope is None:
        raise PermissionDenied("The dashboard is for leadership and team managers.")
    return scope


def _dashboard(request: AuthenticatedHttpRequest) -> Dashboard:
    """The viewer's dashboard from the kept figures (computed once if there are none yet)."""
    scope = _scope(request)
    figures = kept_cube(scope=scope, figure_set=dashboard_figures_current())
    return dashboard_build(scope=scope, kept=figures)


class DashboardView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        context = {"d": _dashboard(request), "freshness": FRESHNESS}
        return render(request, "assessments/dashboard.html", context)


def dashboard_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    dashboard = _dashboard(request)
    response = HttpResponse(dashboard_xlsx(dashboard), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="readiness-dashboard-{dashboard.today:%Y-%m-%d}.xlsx"'
    )
    return response
