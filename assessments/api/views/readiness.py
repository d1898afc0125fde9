"""Readiness of a person (and ``/me/``), of teams and of audiences."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import (
    AudienceReadinessSerializer,
    MeSerializer,
    PersonReadinessSerializer,
    ReadinessSerializer,
    TeamReadinessSerializer,
)
from assessments.api.views.common import _figures, _own_person, _page, _visible_person
from assessments.selectors import (
    audiences_hidden,
    group_readiness,
    person_readiness,
    person_reassessment,
)
from assessments.selectors.teams import team_tree_figures
from assessments.services.me import self_assessment_version
from readiness.api.permissions import IsLeadership
from readiness.models import Audience, Person, Team
from readiness.privacy_floor import TOTAL
from readiness.selectors import teams_visible_to
from readiness.typed import api_user


def _person_readiness(person: Person) -> dict:
    return {
        "person": person,
        "readiness": ReadinessSerializer.figures(person_readiness(person=person)),
        "reassessment": person_reassessment(person=person),
    }


class PersonReadinessView(generics.GenericAPIView):
    """A person's readiness and when they are due to reassess."""

    serializer_class = PersonReadinessSerializer

    def get(self, request: Request, person_id: int) -> Response:
        person = _visible_person(request, person_id)
        return Response(PersonReadinessSerializer(_person_readiness(person)).data)


class MeView(generics.GenericAPIView):
    """Who I am, my readiness, my next reassessment, and the version to send with a
    self-assessment."""

    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        person = _own_person(request)
        data = {
            **_person_readiness(person),
            "assessment_version": self_assessment_version(person=person),
        }
        return Response(MeSerializer(data).data)


class TeamReadinessMixin:
    def team_rows(self, request: Request, teams: list[Team]) -> list[dict]:
        """Each team's readiness over its whole sub-tree (``team_tree_figures``): figures of
        teams the requester reaches only as leadership are hidden under the privacy floor,
        as on the team list."""
        if not teams:
            return []
        tree = team_tree_figures(user=api_user(request))
        return [
            {
                "team": team,
                "readiness": _figures(
                    tree.rollup.get(team.pk), hidden=tree.rollup_of(team.pk) is None
                ),
            }
            for team in teams
        ]


class TeamReadinessView(TeamReadinessMixin, generics.GenericAPIView):
    """A team's readiness, including every team below it."""

    serializer_class = TeamReadinessSerializer

    def get(self, request: Request, team_id: int) -> Response:
        team = get_object_or_404(teams_visible_to(user=api_user(request)), pk=team_id)
        return Response(TeamReadinessSerializer(self.team_rows(request, [team])[0]).data)


class TeamReadinessListView(TeamReadinessMixin, generics.ListAPIView):
    """Readiness of every team the person may read, each over its sub-tree."""

    serializer_class = TeamReadinessSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return teams_visible_to(user=api_user(self.request)).order_by("path", "pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        rows = self.team_rows(request, _page(self, self.get_queryset()))
        return self.get_paginated_response(TeamReadinessSerializer(rows, many=True).data)


def _audience_rows(audiences: list[Audience]) -> list[dict]:
    """Readiness per audience (``group_readiness(by="audience")``; Everyone covers every
    active person), under the privacy floor (a leadership view): ``audiences_hidden``."""
    people = Person.objects.filter(is_active=True)
    per_audience = group_readiness(people=people, by="audience") if audiences else {}
    everyone = (
        group_readiness(people=people, by="all").get(0)
        if any(a.is_everyone for a in audiences)
        else None
    )
    hidden = audiences_hidden(per_audience, everyone_ids=[a.pk for a in audiences if a.is_everyone])
    rows = []
    for audience in audiences:
        key = TOTAL if audience.is_everyone else audience.pk
        figures = everyone if audience.is_everyone else per_audience.get(audience.pk)
        rows.append(
            {
                "audience": audience,
                "readiness": _figures(figures, hidden=figures is None or key in hidden),
            }
        )
    return rows


class AudienceReadinessListView(generics.ListAPIView):
    """Readiness per audience (leadership and admins)."""

    serializer_class = AudienceReadinessSerializer
    permission_classes = [IsLeadership]
    filter_backends: list = []
    queryset = Audience.objects.order_by("order", "name", "pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        rows = _audience_rows(_page(self, self.get_queryset()))
        return self.get_paginated_response(AudienceReadinessSerializer(rows, many=True).data)


class AudienceReadinessView(generics.GenericAPIView):
    """One audience's readiness (leadership and admins)."""

    serializer_class = AudienceReadinessSerializer
    permission_classes = [IsLeadership]

    def get(self, request: Request, audience_id: int) -> Response:
        audience = get_object_or_404(Audience, pk=audience_id)
        return Response(AudienceReadinessSerializer(_audience_rows([audience])[0]).data)
