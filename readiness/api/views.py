"""API views of the organization: the skills framework, teams, people, plans and concerns.

Querysets come from readiness.selectors (the same functions as the pages), so an object a
person cannot see in the browser is a 404 here too.
"""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.api import filters
from readiness.api.permissions import CuratorWriteOrReadOnly, IsLeadership
from readiness.api.serializers import (
    AudienceRequirementSerializer,
    AudienceSerializer,
    ConcernRaiseSerializer,
    ConcernSerializer,
    PersonSerializer,
    ReadinessPlanSerializer,
    RoleRequirementSerializer,
    RoleSerializer,
    SkillCategorySerializer,
    SkillSerializer,
    TeamSerializer,
)
from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
)
from readiness.permissions import is_leadership
from readiness.selectors import people_visible_to, teams_visible_to
from readiness.services import concern_raise


class CreateUpdateReadViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read for everyone signed in; create and update for curators (no delete: history and
    plans point at these objects)."""

    permission_classes = [CuratorWriteOrReadOnly]


# --- The skills framework ---------------------------------------------------------------------


class AudienceViewSet(viewsets.ReadOnlyModelViewSet):
    """The four audiences of the guidance (seeded; changed in the Django admin)."""

    queryset = Audience.objects.all()
    serializer_class = AudienceSerializer
    filterset_fields = ["is_everyone"]
    ordering_fields = ["order", "name", "id"]
    ordering = ["order", "name", "id"]


class SkillCategoryViewSet(CreateUpdateReadViewSet):
    queryset = SkillCategory.objects.all()
    serializer_class = SkillCategorySerializer
    filterset_fields = ["slug"]
    ordering_fields = ["order", "name", "id"]
    ordering = ["order", "name", "id"]


class SkillViewSet(CreateUpdateReadViewSet):
    queryset = Skill.objects.select_related("category")
    serializer_class = SkillSerializer
    filterset_class = filters.SkillFilter
    ordering_fields = ["name", "order", "id", "category__order"]
    ordering = ["category__order", "order", "name", "id"]


class RoleViewSet(CreateUpdateReadViewSet):
    queryset = Role.objects.prefetch_related(
        Prefetch("requirements", queryset=RoleRequirement.objects.order_by("skill_id", "id"))
    )
    serializer_class = RoleSerializer
    filterset_class = filters.RoleFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]


class RoleRequirementViewSet(mixins.DestroyModelMixin, CreateUpdateReadViewSet):
    queryset = RoleRequirement.objects.all()
    serializer_class = RoleRequirementSerializer
    filterset_class = filters.RoleRequirementFilter
    ordering_fields = ["role", "skill", "target_level", "id"]
    ordering = ["role", "skill", "id"]


class AudienceRequirementViewSet(mixins.DestroyModelMixin, CreateUpdateReadViewSet):
    queryset = AudienceRequirement.objects.all()
    serializer_class = AudienceRequirementSerializer
    filterset_class = filters.AudienceRequirementFilter
    ordering_fields = ["audience", "skill", "target_level", "id"]
    ordering = ["audience", "skill", "id"]


# --- Teams and people -------------------------------------------------------------------------


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Teams the person may read: all for leadership and admins, the sub-trees they manage
    for managers (``readiness.selectors.teams_visible_to``)."""

    serializer_class = TeamSerializer
    filterset_class = filters.TeamFilter
    ordering_fields = ["path", "name", "depth", "id"]
    ordering = ["path", "id"]

    def get_queryset(self) -> QuerySet:
        return teams_visible_to(user=self.request.user).prefetch_related("managers")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People whose skills the person may read: themself, the people in the teams they manage
    (with sub-teams), everybody for leadership (``readiness.selectors.people_visible_to``)."""

    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["user__last_name", "user__first_name", "start_date", "id"]
    ordering = ["user__last_name", "user__first_name", "id"]

    def get_queryset(self) -> QuerySet:
        return people_visible_to(user=self.request.user).select_related("user", "team", "role")


# --- Plans and concerns -----------------------------------------------------------------------


class ReadinessPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Readiness plans with their goals and partner teams (leadership and admins)."""

    queryset = ReadinessPlan.objects.prefetch_related("goals", "partners")
    serializer_class = ReadinessPlanSerializer
    permission_classes = [IsLeadership]
    filterset_class = filters.ReadinessPlanFilter
    ordering_fields = ["start_date", "target_date", "name", "id"]
    ordering = ["-start_date", "name", "id"]


@extend_schema_view(
    create=extend_schema(
        request=ConcernRaiseSerializer,
        responses={201: ConcernSerializer},
        description="Raise a concern about the generative-AI rollout; it lands in the concerns "
        "register of the active readiness plan.",
    )
)
class ConcernViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Concerns: leadership and admins read the whole register; everybody else reads the
    concerns they raised, and anybody may raise one."""

    serializer_class = ConcernSerializer
    filterset_class = filters.ConcernFilter
    ordering_fields = ["created_at", "status", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        concerns = Concern.objects.all()
        if is_leadership(self.request.user):
            return concerns
        return concerns.filter(raised_by=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ConcernRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        concern = concern_raise(user=request.user, **data.validated_data)
        return Response(
            ConcernSerializer(concern, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
