"""Assessment cycles: reads, creation, opening, closing and completion."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api import filters
from assessments.api.record_serializers import (
    AssessmentCycleInput,
    AssessmentCycleSerializer,
    CycleCompletionSerializer,
)
from assessments.api.views.common import _invalid
from assessments.models import AssessmentCycle
from assessments.selectors.cycles import (
    CycleViewer,
    cycle_team_completion,
    cycle_viewer,
    cycles_completion,
    cycles_visible_to,
)
from assessments.services.cycles import cycle_close, cycle_create, cycle_open
from readiness.api.locations import created
from readiness.api.permissions import LeadershipWriteOrManagerRead
from readiness.models import Audience, ReadinessPlan, Team
from readiness.typed import api_user


@extend_schema_view(
    create=extend_schema(request=AssessmentCycleInput, responses={201: AssessmentCycleSerializer})
)
class AssessmentCycleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Assessment cycles: leadership and admins read and create them; managers read them."""

    queryset = AssessmentCycle.objects.prefetch_related("audiences", "teams")
    serializer_class = AssessmentCycleSerializer
    permission_classes = [LeadershipWriteOrManagerRead]
    filterset_class = filters.AssessmentCycleFilter
    ordering_fields = ["opens_on", "due_on", "id"]
    ordering = ["-opens_on", "name", "id"]

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = AssessmentCycleInput(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = cycle_create(**_cycle_relations(dict(data.validated_data)))
        return created(request, AssessmentCycleSerializer(cycle).data, "cycle-detail", pk=cycle.pk)

    def _visible_cycle(self, *, manage: bool) -> tuple[AssessmentCycle, CycleViewer]:
        """The cycle of the URL as the cycle pages find it (``cycles_visible_to``): refused
        without a viewer (or, to change it, without leadership); 404 when out of reach."""
        viewer = cycle_viewer(user=api_user(self.request))
        if viewer is None or (manage and not viewer.can_manage):
            raise exceptions.PermissionDenied("Only leadership and admins manage cycles.")
        cycles = cycles_visible_to(viewer=viewer).prefetch_related("audiences", "teams")
        return get_object_or_404(cycles, pk=self.kwargs["pk"]), viewer

    @extend_schema(
        request=None,
        responses={200: AssessmentCycleSerializer},
        description="Open a draft cycle (leadership and admins).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="open",
        url_name="open",
        filter_backends=[],
        pagination_class=None,
    )
    def open_cycle(self, request: Request, pk: str | None = None) -> Response:
        cycle, _viewer = self._visible_cycle(manage=True)
        cycle = cycle_open(cycle=cycle)
        return Response(AssessmentCycleSerializer(self.get_queryset().get(pk=cycle.pk)).data)

    @extend_schema(
        request=None,
        responses={200: AssessmentCycleSerializer},
        description="Close the cycle and freeze who was in scope and who submitted "
        "(leadership and admins); closing a closed cycle changes nothing.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="close",
        url_name="close",
        filter_backends=[],
        pagination_class=None,
    )
    def close(self, request: Request, pk: str | None = None) -> Response:
        cycle, _viewer = self._visible_cycle(manage=True)
        cycle = cycle_close(cycle=cycle)
        return Response(AssessmentCycleSerializer(self.get_queryset().get(pk=cycle.pk)).data)

    @extend_schema(responses={200: CycleCompletionSerializer})
    @action(
        detail=True,
        methods=["get"],
        url_path="completion",
        url_name="completion",
        filter_backends=[],
        pagination_class=None,
    )
    def completion(self, request: Request, pk: str | None = None) -> Response:
        """Completion of the cycle, overall and per team (leadership: everybody; a manager:
        the people of the teams they manage)."""
        cycle, viewer = self._visible_cycle(manage=False)
        overall = cycles_completion(cycles=[cycle], viewer=viewer)[cycle.pk]
        teams = [
            {
                "team_id": row.team_id,
                "label": row.label,
                "depth": row.depth,
                "submitted": row.completion.submitted,
                "in_scope": row.completion.in_scope,
                "percent": row.completion.percent,
            }
            for row in cycle_team_completion(cycle=cycle, viewer=viewer)
        ]
        return Response(
            CycleCompletionSerializer({"cycle": cycle, "completion": overall, "teams": teams}).data
        )


def _cycle_relations(values: dict) -> dict:
    """Resolve ids to objects; an unknown id is a field error."""
    errors = {}
    plan = None
    if values.get("plan") is not None:
        plan = ReadinessPlan.objects.filter(pk=values["plan"]).first()
        if plan is None:
            errors["plan"] = ["No such readiness plan."]
    audiences = list(Audience.objects.filter(pk__in=values["audiences"]))
    if len(audiences) != len(set(values["audiences"])):
        errors["audiences"] = ["No such audience."]
    teams = list(Team.objects.filter(pk__in=values["teams"]))
    if len(teams) != len(set(values["teams"])):
        errors["teams"] = ["No such team."]
    if errors:
        raise _invalid(errors)
    return {**values, "plan": plan, "audiences": audiences, "teams": teams}
