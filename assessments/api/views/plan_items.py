"""Learning-plan items: reads, adding, assigning and moving them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api import filters
from assessments.api.examples import ASSIGN_EXAMPLES, PLAN_ITEM_ADD_EXAMPLES, TRANSITION_EXAMPLES
from assessments.api.record_serializers import (
    PlanItemAddInput,
    PlanItemAssignInput,
    PlanItemAssignResultSerializer,
    PlanItemSerializer,
    PlanItemTransitionInput,
)
from assessments.api.views.common import _invalid, _own_person
from assessments.models import LearningPlanItem
from assessments.selectors.teams import team_members, teams_readable_by
from assessments.services.me import plan_item_add, plan_item_transition
from assessments.services.teams import team_resource_assign
from catalog.models import TrainingResource
from readiness.api.locations import created
from readiness.api.schema import NO_PERSON_RECORD
from readiness.models import Skill, Team
from readiness.permissions import is_admin, is_manager
from readiness.selectors import people_visible_to
from readiness.typed import api_user


@extend_schema_view(
    create=extend_schema(
        request=PlanItemAddInput,
        responses={201: PlanItemSerializer, 200: PlanItemSerializer, 404: NO_PERSON_RECORD},
        examples=PLAN_ITEM_ADD_EXAMPLES,
        description="Add a resource to my learning plan (200 when it already was in it).",
    )
)
class PlanItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Learning-plan items of the people the requester may read: their own, and for managers
    their people's (with who assigned each)."""

    queryset = LearningPlanItem.objects.none()  # for the schema; see get_queryset

    serializer_class = PlanItemSerializer
    filterset_class = filters.PlanItemFilter
    ordering_fields = ["due_date", "created_at", "status", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return LearningPlanItem.objects.filter(
            person__in=people_visible_to(user=api_user(self.request))
        ).select_related("resource", "assigned_by__person")

    def create(self, request: Request, *args, **kwargs) -> Response:
        person = _own_person(request)
        data = PlanItemAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        resource = _resource(data.validated_data["resource"])
        skill_id = data.validated_data["skill"]
        skill = Skill.objects.filter(pk=skill_id, is_active=True).first() if skill_id else None
        if skill_id and skill is None:
            raise _invalid({"skill": ["This skill is not in the skills framework."]})
        item, is_new = plan_item_add(
            person=person, resource=resource, skill=skill, due_date=data.validated_data["due_date"]
        )
        if not is_new:
            return Response(PlanItemSerializer(item).data)
        return created(request, PlanItemSerializer(item).data, "plan-item-detail", pk=item.pk)

    @extend_schema(
        request=PlanItemAssignInput,
        responses={201: PlanItemAssignResultSerializer, 200: PlanItemAssignResultSerializer},
        examples=ASSIGN_EXAMPLES,
        description="Assign a resource to members of a team you manage, with a due date (as "
        "the team gaps page does): 201 when it created plan items, 200 when it created none "
        "(a repeat moves due dates only). Who manages no team: 403.",
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request: Request) -> Response:
        if not (is_manager(request.user) or is_admin(request.user)):
            # A refusal by role, whatever the body says (a manager naming a team they do not
            # manage is a 400 at "team": it does not tell whether that team exists).
            raise exceptions.PermissionDenied("Only team managers assign learning.")
        data = PlanItemAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = Team.objects.filter(
            pk__in=teams_readable_by(user=api_user(request)).values("pk"),
            pk=data.validated_data["team"],
        ).first()
        if team is None:
            raise _invalid({"team": ["Choose a team you manage."]})
        resource = _resource(data.validated_data["resource"])
        people = list(team_members(team=team).filter(pk__in=data.validated_data["people"]))
        if len(people) != len(set(data.validated_data["people"])):
            raise _invalid({"people": [f"Only members of {team.name} can be assigned."]})
        try:
            result = team_resource_assign(
                manager=api_user(request),
                team=team,
                resource=resource,
                people=people,
                due_date=data.validated_data["due_date"],
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        body = PlanItemAssignResultSerializer(
            {"created": result.created, "updated": result.updated}
        ).data
        if not result.created:
            return Response(body)  # nothing new: a repeat, or only due dates moved
        return created(
            request, body, "plan-item-list", query={"resource": resource.pk, "assigned": "true"}
        )

    @extend_schema(
        request=PlanItemTransitionInput,
        responses={200: PlanItemSerializer},
        examples=TRANSITION_EXAMPLES,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Plan, start, complete or drop one of my own plan items."""
        item = self.get_object()
        if item.person.user_id != request.user.pk:
            raise exceptions.PermissionDenied("Only the person themself moves their plan items.")
        data = PlanItemTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = plan_item_transition(item=item, action=data.validated_data["action"])
        return Response(PlanItemSerializer(item).data)

    def get_object(self) -> LearningPlanItem:
        queryset = self.get_queryset().select_related("person")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


def _resource(resource_id: int) -> TrainingResource:
    resource = TrainingResource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise _invalid({"resource": ["No such training resource."]})
    return resource
