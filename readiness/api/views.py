"""API views of the organization: the skills framework, teams, people and concerns (plans:
``assessments.api.plans``, which needs the plan figures of ``assessments``).

Querysets come from readiness.selectors (the same functions as the pages), so an object a
person cannot see in the browser is a 404 here too.
"""

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.api import filters
from readiness.api.caching import CachedListMixin
from readiness.api.locations import LocationOnCreateMixin, created
from readiness.api.permissions import CuratorWriteOrReadOnly, IsAdmin
from readiness.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenInput,
    ApiTokenSerializer,
    AudienceRequirementSerializer,
    AudienceSerializer,
    ConcernRaiseSerializer,
    ConcernSerializer,
    PersonSerializer,
    RoleRequirementSerializer,
    RoleSerializer,
    ServiceTokenInput,
    SkillCategorySerializer,
    SkillSerializer,
    TeamSerializer,
)
from readiness.concerns import CONCERN_RAISER_RELATED
from readiness.forms.concerns import ConcernForm
from readiness.models import (
    ApiToken,
    Audience,
    AudienceRequirement,
    Concern,
    Person,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from readiness.permissions import is_leadership
from readiness.selectors import people_visible_to, teams_visible_to
from readiness.services import concern_raise
from readiness.tokens import service_token_create, service_tokens, token_create, tokens_of
from readiness.typed import api_user


class CreateUpdateReadViewSet(
    LocationOnCreateMixin,
    CachedListMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read for everyone signed in (lists kept until the data changes); create and update for
    curators (no delete: history and plans point at these objects)."""

    permission_classes = [CuratorWriteOrReadOnly]


# --- The skills framework ---------------------------------------------------------------------


class AudienceViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
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
    """A role's target level on a skill (curators write; everybody reads)."""

    queryset = RoleRequirement.objects.all()
    serializer_class = RoleRequirementSerializer
    filterset_class = filters.RoleRequirementFilter
    ordering_fields = ["role", "skill", "target_level", "id"]
    ordering = ["role", "skill", "id"]


class AudienceRequirementViewSet(mixins.DestroyModelMixin, CreateUpdateReadViewSet):
    """An audience's target level on a skill (curators write; everybody reads)."""

    queryset = AudienceRequirement.objects.all()
    serializer_class = AudienceRequirementSerializer
    filterset_class = filters.AudienceRequirementFilter
    ordering_fields = ["audience", "skill", "target_level", "id"]
    ordering = ["audience", "skill", "id"]


# --- Teams and people -------------------------------------------------------------------------


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Teams the person may read: all for leadership and admins, the sub-trees they manage
    for managers (``readiness.selectors.teams_visible_to``)."""

    queryset = Team.objects.none()  # for the schema; see get_queryset

    serializer_class = TeamSerializer
    filterset_class = filters.TeamFilter
    ordering_fields = ["path", "name", "depth", "id"]
    ordering = ["path", "id"]

    def get_queryset(self) -> QuerySet:
        # The managers with their person records: one query for the page's managers.
        managers = User.objects.select_related("person")
        return teams_visible_to(user=api_user(self.request)).prefetch_related(
            Prefetch("managers", queryset=managers)
        )


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People whose skills the person may read: themself, the people in the teams they manage
    (with sub-teams), everybody for leadership (``readiness.selectors.people_visible_to``)."""

    queryset = Person.objects.none()  # for the schema; see get_queryset

    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["user__last_name", "user__first_name", "start_date", "id"]
    ordering = ["user__last_name", "user__first_name", "id"]

    def get_queryset(self) -> QuerySet:
        return people_visible_to(user=api_user(self.request)).select_related("user", "team", "role")


# --- Plans and concerns -----------------------------------------------------------------------


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

    queryset = Concern.objects.none()  # for the schema; see get_queryset

    serializer_class = ConcernSerializer
    filterset_class = filters.ConcernFilter
    ordering_fields = ["created_at", "status", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        concerns = Concern.objects.select_related(*CONCERN_RAISER_RELATED)
        if is_leadership(self.request.user):
            return concerns
        return concerns.filter(raised_by=api_user(self.request))

    def create(self, request: Request, *args, **kwargs) -> Response:
        # The form of the "raise a concern" page checks the input: the same refusals.
        form = ConcernForm(data=_form_data(request.data, ConcernRaiseSerializer))
        if not form.is_valid():
            raise ValidationError(
                {
                    field: [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        concern = concern_raise(user=api_user(request), **form.cleaned_data)
        body = ConcernSerializer(concern, context=self.get_serializer_context()).data
        return created(request, body, "concern-detail", pk=concern.pk)


def _form_data(data: object, serializer_class: type) -> dict:
    """The request's values of the serializer's fields, as a form's ``data`` (a form takes no
    JSON: anything but a mapping is no data at all)."""
    if not hasattr(data, "get"):
        return {}
    fields = serializer_class().fields
    return {name: data.get(name) for name in fields if data.get(name) is not None}


# --- API tokens -------------------------------------------------------------------------------


class TokenViewSetBase(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "token_key"
    lookup_value_regex = r"[A-Za-z0-9_]+"
    serializer_class = ApiTokenSerializer
    filterset_fields = ["name"]
    ordering_fields = ["created", "expiry", "name"]
    ordering = ["-created", "token_key"]

    def perform_destroy(self, instance: ApiToken) -> None:
        # Every token with that key (there is practically one) goes.
        self.get_queryset().filter(token_key=instance.token_key).delete()

    def get_object(self) -> ApiToken:
        token = self.get_queryset().filter(token_key=self.kwargs["token_key"]).first()
        if token is None:
            raise NotFound("No such token.")
        return token


@extend_schema_view(
    create=extend_schema(request=ApiTokenInput, responses={201: ApiTokenCreatedSerializer}),
    destroy=extend_schema(description="Revoke one of my tokens."),
)
class ApiTokenViewSet(mixins.CreateModelMixin, TokenViewSetBase):
    """My API tokens: list, create (the secret is returned once) and revoke."""

    queryset = ApiToken.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet:
        return tokens_of(user=api_user(self.request)).select_related("user")

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ApiTokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = token_create(user=api_user(request), **data.validated_data)
        token.token = secret
        return created(
            request,
            ApiTokenCreatedSerializer(token).data,
            "token-detail",
            token_key=token.token_key,
        )


@extend_schema_view(
    create=extend_schema(request=ServiceTokenInput, responses={201: ApiTokenCreatedSerializer}),
    destroy=extend_schema(description="Revoke a service token."),
)
class ServiceTokenViewSet(mixins.CreateModelMixin, TokenViewSetBase):
    """Service tokens for integrations (admins): each acts as its service account; the HR
    upsert right belongs to the token."""

    queryset = ApiToken.objects.none()  # for the schema; see get_queryset

    permission_classes = [IsAdmin]

    def get_queryset(self) -> QuerySet:
        return service_tokens()

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ServiceTokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = service_token_create(admin=api_user(request), **data.validated_data)
        token.token = secret
        return created(
            request,
            ApiTokenCreatedSerializer(token).data,
            "service-token-detail",
            token_key=token.token_key,
        )
