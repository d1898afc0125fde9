"""API of the curators' pages (curators and admins only, as ``catalog.views.curate`` and
``catalog.views.imports``): the mapping rules (the rule form
``catalog.forms.curate.MappingRuleForm`` validates them, ``catalog.services.curate`` saves
them), the unmapped queue (``catalog.selectors.curate.unmapped_resources``) and the import
runs (read only: uploads stay on the import page)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.forms.models import model_to_dict
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.forms.curate import MappingRuleForm
from catalog.models import (
    ImportRun,
    LevelRule,
    MappingField,
    SkillMappingRule,
    TrainingResource,
)
from catalog.selectors.curate import mapping_rules, unmapped_resources
from catalog.selectors.imports import import_runs
from catalog.services.curate import mapping_rule_delete, mapping_rule_save
from readiness.api.locations import created
from readiness.api.people import PersonNameField, PersonRefField
from readiness.api.permissions import IsCurator
from readiness.api.query import query_params
from readiness.api.strict import StrictSerializer
from readiness.models import Level

MAX_ID = 2**31 - 1


# --- Serializers ------------------------------------------------------------------------------


class MappingRuleSerializer(serializers.ModelSerializer):
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = SkillMappingRule
        fields = [
            "id",
            "skill",
            "skill_name",
            "field",
            "value",
            "level_rule",
            "fixed_level",
            "is_active",
        ]
        read_only_fields = fields


class MappingRuleInput(StrictSerializer):
    """The fields of the rule form (``catalog.forms.curate.MappingRuleForm``), which validates them."""

    skill = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An active skill.")
    field = serializers.ChoiceField(choices=MappingField.choices)
    value = serializers.CharField(
        max_length=200, help_text="A Learn id such as azure-openai, or a title word."
    )
    level_rule = serializers.ChoiceField(choices=LevelRule.choices)
    fixed_level = serializers.IntegerField(
        min_value=Level.FOUNDATIONAL,
        max_value=Level.EXPERT,
        required=False,
        allow_null=True,
        help_text="Needed when level_rule is fixed.",
    )
    is_active = serializers.BooleanField(required=False, default=True)


class UnmappedResourceSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = TrainingResource
        fields = [
            "id",
            "title",
            "url",
            "kind",
            "provider",
            "provider_name",
            "external_uid",
            "learn_products",
            "learn_subjects",
            "learn_roles",
            "upstream_modified_at",
        ]
        read_only_fields = fields


class ImportRunSerializer(serializers.ModelSerializer):
    requested_by = PersonRefField(what="who started the run")
    requested_by_name = PersonNameField(source="requested_by", what="who started the run")
    requested_by_username = serializers.CharField(
        source="requested_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source",
            "status",
            "dry_run",
            "retire_missing",
            "file_name",
            "requested_by",
            "requested_by_name",
            "requested_by_username",
            "phase",
            "total",
            "processed",
            "summary",
            "rejections",
            "outcomes",
            "awaiting_confirmation",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "outcomes": {
                "help_text": "What happened to which item, by title: created, updated, "
                "retired and unmapped lists of {id, title, url} (each cut at 500; the "
                "summary has the counts), every id to retire, and how many people's "
                "active plans hold an item to retire (plans)."
            },
            "awaiting_confirmation": {
                "help_text": "A dry run of a whole-catalog file waiting "
                "for a curator to confirm what it retires."
            },
        }


class UnmappedParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# --- Views ------------------------------------------------------------------------------------


def _saved_rule(data: dict, rule: SkillMappingRule | None = None) -> SkillMappingRule:
    form = MappingRuleForm(data=data, instance=rule)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): [e["message"] for e in errs]
                for field, errs in form.errors.get_json_data().items()
            }
        )
    return mapping_rule_save(rule=rule, **form.cleaned_data)


@extend_schema_view(
    create=extend_schema(request=MappingRuleInput, responses={201: MappingRuleSerializer}),
    update=extend_schema(request=MappingRuleInput, responses={200: MappingRuleSerializer}),
    partial_update=extend_schema(
        request=MappingRuleInput,
        responses={200: MappingRuleSerializer},
        description="Change some fields of the rule: the others keep their values; checked "
        "as a PUT.",
    ),
)
class MappingRuleViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The rules that attach imported catalog items to skills (curators and admins). A change
    applies from the next import (or "Apply the rules now" on the rules page)."""

    queryset = SkillMappingRule.objects.none()  # for the schema; see get_queryset
    serializer_class = MappingRuleSerializer
    permission_classes = [IsCurator]
    filter_backends: list = []
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return mapping_rules()

    def perform_destroy(self, instance: SkillMappingRule) -> None:
        mapping_rule_delete(rule=instance)

    def _input(self, request: Request, rule: SkillMappingRule | None = None) -> dict:
        """The input of a PUT or POST; of a PATCH (``rule``), the fields sent over the rule's
        current values — then checked by the rule form as a PUT."""
        data = MappingRuleInput(data=request.data, partial=rule is not None)
        data.is_valid(raise_exception=True)
        current = {} if rule is None else model_to_dict(rule, fields=list(data.fields))
        values = {**current, **data.validated_data}
        if values.get("fixed_level") is None:
            values["fixed_level"] = ""
        return values

    def create(self, request: Request, *args, **kwargs) -> Response:
        rule = _saved_rule(self._input(request))
        rule = self.get_queryset().get(pk=rule.pk)
        return created(request, MappingRuleSerializer(rule).data, "mapping-rule-detail", pk=rule.pk)

    def update(self, request: Request, *args, **kwargs) -> Response:
        rule = self.get_object()
        data = self._input(request, rule if kwargs.get("partial") else None)
        rule = _saved_rule(data, rule=rule)
        rule = self.get_queryset().get(pk=rule.pk)
        return Response(MappingRuleSerializer(rule).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Words of the title, Learn id, product, subject or role (all of them).",
            )
        ]
    )
)
class UnmappedResourceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The unmapped queue: active imported resources that build no skill yet, newest first
    (curators and admins). Map one with ``PUT /resources/{id}/``."""

    queryset = TrainingResource.objects.none()  # for the schema; see get_queryset
    serializer_class = UnmappedResourceSerializer
    permission_classes = [IsCurator]
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return unmapped_resources(q=query_params(UnmappedParams, self.request)["q"])


class ImportRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Catalog import runs, newest first, with their progress, summary and rejections
    (curators and admins; start one on the import page)."""

    queryset = ImportRun.objects.none()  # for the schema; see get_queryset
    serializer_class = ImportRunSerializer
    permission_classes = [IsCurator]
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return import_runs().select_related("requested_by__person")
