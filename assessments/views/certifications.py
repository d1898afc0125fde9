"""Certification coverage pages: ``/teams/<id>/certifications/`` (a team's members and what
they hold; for leadership outside the team, its figures only, under the privacy floor) and
``/dashboard/certifications/`` (per audience, over the viewer's dashboard scope)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from assessments.presenters.certifications import audience_coverage_rows
from assessments.selectors.certifications import (
    audience_certification_coverage,
    team_certification_coverage,
    team_certification_members,
)
from assessments.selectors.dashboard import dashboard_scope
from assessments.selectors.teams import team_members
from assessments.views.teams import TeamAccessMixin
from readiness.privacy_floor import min_people
from readiness.typed import AuthenticatedHttpRequest


class TeamCertificationsView(TeamAccessMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        members = list(team_members(team=team))
        context = {
            "team": team,
            "can_edit": self.can_edit,
            "figures_only": not self.shows_members,
            "horizon_days": settings.CERTIFICATION_COVERAGE_DAYS,
            "min_people": min_people(),
            "member_count": len(members),
        }
        coverage = team_certification_coverage(
            user=request.user, team=team, members=members, shows_members=self.shows_members
        )
        context["hidden"] = coverage.hidden
        context["figures"] = coverage.figures
        if self.shows_members:
            context["members"] = team_certification_members(members=members)
            context["links_people"] = self.links_people  # decided with the access
        return render(request, "assessments/team_certifications.html", context)


class DashboardCertificationsView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        scope = dashboard_scope(user=request.user)
        if scope is None:
            raise PermissionDenied("The dashboard is for leadership and team managers.")
        coverage = audience_certification_coverage(people=scope.people)
        return render(
            request,
            "assessments/dashboard_certifications.html",
            {
                "scope": scope,
                "groups": audience_coverage_rows(coverage, leadership=scope.leadership),
                "horizon_days": settings.CERTIFICATION_COVERAGE_DAYS,
                "min_people": min_people(),
            },
        )
