"""API views of the training catalog: everyone reads active resources; curators and admins
create and update resources (with their skill mappings, through ``catalog.services.curate``) and
providers."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api.filters import TrainingResourceFilter
from catalog.api.serializers import (
    CertificationSerializer,
    ProviderSerializer,
    TrainingResourceInput,
    TrainingResourceSerializer,
)
from catalog.certifications.models import Certification, CertificationSkill
from catalog.models import Provider, ResourceSkill, TrainingResource
from catalog.services.curate import resource_save
from readiness.api.caching import CachedListMixin
from readiness.api.locations import created
from readiness.api.permissions import CuratorWriteOrReadOnly
from readiness.api.views import CreateUpdateReadViewSet
from readiness.models import Audience, Skill
from readiness.permissions import is_curator

#: Resource fields a curator sets directly (the rest are relations or bookkeeping).
_PLAIN_FIELDS = [
    "title",
    "url",
    "kind",
    "summary",
    "duration_minutes",
    "level",
    "is_free",
    "locale",
    "is_active",
    "curator_notes",
]


class ProviderViewSet(CreateUpdateReadViewSet):
    queryset = Provider.objects.all()
    serializer_class = ProviderSerializer
    filterset_fields = ["slug"]
    ordering_fields = ["preference", "name", "id"]
    ordering = ["preference", "name", "id"]


_WRITE_DOC: dict[str, Any] = {
    "request": TrainingResourceInput,
    "responses": {200: TrainingResourceSerializer},
}


@extend_schema_view(
    create=extend_schema(
        request=TrainingResourceInput, responses={201: TrainingResourceSerializer}
    ),
    update=extend_schema(**_WRITE_DOC),
    partial_update=extend_schema(**_WRITE_DOC),
)
class TrainingResourceViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Training resources with the skills each builds and to what level. Retired resources
    are listed for curators only (``?is_active=false``)."""

    serializer_class = TrainingResourceSerializer
    permission_classes = [CuratorWriteOrReadOnly]
    filterset_class = TrainingResourceFilter
    ordering_fields = ["title", "duration_minutes", "level", "created_at", "id"]
    ordering = ["title", "id"]

    def get_queryset(self) -> QuerySet:
        resources = TrainingResource.objects.select_related("provider").prefetch_related(
            "audiences",
            Prefetch("skill_links", queryset=ResourceSkill.objects.order_by("skill_id")),
        )
        if not is_curator(self.request.user):
            resources = resources.filter(is_active=True)
        return resources

    def create(self, request: Request, *args, **kwargs) -> Response:
        resource = self._save(request, TrainingResource(), partial=False)
        return created(request, self._out(resource), "resource-detail", pk=resource.pk)

    def update(self, request: Request, *args, **kwargs) -> Response:
        resource = self._save(request, self.get_object(), partial=kwargs.get("partial", False))
        return Response(self._out(resource))

    def _out(self, resource: TrainingResource) -> dict:
        return TrainingResourceSerializer(self.get_queryset().get(pk=resource.pk)).data

    def _save(
        self, request: Request, resource: TrainingResource, *, partial: bool
    ) -> TrainingResource:
        data = TrainingResourceInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        errors: dict = {}
        for field in _PLAIN_FIELDS:
            if field in values:
                setattr(resource, field, values[field])
        if "provider" in values:
            provider = Provider.objects.filter(pk=values["provider"]).first()
            if provider is None:
                errors["provider"] = ["No such provider."]
            else:
                resource.provider = provider
        audiences = None
        if "audiences" in values:
            audiences = list(Audience.objects.filter(pk__in=values["audiences"]))
            if len(audiences) != len(set(values["audiences"])):
                errors["audiences"] = ["No such audience."]
        skill_levels = None
        if "skills" in values:
            skill_levels, skill_errors = _skill_levels(values["skills"])
            if skill_errors:
                errors["skills"] = skill_errors
        if errors:
            raise ValidationError(errors)
        if audiences is None:
            audiences = list(resource.audiences.all()) if resource.pk else []
        touched = [name for name in values if name != "provider"]
        return resource_save(
            resource=resource, audiences=audiences, skill_levels=skill_levels, touched=touched
        )


def _skill_levels(entries: list[dict]) -> tuple[dict[Skill, int], dict[int, dict]]:
    """Resolve skill ids and check each level the way the model does (1–4); errors are keyed
    by the index of the entry, as DRF keys the errors of a list."""
    skills = Skill.objects.in_bulk({entry["skill"] for entry in entries})
    level_field = ResourceSkill._meta.get_field("level")
    levels: dict[Skill, int] = {}
    errors: dict[int, dict] = {}
    for index, entry in enumerate(entries):
        problems: dict = {}
        skill = skills.get(entry["skill"])
        if skill is None:
            problems["skill"] = ["This skill is not in the skills framework."]
        try:
            level_field.clean(entry["level"], None)
        except DjangoValidationError as error:
            problems["level"] = error.messages
        if skill is not None and skill in levels:
            problems["skill"] = ["This skill is listed twice."]
        if problems:
            errors[index] = problems
        elif skill is not None:  # always, without problems
            levels[skill] = entry["level"]
    return levels, errors


class CertificationViewSet(CachedListMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Curated certifications with the skills and levels each evidences. Curators switch
    ``counts_as_rating``: on, a holder's trusted certification rates those skills as a manager
    would while it is active (README "The rules"); off, it is evidence beside the ratings."""

    queryset = Certification.objects.select_related("provider").prefetch_related(
        Prefetch("skill_links", queryset=CertificationSkill.objects.order_by("skill_id"))
    )
    serializer_class = CertificationSerializer
    permission_classes = [CuratorWriteOrReadOnly]
    filterset_fields = ["counts_as_rating", "is_active"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
