"""A team's certification coverage (the figures of its Certifications page)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.selectors.certifications import team_certification_coverage
from assessments.selectors.teams import team_members, team_shows_members, teams_readable_by
from readiness.typed import api_user


class CoverageFiguresSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The certification, as people's records name it.")
    held = serializers.IntegerField(help_text="Members holding it (not expired).")
    expiring = serializers.IntegerField(
        help_text="Of those, members whose certification expires within "
        "CERTIFICATION_COVERAGE_DAYS (90 by default)."
    )
    lapsed = serializers.IntegerField(help_text="Members whose certification has expired.")


class TeamCoverageSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text="Active direct members of the team.")
    hidden = serializers.BooleanField(
        help_text="The figures are withheld under the privacy floor (leadership outside the "
        "team); `certifications` is then empty."
    )
    certifications = CoverageFiguresSerializer(many=True, source="figures")


class TeamCertificationsView(generics.GenericAPIView):
    """How many of the team's direct members hold each certification, how many of those
    expire soon, and how many lapsed: for the team's managers, and for leadership under the
    privacy floor. Four queries plus the privacy decision, whatever the team's size."""

    serializer_class = TeamCoverageSerializer
    filter_backends: list = []

    @extend_schema(responses={200: TeamCoverageSerializer})
    def get(self, request: Request, team_id: int) -> Response:
        user = api_user(request)
        team = get_object_or_404(teams_readable_by(user=user), pk=team_id)
        coverage = team_certification_coverage(
            user=user,
            team=team,
            members=list(team_members(team=team)),
            shows_members=team_shows_members(user=user, team=team),
        )
        return Response(TeamCoverageSerializer(coverage).data)
