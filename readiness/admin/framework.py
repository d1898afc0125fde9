"""Admin of audiences and the skills framework (categories, skills, roles, requirements)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from readiness.models import (
    Audience,
    AudienceRequirement,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What the changelists' querysets annotate (read by the count columns).
class _Requirements(TypedDict):
    _requirements: int


class _Skills(TypedDict):
    _skills: int


class _RoleCounts(TypedDict):
    _requirements: int
    _people: int


# --- Audiences and the skills framework -----------------------------------------------------


class AudienceRequirementInline(admin.TabularInline):
    model = AudienceRequirement
    extra = 0
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_everyone", "order", "requirement_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "focus"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]
    inlines = [AudienceRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Audience]:
        return super().get_queryset(request).annotate(_requirements=Count("requirements"))

    @admin.display(description="requirements", ordering="_requirements")
    def requirement_count(self, obj: WithAnnotations[Audience, _Requirements]) -> int:
        return obj._requirements


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "skill_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SkillCategory]:
        return super().get_queryset(request).annotate(_skills=Count("skills"))

    @admin.display(description="skills", ordering="_skills")
    def skill_count(self, obj: WithAnnotations[SkillCategory, _Skills]) -> int:
        return obj._skills


DESCRIPTOR_FIELDS = tuple(f"descriptor_{level}" for level in range(5))


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active", "reassessment_interval_days", "order"]
    list_filter = ["category", "is_active"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["category__order", "category__name", "order", "name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description", "order", "is_active"]}),
        (
            "Level descriptors",
            {
                "description": "What each level looks like for this skill, shown next to the "
                "choices when people rate. Leave one empty to show the scale's generic meaning.",
                "fields": DESCRIPTOR_FIELDS,
            },
        ),
        ("Reassessment", {"fields": ["reassessment_interval_days"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        # Descriptors are sentences: a two-line box reads better than a one-line input.
        if db_field.name in DESCRIPTOR_FIELDS:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "audience", "requirement_count", "people_count"]
    list_filter = ["audience"]
    list_select_related = ["audience"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    inlines = [RoleRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _requirements=Count("requirements", distinct=True),
                _people=Count("people", distinct=True),
            )
        )

    @admin.display(description="requirements", ordering="_requirements")
    def requirement_count(self, obj: WithAnnotations[Role, _RoleCounts]) -> int:
        return obj._requirements

    @admin.display(description="people", ordering="_people")
    def people_count(self, obj: WithAnnotations[Role, _RoleCounts]) -> int:
        return obj._people


@admin.register(RoleRequirement)
class RoleRequirementAdmin(admin.ModelAdmin):
    list_display = ["role", "skill", "target_level", "importance"]
    list_filter = ["importance", "target_level", "role__audience", "skill__category"]
    list_select_related = ["role", "skill"]
    search_fields = ["role__name", "skill__name"]
    autocomplete_fields = ["role", "skill"]
    ordering = ["role__name", "skill__name"]


@admin.register(AudienceRequirement)
class AudienceRequirementAdmin(admin.ModelAdmin):
    list_display = ["audience", "skill", "target_level"]
    list_filter = ["audience", "target_level", "skill__category"]
    list_select_related = ["audience", "skill"]
    search_fields = ["audience__name", "skill__name"]
    autocomplete_fields = ["skill"]
    ordering = ["audience__order", "audience__name", "skill__name"]


# --- Teams and people -----------------------------------------------------------------------
