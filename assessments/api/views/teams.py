"""The team skill map and the team gaps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import (
    MemberSkillsSerializer,
    ReadinessSerializer,
    SkillGapSerializer,
    TeamGapParams,
)
from assessments.api.views.common import (
    _ordered,
    _page,
    _paginated,
    _params,
    _skill_order,
    _skills,
)
from assessments.selectors import SkillState, people_readiness, skill_readiness, skill_states
from assessments.selectors.teams import team_members, team_shows_members, teams_readable_by
from readiness.api.schema import MEMBERS_REFUSED
from readiness.models import Person, Team
from readiness.typed import api_user


class TeamParams(serializers.Serializer):
    include_subteams = serializers.BooleanField(
        required=False, default=False, help_text="Also the members of every team below."
    )


def _readable_team(request: Request, team_id: int) -> Team:
    """A team whose members the requester may read one by one (the map page's rule), else
    404 (a team they may not read) or 403 (leadership outside their teams: figures only, at
    ``teams/{id}/readiness/``)."""
    team = get_object_or_404(teams_readable_by(user=api_user(request)), pk=team_id)
    if not team_shows_members(user=api_user(request), team=team):
        raise PermissionDenied(
            "Only the team's managers see its members; leadership reads the team's figures "
            "at teams/{id}/readiness/."
        )
    return team


def _members(team: Team, include_subteams: bool) -> QuerySet[Person]:
    if not include_subteams:
        return team_members(team=team).select_related("team")
    return (
        Person.objects.filter(team__path__startswith=team.path, is_active=True)
        .select_related("user", "team", "role")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )


class TeamSkillsView(generics.GenericAPIView):
    """The team skill map: each member with their readiness and every skill state. Paginated
    by member; each page costs the same queries whatever the team's size."""

    serializer_class = MemberSkillsSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[TeamParams],
        responses={200: MemberSkillsSerializer(many=True), 403: MEMBERS_REFUSED},
    )
    def get(self, request: Request, team_id: int) -> Response:
        params = _params(TeamParams, request)
        team = _readable_team(request, team_id)
        page = _page(self, _members(team, params["include_subteams"]))
        people = Person.objects.filter(pk__in=[person.pk for person in page])
        states: dict[int, list[SkillState]] = {person.pk: [] for person in page}
        for state in skill_states(people=people):
            states[state.person_id].append(state)
        readiness = people_readiness(people=people)
        skills = _skills(s.skill_id for rows in states.values() for s in rows)
        rows = [
            {
                "person": person,
                "readiness": ReadinessSerializer.figures(readiness.get(person.pk)),
                "skills": _ordered(states[person.pk], skills, "skill"),
            }
            for person in page
        ]
        data = MemberSkillsSerializer(rows, many=True, context={"skills": skills}).data
        return self.get_paginated_response(data)


class TeamGapsView(generics.GenericAPIView):
    """Skills ranked by total gap across the team (``skill_readiness``)."""

    serializer_class = SkillGapSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[TeamParams, TeamGapParams],
        responses={200: SkillGapSerializer(many=True), 403: MEMBERS_REFUSED},
    )
    def get(self, request: Request, team_id: int) -> Response:
        params = {**_params(TeamParams, request), **_params(TeamGapParams, request)}
        team = _readable_team(request, team_id)
        per_skill = skill_readiness(people=_members(team, params["include_subteams"]))
        skills = _skills(per_skill)
        rows: list[dict[str, Any]] = [
            {"skill": skills[skill_id], "readiness": figures}
            for skill_id, figures in per_skill.items()
            if not params.get("category") or skills[skill_id].category.slug == params["category"]
        ]
        rows.sort(key=lambda row: _skill_order(row["skill"]))
        ordering = params["ordering"]
        if ordering != "skill":
            field = ordering.lstrip("-")
            rows.sort(key=lambda row: getattr(row["readiness"], field), reverse=ordering[0] == "-")
        return _paginated(self, rows, SkillGapSerializer(many=True))
