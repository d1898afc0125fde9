"""Curator-friendly admin for the training catalog, the skill-mapping rules and Learn imports.

What a curator edits here on an imported resource is recorded in ``curated_fields`` (and skill
links they touch become curator links), so the next Microsoft Learn import leaves it alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextInputWidget
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.forms import BaseInlineFormSet, ModelForm, Textarea
from django.http import HttpRequest

from catalog.learn.plan import CURATABLE_FIELDS
from catalog.models import (
    ImportRun,
    LinkOrigin,
    Provider,
    ResourceSkill,
    ResourceSource,
    SkillMappingRule,
    TrainingResource,
)
from readiness.admin.base import ReadOnlyAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What the changelists' querysets annotate (read by the count columns).
class _Resources(TypedDict):
    _resources: int


class _Skills(TypedDict):
    _skills: int


LIST_FIELDS = (
    "curated_fields",
    "learn_levels",
    "learn_roles",
    "learn_products",
    "learn_subjects",
    "children_uids",
)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "preference", "url", "resource_count"]
    list_editable = ["preference"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["preference", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        return super().get_queryset(request).annotate(_resources=Count("resources"))

    @admin.display(description="resources", ordering="_resources")
    def resource_count(self, obj: WithAnnotations[Provider, _Resources]) -> int:
        return obj._resources


class ResourceSkillInline(admin.TabularInline):
    model = ResourceSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "level", "origin"]
    readonly_fields = ["origin"]
    verbose_name = "skill it builds"
    verbose_name_plural = "skills it builds"


class MappedListFilter(admin.SimpleListFilter):
    """The "unmapped" queue: resources no skill points at yet wait for a curator."""

    title = "mapped to skills"
    parameter_name = "mapped"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Mapped"), ("no", "Unmapped")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[TrainingResource]
    ) -> QuerySet[TrainingResource]:
        linked = Exists(ResourceSkill.objects.filter(resource=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(linked)
        if self.value() == "no":
            return queryset.filter(~linked)
        return queryset


@admin.register(TrainingResource)
class TrainingResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "provider", "level", "duration", "skill_count", "is_active"]
    list_filter = [
        "is_active",
        MappedListFilter,
        "kind",
        "provider",
        "level",
        "audiences",
        "source",
        "is_free",
    ]
    list_select_related = ["provider"]
    search_fields = ["title", "url", "external_uid", "summary"]
    filter_horizontal = ["audiences"]
    ordering = ["title"]
    readonly_fields = ["source", "upstream_modified_at", "created_at", "updated_at"]
    inlines = [ResourceSkillInline]
    fieldsets = [
        (None, {"fields": ["title", "url", "kind", "provider", "summary"]}),
        ("Fit", {"fields": ["level", "duration_minutes", "is_free", "audiences", "locale"]}),
        (
            "Curation",
            {"fields": ["is_active", "retired_at", "curator_notes", "curated_fields"]},
        ),
        (
            "Upstream (Microsoft Learn)",
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "external_uid",
                    "upstream_modified_at",
                    "learn_levels",
                    "learn_roles",
                    "learn_products",
                    "learn_subjects",
                    "children_uids",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingResource]:
        return super().get_queryset(request).annotate(_skills=Count("skill_links", distinct=True))

    @admin.display(description="skills", ordering="_skills")
    def skill_count(self, obj: WithAnnotations[TrainingResource, _Skills]) -> int:
        return obj._skills

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        # Titles run long and the list fields hold a handful of names: size the boxes to that.
        if db_field.name == "title":
            kwargs["widget"] = AdminTextInputWidget(attrs={"class": "vLargeTextField"})
        elif db_field.name in LIST_FIELDS:
            kwargs["widget"] = Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: TrainingResource, form: ModelForm, change: bool
    ) -> None:
        if change and obj.source != ResourceSource.MANUAL:
            # A curator's edit of a field an import writes pins it (the importer's own list).
            edited = {name for name in form.changed_data if name in CURATABLE_FIELDS}
            if edited and "curated_fields" not in form.changed_data:
                obj.curated_fields = sorted(set(obj.curated_fields) | edited)
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not ResourceSkill or not formset.has_changed():
            super().save_formset(request, form, formset, change)
            return
        links = formset.save(commit=False)
        for link in links:
            link.origin = LinkOrigin.CURATOR  # a curator's link: imports never touch it
            link.save()
        for link in formset.deleted_objects:
            link.delete()
        resource = form.instance
        if resource.source != ResourceSource.MANUAL and "skills" not in resource.curated_fields:
            resource.curated_fields = sorted({*resource.curated_fields, "skills"})
            resource.save(update_fields=["curated_fields", "updated_at"])

    @admin.display(description="duration", ordering="duration_minutes")
    def duration(self, obj: TrainingResource) -> str:
        minutes = obj.duration_minutes
        if minutes is None:
            return "–"
        hours, rest = divmod(minutes, 60)
        if not hours:
            return f"{rest} min"
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@admin.register(ResourceSkill)
class ResourceSkillAdmin(admin.ModelAdmin):
    list_display = ["resource", "skill", "level", "origin"]
    list_filter = ["origin", "level", "skill__category", "resource__provider"]
    list_select_related = ["resource", "skill"]
    search_fields = ["resource__title", "skill__name"]
    autocomplete_fields = ["resource", "skill"]
    ordering = ["resource__title", "skill__name"]


@admin.register(SkillMappingRule)
class SkillMappingRuleAdmin(admin.ModelAdmin):
    list_display = ["skill", "field", "value", "level_rule", "fixed_level", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active", "field", "level_rule", "skill__category"]
    list_select_related = ["skill"]
    search_fields = ["value", "skill__name"]
    autocomplete_fields = ["skill"]
    ordering = ["skill__name", "field", "value"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Runs are started from the catalog's import page; here they can be read and cleared."""

    list_display = [
        "__str__",
        "source",
        "status",
        "dry_run",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "source", "dry_run"]
    list_select_related = ["requested_by"]
    search_fields = ["file_name", "error", "requested_by__username"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    exclude = ["payload"]

    @admin.display(description="progress")
    def progress(self, obj: ImportRun) -> str:
        return f"{obj.processed} / {obj.total}"

    def has_delete_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        # A run still queued or running is the worker's: deleting it would lose its file.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_finished)
